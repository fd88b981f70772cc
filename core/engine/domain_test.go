package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/model"
)

// TestDomainTermsAreTheCuesAnalysed: the written-out table is what the
// analyzer makes of domainCues. On a mismatch (the cues or the analyzer
// changed) it prints the table to paste into domain.go.
func TestDomainTermsAreTheCuesAnalysed(t *testing.T) {
	an := analyze.New()
	want := map[string][]model.Category{}
	for _, c := range model.Categories { // in model.Categories order
		for _, term := range an.Terms(domainCues[c]) {
			if !slices.Contains(want[term], c) {
				want[term] = append(want[term], c)
			}
		}
	}
	terms := make([]string, 0, len(want))
	for term := range want {
		terms = append(terms, term)
	}
	slices.Sort(terms)
	got := map[string][]model.Category{}
	for i, d := range domainTerms {
		got[d.term] = d.cats
		if i > 0 && domainTerms[i-1].term >= d.term {
			t.Errorf("domainTerms is not sorted at %q", d.term)
		}
	}
	if fmt.Sprint(got) == fmt.Sprint(want) && len(domainTerms) == len(terms) {
		return
	}
	var b strings.Builder
	for _, term := range terms {
		var cats []string
		for _, c := range want[term] {
			cats = append(cats, "model.Cat"+strings.ToUpper(string(c[:1]))+string(c[1:]))
		}
		fmt.Fprintf(&b, "\t{%q, []model.Category{%s}},\n", term, strings.Join(cats, ", "))
	}
	t.Errorf("domainTerms does not match domainCues analysed; replace its entries with:\n%s", b.String())
}

func TestDomainsOf(t *testing.T) {
	an := analyze.New()
	for _, tc := range []struct {
		word string
		want []model.Category
	}{
		{"recipes", []model.Category{model.CatDiet}},
		{"allergic", []model.Category{model.CatDiet, model.CatHealth}},
		{"trip", []model.Category{model.CatLocation, model.CatPlan}},
		{"kayak", nil},
	} {
		terms := an.Terms(tc.word)
		if len(terms) != 1 {
			t.Fatalf("%q analyses to %v", tc.word, terms)
		}
		if got := domainsOf(terms[0]); !slices.Equal(got, tc.want) {
			t.Errorf("domainsOf(%q) = %v, want %v", terms[0], got, tc.want)
		}
	}
}
