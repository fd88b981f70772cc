package engine

import "time"

// query is a prompt after analysis.
type query struct {
	text    string
	at      time.Time
	terms   []string
	weights map[string]float64 // term → weight (query term frequency)
}

func (e *Engine) parseQuery(req RecallRequest) *query {
	q := &query{text: req.Text, at: req.Time, weights: make(map[string]float64)}
	q.terms = e.an.Terms(req.Text)
	for _, t := range q.terms {
		q.weights[t]++
	}
	return q
}
