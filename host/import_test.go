package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonOnly hides a Caller's raw import_feed, so imports go through the
// base64 import.feed op.
type jsonOnly struct{ host.Caller }

func importFile(t *testing.T, c host.Client, format, path string, chunk int) (engine.ImportTotals, error) {
	ctx := context.Background()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	id, err := c.ImportBegin(ctx, format)
	require.NoError(t, err)
	for len(data) > 0 {
		n := min(chunk, len(data))
		if _, err := c.ImportFeed(ctx, id, data[:n]); err != nil {
			return engine.ImportTotals{}, err
		}
		data = data[n:]
	}
	return c.ImportEnd(ctx, id)
}

func fixture(parts ...string) string {
	return filepath.Join(append([]string{repoRoot(), "testdata", "imports"}, parts...)...)
}

// goldenCounts reads a fixture's golden file.
func goldenCounts(t *testing.T, name string) (sessions, turns int) {
	b, err := os.ReadFile(fixture(name))
	require.NoError(t, err)
	var g struct {
		Sessions []json.RawMessage
		Turns    []json.RawMessage
	}
	require.NoError(t, json.Unmarshal(b, &g))
	return len(g.Sessions), len(g.Turns)
}

func TestImportExports(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		for _, cl := range []host.Client{c, {C: jsonOnly{c.C}}} {
			require.NoError(t, cl.Forget(ctx, wasm.ForgetRequest{All: true}))
			var want engine.Stats
			for _, f := range []struct{ format, dir string }{{"chatgpt", "chatgpt"}, {"claude", "claude"}} {
				tot, err := importFile(t, cl, f.format, fixture(f.dir, "conversations.json"), 4096)
				require.NoError(t, err)
				s, n := goldenCounts(t, f.dir+"/conversations.golden.json")
				assert.Equal(t, s, tot.Sessions, f.format)
				assert.Equal(t, n, tot.Turns, f.format)
				assert.Zero(t, tot.Duplicates)
				assert.Positive(t, tot.Facts, "facts are extracted from imported user turns")
				want.Sessions += s
				want.Turns += n
			}
			tot, err := importFile(t, cl, "memories", fixture("chatgpt", "memories.txt"), 7)
			require.NoError(t, err)
			assert.Equal(t, 9, tot.Facts)
			st, err := cl.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, want.Sessions, st.Sessions)
			assert.Equal(t, want.Turns, st.Turns)

			// Importing again adds nothing.
			before, err := cl.ExportCompact(ctx)
			require.NoError(t, err)
			tot, err = importFile(t, cl, "chatgpt", fixture("chatgpt", "conversations.json"), 1<<20)
			require.NoError(t, err)
			assert.Zero(t, tot.Turns+tot.Sessions)
			assert.Positive(t, tot.Duplicates)
			after, err := cl.ExportCompact(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		}
	})
}

func TestFailedOrCancelledImportChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		ingestSample(t, c)
		before, err := c.ExportCompact(ctx)
		require.NoError(t, err)
		data, err := os.ReadFile(fixture("chatgpt", "conversations.json"))
		require.NoError(t, err)

		// Truncated: the error comes at the end.
		id, err := c.ImportBegin(ctx, "chatgpt")
		require.NoError(t, err)
		_, err = c.ImportFeed(ctx, id, data[:len(data)-100])
		require.NoError(t, err)
		_, err = c.ImportEnd(ctx, id)
		var we *wasm.Error
		require.True(t, errors.As(err, &we), "%v", err)
		assert.Equal(t, wasm.CodeInvalid, we.Code)
		assert.Contains(t, we.Message, "it is truncated")

		// Garbage in the middle: the error comes from the feed, and the
		// import is gone.
		id, err = c.ImportBegin(ctx, "chatgpt")
		require.NoError(t, err)
		_, err = c.ImportFeed(ctx, id, data[:len(data)/2])
		require.NoError(t, err)
		_, err = c.ImportFeed(ctx, id, []byte(`}}}]]] garbage`))
		require.Error(t, err)
		_, err = c.ImportEnd(ctx, id)
		require.True(t, errors.As(err, &we))
		assert.Equal(t, wasm.CodeNotFound, we.Code)

		// Cancelled half way.
		id, err = c.ImportBegin(ctx, "chatgpt")
		require.NoError(t, err)
		tot, err := c.ImportFeed(ctx, id, data[:len(data)/2])
		require.NoError(t, err)
		assert.Positive(t, tot.Turns)
		assert.Equal(t, int64(len(data)/2), tot.Bytes)
		require.NoError(t, c.ImportCancel(ctx, id))

		after, err := c.ExportCompact(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after)

		// A check parses and counts, and applies nothing.
		id, err = c.ImportCheck(ctx, "chatgpt")
		require.NoError(t, err)
		_, err = c.ImportFeed(ctx, id, data)
		require.NoError(t, err)
		tot, err = c.ImportEnd(ctx, id)
		require.NoError(t, err)
		s, n := goldenCounts(t, "chatgpt/conversations.golden.json")
		assert.Equal(t, engine.ImportTotals{Sessions: s, Turns: n, Bytes: int64(len(data))}, tot)
		after, err = c.ExportCompact(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after)

		_, err = c.ImportBegin(ctx, "bard")
		require.True(t, errors.As(err, &we))
		assert.Contains(t, we.Message, "unknown import format")
	})
}
