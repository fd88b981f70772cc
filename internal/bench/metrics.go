package bench

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Ks are the cut-offs reported for each benchmark.
var (
	LMEKs    = []int{1, 3, 5, 10, 30, 50}
	LoCoMoKs = []int{5, 10, 25, 50}
)

// Scores holds mean metrics: name → k → value, plus per-type breakdowns.
type Scores struct {
	N      int
	Metric map[string]map[int]float64
	ByType map[string]*Scores
}

func newScores() *Scores {
	return &Scores{Metric: map[string]map[int]float64{}, ByType: map[string]*Scores{}}
}

func (s *Scores) add(name string, k int, v float64) {
	if s.Metric[name] == nil {
		s.Metric[name] = map[int]float64{}
	}
	s.Metric[name][k] += v
}

func (s *Scores) finish() {
	for _, m := range s.Metric {
		for k := range m {
			m[k] /= float64(max(s.N, 1))
		}
	}
	for _, t := range s.ByType {
		t.finish()
	}
}

// byType returns the breakdown for one question type, creating it.
func (s *Scores) byType(name string) *Scores {
	t := s.ByType[name]
	if t == nil {
		t = newScores()
		s.ByType[name] = t
	}
	return t
}

// Get returns a metric at k.
func (s *Scores) Get(name string, k int) float64 { return s.Metric[name][k] }

// sessionOf strips LongMemEval's "_<n>" turn suffix.
func sessionOf(id string) string {
	if i := strings.LastIndexByte(id, '_'); i >= 0 {
		return id[:i]
	}
	return id
}

// ScoreLME scores a LongMemEval run at the given unit ("session" or
// "turn"); turn runs can be scored as sessions with asSessions.
func ScoreLME(ds *Dataset, run []RunLine, unit string, asSessions bool) *Scores {
	all := newScores()
	for _, l := range run {
		g := ds.Gold[l.QID]
		if g == nil || g.Skip {
			continue
		}
		gold, ranked := g.Sessions, l.Ranked
		if unit == "turn" && !asSessions {
			gold = g.Turns
		}
		if unit == "turn" && asSessions {
			gold = g.Sessions
			ranked = dedupe(mapIDs(ranked, sessionOf))
		}
		if len(gold) == 0 {
			continue
		}
		t := all.byType(g.Type)
		for _, s := range []*Scores{all, t} {
			s.N++
			for _, k := range LMEKs {
				hit := countIn(ranked, gold, k)
				s.add("recall_all", k, b2f(hit == len(gold)))
				s.add("recall_any", k, b2f(hit > 0))
				s.add("ndcg_any", k, ndcg(ranked, gold, k))
			}
		}
	}
	all.finish()
	return all
}

// ScoreLoCoMo scores a LoCoMo run: recall@k = |evidence ∩ top-k| / |evidence|
// over categories 1–4.
func ScoreLoCoMo(ds *Dataset, run []RunLine) *Scores {
	all := newScores()
	for _, l := range run {
		g := ds.Gold[l.QID]
		if g == nil || g.Skip || len(g.Turns) == 0 {
			continue
		}
		t := all.byType(g.Type)
		for _, s := range []*Scores{all, t} {
			s.N++
			for _, k := range LoCoMoKs {
				s.add("recall", k, float64(countIn(l.Ranked, g.Turns, k))/float64(len(g.Turns)))
			}
		}
	}
	all.finish()
	return all
}

func countIn(ranked, gold []string, k int) int {
	set := map[string]bool{}
	for _, g := range gold {
		set[g] = true
	}
	n := 0
	for i, id := range ranked {
		if i == k {
			break
		}
		if set[id] {
			n++
			delete(set, id)
		}
	}
	return n
}

func ndcg(ranked, gold []string, k int) float64 {
	set := map[string]bool{}
	for _, g := range gold {
		set[g] = true
	}
	dcg := 0.0
	for i, id := range ranked {
		if i == k {
			break
		}
		if set[id] {
			dcg += gain(i)
		}
	}
	ideal := 0.0
	for i := 0; i < min(k, len(gold)); i++ {
		ideal += gain(i)
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// gain is the binary-relevance DCG discount of rank i (0-based): 1 for the
// first, 1/log2(rank) after, as benchmarks.md specifies.
func gain(i int) float64 {
	if i == 0 {
		return 1
	}
	return 1 / math.Log2(float64(i+1))
}

func mapIDs(ids []string, f func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f(id)
	}
	return out
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Print writes a metric table: one row per type and "all", columns at ks.
func (s *Scores) Print(w io.Writer, title, metric string, ks []int) {
	fmt.Fprintf(w, "%s — %s\n", title, metric)
	fmt.Fprintf(w, "  %-28s %5s", "", "n")
	for _, k := range ks {
		fmt.Fprintf(w, " %7s", fmt.Sprintf("@%d", k))
	}
	fmt.Fprintln(w)
	types := make([]string, 0, len(s.ByType))
	for t := range s.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	row := func(name string, x *Scores) {
		fmt.Fprintf(w, "  %-28s %5d", name, x.N)
		for _, k := range ks {
			fmt.Fprintf(w, " %7.3f", x.Get(metric, k))
		}
		fmt.Fprintln(w)
	}
	for _, t := range types {
		row(t, s.ByType[t])
	}
	row("all", s)
}

// Abstention reports how often a gated run returned nothing, for questions
// the benchmark marks unanswerable (Skip) and for the others: a relevance
// gate should abstain on the first far more often than on the second.
type Abstention struct {
	Unanswerable, Answerable       int // questions
	EmptyUnanswerable, EmptyAnswer int // of those, how many got an empty list
}

// Abstentions counts empty rankings in a gated run.
func Abstentions(ds *Dataset, run []RunLine) Abstention {
	var a Abstention
	for _, l := range run {
		g := ds.Gold[l.QID]
		if g == nil {
			continue
		}
		empty := len(l.Ranked) == 0
		if g.Skip {
			a.Unanswerable++
			if empty {
				a.EmptyUnanswerable++
			}
		} else {
			a.Answerable++
			if empty {
				a.EmptyAnswer++
			}
		}
	}
	return a
}

// String prints the rates.
func (a Abstention) String() string {
	rate := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return float64(n) / float64(d)
	}
	return fmt.Sprintf("relevance gate returned nothing for %.1f%% of %d unanswerable and %.1f%% of %d answerable questions",
		100*rate(a.EmptyUnanswerable, a.Unanswerable), a.Unanswerable, 100*rate(a.EmptyAnswer, a.Answerable), a.Answerable)
}

// ScoreLoCoMoAdversarial scores category 5 (adversarial) apart, as the
// protocol asks: recall@k against its evidence.
func ScoreLoCoMoAdversarial(ds *Dataset, run []RunLine) *Scores {
	all := newScores()
	for _, l := range run {
		g := ds.Gold[l.QID]
		if g == nil || !g.Skip || len(g.Turns) == 0 {
			continue
		}
		all.N++
		for _, k := range LoCoMoKs {
			all.add("recall", k, float64(countIn(l.Ranked, g.Turns, k))/float64(len(g.Turns)))
		}
	}
	all.finish()
	return all
}
