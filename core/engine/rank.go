package engine

import "slices"

// rank is the full method: turn and session evidence combined.
func (e *Engine) rank(q *query, req RecallRequest) []Hit {
	off := func(name string) bool { return slices.Contains(req.Disable, name) }
	turnSc := make([]float64, e.turnIdx.Slots())
	e.turnIdx.Score(q.weights, turnSc)
	sessSc := make([]float64, e.sessIdx.Slots())
	e.sessIdx.Score(q.weights, sessSc)
	normalizeMax(turnSc)
	normalizeMax(sessSc)
	if req.Unit == UnitSession {
		best := make([]float64, len(sessSc))
		for d, s := range turnSc {
			if t := e.turnBySlot[d]; t != nil && s > best[t.sess.doc] {
				best[t.sess.doc] = s
			}
		}
		for i := range sessSc {
			sessSc[i] += best[i]
		}
		return e.topSessions(sessSc, req.K, nil)
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
