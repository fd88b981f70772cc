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
	// Sync data: stamps, setting stamps and tombstones.
	if b, err := MarshalJSON(synced(f).SyncState(), at); err == nil {
		f.Add(b)
	}
	f.Add([]byte(head + `"settings":{"token_budget":300,"max_memories":5},"sync":{"settings":{"consent":"0018f0c2a5b40-00000000-dev1"},"tombstones":[{"kind":"fact","id":"f","stamp":"0018f0c2a5b40-00000001-dev1"},{"kind":"session","id":"s9","stamp":"e8d4a50fffff0-ffffffff-x"}]},"sessions":[{"id":"s1","start":"2024-01-01T00:00:00Z","stamp":"0000000000000-00000000-legacy","turns":[{"id":"t1","role":"user","text":"hi","time":"2024-01-01T00:00:00Z","stamp":"3a5a3f8e1c000-00000000-mallory"}]}]}`))
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
		out, err := MarshalJSON(e.SyncState(), at)
		require.NoError(t, err)
		st3, err := UnmarshalJSON(out)
		require.NoError(t, err, "%s", out)
		// Restored: the same state hash; merged again: no change.
		e2 := engine.New()
		_, err = Merge(e2, st3)
		require.NoError(t, err)
		require.Equal(t, e.StateHash(), e2.StateHash())
		st3, err = UnmarshalJSON(out)
		require.NoError(t, err)
		h := e.StateHash()
		_, err = Merge(e, st3)
		require.NoError(t, err)
		if !e.Fresh() {
			require.Equal(t, h, e.StateHash())
		}
	})
}
