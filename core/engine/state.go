package engine

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// State returns a deep copy of everything the engine persists, sorted by id.
func (e *Engine) State() *model.State {
	st := &model.State{Settings: e.settings}
	st.Settings.Consent = slices.Clone(e.settings.Consent)
	for _, s := range e.sessions {
		st.Sessions = append(st.Sessions, s.Session)
	}
	for _, t := range e.turns {
		st.Turns = append(st.Turns, t.Turn)
	}
	for _, f := range e.facts {
		st.Facts = append(st.Facts, cloneFact(f))
	}
	slices.SortFunc(st.Sessions, func(a, b model.Session) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Turns, func(a, b model.Turn) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Facts, func(a, b model.Fact) int { return cmp.Compare(a.ID, b.ID) })
	return st
}

// Load replaces the engine's contents with st, rebuilding every index. Facts
// are taken as stored (not re-extracted), so user edits survive. On error
// the engine is unchanged.
func (e *Engine) Load(st *model.State) error {
	n := New()
	if err := n.SetSettings(st.Settings); err != nil {
		return err
	}
	for i := range st.Sessions {
		if err := model.ValidateID(st.Sessions[i].ID); err != nil {
			return fmt.Errorf("%w: session %d: %w", ErrInvalid, i, err)
		}
		n.upsertSession(st.Sessions[i])
	}
	for i := range st.Turns {
		t := st.Turns[i]
		if err := t.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if _, dup := n.turns[t.ID]; dup {
			return fmt.Errorf("%w: turn %q appears twice", ErrInvalid, t.ID)
		}
		n.storeTurn(t)
	}
	for i := range st.Facts {
		f := cloneFact(&st.Facts[i])
		if err := model.ValidateID(f.ID); err != nil {
			return fmt.Errorf("%w: fact %d: %w", ErrInvalid, i, err)
		}
		n.facts[f.ID] = &f
		n.indexFact(&f)
	}
	*e = *n
	return nil
}

// Export encodes the state as a snapshot (see core/snapshot).
func (e *Engine) Export() ([]byte, error) { return snapshot.Marshal(e.State()) }

// Import replaces the store with a snapshot's contents. A snapshot that does
// not decode or validate changes nothing.
func (e *Engine) Import(data []byte) error {
	st, err := snapshot.Unmarshal(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return e.Load(st)
}
