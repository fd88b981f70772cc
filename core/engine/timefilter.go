package engine

import (
	"time"

	"github.com/confidant-dev/confidant/core/when"
)

// timeBoost multiplies the score of a memory dated inside a time the prompt
// names ("last week", "in May", "on 13 March"). It doubles rather than
// filters: the user's phrase may be loose, and a strong match just outside
// the window should still be able to win.
const timeBoost = 2.0

// timeFilter holds the time windows a query names.
type timeFilter struct {
	ranges []when.Range
}

// mentionSlack is how long after an event a conversation may still
// mention it as recent news ("I went to the concert last week").
func mentionSlack(r when.Range) time.Duration {
	return max(7*24*time.Hour, r.End.Sub(r.Start)/2)
}

func (e *Engine) timeFilter(q *query, disabled bool) timeFilter {
	if disabled {
		return timeFilter{}
	}
	return timeFilter{ranges: q.ranges}
}

// match returns the first window containing t (widened by the mention
// slack), or nil.
func (f timeFilter) match(t time.Time) *when.Range {
	for i := range f.ranges {
		r := &f.ranges[i]
		if !t.Before(r.Start) && t.Before(r.End.Add(mentionSlack(*r))) {
			return r
		}
	}
	return nil
}

func (f timeFilter) factor(t time.Time) float64 {
	if len(f.ranges) == 0 || f.match(t) == nil {
		return 1
	}
	return timeBoost
}

func (f timeFilter) why(t time.Time) string {
	if r := f.match(t); r != nil {
		return "dated " + t.Format("2006-01-02") + `, matching "` + r.Phrase + `"`
	}
	return ""
}
