package engine

import (
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/analyze"
)

// Ranking weights. Scores are first normalised so the best turn (and the
// best session) of a query scores 1, which makes these relative weights
// independent of the query's length and the store's size.
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
var Features = []string{"session-prior", "neighbors", "time", "facts"}

// components are the evidence for one candidate, kept for explanations.
type components struct {
	lex, fact, neighbor, session, time float64
}

// rank is the full method: lexical evidence from the turn, its neighbours
// and its session, weighted by the prompt's time constraints.
func (e *Engine) rank(q *query, req RecallRequest) []Hit {
	off := func(name string) bool { return slices.Contains(req.Disable, name) }
	turnSc := make([]float64, e.turnIdx.Slots())
	e.turnIdx.Score(q.weights, turnSc)
	sessSc := make([]float64, e.sessIdx.Slots())
	e.sessIdx.Score(q.weights, sessSc)
	normalizeMax(turnSc)
	normalizeMax(sessSc)
	tf := e.timeFilter(q, off("time"))
	var factSc []float64
	if !off("facts") {
		factSc = e.factKeyScores(q)
	}

	if req.Unit == UnitSession {
		best := make([]float64, len(sessSc))
		for d, s := range turnSc {
			if t := e.turnBySlot[d]; t != nil && s > best[t.sess.doc] {
				best[t.sess.doc] = s
			}
		}
		for i := range sessSc {
			if ss := e.sessBySlot[i]; ss != nil {
				sessSc[i] = (sessSc[i] + best[i]) * tf.factor(ss.Start)
			}
		}
		return e.topSessions(sessSc, req.K, func(ss *session) []string { return e.whySession(q, ss, tf) })
	}

	var nb []float64
	if !off("neighbors") {
		nb = e.neighborScores(turnSc)
	}
	final := make([]float64, len(turnSc))
	comp := func(d int) components {
		t := e.turnBySlot[d]
		c := components{lex: turnSc[d], time: tf.factor(t.Time)}
		if factSc != nil {
			c.fact = factWeight * factSc[d]
		}
		if nb != nil {
			c.neighbor = neighborWeight * nb[d]
		}
		if !off("session-prior") {
			c.session = sessionWeight * sessSc[t.sess.doc]
		}
		return c
	}
	for d := range turnSc {
		if t := e.turnBySlot[d]; t == nil || (turnSc[d] == 0 && (nb == nil || nb[d] == 0) && (factSc == nil || factSc[d] == 0)) {
			continue
		}
		c := comp(d)
		final[d] = (c.lex + c.fact + c.neighbor + c.session) * c.time
	}
	if !req.All {
		e.gate(q, final)
	}
	return e.topTurns(final, req, func(t *turn) []string { return e.whyTurn(q, t, comp(int(t.doc)), tf) })
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

// firstPerson are the words by which a prompt speaks of its writer.
var firstPerson = map[string]bool{"i": true, "i'm": true, "i've": true, "i'd": true, "i'll": true,
	"me": true, "my": true, "mine": true, "myself": true, "we": true, "our": true, "us": true, "we're": true}

// personal reports whether the prompt speaks of the user.
func personal(text string) bool {
	found := false
	analyze.Tokens(text, func(tok string) { found = found || firstPerson[tok] })
	return found
}

// gate zeroes the scores of turns that fail the relevance gate.
func (e *Engine) gate(q *query, sc []float64) {
	var all, known float64
	idf := make(map[string]float64, len(q.weights))
	for t, w := range q.weights {
		idf[t] = e.turnIdx.IDF(t) * w
		all += idf[t]
		if e.turnIdx.DF(t) > 0 {
			known += idf[t]
		}
	}
	need := gateShare * known
	if !personal(q.text) {
		need = max(need, impersonalShare*all)
	}
	for d, s := range sc {
		if s == 0 {
			continue
		}
		got := 0.0
		for _, t := range e.turnIdx.Terms(int32(d)) {
			got += idf[t]
		}
		if got < need {
			sc[d] = 0
		}
	}
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

// neighborScores returns, for every turn, the best score among the turns
// just before and after it in its session. Only matching turns propagate,
// so the work is proportional to the number of matches.
func (e *Engine) neighborScores(sc []float64) []float64 {
	nb := make([]float64, len(sc))
	for d, s := range sc {
		if s == 0 {
			continue
		}
		t := e.turnBySlot[d]
		if t == nil {
			continue
		}
		turns := t.sess.turns
		i, found := slices.BinarySearchFunc(turns, t, turnOrder)
		if !found {
			continue
		}
		if i > 0 {
			nb[turns[i-1].doc] = max(nb[turns[i-1].doc], s)
		}
		if i+1 < len(turns) {
			nb[turns[i+1].doc] = max(nb[turns[i+1].doc], s)
		}
	}
	return nb
}

// matched returns the query terms a turn contains, in query order.
func matched(q *query, terms []string) []string {
	var out []string
	for _, t := range q.terms {
		if slices.Contains(terms, t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (e *Engine) whyTurn(q *query, t *turn, c components, tf timeFilter) []string {
	var why []string
	if m := matched(q, e.turnIdx.Terms(t.doc)); len(m) > 0 {
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
	if m := matched(q, e.sessIdx.Terms(ss.doc)); len(m) > 0 {
		why = append(why, "mentions "+strings.Join(m, ", "))
	}
	if r := tf.why(ss.Start); r != "" {
		why = append(why, r)
	}
	return why
}

// factKeyScores scores facts against the query and credits each fact's
// source turns with its (normalised) score: fact-augmented keys.
func (e *Engine) factKeyScores(q *query) []float64 {
	if e.factIdx.Len() == 0 {
		return nil
	}
	fsc := make([]float64, e.factIdx.Slots())
	e.factIdx.Score(q.weights, fsc)
	normalizeMax(fsc)
	out := make([]float64, e.turnIdx.Slots())
	for d, s := range fsc {
		if s == 0 {
			continue
		}
		f := e.facts[e.factBySlot[d]]
		if f == nil {
			continue
		}
		for _, src := range f.Sources {
			if t := e.turns[src]; t != nil {
				out[t.doc] = max(out[t.doc], s)
			}
		}
	}
	return out
}
