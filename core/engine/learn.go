package engine

import (
	"cmp"
	"encoding/hex"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/extract"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/secrets"
)

// redact removes secrets from text before anything is stored or indexed.
func redact(s string) (string, bool) {
	clean, found := secrets.Redact(s)
	return clean, len(found) > 0
}

// learn extracts facts from a user turn and files them. It returns how many
// facts were learned or reinforced. Extraction is best effort: should it
// fail on some text, the turn is still stored, just without facts.
func (e *Engine) learn(t *turn) int {
	cands := safeExtract(t.Text, t.Time)
	for _, c := range cands {
		e.addFact(c, t)
	}
	return len(cands)
}

// factID derives a fact's id from its slot and value, so that stating the
// same thing twice reinforces one fact instead of adding a second.
func factID(slot, value string) string {
	h := fnv.New64a()
	h.Write([]byte(slot))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(value)))
	return "f" + hex.EncodeToString(h.Sum(nil))
}

func (e *Engine) addFact(c extract.Candidate, t *turn) {
	e.staleFacts()
	from := c.ValidFrom
	if from.IsZero() {
		from = t.Time
	}
	id := factID(c.Slot, c.Value)
	if f, ok := e.facts[id]; ok {
		if !slices.Contains(f.Sources, t.ID) {
			f.Sources = append(f.Sources, t.ID)
		}
		if !f.UserEdited {
			f.Confidence = max(f.Confidence, c.Confidence)
		}
		// Restated after something replaced it ("I moved back to Berlin"):
		// it is current again from now on.
		if from.After(f.ValidFrom) {
			f.ValidFrom = from
		}
		e.resolveSlot(f.Slot)
		return
	}
	f := &model.Fact{ID: id, Slot: c.Slot, Value: c.Value, Text: c.Text, Category: c.Category,
		Sensitivity: c.Sensitivity, Confidence: c.Confidence, ValidFrom: from, Sources: []string{t.ID}}
	e.facts[id] = f
	e.indexFact(f)
	e.resolveSlot(f.Slot)
}

// resolveSlot orders the facts on a slot by when they became true: the
// newest is current and each older one is superseded by the next newer one.
// Nothing is deleted, so the user can see how a fact changed.
func (e *Engine) resolveSlot(slot string) {
	var fs []*model.Fact
	for _, f := range e.facts {
		if f.Slot == slot {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(a, b *model.Fact) int {
		return cmp.Or(a.ValidFrom.Compare(b.ValidFrom), cmp.Compare(a.ID, b.ID))
	})
	for i, f := range fs {
		if i+1 < len(fs) {
			f.SupersededBy = fs[i+1].ID
		} else {
			f.SupersededBy = ""
		}
	}
}

// safeExtract runs the extractor, turning a panic into "no facts".
func safeExtract(text string, at time.Time) (cands []extract.Candidate) {
	defer func() {
		if recover() != nil {
			cands = nil
		}
	}()
	return extract.Extract(text, at)
}
