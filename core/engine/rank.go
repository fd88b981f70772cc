package engine

import (
	"slices"

	"github.com/confidant-dev/confidant/core/model"
)

// rank is the full method: turn and session evidence combined.
func (e *Engine) rank(q *query, req RecallRequest) []Hit {
	off := func(name string) bool { return slices.Contains(req.Disable, name) }
	weights := q.weights
	turnSc := make([]float64, e.turnIdx.Slots())
	e.turnIdx.Score(weights, turnSc)
	sessSc := make([]float64, e.sessIdx.Slots())
	e.sessIdx.Score(weights, sessSc)
	normalizeMax(turnSc)
	normalizeMax(sessSc)
	if req.Unit == UnitSession {
		best := make([]float64, len(sessSc))
		for d, s := range turnSc {
			if t := e.turnBySlot[d]; t != nil && s > best[t.sess.doc] && (!off("x-useronly") || t.Role == model.RoleUser) {
				best[t.sess.doc] = s
			}
		}
		for i := range sessSc {
			if off("x-nosess") {
				sessSc[i] = 0
			}
			if !off("x-nomax") {
				sessSc[i] += best[i]
			}
		}
		return e.topSessions(sessSc, req.K, nil)
	}
	if !off("neighbors") {
		turnSc = e.withNeighbors(turnSc)
	}
	if !off("session-prior") {
		for d, s := range turnSc {
			if t := e.turnBySlot[d]; t != nil && s > 0 {
				turnSc[d] = s + 0.5*sessSc[t.sess.doc]
			}
		}
	}
	return e.topTurns(turnSc, req, nil)
}

// normalizeMax scales scores so the best is 1.
func normalizeMax(sc []float64) {
	m := 0.0
	for _, s := range sc {
		m = max(m, s)
	}
	if m == 0 {
		return
	}
	for i := range sc {
		sc[i] /= m
	}
}

// neighborWeight is how much a turn borrows from the better of the turns
// just before and after it in its session. Chat turns are short and lean on
// context ("Yep! It's my third one."), so a turn next to a strong match is
// likely about the same thing.
const neighborWeight = 0.5

// withNeighbors returns scores where each turn adds neighborWeight times the
// best score of its adjacent turns.
func (e *Engine) withNeighbors(sc []float64) []float64 {
	out := slices.Clone(sc)
	for _, s := range e.sessions {
		for i, t := range s.turns {
			best := 0.0
			if i > 0 {
				best = sc[s.turns[i-1].doc]
			}
			if i+1 < len(s.turns) {
				best = max(best, sc[s.turns[i+1].doc])
			}
			out[t.doc] += neighborWeight * best
		}
	}
	return out
}
