package export

import (
	"os"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/stretchr/testify/require"
)

// FuzzReadJSON: ReadJSON never panics; what it accepts writes back to a
// file it accepts again with the same contents, and applies to a fresh
// engine (a file the reader accepts is never refused later, without a
// path, by the engine).
func FuzzReadJSON(f *testing.F) {
	if g, err := os.ReadFile(golden); err == nil {
		f.Add(g)
	}
	head := `{"format":"confidant-export","version":1,"exported_at":"2026-05-01T12:00:00Z",`
	f.Add([]byte(head + `"sessions":[]}`))
	f.Add([]byte(head + `"facts":[{"id":"f1","slot":"x","value":"v","text":"t","category":"identity","sensitivity":"normal","confidence":0.5,"valid_from":"2024-01-01T00:00:00Z","superseded_by":"f2","sources":["t1"]}],"settings":{"token_budget":300,"max_memories":5},"sessions":[{"id":"s1","title":"x","start":"2024-01-01T00:00:00Z","turns":[{"id":"t1","role":"user","text":"I live in Porto","time":"2024-01-01T00:00:00.123456789+02:00"}]}]}`))
	f.Add([]byte(head + `"sessions":[{"id":"s1","turns":[{"id":"t1","session":"s1","role":"assistant","text":"[confidant:memory]x","time":"2024-01-01T00:00:00Z"}]},{"id":"s2"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := UnmarshalJSON(data)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		again, err := MarshalJSON(st, at)
		require.NoError(t, err)
		st2, err := UnmarshalJSON(again)
		require.NoError(t, err, "%s", again)
		again2, err := MarshalJSON(st2, at)
		require.NoError(t, err)
		require.Equal(t, string(again), string(again2))
		e := engine.New()
		_, err = Merge(e, st)
		require.NoError(t, err)
		out, err := MarshalJSON(e.State(), at)
		require.NoError(t, err)
		_, err = UnmarshalJSON(out)
		require.NoError(t, err, "%s", out)
	})
}
