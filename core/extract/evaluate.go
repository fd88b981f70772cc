package extract

import (
	"fmt"
	"sort"
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Report scores the extractor on a labelled corpus. A predicted fact is a
// true positive when an expected fact of the same utterance has the same
// slot and value after normalisation (see norm).
type Report struct {
	Utterances int
	TP, FP, FN int
	Precision  float64
	Recall     float64
	F1         float64
	// CategoryAccuracy is the share of matched facts whose predicted
	// category equals the labelled one.
	CategoryAccuracy float64
	// PerCategory breaks the counts down by labelled (for TP, FN) or
	// predicted (for FP) category.
	PerCategory map[model.Category]*Counts
	// Changes counts change cases whose second utterance superseded every
	// slot it should (same slot, different value).
	Changes, ChangesOK int
	// Misses lists false positives and negatives, for reading.
	Misses []string
}

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// Precision is TP / (TP + FP), or 0 with no predictions.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN), or 0 with nothing expected.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Evaluate runs Extract on every example (and its follow-up) and scores it.
func Evaluate(corpus []Example) Report {
	r := Report{PerCategory: map[model.Category]*Counts{}}
	for _, c := range model.Categories {
		r.PerCategory[c] = &Counts{}
	}
	catOK := 0
	for _, ex := range corpus {
		first := r.score(ex.Text, Extract(ex.Text, ex.At), ex.Facts, &catOK)
		if ex.Then == nil {
			continue
		}
		second := r.score(ex.Then.Text, Extract(ex.Then.Text, ex.Then.At), ex.Then.Facts, &catOK)
		r.Changes++
		ok := true
		for _, slot := range ex.Then.Supersedes {
			a, inA := first[slot]
			b, inB := second[slot]
			if !inA || !inB || norm(a) == norm(b) {
				ok = false
			}
		}
		if ok {
			r.ChangesOK++
		} else {
			r.Misses = append(r.Misses, fmt.Sprintf("CHANGE %q -> %q: supersedes %v not produced", ex.Text, ex.Then.Text, ex.Then.Supersedes))
		}
	}
	r.Precision = ratio(r.TP, r.TP+r.FP)
	r.Recall = ratio(r.TP, r.TP+r.FN)
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	r.CategoryAccuracy = ratio(catOK, r.TP)
	return r
}

// score compares one utterance's predictions with its labels and returns
// the predicted slot -> value map.
func (r *Report) score(text string, got []Candidate, want []ExpectedFact, catOK *int) map[string]string {
	r.Utterances++
	pred := map[string]string{}
	for _, c := range got {
		pred[c.Slot] = c.Value
	}
	matched := make([]bool, len(want))
	for _, c := range got {
		hit := -1
		for i, w := range want {
			if !matched[i] && strings.EqualFold(w.Slot, c.Slot) && norm(w.Value) == norm(c.Value) {
				hit = i
				break
			}
		}
		if hit < 0 {
			r.FP++
			r.counts(c.Category).FP++
			r.Misses = append(r.Misses, fmt.Sprintf("FP %q: %s = %q", text, c.Slot, c.Value))
			continue
		}
		matched[hit] = true
		r.TP++
		r.counts(want[hit].Category).TP++
		if want[hit].Category == c.Category {
			*catOK++
		}
	}
	for i, w := range want {
		if !matched[i] {
			r.FN++
			r.counts(w.Category).FN++
			r.Misses = append(r.Misses, fmt.Sprintf("FN %q: %s = %q", text, w.Slot, w.Value))
		}
	}
	return pred
}

func (r *Report) counts(c model.Category) *Counts {
	if r.PerCategory[c] == nil {
		r.PerCategory[c] = &Counts{}
	}
	return r.PerCategory[c]
}

// String renders the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "utterances %d  TP %d  FP %d  FN %d\n", r.Utterances, r.TP, r.FP, r.FN)
	fmt.Fprintf(&b, "precision %.3f  recall %.3f  F1 %.3f  category accuracy %.3f\n", r.Precision, r.Recall, r.F1, r.CategoryAccuracy)
	fmt.Fprintf(&b, "change cases %d/%d superseded correctly\n", r.ChangesOK, r.Changes)
	cats := make([]string, 0, len(r.PerCategory))
	for c := range r.PerCategory {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	for _, c := range cats {
		k := r.PerCategory[model.Category(c)]
		if k.TP+k.FP+k.FN == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %-10s P %.2f  R %.2f  (TP %d FP %d FN %d)\n", c, k.Precision(), k.Recall(), k.TP, k.FP, k.FN)
	}
	return b.String()
}
