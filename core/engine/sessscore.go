package engine

import "github.com/confidant-dev/confidant/core/index"

// Sessions are ranked as documents too — all their turns' terms in one bag —
// but they have no index of their own: a session's BM25 statistics are sums
// over its turns, so sessionScores derives them from the turn index's
// postings at query time, giving the scores an index of sessions would give,
// bit for bit (TestSessionScoresMatchAnIndex). A load then builds one
// index, not two, and forgetting a turn costs its session nothing.
//
// A session still has a dense slot, for score arrays: sessSlots hands them
// out as the index did (a freed slot is the next one reused).
type sessSlots struct {
	free []int32
	tf   []int32 // scratch: a session's summed term frequency, by slot
	hit  []int32 // scratch: the sessions one query term touches
}

// newSessionSlot gives ss a slot and files it in sessBySlot.
func (e *Engine) newSessionSlot(ss *session) {
	if n := len(e.sessSlots.free); n > 0 {
		ss.doc = e.sessSlots.free[n-1]
		e.sessSlots.free = e.sessSlots.free[:n-1]
	} else {
		ss.doc = int32(len(e.sessBySlot))
	}
	setSlot(&e.sessBySlot, ss.doc, ss)
}

// freeSessionSlot releases the slot of a session being forgotten.
func (e *Engine) freeSessionSlot(ss *session) {
	e.sessBySlot[ss.doc] = nil
	e.sessSlots.free = append(e.sessSlots.free, ss.doc)
}

// sessionScores adds every session's BM25 score for query into scores
// (indexed by session slot, len ≥ len(e.sessBySlot)) and appends each
// session that went from zero to a positive score to touched: what
// index.Score would do over an index with one document per session, except
// that touched lists sessions in the order their turns are reached, not by
// slot (every caller is indifferent to it: best breaks ties by slot).
func (e *Engine) sessionScores(query []index.Term, scores []float64, touched []int32) []int32 {
	n := len(e.sessions)
	total := e.turnIdx.TotalLen()
	if n == 0 || total == 0 {
		return touched
	}
	avg := float64(total) / float64(n)
	s := &e.sessSlots
	if len(s.tf) < len(e.sessBySlot) {
		s.tf = make([]int32, len(e.sessBySlot))
	}
	for _, q := range query {
		// Sum the term's frequency per session; the sessions touched
		// are its document frequency.
		hit := s.hit[:0]
		for _, p := range e.turnIdx.Postings(q.ID) {
			sd := e.turnBySlot[p.Doc].sess.doc
			if s.tf[sd] == 0 {
				hit = append(hit, sd)
			}
			s.tf[sd] += p.TF
		}
		s.hit = hit
		if len(hit) == 0 {
			continue
		}
		idf := index.IDF(n, len(hit)) * q.Weight
		for _, sd := range hit {
			if scores[sd] == 0 {
				touched = append(touched, sd)
			}
			scores[sd] += index.TermScore(idf, s.tf[sd], e.sessBySlot[sd].length, avg)
			s.tf[sd] = 0
		}
	}
	return touched
}

// sessionMatched lists the query's terms that occur in a session, in query
// order (matched, over the union of its turns' terms), reading each of
// the session's terms once.
func (e *Engine) sessionMatched(q *query, ss *session) []string {
	found := make(map[uint32]bool, len(q.weights)) // query term → seen in the session
	for _, w := range q.weights {
		found[w.ID] = false
	}
	left := len(found)
	for _, t := range ss.turns {
		for _, id := range e.turnIdx.Terms(t.doc) {
			if seen, ok := found[id]; ok && !seen {
				found[id] = true
				if left--; left == 0 {
					break
				}
			}
		}
		if left == 0 {
			break
		}
	}
	var out []string
	for _, w := range q.weights {
		if found[w.ID] {
			out = append(out, e.an.TermOf(w.ID))
		}
	}
	return out
}
