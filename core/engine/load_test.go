package engine

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// TestLoadFilesSessionsWithoutRecord: turns whose session has no record
// (a state written by hand, or an old export) get a session of their own,
// in the session slots like any other.
func TestLoadFilesSessionsWithoutRecord(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	st := &model.State{
		Settings: New().settings,
		Sessions: []model.Session{{ID: "s-rec", Site: "chatgpt.com", Start: t0}},
		Turns: []model.Turn{
			{ID: "a1", Session: "s-orphan", Role: model.RoleUser, Text: "my kayak trip on the Douro river", Time: t0.Add(time.Hour)},
			{ID: "a2", Session: "s-orphan", Role: model.RoleAssistant, Text: "Kayaking the Douro sounds lovely", Time: t0.Add(2 * time.Hour)},
			{ID: "b1", Session: "s-rec", Role: model.RoleUser, Text: "a recipe for lentil soup", Time: t0},
		},
	}
	e := New()
	require.NoError(t, e.Load(st))
	require.Len(t, e.sessions, 2)
	for id, s := range e.sessions {
		assert.Same(t, s, e.sessBySlot[s.doc], id)
	}
	assert.Equal(t, t0.Add(time.Hour), e.sessions["s-orphan"].Start, "a session without a record starts at its first turn")
	hits, err := e.Recall(RecallRequest{Text: "kayak on the Douro", Unit: UnitSession, K: 5, All: true, Time: t0.Add(24 * time.Hour)})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "s-orphan", hits[0].ID)
}

// TestLoadSeedsClockFromEveryStamp: after a load the clock issues stamps
// later than every stamp in the state, whichever record holds the latest.
func TestLoadSeedsClockFromEveryStamp(t *testing.T) {
	future := hlc.Stamp{Wall: time.Now().Add(10 * time.Minute).UnixMilli(), Counter: 7, Device: "dev-other"}
	for name, put := range map[string]func(st *model.State){
		"turn":    func(st *model.State) { st.Turns[3].Stamp = future },
		"session": func(st *model.State) { st.Sessions[1].Stamp = future },
		"setting": func(st *model.State) { st.Sync.SettingStamps[2] = future },
		"tombstone": func(st *model.State) {
			st.Sync.Tombstones = append(st.Sync.Tombstones, model.Tombstone{Kind: model.KindTurn, ID: "gone", Stamp: future})
		},
	} {
		st := sampleEngine(t).SyncState()
		put(st)
		e := New()
		require.NoError(t, e.Load(st), name)
		assert.True(t, future.Less(e.clock.Now()), "%s: the clock was not seeded from the latest stamp", name)
	}
}

// TestLoadRefusesBadStates: a state that does not fit the engine is refused
// with ErrInvalid, and the engine keeps what it had.
func TestLoadRefusesBadStates(t *testing.T) {
	for name, spoil := range map[string]func(st *model.State){
		"session id empty":   func(st *model.State) { st.Sessions[0].ID = "" },
		"session twice":      func(st *model.State) { st.Sessions[1].ID = st.Sessions[0].ID },
		"turn twice":         func(st *model.State) { st.Turns[1].ID = st.Turns[0].ID },
		"turn with no role":  func(st *model.State) { st.Turns[2].Role = "system" },
		"fact id empty":      func(st *model.State) { st.Facts[0].ID = "" },
		"fact twice":         func(st *model.State) { st.Facts = append(st.Facts, st.Facts[0]) },
		"token budget":       func(st *model.State) { st.Settings.TokenBudget = -1 },
		"turn without a day": func(st *model.State) { st.Turns[0].Time = time.Time{} },
	} {
		e := sampleEngine(t)
		_, err := e.Ingest(nil, []model.Turn{{ID: "f-src", Session: "sf", Role: model.RoleUser, Text: "I am allergic to peanuts", Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}})
		require.NoError(t, err)
		st := e.State()
		require.NotEmpty(t, st.Facts, "the sample has a fact")
		before := e.State()
		spoil(st)
		err = e.Load(st)
		require.ErrorIs(t, err, ErrInvalid, name)
		assert.Equal(t, before, e.State(), name)
	}
	// Terms that do not match the turns (the snapshot decoder checks this
	// too; the engine does not trust it).
	e := sampleEngine(t)
	st := e.State()
	err := e.load(st, &snapshot.Terms{Turns: make([][]uint32, len(st.Turns)-1)})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), fmt.Sprintf("terms for %d turns but %d turns", len(st.Turns)-1, len(st.Turns)))
}

// TestLoadedSessionsOwnTheirTurns: a load gives each session its turns as a
// run of one shared array; forgetting or adding a turn in one session must
// leave every other session's turns, and the slot table, as they were.
func TestLoadedSessionsOwnTheirTurns(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	st := &model.State{Settings: New().settings}
	for s := range 3 {
		for i := range 3 {
			st.Turns = append(st.Turns, model.Turn{ID: fmt.Sprintf("t%d%d", s, i), Session: fmt.Sprintf("s%d", s),
				Role: model.RoleUser, Text: fmt.Sprintf("turn %d of session %d about gardens", i, s), Time: t0.Add(time.Duration(s*10+i) * time.Minute)})
		}
	}
	e := New()
	require.NoError(t, e.Load(st))
	ids := func(s string) (out []string) {
		for i, tr := range e.sessions[s].turns {
			assert.Equal(t, i, tr.pos, "%s: position of %s", s, tr.ID)
			out = append(out, tr.ID)
		}
		return out
	}
	require.NoError(t, e.ForgetTurn("t11"))
	_, err := e.Ingest(nil, []model.Turn{{ID: "t03", Session: "s0", Role: model.RoleUser, Text: "a fourth turn about gardens", Time: t0.Add(5 * time.Minute)}})
	require.NoError(t, err)
	assert.Equal(t, []string{"t00", "t01", "t02", "t03"}, ids("s0"))
	assert.Equal(t, []string{"t10", "t12"}, ids("s1"))
	assert.Equal(t, []string{"t20", "t21", "t22"}, ids("s2"))
	for id, tr := range e.turns {
		assert.Same(t, tr, e.turnBySlot[tr.doc], "the slot table still maps %s", id)
	}
}
