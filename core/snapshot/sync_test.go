package snapshot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
)

func syncState() *model.State {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	st := func(w int64, d string) hlc.Stamp {
		return hlc.Stamp{Wall: t0.UnixMilli() + w, Counter: uint32(w % 3), Device: d}
	}
	return &model.State{
		Settings: model.Settings{TokenBudget: 300, MaxMemories: 5, Consent: []model.Category{model.CatHealth}},
		Sessions: []model.Session{{ID: "s1", Site: "chatgpt.com", Start: t0, Stamp: st(1, "devA")}},
		Turns: []model.Turn{
			{ID: "t1", Session: "s1", Role: model.RoleUser, Text: "I live in Lisbon", Time: t0, Stamp: st(2, "devA")},
			{ID: "t2", Session: "s1", Role: model.RoleAssistant, Text: "Nice", Time: t0.Add(time.Second), Stamp: st(5, "devB")},
		},
		Facts: []model.Fact{{ID: "f1", Slot: "location", Value: "Lisbon", Text: "lives in Lisbon", Category: model.CatLocation,
			Sensitivity: model.Normal, Confidence: 0.9, ValidFrom: t0, Sources: []string{"t1"}, Stamp: st(3, "devA")}},
		Sync: &model.SyncMeta{
			Device:        "devA",
			SettingStamps: [3]hlc.Stamp{{Device: "devA"}, st(7, "devB"), {Device: "devA"}},
			Tombstones: []model.Tombstone{
				{Kind: model.KindSession, ID: "s0", Stamp: st(9, "devC")},
				{Kind: model.KindTurn, ID: "t0", Stamp: st(9, "devC")},
			},
		},
	}
}

func TestSyncSectionRoundTrip(t *testing.T) {
	s := syncState()
	b, err := Marshal(s)
	require.NoError(t, err)
	require.Equal(t, byte(3), b[4], "a state with sync metadata is version 3")
	got, err := Unmarshal(b)
	require.NoError(t, err)
	require.Equal(t, s, got)
	again, err := Marshal(got)
	require.NoError(t, err)
	require.Equal(t, b, again, "canonical")

	terms := &Terms{Analyzer: 1, Vocab: []string{"live", "lisbon", "nice"}, Turns: [][]uint32{{0, 1}, {2}}}
	b4, err := MarshalTerms(s, terms)
	require.NoError(t, err)
	require.Equal(t, byte(4), b4[4], "with terms: version 4")
	got, gt, err := UnmarshalTerms(b4)
	require.NoError(t, err)
	require.Equal(t, s, got)
	require.NotNil(t, gt)

	// Without sync metadata, the versions and bytes are the old ones.
	plain := syncState()
	plain.Sync = nil
	_, err = Marshal(plain)
	require.ErrorIs(t, err, ErrInvalid, "a stamp the format would drop")
	plain.ClearStamps()
	b1, err := Marshal(plain)
	require.NoError(t, err)
	require.Equal(t, byte(1), b1[4])
}

func TestSyncSectionRefuses(t *testing.T) {
	for name, mut := range map[string]func(*model.State){
		"tombstone for a live record": func(s *model.State) { s.Sync.Tombstones[1].ID = "t1" },
		"invalid device":              func(s *model.State) { s.Sync.Device = "a b" },
		"missing stamp":               func(s *model.State) { s.Turns[0].Stamp = hlc.Stamp{} },
		"setting tombstone":           func(s *model.State) { s.Sync.Tombstones[0].Kind = model.KindSetting },
	} {
		s := syncState()
		mut(s)
		_, err := Marshal(s)
		require.ErrorIs(t, err, ErrInvalid, name)
	}
	// A decoder refuses a body whose tombstone names a live turn.
	s := syncState()
	body, err := appendBody(nil, s)
	require.NoError(t, err)
	s.Sync.Tombstones[1].ID = "t1"
	s.Sync.Tombstones = s.Sync.Tombstones[1:]
	s2 := syncState()
	s2.Sync.Tombstones = []model.Tombstone{{Kind: model.KindTurn, ID: "t9", Stamp: s.Sync.Tombstones[0].Stamp}}
	full, err := appendSync(body, s2)
	require.NoError(t, err)
	// Rewrite the id "t9" to "t1" in place: same length.
	for i := len(full) - 1; i > 0; i-- {
		if full[i-1] == 't' && full[i] == '9' {
			full[i] = '1'
			break
		}
	}
	_, _, err = decodeVersion(string(full), version3)
	require.ErrorIs(t, err, ErrCorrupt)
}
