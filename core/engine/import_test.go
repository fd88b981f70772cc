package engine

import (
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var it0 = time.Date(2024, 6, 1, 18, 0, 0, 0, time.UTC)

// liveEngine holds one conversation captured live on chatgpt.com: what
// the extension stores (page text, markdown rendered away, device time).
func liveEngine(t *testing.T) *Engine {
	e := New()
	_, err := e.Ingest([]model.Session{{ID: "chatgpt.com:p-1a2b", Site: "chatgpt.com"}}, []model.Turn{
		{ID: "chatgpt.com:p-1a2b:u-1", Session: "chatgpt.com:p-1a2b", Role: model.RoleUser, Text: "I live in Ghent and I want to plan a weekend trip to the coast.", Time: it0.Add(2 * time.Hour)},
		{ID: "chatgpt.com:p-1a2b:a-1", Session: "chatgpt.com:p-1a2b", Role: model.RoleAssistant, Text: "Great idea!\nDay one: take the train to Ostend.", Time: it0.Add(2*time.Hour + 10*time.Second)},
		{ID: "chatgpt.com:p-1a2b:u-2", Session: "chatgpt.com:p-1a2b", Role: model.RoleUser, Text: "thanks", Time: it0.Add(2*time.Hour + time.Minute)},
	})
	require.NoError(t, err)
	return e
}

// export is the same conversation as ChatGPT's export has it (server times,
// markdown), with an earlier exchange the extension never saw.
func export() ([]model.Session, []model.Turn) {
	s := model.Session{ID: "chatgpt.com:c1", Site: "chatgpt.com", Title: "Coast trip", Start: it0}
	turn := func(id string, role model.Role, text string, d time.Duration) model.Turn {
		return model.Turn{ID: s.ID + ":" + id, Session: s.ID, Role: role, Text: text, Time: it0.Add(d)}
	}
	return []model.Session{s}, []model.Turn{
		turn("m0", model.RoleUser, "What's the weather like on the Belgian coast in June?", 0),
		turn("m0r", model.RoleAssistant, "Mild, around 20 °C.", time.Second),
		turn("m1", model.RoleUser, "I live in Ghent and I want to plan a weekend trip to the coast.", time.Minute),
		turn("m2", model.RoleAssistant, "**Great idea!**\n\n*Day one*: take the train to Ostend.", time.Minute+5*time.Second),
		turn("m3", model.RoleUser, "thanks", 2*time.Minute),
	}
}

func stageAll(t *testing.T, e *Engine, ss []model.Session, ts []model.Turn, mem ...string) ImportTotals {
	im := e.NewImport()
	require.NoError(t, e.Stage(im, ss, ts, mem))
	tot, err := e.Commit(im)
	require.NoError(t, err)
	return tot
}

func TestImportMergesWithLiveCapture(t *testing.T) {
	e := liveEngine(t)
	ss, ts := export()
	tot := stageAll(t, e, ss, ts)
	assert.Equal(t, 3, tot.Duplicates, "the user turn, the markdown reply and the short thanks were captured live")
	assert.Equal(t, 2, tot.Turns)
	assert.Equal(t, 0, tot.Sessions, "the conversation merges into the live session")
	st := e.Stats()
	assert.Equal(t, 5, st.Turns)
	assert.Equal(t, 1, st.Sessions)
	assert.Equal(t, "chatgpt.com:p-1a2b", e.turns["chatgpt.com:c1:m0"].Session)

	before := e.State()
	tot = stageAll(t, e, ss, ts)
	assert.Equal(t, ImportTotals{Duplicates: 5}, tot, "importing twice adds nothing")
	assert.Equal(t, before, e.State())
}

func TestImportDedupNeedsSameSiteRoleAndTime(t *testing.T) {
	for name, change := range map[string]func(ss []model.Session, ts []model.Turn){
		"other site":       func(ss []model.Session, _ []model.Turn) { ss[0].Site = "claude.ai" },
		"outside 12 hours": func(_ []model.Session, ts []model.Turn) { shift(ts, -DedupWindow) },
		"other role":       func(_ []model.Session, ts []model.Turn) { swapRoles(ts) },
		"other words":      func(_ []model.Session, ts []model.Turn) { ts[2].Text += " By train."; ts[3].Text += " Or bus." },
	} {
		t.Run(name, func(t *testing.T) {
			e := liveEngine(t)
			ss, ts := export()
			change(ss, ts)
			tot := stageAll(t, e, ss, ts)
			assert.Equal(t, 0, tot.Duplicates, "a short 'thanks' alone does not link conversations")
			assert.Equal(t, 5, tot.Turns)
			assert.Equal(t, 1, tot.Sessions)
		})
	}
	t.Run("inside 12 hours", func(t *testing.T) {
		e := liveEngine(t)
		ss, ts := export()
		shift(ts, -DedupWindow+3*time.Hour)
		assert.Equal(t, 3, stageAll(t, e, ss, ts).Duplicates)
	})
}

func shift(ts []model.Turn, d time.Duration) {
	for i := range ts {
		ts[i].Time = ts[i].Time.Add(d)
	}
}

func swapRoles(ts []model.Turn) {
	for i := range ts {
		if ts[i].Role == model.RoleUser {
			ts[i].Role = model.RoleAssistant
		} else {
			ts[i].Role = model.RoleUser
		}
	}
}

func TestImportIsAtomic(t *testing.T) {
	e := liveEngine(t)
	before := e.State()
	ss, ts := export()
	im := e.NewImport()
	require.NoError(t, e.Stage(im, ss, ts, []string{"Lives in Ghent.", "Has a cat named Juno."}))
	assert.Equal(t, 2, im.Totals().Turns)
	assert.Equal(t, before, e.State(), "staging changes nothing")

	// A bad batch is refused whole.
	bad := []model.Turn{{ID: "x", Session: "chatgpt.com:c2", Role: "robot", Text: "x", Time: it0}}
	require.ErrorIs(t, e.Stage(im, nil, bad, nil), ErrInvalid)
	assert.Equal(t, before, e.State())

	old := maxStagedTurns
	maxStagedTurns = 3
	defer func() { maxStagedTurns = old }()
	err := e.Stage(e.NewImport(), ss, ts, nil)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "more than 3 turns")
}

func TestImportMemories(t *testing.T) {
	e := New()
	tot := stageAll(t, e, nil, nil, "Lives in Ghent.", "Prefers short answers.", "Lives in Ghent.", "My api key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD")
	assert.Equal(t, 3, tot.Facts)
	assert.Equal(t, 1, tot.Duplicates)
	assert.Equal(t, 1, tot.Redacted)
	facts := e.Facts(FactFilter{})
	require.Len(t, facts, 3)
	for _, f := range facts {
		assert.NotContains(t, f.Text, "sk-proj-")
		assert.True(t, f.Current(), "memories do not supersede each other")
	}
	before := e.State()
	tot = stageAll(t, e, nil, nil, "Prefers short answers.")
	assert.Equal(t, ImportTotals{Duplicates: 1}, tot)
	assert.Equal(t, before, e.State())
}

func TestImportMatchesIngest(t *testing.T) {
	// Without duplicates an import stores what Ingest would.
	ss, ts := export()
	a, b := New(), New()
	_, err := a.Ingest(ss, ts)
	require.NoError(t, err)
	tot := stageAll(t, b, ss, ts)
	assert.Equal(t, 5, tot.Turns)
	assert.Equal(t, a.State(), b.State())
}

func TestCommitAfterLiveChanges(t *testing.T) {
	e := liveEngine(t)
	ss, ts := export()
	im := e.NewImport()
	require.NoError(t, e.Stage(im, ss, ts, nil))
	require.NoError(t, e.ForgetSession("chatgpt.com:p-1a2b"))
	_, err := e.Ingest(ss[:1], ts[:1]) // captured meanwhile under the same id
	require.NoError(t, err)
	tot, err := e.Commit(im)
	require.NoError(t, err)
	assert.Equal(t, 1, tot.Turns)
	assert.Equal(t, "chatgpt.com:c1", e.turns["chatgpt.com:c1:m0r"].Session, "the linked session is gone: the turn goes to its own")
	_, err = e.Commit(im)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"**Great idea!**\n\n*Day one*: take the train.": "great idea day one take the train",
		"Great idea!\nDay one: take the train.":         "great idea day one take the train",
		"  Ça VA, Zoë? 42 km ":                          "ça va zoë 42 km",
		"ÉTÉ — à Lisbonne":                              "été à lisbonne",
		"":                                              "",
	} {
		assert.Equal(t, want, normalize(in), in)
	}
}
