package export

import (
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plain is st's records and settings without stamps or sync metadata.
func plain(st *model.State) *model.State {
	c := *st
	c.Sync = nil
	c.Sessions = append([]model.Session(nil), st.Sessions...)
	c.Turns = append([]model.Turn(nil), st.Turns...)
	c.Facts = append([]model.Fact(nil), st.Facts...)
	c.ClearStamps()
	return &c
}

func importWith(t *testing.T, e *engine.Engine, data []byte, opt Options) Totals {
	t.Helper()
	st, err := UnmarshalJSON(data)
	require.NoError(t, err)
	tot, err := MergeWith(e, st, opt)
	require.NoError(t, err)
	return tot
}

// restoredProfile is a profile restored from Sample's export, and the export.
func restoredProfile(t *testing.T) (*engine.Engine, []byte, *model.State) {
	data := exportSync(t, Sample(t))
	e := engine.New()
	importFile(t, e, data)
	return e, data, e.SyncState()
}

// TestDeletedSinceCounted: after "delete everything", an older export adds
// nothing, changes nothing, and says how many of its records were deleted
// here since, by kind.
func TestDeletedSinceCounted(t *testing.T) {
	e, data, full := restoredProfile(t)
	e.ForgetAll()
	before := e.StateHash()

	tot := importFile(t, e, data)
	assert.Zero(t, tot.Sessions+tot.Turns+tot.Facts+tot.Updated+tot.Deleted, "%+v", tot)
	assert.Equal(t, Kinds{Sessions: len(full.Sessions), Turns: len(full.Turns), Facts: len(full.Facts)}, tot.DeletedSince)
	assert.Zero(t, tot.Restored)
	assert.Zero(t, tot.Duplicates, "deleted records are not counted as held")
	assert.Equal(t, before, e.StateHash(), "the default merge keeps the deletions")
	assert.Zero(t, e.Stats().Turns)
}

// TestRestoreDeletedAll: with RestoreDeleted the same import brings every
// record back as it was in the file (the superseded fact still
// superseded), stamped as new edits of this device after their tombstones,
// and a device that synced the deletion takes them back from a merge.
func TestRestoreDeletedAll(t *testing.T) {
	e, data, full := restoredProfile(t)
	other := engine.New()
	_, err := other.Merge(e.SyncState(), engine.MergeOptions{})
	require.NoError(t, err)
	e.ForgetAll()
	deleted := e.SyncState()
	_, err = other.Merge(deleted, engine.MergeOptions{})
	require.NoError(t, err)
	require.Zero(t, other.Stats().Turns, "the other device took the deletion")
	tombs := map[string]hlc.Stamp{}
	for _, tb := range deleted.Sync.Tombstones {
		tombs[tb.ID] = tb.Stamp
	}

	tot := importWith(t, e, data, Options{RestoreDeleted: true})
	assert.Equal(t, Kinds{Sessions: len(full.Sessions), Turns: len(full.Turns), Facts: len(full.Facts)}, tot.Restored, "%+v", tot)
	assert.Zero(t, tot.DeletedSince)
	assert.Zero(t, tot.Sessions+tot.Turns+tot.Facts, "brought back, not added")
	got := e.SyncState()
	assert.Equal(t, plain(full), plain(got), "the records are back as the file has them")
	assert.Empty(t, got.Sync.Tombstones)
	sup := 0
	for _, f := range got.Facts {
		if !f.Current() {
			sup++
		}
	}
	assert.Positive(t, sup, "the superseded fact came back superseded")
	for _, tr := range got.Turns {
		assert.Equal(t, e.Device(), tr.Stamp.Device, "a new edit of this device")
		assert.True(t, tombs[tr.ID].Less(tr.Stamp), "after the tombstone of %s", tr.ID)
	}

	// Imported again, the file finds everything held.
	again := importFile(t, e, data)
	assert.Zero(t, again.DeletedSince.Total()+again.Restored.Total()+again.Sessions+again.Turns+again.Facts+again.Updated)

	// The other device, which holds the deletion, takes the records back.
	_, err = other.Merge(e.SyncState(), engine.MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, e.StateHash(), other.StateHash())
	assert.Equal(t, len(full.Turns), other.Stats().Turns)
}

// TestRestoreDeletedPartial: after one conversation was deleted here and a
// fact edited, RestoreDeleted brings back the conversation, its turns and
// the facts learnt from them (the slot's newest fact current again), and
// keeps the profile's newer edit.
func TestRestoreDeletedPartial(t *testing.T) {
	e, data, full := restoredProfile(t)
	var pet, moved string
	for _, f := range full.Facts {
		switch f.Slot {
		case "pet:greyhound:comet":
			pet = f.ID
		}
		for _, s := range f.Sources {
			if s == "t3" && f.Current() && f.Slot != "health:asthma" {
				moved = f.ID
			}
		}
	}
	require.NotEmpty(t, pet)
	v := "Comet, a greyhound (edited here, after the export)"
	_, err := e.EditFact(engine.FactEdit{ID: pet, Text: &v})
	require.NoError(t, err)
	require.NoError(t, e.ForgetSession("s2"))
	_, ok := turnByID(e.State(), "t3")
	require.False(t, ok)

	plainTot := importFile(t, e, data)
	assert.Equal(t, 1, plainTot.DeletedSince.Sessions, "%+v", plainTot)
	assert.Equal(t, 2, plainTot.DeletedSince.Turns)
	assert.Positive(t, plainTot.DeletedSince.Facts)

	tot := importWith(t, e, data, Options{RestoreDeleted: true})
	assert.Equal(t, plainTot.DeletedSince, tot.Restored, "%+v", tot)
	assert.Zero(t, tot.DeletedSince)
	st := e.State()
	for _, id := range []string{"t3", "t4"} {
		_, ok := turnByID(st, id)
		assert.True(t, ok, id)
	}
	for _, f := range st.Facts {
		switch f.ID {
		case pet:
			assert.Equal(t, v, f.Text, "the newer edit here is kept")
		case moved:
			if moved != "" {
				assert.True(t, f.Current(), "the newest fact of its slot is current again")
			}
		}
	}
	want := plain(full)
	got := plain(e.State())
	assert.Equal(t, len(want.Facts), len(got.Facts))
	assert.Equal(t, len(want.Turns), len(got.Turns))
	assert.Equal(t, len(want.Sessions), len(got.Sessions))
}

// TestRestoreDeletedCleansTexts: records brought back are cleaned as every
// imported text is (a secret in the file is redacted).
func TestRestoreDeletedCleansTexts(t *testing.T) {
	e, _, _ := restoredProfile(t)
	secret := "my key is sk-" + "proj-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
	_, err := e.Ingest([]model.Session{{ID: "s9", Site: "chatgpt"}}, []model.Turn{{ID: "t9", Session: "s9", Role: model.RoleUser, Text: "hello there", Time: at}})
	require.NoError(t, err)
	st := e.SyncState()
	for i := range st.Turns {
		if st.Turns[i].ID == "t9" {
			st.Turns[i].Text = secret // as a file from elsewhere could hold it
		}
	}
	data, err := MarshalJSON(st, at)
	require.NoError(t, err)
	require.NoError(t, e.ForgetSession("s9"))

	tot := importWith(t, e, data, Options{RestoreDeleted: true})
	assert.Equal(t, 1, tot.Restored.Turns, "%+v", tot)
	tr, ok := turnByID(e.State(), "t9")
	require.True(t, ok)
	assert.NotContains(t, tr.Text, "AbCdEfGhIjKlMnOp")
}
