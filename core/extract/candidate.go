package extract

import (
	"strings"
	"time"
	"unicode"

	"github.com/confidant-dev/confidant/core/model"
)

// Candidate is a fact found in one utterance, before the engine gives it an
// id and sources.
type Candidate struct {
	Slot        string
	Value       string
	Text        string
	Category    model.Category
	Sensitivity model.Sensitivity
	Confidence  float64
	ValidFrom   time.Time
}

// Confidence values. They are ordinal, not calibrated probabilities: they
// let the engine rank and let a later, more certain statement win a tie.
const (
	// ConfDirect: a plain first-person statement ("I live in Lisbon").
	ConfDirect = 0.9
	// ConfIndirect: the fact is implied in passing ("my cat Luna keeps
	// knocking things over" implies a cat named Luna) or the pattern is
	// looser (a relative's name, a count of children from their ages).
	ConfIndirect = 0.75
	// ConfPlan: a stated plan; plans change more often than facts do.
	ConfPlan = 0.8
	// ConfHedged: the user hedged ("I think I'm allergic to kiwi").
	ConfHedged = 0.6
)

// sensitiveCategories are stored but never injected without consent
// (security.md). Sexuality has no category of its own in model; it is
// marked sensitive by slot instead (see sensitivityOf).
var sensitiveCategories = map[model.Category]bool{
	model.CatHealth:  true,
	model.CatFinance: true,
	model.CatBeliefs: true,
}

func sensitivityOf(slot string, c model.Category) model.Sensitivity {
	if sensitiveCategories[c] || slot == "identity.sexuality" || mentionsMedical(slot) {
		return model.Sensitive
	}
	return model.Normal
}

// medicalWords make any fact that names them sensitive whatever its
// category: "I take insulin every morning" is a habit, but it discloses a
// condition (security.md: health is stored only as the user allows and
// never injected without consent).
var medicalWords = map[string]bool{
	"insulin": true, "medication": true, "medications": true, "medicine": true, "meds": true, "pill": true,
	"pills": true, "prescription": true, "antidepressant": true, "antidepressants": true, "therapy": true,
	"therapist": true, "chemo": true, "chemotherapy": true, "dialysis": true, "inhaler": true,
	"psychiatrist": true, "rehab": true, "diagnosis": true, "diagnosed": true,
	"glucose": true, "epipen": true, "antibiotics": true, "painkillers": true, "hormone": true, "hormones": true,
}

// mentionsMedical reports whether a slot names a medical word.
func mentionsMedical(slot string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(slot), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if medicalWords[w] {
			return true
		}
	}
	return false
}

// rule is one pattern over a clause and what it yields.
type rule struct {
	re   *lre
	emit func(m *match) []Candidate
}

// match is a rule's regexp match in a clause.
type match struct {
	g      []string // submatches; g[0] is the whole match
	clause *clause
	at     time.Time
}

// rx compiles a case-insensitive pattern.
func rx(pattern string) *lre { return lazy("(?i)" + pattern) }

// fact builds a candidate with the confidence left for Extract to fill in.
func fact(cat model.Category, slot, value, text string) Candidate {
	return Candidate{Slot: slot, Value: value, Text: text, Category: cat}
}

// withConf sets an explicit confidence on candidates.
func withConf(conf float64, cs ...Candidate) []Candidate {
	for i := range cs {
		cs[i].Confidence = conf
	}
	return cs
}
