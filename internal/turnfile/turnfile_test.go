package turnfile

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const good = `{"session":"s1","site":"claude","title":"Trip","id":"t1","role":"user","text":"hi","time":"2024-01-01T10:00:00Z"}

{"session":"s1","id":"t2","role":"assistant","text":"hello","time":"2024-01-01T10:00:01Z"}
{"session":"s2","id":"t3","role":"user","text":"again","time":"2024-01-02T10:00:00Z"}
`

func TestRead(t *testing.T) {
	sess, turns, err := Read(strings.NewReader(good), "in.jsonl")
	require.NoError(t, err)
	require.Len(t, turns, 3)
	require.Len(t, sess, 2)
	assert.Equal(t, "claude", sess[0].Site)
	assert.Equal(t, "Trip", sess[0].Title)
	assert.Equal(t, "s2", sess[1].ID)
}

func TestReadErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"session":"s","id":"t","role":"bot","text":"x","time":"2024-01-01T00:00:00Z"}`, `in.jsonl:1: turn "t": role must be`},
		{"\n" + `{"session":"s","id":"t","role":"user","text":"x"}`, "in.jsonl:2: turn \"t\": time is missing"},
		{`{"session":"s","id":"t","role":"user","text":"x","time":"yesterday"}`, "in.jsonl:1:"},
		{`{"session":"s","id":"t","role":"user","text":"x","time":"2024-01-01T00:00:00Z","extra":1}`, `unknown field "extra"`},
		{`[1,2]`, "in.jsonl:1:"},
	} {
		_, _, err := Read(strings.NewReader(tc.in), "in.jsonl")
		require.Error(t, err, tc.in)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(good)
	f.Add(`{"session":"s","id":"t","role":"user","text":"\u0000","time":"2024-01-01T00:00:00Z"}`)
	f.Fuzz(func(t *testing.T, in string) {
		sess, turns, err := Read(strings.NewReader(in), "f")
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "f"), "errors name the input: %v", err)
			return
		}
		for _, tr := range turns {
			require.NoError(t, tr.Validate())
			assert.True(t, utf8.ValidString(tr.Text))
		}
		seen := map[string]bool{}
		for _, s := range sess {
			assert.False(t, seen[s.ID])
			seen[s.ID] = true
		}
	})
}
