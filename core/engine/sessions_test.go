package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var st0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// browseEngine holds four sessions:
//
//	a  claude   titled          May 1 09:00 – May 1 09:02
//	b  chatgpt  untitled, long  May 3 10:00 – May 4 10:00
//	c  claude   untitled        May 5 08:00 (same last time as d)
//	d  gemini   assistant only  May 5 08:00
func browseEngine(t *testing.T) *Engine {
	e := New()
	long := "Can you help me   plan a week-long hiking trip through the Scottish Highlands with my two teenage kids next summer?"
	_, err := e.Ingest([]model.Session{
		{ID: "a", Site: "claude", Title: "Sourdough troubleshooting"},
		{ID: "b", Site: "chatgpt"},
		{ID: "c", Site: "claude"},
		{ID: "d", Site: "gemini"},
	}, []model.Turn{
		{ID: "a1", Session: "a", Role: model.RoleUser, Text: "My starter smells like acetone.", Time: st0},
		{ID: "a2", Session: "a", Role: model.RoleAssistant, Text: "Feed it more often.", Time: st0.Add(time.Minute)},
		{ID: "a3", Session: "a", Role: model.RoleUser, Text: "Thanks!", Time: st0.Add(2 * time.Minute)},
		{ID: "b2", Session: "b", Role: model.RoleAssistant, Text: "Sure — the West Highland Way is a classic.", Time: st0.AddDate(0, 0, 3)},
		{ID: "b1", Session: "b", Role: model.RoleUser, Text: long, Time: st0.AddDate(0, 0, 2).Add(time.Hour)},
		{ID: "c1", Session: "c", Role: model.RoleUser, Text: "Short question about Go generics", Time: st0.AddDate(0, 0, 4).Add(-time.Hour)},
		{ID: "d1", Session: "d", Role: model.RoleAssistant, Text: "Hello from the assistant.", Time: st0.AddDate(0, 0, 4).Add(-time.Hour)},
	})
	require.NoError(t, err)
	return e
}

func sessionIDs(l SessionList) []string {
	var out []string
	for _, s := range l.Sessions {
		out = append(out, s.ID)
	}
	return out
}

func list(t *testing.T, e *Engine, f SessionFilter) SessionList {
	t.Helper()
	l, err := e.Sessions(f)
	require.NoError(t, err)
	return l
}

func limit(n int) *int { return &n }

func TestSessionsNewestFirstWithIDTieBreak(t *testing.T) {
	e := browseEngine(t)
	l := list(t, e, SessionFilter{})
	assert.Equal(t, []string{"c", "d", "b", "a"}, sessionIDs(l))
	assert.Equal(t, 4, l.Total)
	b := l.Sessions[2]
	assert.Equal(t, SessionSummary{ID: "b", Site: "chatgpt", Title: b.Title, Start: st0.AddDate(0, 0, 2).Add(time.Hour),
		Last: st0.AddDate(0, 0, 3), Turns: 2, UserTurns: 1}, b)
	a := l.Sessions[3]
	assert.Equal(t, "Sourdough troubleshooting", a.Title, "a real title wins")
	assert.Equal(t, 3, a.Turns)
	assert.Equal(t, 2, a.UserTurns)
	assert.Equal(t, st0.Add(2*time.Minute), a.Last)
}

func TestSessionsTitleFallback(t *testing.T) {
	e := browseEngine(t)
	got := map[string]string{}
	for _, s := range list(t, e, SessionFilter{}).Sessions {
		got[s.ID] = s.Title
	}
	assert.Equal(t, "Short question about Go generics", got["c"], "a short first user turn is the title as is")
	assert.Equal(t, "", got["d"], "no user turn, no title")
	assert.Equal(t, "Can you help me plan a week-long hiking trip through the Scottish Highlands with…", got["b"])
	assert.LessOrEqual(t, len([]rune(got["b"])), titleRunes+1)

	assert.Equal(t, strings.Repeat("x", titleRunes)+"…", fallbackTitle(strings.Repeat("x", 200)), "no space: cut hard")
	assert.Equal(t, "one two", fallbackTitle(" one\n\ttwo "))
	assert.Equal(t, strings.Repeat("é", titleRunes), fallbackTitle(strings.Repeat("é", titleRunes)), "runes, not bytes")
}

func TestSessionsFilters(t *testing.T) {
	e := browseEngine(t)
	for _, tc := range []struct {
		name string
		f    SessionFilter
		want []string
	}{
		{"site", SessionFilter{Site: "claude"}, []string{"c", "a"}},
		{"site is exact", SessionFilter{Site: "Claude"}, nil},
		{"from overlaps the span's end", SessionFilter{From: st0.AddDate(0, 0, 3)}, []string{"c", "d", "b"}},
		{"to is exclusive", SessionFilter{To: st0.AddDate(0, 0, 2).Add(time.Hour)}, []string{"a"}},
		{"window inside a span", SessionFilter{From: st0.AddDate(0, 0, 2).Add(2 * time.Hour), To: st0.AddDate(0, 0, 2).Add(3 * time.Hour)}, []string{"b"}},
		{"query in a turn, any case", SessionFilter{Query: "ACETONE"}, []string{"a"}},
		{"query in a title", SessionFilter{Query: "troubleshoot"}, []string{"a"}},
		{"query in an assistant turn", SessionFilter{Query: "west highland"}, []string{"b"}},
		{"query and site", SessionFilter{Query: "go", Site: "claude"}, []string{"c"}},
		{"nothing", SessionFilter{Query: "zebra"}, nil},
	} {
		l := list(t, e, tc.f)
		assert.Equal(t, tc.want, sessionIDs(l), tc.name)
		assert.Equal(t, len(tc.want), l.Total, tc.name)
		assert.NotNil(t, l.Sessions, "an empty page is [], not null")
	}
}

func TestSessionsPaging(t *testing.T) {
	e := browseEngine(t)
	l := list(t, e, SessionFilter{Page: Page{Limit: limit(2), Offset: 1}})
	assert.Equal(t, []string{"d", "b"}, sessionIDs(l))
	assert.Equal(t, 4, l.Total, "total counts every match, not the page")
	l = list(t, e, SessionFilter{Page: Page{Limit: limit(2), Offset: 3}})
	assert.Equal(t, []string{"a"}, sessionIDs(l))
	l = list(t, e, SessionFilter{Page: Page{Offset: 99}})
	assert.Empty(t, l.Sessions)
	assert.Equal(t, 4, l.Total)
}

func TestSessionsBadRequests(t *testing.T) {
	e := browseEngine(t)
	for _, tc := range []struct {
		f   SessionFilter
		msg string
	}{
		{SessionFilter{Page: Page{Limit: limit(0)}}, "limit must be between 1 and 500, got 0"},
		{SessionFilter{Page: Page{Limit: limit(501)}}, "got 501"},
		{SessionFilter{Page: Page{Limit: limit(-1)}}, "got -1"},
		{SessionFilter{Page: Page{Offset: -1}}, "offset"},
		{SessionFilter{From: st0, To: st0}, "from"},
		{SessionFilter{Query: strings.Repeat("q", MaxSessionQueryBytes+1)}, "query"},
	} {
		_, err := e.Sessions(tc.f)
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrInvalid), err)
		assert.Contains(t, err.Error(), tc.msg)
	}
	_, err := e.Session(SessionGet{ID: "a", Page: Page{Limit: limit(501)}})
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = e.Session(SessionGet{ID: "a", Page: Page{Offset: -2}})
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestSessionGet(t *testing.T) {
	e := browseEngine(t)
	d, err := e.Session(SessionGet{ID: "b"})
	require.NoError(t, err)
	assert.Equal(t, "b", d.Session.ID)
	assert.Equal(t, 2, d.Session.Turns)
	require.Len(t, d.Turns, 2)
	assert.Equal(t, SessionTurn{ID: "b1", Role: model.RoleUser, Text: d.Turns[0].Text, Time: st0.AddDate(0, 0, 2).Add(time.Hour)}, d.Turns[0])
	assert.Equal(t, "b2", d.Turns[1].ID, "time order, not ingest order")

	d, err = e.Session(SessionGet{ID: "a", Page: Page{Limit: limit(1), Offset: 1}})
	require.NoError(t, err)
	require.Len(t, d.Turns, 1)
	assert.Equal(t, "a2", d.Turns[0].ID)
	assert.Equal(t, 3, d.Session.Turns)

	_, err = e.Session(SessionGet{ID: "nope"})
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorContains(t, err, `"nope"`)
}

func TestSessionsFollowForget(t *testing.T) {
	e := browseEngine(t)
	require.NoError(t, e.ForgetTurn("b2"))
	l := list(t, e, SessionFilter{Site: "chatgpt"})
	require.Len(t, l.Sessions, 1)
	assert.Equal(t, 1, l.Sessions[0].Turns)
	assert.Equal(t, st0.AddDate(0, 0, 2).Add(time.Hour), l.Sessions[0].Last)
	assert.Empty(t, sessionIDs(list(t, e, SessionFilter{Query: "west highland"})))
	require.NoError(t, e.ForgetSession("a"))
	_, err := e.Session(SessionGet{ID: "a"})
	assert.ErrorIs(t, err, ErrNotFound)
}
