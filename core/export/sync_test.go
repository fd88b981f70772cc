package export

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synced is Sample with sync history: an edited session, a forgotten turn
// and a deleted fact (tombstones), changed settings.
func synced(t testing.TB) *engine.Engine {
	e := Sample(t)
	require.NoError(t, e.ForgetTurn("t5"))
	fs := e.Facts(engine.FactFilter{})
	require.NotEmpty(t, fs)
	require.NoError(t, e.DeleteFact(fs[len(fs)-1].ID))
	require.NoError(t, e.SetSettings(model.Settings{TokenBudget: 400, MaxMemories: 3, Consent: []model.Category{model.CatHealth}}))
	return e
}

func exportSync(t *testing.T, e *engine.Engine) []byte {
	t.Helper()
	data, err := MarshalJSON(e.SyncState(), at)
	require.NoError(t, err)
	return data
}

func importFile(t *testing.T, e *engine.Engine, data []byte) Totals {
	t.Helper()
	st, err := UnmarshalJSON(data)
	require.NoError(t, err)
	tot, err := Merge(e, st)
	require.NoError(t, err)
	return tot
}

// TestSyncRoundTrip: an export with its sync data restored into a fresh
// profile gives the source's state hash and the same export, under the
// new profile's own device id.
func TestSyncRoundTrip(t *testing.T) {
	src := synced(t)
	data := exportSync(t, src)
	s := string(data)
	assert.Contains(t, s, `"sync": {`)
	assert.Contains(t, s, `"tombstones": [`)
	assert.Contains(t, s, `"kind": "turn"`)
	assert.Contains(t, s, `"stamp": "`)
	st := src.SyncState()
	assert.NotContains(t, s, `"device"`, "the file names no device of its own")

	dst := engine.New()
	tot := importFile(t, dst, data)
	assert.True(t, tot.Settings)
	assert.False(t, tot.Clamped)
	assert.Equal(t, src.StateHash(), dst.StateHash())
	assert.Equal(t, s, string(exportSync(t, dst)))
	assert.NotEqual(t, st.Sync.Device, dst.Device(), "a restore keeps its own device id")

	// A write on the restored profile is stamped by its device, after
	// everything it restored.
	fs := dst.Facts(engine.FactFilter{})
	v := "edited after the restore"
	f, err := dst.EditFact(engine.FactEdit{ID: fs[0].ID, Text: &v})
	require.NoError(t, err)
	after := dst.SyncState()
	for _, g := range after.Facts {
		if g.ID == f.ID {
			assert.Equal(t, dst.Device(), g.Stamp.Device)
			for _, h := range st.Facts {
				if h.ID == f.ID {
					assert.True(t, h.Stamp.Less(g.Stamp))
				}
			}
		}
	}

	// Importing the file again into the source changes nothing.
	before := src.StateHash()
	tot = importFile(t, src, data)
	assert.Zero(t, tot.Sessions+tot.Turns+tot.Facts+tot.Updated+tot.Deleted)
	assert.Equal(t, before, src.StateHash())
}

// TestSyncMergeByStamps: into a profile that holds records, the file's
// records merge by their stamps: a record the profile deleted after the
// file was written stays deleted, and an edit newer in the file wins.
func TestSyncMergeByStamps(t *testing.T) {
	src := synced(t)
	old := exportSync(t, src)

	dst := engine.New()
	importFile(t, dst, old)
	require.NoError(t, dst.ForgetTurn("t4")) // deleted here, after the file
	fs := src.Facts(engine.FactFilter{})
	v := "a newer edit in the file"
	_, err := src.EditFact(engine.FactEdit{ID: fs[0].ID, Text: &v})
	require.NoError(t, err)
	newer := exportSync(t, src)

	// The older file does not bring t4 back.
	tot := importFile(t, dst, old)
	assert.Zero(t, tot.Turns)
	_, ok := turnByID(dst.State(), "t4")
	assert.False(t, ok, "a tombstone newer than the file's turn keeps it deleted")

	// The newer file's edit wins; t4 stays deleted (the newer file still
	// holds the version the profile deleted after).
	tot = importFile(t, dst, newer)
	assert.Equal(t, 1, tot.Updated, "%+v", tot)
	for _, f := range dst.Facts(engine.FactFilter{}) {
		if f.ID == fs[0].ID {
			assert.Equal(t, v, f.Text)
		}
	}
	_, ok = turnByID(dst.State(), "t4")
	assert.False(t, ok)

	// The source, importing what the destination has now, learns the
	// deletion: both hold the same state.
	importFile(t, src, exportSync(t, dst))
	importFile(t, dst, exportSync(t, src))
	assert.Equal(t, src.StateHash(), dst.StateHash())
}

// TestSyncLegacyFile: a file without stamps (version 1 before sync, or
// written by another tool) adds only what the profile lacks and never
// undoes a deletion.
func TestSyncLegacyFile(t *testing.T) {
	data, err := MarshalJSON(Sample(t).State(), at)
	require.NoError(t, err)
	require.NotContains(t, string(data), `"stamp"`)
	dst := engine.New()
	importFile(t, dst, data)
	require.NoError(t, dst.ForgetTurn("t2"))
	h := dst.StateHash()
	tot := importFile(t, dst, data)
	assert.Zero(t, tot.Turns+tot.Updated)
	assert.Equal(t, h, dst.StateHash())
}

func turnByID(st *model.State, id string) (model.Turn, bool) {
	for _, t := range st.Turns {
		if t.ID == id {
			return t, true
		}
	}
	return model.Turn{}, false
}

// TestSyncFarFuture: a file's stamps are untrusted: a far-future stamp
// does not drag the clock past hlc.MaxDrift (Observe's clamp), whether the
// file is restored or merged, and a local edit of that record still wins.
func TestSyncFarFuture(t *testing.T) {
	src := synced(t)
	data := string(exportSync(t, src))
	st := src.SyncState()
	fact := st.Facts[0]
	future := hlc.Stamp{Wall: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), Device: "mallory"}
	crafted := strings.Replace(data, `"stamp": "`+fact.Stamp.String()+`"`, `"stamp": "`+future.String()+`"`, 1)
	crafted = strings.Replace(crafted, `"text": "`+fact.Text+`"`, `"text": "planted"`, 1)
	require.NotEqual(t, data, crafted)
	limit := time.Now().Add(hlc.MaxDrift + time.Minute).UnixMilli()

	for _, into := range []string{"fresh", "merge"} {
		t.Run(into, func(t *testing.T) {
			e := engine.New()
			if into == "merge" {
				importFile(t, e, []byte(data))
			}
			tot := importFile(t, e, []byte(crafted))
			assert.True(t, tot.Clamped)
			assert.LessOrEqual(t, e.Clock().Wall, limit, "the clock stays within MaxDrift of now")
			var got model.Fact
			for _, f := range e.SyncState().Facts {
				if f.ID == fact.ID {
					got = f
				}
			}
			assert.Equal(t, future, got.Stamp, "the record keeps its stamp, as a merge keeps it")
			assert.Equal(t, "planted", got.Text)
			v := "mine again"
			_, err := e.EditFact(engine.FactEdit{ID: fact.ID, Text: &v})
			require.NoError(t, err)
			for _, f := range e.SyncState().Facts {
				if f.ID == fact.ID {
					assert.True(t, future.Less(f.Stamp), "a local edit still wins")
					assert.Equal(t, e.Device(), f.Stamp.Device)
				}
			}
			assert.LessOrEqual(t, e.Clock().Wall, limit)
		})
	}
}

// TestSyncDefects: the sync members are read strictly, with the path of
// the defect.
func TestSyncDefects(t *testing.T) {
	head := `{"format":"confidant-export","version":1,"exported_at":"2026-05-01T12:00:00Z","facts":[],"settings":{"token_budget":300,"max_memories":5},`
	sess := `"sessions":[{"id":"s1","start":"2024-01-01T00:00:00Z","turns":[{"id":"t1","role":"user","text":"hi","time":"2024-01-01T00:00:00Z"%s}]}]}`
	good := "0018f0c2a5b40-00000000-dev1"
	for _, c := range []struct{ name, doc, want string }{
		{"turn stamp", head + fmt.Sprintf(sess, `,"stamp":"nope"`), "sessions[0].turns[0].stamp"},
		{"upper hex", head + fmt.Sprintf(sess, `,"stamp":"0018F0C2A5B40-00000000-dev1"`), "sessions[0].turns[0].stamp"},
		{"empty stamp", head + fmt.Sprintf(sess, `,"stamp":""`), "sessions[0].turns[0].stamp"},
		{"session stamp", head + `"sessions":[{"id":"s1","start":"2024-01-01T00:00:00Z","stamp":"x","turns":[]}]}`, "sessions[0].stamp"},
		{"setting stamp", head + `"sync":{"settings":{"consent":"1"}},` + fmt.Sprintf(sess, ""), "sync.settings.consent"},
		{"unknown sync member", head + `"sync":{"device":"abc"},` + fmt.Sprintf(sess, ""), "sync.device"},
		{"tombstone kind", head + `"sync":{"tombstones":[{"kind":"setting","id":"x","stamp":"` + good + `"}]},` + fmt.Sprintf(sess, ""), "sync.tombstones[0].kind"},
		{"tombstone id", head + `"sync":{"tombstones":[{"kind":"turn","id":"","stamp":"` + good + `"}]},` + fmt.Sprintf(sess, ""), "sync.tombstones[0].id"},
		{"tombstone twice", head + `"sync":{"tombstones":[{"kind":"turn","id":"x","stamp":"` + good + `"},{"kind":"turn","id":"x","stamp":"` + good + `"}]},` + fmt.Sprintf(sess, ""), "sync.tombstones[1]"},
		{"tombstone of a live turn", head + `"sync":{"tombstones":[{"kind":"turn","id":"t1","stamp":"` + good + `"}]},` + fmt.Sprintf(sess, ""), "sync.tombstones[0]: the turn \"t1\" is deleted"},
		{"tombstone stamp", head + `"sync":{"tombstones":[{"kind":"fact","id":"f","stamp":"` + good + `x!"}]},` + fmt.Sprintf(sess, ""), "sync.tombstones[0].stamp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := UnmarshalJSON([]byte(c.doc))
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// The same file without defects reads, with its stamps.
	st, err := UnmarshalJSON([]byte(head + `"sync":{"tombstones":[{"kind":"fact","id":"f","stamp":"` + good + `"}]},` + fmt.Sprintf(sess, `,"stamp":"`+good+`"`)))
	require.NoError(t, err)
	require.NotNil(t, st.Sync)
	assert.Equal(t, good, st.Turns[0].Stamp.String())
	assert.Equal(t, []model.Tombstone{{Kind: model.KindFact, ID: "f", Stamp: st.Turns[0].Stamp}}, st.Sync.Tombstones)
}
