package host_test

import (
	"context"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/export"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportRestoreDeleted: after "delete everything", importing an older
// export adds nothing and reports what the file holds that was deleted here
// since; with restore_deleted the records come back (recall finds them
// again), natively and through the .wasm, for a JSON and an age file.
func TestImportRestoreDeleted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		profile(t, c)
		data, err := c.ExportJSON(ctx)
		require.NoError(t, err)
		blob, err := c.ExportAge(ctx, "correct horse")
		require.NoError(t, err)
		full, err := c.Stats(ctx)
		require.NoError(t, err)
		facts, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
		require.NoError(t, err)
		require.NoError(t, c.Forget(ctx, wasm.ForgetRequest{All: true}))
		before, err := c.StateHash(ctx)
		require.NoError(t, err)

		rep, err := c.ImportJSON(ctx, data)
		require.NoError(t, err)
		assert.Zero(t, rep.Sessions+rep.Turns+rep.Facts, "%+v", rep)
		assert.Equal(t, export.Kinds{Sessions: full.Sessions, Turns: full.Turns, Facts: len(facts)}, rep.DeletedSince)
		assert.Zero(t, rep.Restored)
		after, err := c.StateHash(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after, "without the option nothing changes")

		// The age file says the same, and brings them back with the option.
		rep, err = c.ImportAge(ctx, blob, "correct horse")
		require.NoError(t, err)
		assert.Equal(t, full.Turns, rep.DeletedSince.Turns)
		rep, err = c.ImportAgeRestore(ctx, blob, "correct horse")
		require.NoError(t, err)
		assert.Equal(t, export.Kinds{Sessions: full.Sessions, Turns: full.Turns, Facts: len(facts)}, rep.Restored, "%+v", rep)
		assert.Zero(t, rep.DeletedSince)
		assert.Equal(t, full.Turns, rep.Stats.Turns)
		hits, err := c.Recall(ctx, engine.RecallRequest{Text: "where do I live Lisbon", All: true})
		require.NoError(t, err)
		assert.NotEmpty(t, hits, "recall finds the records again")
		got, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
		require.NoError(t, err)
		assert.Len(t, got, len(facts))

		// The JSON file now finds everything held.
		rep, err = c.ImportJSONRestore(ctx, data)
		require.NoError(t, err)
		assert.Zero(t, rep.Restored.Total()+rep.DeletedSince.Total()+rep.Sessions+rep.Turns+rep.Facts, "%+v", rep)
	})
}
