package perf

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(7, 2000), Generate(7, 2000)
	require.Equal(t, a.Sessions, b.Sessions)
	require.Equal(t, a.Turns, b.Turns)
	assert.Equal(t, a.RawBytes, b.RawBytes)
	assert.Equal(t, a.End, b.End)
	assert.Equal(t, a.Queries(3, 100), b.Queries(3, 100))

	c := Generate(8, 2000)
	assert.NotEqual(t, a.Turns[0].Text, c.Turns[0].Text, "another seed gives other data")
	assert.NotEqual(t, a.Queries(3, 50), a.Queries(4, 50), "another seed gives other queries")
}

func TestGenerateShape(t *testing.T) {
	const n = 5000
	d := Generate(1, n)
	require.Len(t, d.Turns, n)
	assert.GreaterOrEqual(t, d.Words(), GeneratedWords)

	var raw int64
	perSession := map[string]int{}
	sessionIDs := map[string]bool{}
	for _, s := range d.Sessions {
		require.False(t, sessionIDs[s.ID], "duplicate session %s", s.ID)
		sessionIDs[s.ID] = true
	}
	ids := map[string]bool{}
	end := Epoch.Add(Span + 24*time.Hour)
	for i, tr := range d.Turns {
		require.NoError(t, tr.Validate())
		require.False(t, ids[tr.ID], "duplicate turn id %s", tr.ID)
		ids[tr.ID] = true
		require.True(t, sessionIDs[tr.Session], "turn %s has an unknown session", tr.ID)
		k := perSession[tr.Session]
		perSession[tr.Session]++
		words := len(strings.Fields(tr.Text))
		if k%2 == 0 {
			assert.Equal(t, model.RoleUser, tr.Role, tr.ID)
			assert.GreaterOrEqual(t, words, MinUserWords, tr.ID)
			// A fact sentence may push a user turn a few words over.
			assert.LessOrEqual(t, words, MaxUserWords+8, tr.ID)
		} else {
			assert.Equal(t, model.RoleAssistant, tr.Role, tr.ID)
			assert.GreaterOrEqual(t, words, MinAssistantWords, tr.ID)
			assert.LessOrEqual(t, words, MaxAssistantWords, tr.ID)
		}
		assert.False(t, tr.Time.Before(Epoch), tr.ID)
		assert.True(t, tr.Time.Before(end), tr.ID)
		if i > 0 && d.Turns[i-1].Session == tr.Session {
			assert.True(t, tr.Time.After(d.Turns[i-1].Time), "turns of a session move forward in time")
		}
		assert.False(t, tr.Time.After(d.End))
		raw += int64(len(tr.Text))
	}
	assert.Equal(t, raw, d.RawBytes)
	assert.Len(t, perSession, len(d.Sessions))
	for s, k := range perSession {
		assert.GreaterOrEqual(t, k, MinSessionTurns, s)
		assert.LessOrEqual(t, k, MaxSessionTurns, s)
	}
	// Sessions are spread over most of the two years.
	first, last := d.Sessions[0].Start, d.Sessions[len(d.Sessions)-1].Start
	assert.Greater(t, last.Sub(first), Span*9/10)
}

func TestSessionLengthsCoverEveryCount(t *testing.T) {
	for n := 1; n < 200; n++ {
		d := Generate(uint64(n), n)
		require.Len(t, d.Turns, n)
		if n < MinSessionTurns {
			assert.Len(t, d.Sessions, 1)
			continue
		}
		counts := map[string]int{}
		for _, tr := range d.Turns {
			counts[tr.Session]++
		}
		for s, k := range counts {
			assert.True(t, k >= MinSessionTurns && k <= MaxSessionTurns, "n=%d session %s has %d turns", n, s, k)
		}
	}
	assert.Empty(t, Generate(1, 0).Turns)
}

func TestVocabularyIsZipfLike(t *testing.T) {
	d := Generate(1, 3000)
	freq := map[string]int{}
	total := 0
	for _, tr := range d.Turns {
		for _, w := range strings.Fields(strings.ToLower(tr.Text)) {
			freq[strings.Trim(w, ".,?!")]++
			total++
		}
	}
	// The head is English function words; the tail is long.
	assert.Greater(t, freq["the"], total/100)
	assert.Greater(t, len(freq), 5000, "a long tail of distinct words")
}

func TestQueries(t *testing.T) {
	d := Generate(1, 1000)
	qs := d.Queries(1, 200)
	require.Len(t, qs, 200)
	byID := map[string]model.Turn{}
	for _, tr := range d.Turns {
		byID[tr.ID] = tr
	}
	related := 0
	for _, q := range qs {
		require.NotEmpty(t, q.Text)
		if q.Source == "" {
			continue
		}
		related++
		src, ok := byID[q.Source]
		require.True(t, ok)
		assert.Equal(t, model.RoleUser, src.Role)
	}
	assert.Greater(t, related, 150)
	assert.Less(t, related, 200, "some queries are unrelated")
	// Unrelated queries use words that never occur in the data.
	text := strings.ToLower(joinTexts(d))
	for _, q := range qs {
		if q.Source == "" {
			for _, w := range strings.Fields(strings.Trim(strings.TrimPrefix(q.Text, "how do I "), "?")) {
				assert.NotContains(t, text, " "+w+" ")
			}
		}
	}
}

func joinTexts(d *Dataset) string {
	var b strings.Builder
	for _, tr := range d.Turns {
		b.WriteString(" " + tr.Text + " ")
	}
	return b.String()
}
