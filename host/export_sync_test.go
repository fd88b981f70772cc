package host_test

import (
	"context"
	"testing"

	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExportJSONStateHash: the JSON export carries the sync data (stamps,
// tombstones, the settings' stamps), so a restore into a fresh profile has
// the source's state.hash, natively and through the .wasm; importing an
// older file into a profile that deleted a record since does not bring it
// back, and importing a file with a newer edit takes it.
func TestExportJSONStateHash(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		fresh := func() host.Client {
			if _, ok := c.C.(*host.Native); ok {
				return engines["native"](t)
			}
			return engines["wasm"](t)
		}
		profile(t, c)
		require.NoError(t, c.Forget(ctx, wasm.ForgetRequest{Turn: "s4-1"}))
		data, err := c.ExportJSON(ctx)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"tombstones"`)
		want, err := c.StateHash(ctx)
		require.NoError(t, err)

		dst := fresh()
		rep, err := dst.ImportJSON(ctx, data)
		require.NoError(t, err)
		assert.True(t, rep.Settings)
		got, err := dst.StateHash(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "state.hash after a restore")

		// The destination deletes a turn, then imports the older file.
		require.NoError(t, dst.Forget(ctx, wasm.ForgetRequest{Turn: "s1-1"}))
		rep, err = dst.ImportJSON(ctx, data)
		require.NoError(t, err)
		assert.Zero(t, rep.Turns, "a tombstone newer than the file keeps the turn deleted")
		st, err := dst.Stats(ctx)
		require.NoError(t, err)
		src, err := c.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, src.Turns-1, st.Turns)

		// The source changes its settings after the export; the newer
		// file carries them, but a profile with records keeps its own.
		// Its records merge: the destination's export, imported into the
		// source, brings the deletion, and both agree.
		back, err := dst.ExportJSON(ctx)
		require.NoError(t, err)
		rep, err = c.ImportJSON(ctx, back)
		require.NoError(t, err)
		assert.Equal(t, 1, rep.Deleted)
		h1, err := c.StateHash(ctx)
		require.NoError(t, err)
		h2, err := dst.StateHash(ctx)
		require.NoError(t, err)
		assert.Equal(t, h1, h2)
	})
}
