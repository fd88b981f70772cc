package engine

import (
	"time"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/index"
	"github.com/confidant-dev/confidant/core/when"
)

// query is a prompt after analysis.
type query struct {
	text    string
	at      time.Time
	terms   []string     // analysed terms in order, repeats kept
	weights []index.Term // terms the store knows, weighted by query frequency
	unknown int          // distinct terms the store has never seen
	ranges  []when.Range // times the prompt names
}

func (e *Engine) parseQuery(req RecallRequest) *query {
	q := &query{text: req.Text, at: req.Time}
	q.ranges = when.Find(req.Text, req.Time)
	// Time phrases stay in the lexical query as well: a memory that names
	// the same day or month ("on Saturday", "in May") is better evidence
	// (measured: removing them lost recall on both dev sets).
	seen := map[string]bool{}
	pos := map[uint32]int{} // term id → index in q.weights
	analyze.Tokens(req.Text, func(tok string) {
		t := e.an.Term(tok)
		if t == "" || (req.Method != "bm25" && questionWords[tok]) || len(q.terms) == maxQueryTerms {
			return
		}
		q.terms = append(q.terms, t)
		id, known := e.an.ID(t)
		if !known {
			if !seen[t] {
				q.unknown++
				seen[t] = true
			}
			return
		}
		if i, ok := pos[id]; ok {
			q.weights[i].Weight++
			return
		}
		pos[id] = len(q.weights)
		q.weights = append(q.weights, index.Term{ID: id, Weight: 1})
	})
	return q
}

// maxQueryTerms bounds the work one prompt can cause: a pasted document is
// ranked by its first maxQueryTerms content words (far more than any
// question needs).
const maxQueryTerms = 2048

// questionWords frame a question about the user's history rather than name
// its topic: the answer's form ("how many", "what kind of", "in total") and
// references to the conversation itself ("I mentioned", "did I tell you").
// They are dropped from prompts only, never from memories.
var questionWords = map[string]bool{
	"many": true, "much": true, "kind": true, "kinds": true, "type": true, "types": true, "sort": true,
	"total": true, "number": true, "ever": true, "mention": true, "mentioned": true, "told": true,
	"said": true, "say": true, "talked": true, "remember": true, "remind": true, "recall": true,
	"previous": true, "previously": true, "earlier": true, "chat": true, "conversation": true,
}
