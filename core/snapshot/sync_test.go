package snapshot

import (
	"fmt"
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

// TestSyncSectionDefects: each defect of a hand-built sync section is
// refused with its kind, and the error names the place.
func TestSyncSectionDefects(t *testing.T) {
	// A state body with one session and one turn, then sync sections.
	state := turnWire(settingsWire().uv(1).str("s").str("").str("").sv(0).uv(0).uv(1), "t", 0, "hi").uv(0)
	st := func(w wire, wall, ctr, dev uint64) wire { return w.uv(wall).uv(ctr).uv(dev) }
	// stamps writes the session's, the turn's and the three settings'
	// stamps, all by device 0 unless dev says otherwise (by position).
	stamps := func(w wire, dev ...uint64) wire {
		for i := range 5 {
			d := uint64(0)
			if i < len(dev) {
				d = dev[i]
			}
			w = st(w, 1000+uint64(i), 0, d)
		}
		return w
	}
	one := func() wire { return append(wire{}, state...).str("devA").uv(1).str("devA") }
	two := func() wire { return append(wire{}, state...).str("devA").uv(2).str("devA").str("devB") }
	tomb := func(w wire, kind byte, id string) wire { return st(w.raw(kind).str(id), 2000, 0, 0) }
	tests := []struct {
		name string
		body wire
		want error
		msg  string // the error's text, when checked
	}{
		{"valid", stamps(one()).uv(0), nil, ""},
		{"valid, two devices and tombstones", tomb(tomb(stamps(two(), 1).uv(2), 1, "s0"), 2, "t0"), nil, ""},
		{"invalid device", stamps(append(wire{}, state...).str("a b").uv(1).str("devA")).uv(0), ErrCorrupt, ""},
		{"devices unsorted", stamps(append(wire{}, state...).str("devA").uv(2).str("devB").str("devA"), 1).uv(0), ErrCorrupt,
			"snapshot: device 1: devices not strictly ascending: corrupt"},
		{"device used by no stamp", stamps(two()).uv(0), ErrCorrupt,
			`snapshot: device 1: device "devB" is used by no stamp: corrupt`},
		{"stamps cut short", st(one(), 1, 0, 0), ErrTruncated, ""},
		{"wall out of range", st(one(), uint64(hlc.MaxWall)+1, 0, 0).raw(make([]byte, 20)...), ErrCorrupt,
			fmt.Sprintf("snapshot: session stamp 0: wall %d out of range: corrupt", uint64(hlc.MaxWall)+1)},
		{"counter past 32 bits", st(st(one(), 1, 0, 0), 1, 1<<32, 0).raw(make([]byte, 20)...), ErrCorrupt,
			"snapshot: turn stamp 0: counter 4294967296 exceeds 32 bits: corrupt"},
		{"device index out of range", stamps(one(), 0, 0, 0, 0, 1).uv(0), ErrCorrupt,
			"snapshot: setting stamp 2: device index 1 out of range: corrupt"},
		{"bad tombstone kind", tomb(stamps(one()).uv(1), 9, "x"), ErrCorrupt, "snapshot: tombstone 0: kind 9: corrupt"},
		{"tombstones out of order", tomb(tomb(stamps(one()).uv(2), 2, "t0"), 1, "s0"), ErrCorrupt,
			"snapshot: tombstone 1: tombstones not strictly ascending: corrupt"},
		{"tombstone for a live turn", tomb(stamps(one()).uv(1), 2, "t"), ErrCorrupt,
			`snapshot: tombstone 0: tombstone for live record "t": corrupt`},
		{"trailing bytes", stamps(one()).uv(0).raw(0), ErrTrailing, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := decodeVersion(string(tt.body), version3)
			if tt.want == nil {
				require.NoError(t, err)
				again, err := appendSync(must(appendBody(nil, s)), s)
				require.NoError(t, err)
				require.Equal(t, []byte(tt.body), again, "canonical")
				return
			}
			require.ErrorIs(t, err, tt.want)
			requireOneSentinel(t, err)
			if tt.msg != "" {
				require.EqualError(t, err, tt.msg)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
