package when

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestAdversarialInputs runs repetitive inputs that exercise look-ahead and
// nesting on every token; each must finish quickly (linear work).
func TestAdversarialInputs(t *testing.T) {
	for _, unit := range []string{"early ", "the end of ", "early-", "mid-", "this past ", "the first week of ",
		"May ", "1/", "2023-", "a couple of ", "twenty-", "every ", "in the ", "x", "é", "\xff", "3rd ", "new year ",
		"yesterday ", "on the 5th "} {
		in := strings.Repeat(unit, 100000/len(unit))
		st := time.Now()
		rs := Find(in, may24)
		assert.LessOrEqual(t, len(rs), maxRanges)
		t.Logf("%-20q %6d bytes %3d ranges %v", unit, len(in), len(rs), time.Since(st))
	}
}

func BenchmarkLex(b *testing.B) {
	var toks []token
	for b.Loop() {
		toks = lex(benchPrompt, 0, len(benchPrompt), toks)
	}
	b.ReportMetric(float64(len(toks)), "toks")
}

// TestExtremeNow resolves every form against times far outside any real
// prompt; nothing may panic or produce an empty range.
func TestExtremeNow(t *testing.T) {
	in := "today yesterday last week in May May 3 on the 31st 2 years ago Easter next Thanksgiving " +
		"last winter early 2022 the first week of March since Christmas Feb 29 in the past 9999 years 9999 years ago"
	for _, now := range []time.Time{{}, time.Unix(1<<40, 0), time.Unix(-1<<40, 0), time.Date(-3, 2, 29, 23, 59, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 0, 0, time.FixedZone("Y", -12*3600))} {
		for _, r := range Find(in, now) {
			assert.True(t, r.Start.Before(r.End), "%v: %+v", now, r)
		}
	}
}
