package host_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// profile fills c with the sample, an edited and a pinned fact and
// settings, and returns its facts.
func profile(t *testing.T, c host.Client) {
	ctx := context.Background()
	ingestSample(t, c)
	_, err := c.Ingest(ctx, []model.Session{{ID: "s4", Site: "claude", Title: "Moving & <pets>", Start: t0.AddDate(0, 1, 0)}}, []model.Turn{
		turn("s4", "s4-1", model.RoleUser, "I live in Lisbon now and I have asthma.", t0.AddDate(0, 1, 0)),
	})
	require.NoError(t, err)
	facts, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
	require.NoError(t, err)
	require.NotEmpty(t, facts)
	text := "edited by hand"
	_, err = c.EditFact(ctx, engine.FactEdit{ID: facts[0].ID, Text: &text})
	require.NoError(t, err)
	_, err = c.PinFact(ctx, facts[len(facts)-1].ID, true)
	require.NoError(t, err)
	_, err = c.SetSettings(ctx, model.Settings{TokenBudget: 512, MaxMemories: 4, Consent: []model.Category{model.CatHealth}})
	require.NoError(t, err)
}

var exportedAt = regexp.MustCompile(`"exported_at": "[^"]*"`)

func sameExport(t *testing.T, a, b []byte) {
	t.Helper()
	assert.Equal(t, exportedAt.ReplaceAllString(string(a), ""), exportedAt.ReplaceAllString(string(b), ""))
}

func sameState(t *testing.T, ctx context.Context, a, b host.Client) {
	t.Helper()
	sa, err := a.ExportCompact(ctx)
	require.NoError(t, err)
	sb, err := b.ExportCompact(ctx)
	require.NoError(t, err)
	assert.Equal(t, sa, sb, "the engines' compact snapshots (their whole state) are identical")
	sta, err := a.Stats(ctx)
	require.NoError(t, err)
	stb, err := b.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, sta, stb)
}

// TestExportJSONRoundTrip: a JSON export imported into a fresh engine
// restores the profile exactly (the same export and snapshot bytes).
func TestExportJSONRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		profile(t, c)
		data, err := c.ExportJSON(ctx)
		require.NoError(t, err)
		fresh := engines["native"](t)
		if _, ok := c.C.(*host.Native); !ok {
			fresh = engines["wasm"](t)
		}
		rep, err := fresh.ImportJSON(ctx, data)
		require.NoError(t, err)
		assert.True(t, rep.Settings)
		assert.Equal(t, 6, rep.Turns)
		assert.Equal(t, 6, rep.Stats.Turns)
		again, err := fresh.ExportJSON(ctx)
		require.NoError(t, err)
		sameExport(t, data, again)
		sameState(t, ctx, c, fresh)

		// Importing it again into the source adds nothing.
		rep, err = c.ImportJSON(ctx, data)
		require.NoError(t, err)
		assert.Zero(t, rep.Sessions+rep.Turns+rep.Facts)
		assert.False(t, rep.Settings)

		md, err := c.ExportMarkdown(ctx)
		require.NoError(t, err)
		assert.Contains(t, md, "# Confidant profile")
		assert.Contains(t, md, `Moving \& \<pets\>`)
	})
}

// TestExportAgeRoundTrip: the age export opens with its passphrase only,
// and restores the profile exactly.
func TestExportAgeRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		profile(t, c)
		blob, err := c.ExportAge(ctx, "correct horse battery")
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(blob), "age-encryption.org/v1\n"))
		fresh := engines["native"](t)
		if _, ok := c.C.(*host.Native); !ok {
			fresh = engines["wasm"](t)
		}
		_, err = fresh.ImportAge(ctx, blob, "wrong")
		var we *wasm.Error
		require.True(t, errors.As(err, &we), "%v", err)
		assert.Equal(t, wasm.CodeInvalid, we.Code)
		assert.Contains(t, we.Message, "wrong passphrase")
		st, err := fresh.Stats(ctx)
		require.NoError(t, err)
		assert.Zero(t, st.Turns+st.Facts+st.Sessions)

		_, err = fresh.ImportJSON(ctx, blob)
		require.ErrorContains(t, err, "use import.age")

		_, err = fresh.ImportAge(ctx, blob, "correct horse battery")
		require.NoError(t, err)
		sameState(t, ctx, c, fresh)
	})
}

// TestImportJSONMalformedLeavesTheProfile: a defective file gives one
// invalid error naming its path, and the profile is unchanged.
func TestImportJSONMalformedLeavesTheProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		profile(t, c)
		good, err := c.ExportJSON(ctx)
		require.NoError(t, err)
		before, err := c.ExportCompact(ctx)
		require.NoError(t, err)
		g := string(good)
		for _, d := range []struct{ doc, want string }{
			{strings.Replace(g, `"role": "assistant"`, `"role": "system"`, 1), "sessions[0].turns[1]"},
			{strings.Replace(g, `"version": 1`, `"version": 9`, 1), "version: is 9"},
			{strings.Replace(g, `"category": "pets"`, `"category": "pests"`, 1), `category: unknown category "pests"`},
			{g[:len(g)-40], "the file ends early"},
			{"not json", "not JSON at byte"},
		} {
			_, err := c.ImportJSON(ctx, []byte(d.doc))
			var we *wasm.Error
			require.True(t, errors.As(err, &we), "%v", err)
			assert.Equal(t, wasm.CodeInvalid, we.Code)
			assert.Contains(t, we.Message, d.want)
			after, err := c.ExportCompact(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the profile is unchanged after %q", we.Message)
		}
	})
}
