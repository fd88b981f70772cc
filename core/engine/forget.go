package engine

import (
	"fmt"
	"slices"

	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
)

// ForgetTurn removes a turn from every structure: the turn index, its
// session (and the session's length), and the sources of facts learned from it. A fact left
// without sources is deleted unless the user edited or pinned it (then it
// is the user's own statement).
func (e *Engine) ForgetTurn(id string) error {
	t, ok := e.turns[id]
	if !ok {
		return fmt.Errorf("turn %q: %w", id, ErrNotFound)
	}
	e.removeTurn(t)
	e.restamp()
	return nil
}

func (e *Engine) removeTurn(t *turn) {
	e.turnIdx.Delete(t.doc)
	e.turnBySlot[t.doc] = nil
	delete(e.turns, t.ID)
	e.tombstone(merge.Key{Kind: merge.KindTurn, ID: t.ID}, t.Stamp)
	t.sess.length -= int32(len(t.terms))
	t.sess.turns = slices.Delete(t.sess.turns, t.pos, t.pos+1)
	t.sess.renumber(t.pos)
	e.staleFacts()
	for _, f := range e.facts {
		n := len(f.Sources)
		f.Sources = slices.DeleteFunc(f.Sources, func(s string) bool { return s == t.ID })
		if n > 0 && len(f.Sources) == 0 && !f.UserEdited && !f.Pinned {
			e.dropFact(f)
		}
	}
}

// dropFact deletes a fact and revives the one it had superseded, if any,
// when that one is now the newest on its slot.
func (e *Engine) dropFact(f *model.Fact) {
	e.unindexFact(f)
	delete(e.facts, f.ID)
	e.staleFacts()
	for _, o := range e.facts {
		if o.SupersededBy == f.ID {
			o.SupersededBy = f.SupersededBy
		}
	}
}

// ForgetSession removes a session and all its turns.
func (e *Engine) ForgetSession(id string) error {
	s, ok := e.sessions[id]
	if !ok {
		return fmt.Errorf("session %q: %w", id, ErrNotFound)
	}
	for _, t := range slices.Clone(s.turns) {
		e.removeTurn(t)
	}
	e.freeSessionSlot(s)
	delete(e.sessions, id)
	e.restamp()
	return nil
}

// ForgetAll erases every session, turn and fact. Settings are kept: they
// are the user's choices about the engine, not memories.
func (e *Engine) ForgetAll() {
	e.restamp()
	for _, t := range e.turns {
		e.tombstone(merge.Key{Kind: merge.KindTurn, ID: t.ID}, t.Stamp)
	}
	for k, v := range e.seen {
		e.tombstone(k, v.stamp)
	}
	n := New()
	n.settings, n.setStamps = e.settings, e.setStamps
	n.device, n.clock, n.tombs = e.device, e.clock, e.tombs
	*e = *n
}
