package engine

import (
	"math"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/index"
)

// Ranking weights. Scores are first normalised so the best turn (and the
// best session, and the best fact) of a query scores 1, which makes these
// relative weights independent of the query's length and the store's size.
const (
	// sessionWeight: a turn in a conversation that, as a whole, matches
	// the prompt is more likely the one meant than the same words in an
	// unrelated chat. Half of the turn's own evidence at most.
	sessionWeight = 0.5
	// factWeight: a fact extracted from a turn is a second, cleaner key for
	// it ("Lives in Lisbon" for "so yeah we finally made the move to
	// Lisbon last month"); its match adds to the turn's own.
	factWeight = 0.5
	// neighborWeight: how much a turn borrows from the better of the turns
	// just before and after it. Chat turns are short and lean on context
	// ("Yep! It's my third one."), so a turn next to a strong match is
	// likely about the same thing.
	neighborWeight = 0.5
)

// Features are the ranking features a recall can switch off (Disable), for
// ablation.
var Features = []string{"session-prior", "neighbors", "time", "facts", "recency", "importance"}

// Scratch array numbers (see buffers).
const (
	bufTurn = iota
	bufSession
	bufFact
	bufNeighbor
	bufFactTurn
	bufFinal
	bufCoverage
	bufFactCoverage
	numBuffers
)

// components are the evidence for one candidate, kept for explanations.
type components struct {
	lex, fact, neighbor, session, time float64
}

// rank is the full method: lexical evidence from the turn, its neighbours,
// its session and the facts learned from it, weighted by the prompt's time
// constraints.
func (e *Engine) rank(q *query, req RecallRequest) []Hit {
	off := func(name string) bool { return slices.Contains(req.Disable, name) }
	turnSc := e.buf.get(bufTurn, e.turnIdx.Slots())
	cov := e.buf.get(bufCoverage, e.turnIdx.Slots())
	turns := e.turnIdx.ScoreCoverage(q.weights, turnSc, cov, nil)
	sessSc := e.buf.get(bufSession, len(e.sessBySlot))
	sessions := e.sessionScores(q.weights, sessSc, nil)
	normalizeMax(turnSc, turns)
	normalizeMax(sessSc, sessions)
	tf := e.timeFilter(q, off("time"))

	if req.Unit == UnitSession {
		return e.rankSessions(q, req, turns, turnSc, sessions, sessSc, tf)
	}

	cands := slices.Clone(turns)
	var factSc []float64
	var factPass map[int32]bool
	if !off("facts") {
		factSc = e.buf.get(bufFactTurn, len(turnSc))
		cands, factPass = e.factKeyScores(q, factSc, cands)
	}
	var nb []float64
	if !off("neighbors") {
		nb = e.buf.get(bufNeighbor, len(turnSc))
		cands = e.neighborScores(turnSc, turns, nb, factSc, cands)
	}
	sessionPrior := !off("session-prior")
	comp := func(d int32) components {
		t := e.turnBySlot[d]
		c := components{lex: turnSc[d], time: tf.factor(t.Time)}
		if factSc != nil {
			c.fact = factWeight * factSc[d]
		}
		if nb != nil {
			c.neighbor = neighborWeight * nb[d]
		}
		if sessionPrior {
			c.session = sessionWeight * sessSc[t.sess.doc]
		}
		return c
	}
	final := e.finalScores(q, cands, len(turnSc), comp, off)
	var pass func(*turn) bool
	if !req.All {
		need := gateNeed(q, e.turnIdx, e.personal(q.text))
		pass = func(t *turn) bool { return cov[t.doc] >= need || factPass[t.doc] }
	}
	return e.topTurns(final, cands, req, pass, func(t *turn) []string { return e.whyTurn(q, t, comp(t.doc), tf) })
}

// rankSessions ranks sessions (UnitSession): each by its own match and its
// best turn's, weighted by the prompt's time constraints. It and
// finalScores hold rank's loops, which keeps V8 from recompiling all of rank
// in a cold start's first recall (RATIONALE.md: "Why are the load's loops
// in functions of their own?").
func (e *Engine) rankSessions(q *query, req RecallRequest, turns []int32, turnSc []float64, sessions []int32, sessSc []float64, tf timeFilter) []Hit {
	best := e.buf.get(bufFinal, len(sessSc))
	for _, d := range turns {
		t := e.turnBySlot[d]
		best[t.sess.doc] = max(best[t.sess.doc], turnSc[d])
	}
	// Every session with a matching turn matches as a whole too, so
	// sessions lists all candidates.
	for _, sd := range sessions {
		sessSc[sd] = (sessSc[sd] + best[sd]) * tf.factor(e.sessBySlot[sd].Start)
	}
	return e.topSessions(sessSc, sessions, req.K, func(ss *session) []string { return e.whySession(q, ss, tf) })
}

// finalScores combines each candidate's evidence into its score.
func (e *Engine) finalScores(q *query, cands []int32, slots int, comp func(int32) components, off func(string) bool) []float64 {
	final := e.buf.get(bufFinal, slots)
	pr := e.priors(q, off)
	for _, d := range cands {
		c := comp(d)
		final[d] = (c.lex + c.fact + c.neighbor + c.session) * c.time * pr.of(e.turnBySlot[d])
	}
	return final
}

// normalizeMax scales the listed scores so the best is 1.
func normalizeMax(sc []float64, docs []int32) {
	m := 0.0
	for _, d := range docs {
		m = max(m, sc[d])
	}
	if m == 0 {
		return
	}
	for _, d := range docs {
		sc[d] /= m
	}
}

// neighborScores sets nb[d] to the best score among the turns just before
// and after d in its session, for the neighbours of matching turns, and
// returns cands extended with neighbours that were not candidates yet (not
// matching, not credited by a fact, not already a neighbour).
func (e *Engine) neighborScores(sc []float64, matches []int32, nb, fact []float64, cands []int32) []int32 {
	for _, d := range matches {
		t := e.turnBySlot[d]
		ts, i := t.sess.turns, t.pos
		for _, j := range [2]int{i - 1, i + 1} {
			if j < 0 || j >= len(ts) {
				continue
			}
			n := ts[j].doc
			if sc[n] == 0 && nb[n] == 0 && (fact == nil || fact[n] == 0) {
				cands = append(cands, n)
			}
			nb[n] = max(nb[n], sc[d])
		}
	}
	return cands
}

// factKeyScores scores facts against the query and credits each fact's
// source turns with its normalised score (fact-augmented keys), returning
// cands extended with source turns that were not candidates yet, and the
// turns whose fact passes the relevance gate on its own words (a fact is a
// turn's cleaner key, so it may vouch for it).
func (e *Engine) factKeyScores(q *query, out []float64, cands []int32) ([]int32, map[int32]bool) {
	if e.factIdx.Len() == 0 {
		return cands, nil
	}
	fsc := e.buf.get(bufFact, e.factIdx.Slots())
	fcov := e.buf.get(bufFactCoverage, e.factIdx.Slots())
	facts := e.factIdx.ScoreCoverage(q.weights, fsc, fcov, nil)
	normalizeMax(fsc, facts)
	need := gateNeed(q, e.factIdx, e.personal(q.text))
	pass := map[int32]bool{}
	turnSc := e.buf.arrays[bufTurn]
	for _, d := range facts {
		f := e.facts[e.factBySlot[d]]
		if f == nil {
			continue
		}
		for _, src := range f.Sources {
			t := e.turns[src]
			if t == nil {
				continue
			}
			if turnSc[t.doc] == 0 && out[t.doc] == 0 {
				cands = append(cands, t.doc)
			}
			out[t.doc] = max(out[t.doc], fsc[d])
			if fcov[d] >= need {
				pass[t.doc] = true
			}
		}
	}
	return cands, pass
}

// The relevance gate. A turn is offered only if the query words it
// contains carry enough of the query's information (IDF mass):
//   - gateShare of the mass of the query words the store knows at all
//     (words it has never seen cannot tell memories apart), and
//   - for a prompt that does not speak of the user (no I, my, me, we…),
//     also impersonalShare of the whole query's mass: "explain how TCP
//     congestion control works" needs no memory that merely says "work".
const (
	gateShare       = 1.0 / 3
	impersonalShare = 1.0 / 2
)

// personal reports whether the prompt speaks of the user's own life: in
// the first person, or by a name (a capitalised word inside a sentence)
// that the user's memories contain — "what did Caroline say about the
// move?" is about someone in the user's life, not general knowledge.
func (e *Engine) personal(text string) bool {
	if firstPersonIn(text) {
		return true
	}
	found := false
	sentenceStart := true
	analyze.TokensAt(text, func(tok string, start, end int) {
		first := text[start]
		isName := !sentenceStart && 'A' <= first && first <= 'Z'
		sentenceStart = end < len(text) && strings.ContainsAny(text[end:min(end+2, len(text))], ".?!")
		if found || !isName {
			return
		}
		if id, ok := e.an.ID(e.an.Term(tok)); ok && e.turnIdx.DF(id) > 0 {
			found = true
		}
	})
	return found
}

// firstPerson are the words by which a prompt speaks of its writer.
var firstPerson = map[string]bool{"i": true, "i'm": true, "i've": true, "i'd": true, "i'll": true,
	"me": true, "my": true, "mine": true, "myself": true, "we": true, "our": true, "us": true, "we're": true}

// firstPersonIn reports whether the prompt uses the first person.
func firstPersonIn(text string) bool {
	found := false
	analyze.Tokens(text, func(tok string) { found = found || firstPerson[tok] })
	return found
}

// gateNeed returns the IDF mass (in idx) of query terms a document must
// contain to be offered.
func gateNeed(q *query, idx *index.Index, personal bool) float64 {
	var known, unseen float64
	for _, w := range q.weights {
		if idx.DF(w.ID) > 0 {
			known += idx.IDF(w.ID) * w.Weight
		} else {
			unseen += idx.IDF(w.ID) * w.Weight
		}
	}
	// A term this index has never seen has its highest IDF.
	all := known + unseen + float64(q.unknown)*idx.IDF(^uint32(0))
	need := gateShare * known
	if !personal {
		need = max(need, impersonalShare*all)
	}
	return need
}

// matched returns the query terms a document contains, in query order.
func (e *Engine) matched(q *query, ids []uint32) []string {
	var out []string
	for _, w := range q.weights {
		if slices.Contains(ids, w.ID) {
			out = append(out, e.an.TermOf(w.ID))
		}
	}
	return out
}

func (e *Engine) whyTurn(q *query, t *turn, c components, tf timeFilter) []string {
	var why []string
	if m := e.matched(q, e.turnIdx.Terms(t.doc)); len(m) > 0 {
		why = append(why, "mentions "+strings.Join(m, ", "))
	}
	if c.fact > 0 {
		why = append(why, "a fact learned from it matches")
	}
	if c.neighbor > 0 && c.neighbor >= c.lex {
		why = append(why, "next to a matching turn")
	}
	if c.session > 0.25 {
		why = append(why, "its conversation is about the prompt's topic")
	}
	if r := tf.why(t.Time); r != "" {
		why = append(why, r)
	}
	return why
}

func (e *Engine) whySession(q *query, ss *session, tf timeFilter) []string {
	var why []string
	if m := e.sessionMatched(q, ss); len(m) > 0 {
		why = append(why, "mentions "+strings.Join(m, ", "))
	}
	if r := tf.why(ss.Start); r != "" {
		why = append(why, r)
	}
	return why
}

// Priors order otherwise similar evidence.
const (
	// recencyWeight: a memory from the prompt's day counts up to 10% more
	// than a very old one, the bonus halving every recencyHalfLife days —
	// a tie-breaker, not a filter (measured neutral on both dev sets, whose
	// questions are as often about old events as new ones).
	recencyWeight   = 0.1
	recencyHalfLife = 90.0
	// importanceWeight: a turn the user marked as important — the source
	// of a fact they pinned or edited — counts 10% more.
	importanceWeight = 0.1
)

// priors is what the recency and importance multiplier needs, settled
// once per ranking: a prompt that matches every stored turn computes it
// 10,000 times.
type priors struct {
	q         *query
	recency   bool
	important map[string]bool // nil when off or when no turn is important
}

func (e *Engine) priors(q *query, off func(string) bool) priors {
	p := priors{q: q, recency: !off("recency")}
	if !off("importance") {
		if imp := e.importantTurns(); len(imp) > 0 {
			p.important = imp
		}
	}
	return p
}

// of is the recency and importance multiplier of turn t.
func (p priors) of(t *turn) float64 {
	m := 1.0
	if p.recency {
		age := max(p.q.at.Sub(t.Time).Hours()/24, 0)
		m *= 1 + recencyWeight*math.Exp2(-age/recencyHalfLife)
	}
	if p.important != nil && p.important[t.ID] {
		m *= 1 + importanceWeight
	}
	return m
}

// importantTurns returns the turns that are sources of a pinned or
// user-edited fact, recomputed after any fact changes (staleFacts).
func (e *Engine) importantTurns() map[string]bool {
	if e.important == nil {
		e.important = map[string]bool{}
		for _, f := range e.facts {
			if f.Pinned || f.UserEdited {
				for _, src := range f.Sources {
					e.important[src] = true
				}
			}
		}
	}
	return e.important
}

// staleFacts records that facts changed, so derived sets are recomputed.
func (e *Engine) staleFacts() { e.important = nil }
