package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// FactFilter selects facts to list.
type FactFilter struct {
	Category   model.Category `json:"category,omitempty"`
	Superseded bool           `json:"superseded,omitempty"` // include superseded facts
	Query      string         `json:"query,omitempty"`      // substring match on text/value (case-insensitive)
}

// Facts lists facts, current ones first, then by category and slot.
func (e *Engine) Facts(f FactFilter) []model.Fact {
	q := strings.ToLower(f.Query)
	out := []model.Fact{}
	for _, x := range e.facts {
		if !f.Superseded && !x.Current() {
			continue
		}
		if f.Category != "" && x.Category != f.Category {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(x.Text), q) && !strings.Contains(strings.ToLower(x.Value), q) {
			continue
		}
		out = append(out, cloneFact(x))
	}
	order.SortFunc(out, func(a, b *model.Fact) int {
		if a.Current() != b.Current() {
			if a.Current() {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Slot, b.Slot),
			b.ValidFrom.Compare(a.ValidFrom), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func cloneFact(f *model.Fact) model.Fact {
	c := *f
	c.Sources = slices.Clone(f.Sources)
	return c
}

// FactEdit changes a fact on the user's behalf. Nil fields are left alone.
type FactEdit struct {
	ID          string             `json:"id"`
	Value       *string            `json:"value,omitempty"`
	Text        *string            `json:"text,omitempty"`
	Category    *model.Category    `json:"category,omitempty"`
	Sensitivity *model.Sensitivity `json:"sensitivity,omitempty"`
	Pinned      *bool              `json:"pinned,omitempty"`
}

// EditFact applies an edit and marks the fact user-edited (so extraction
// never overrides it silently).
func (e *Engine) EditFact(ed FactEdit) (model.Fact, error) {
	f, ok := e.facts[ed.ID]
	if !ok {
		return model.Fact{}, fmt.Errorf("fact %q: %w", ed.ID, ErrNotFound)
	}
	if ed.Category != nil && !model.ValidCategory(*ed.Category) {
		return model.Fact{}, fmt.Errorf("%w: unknown category %q", ErrInvalid, *ed.Category)
	}
	if ed.Sensitivity != nil && *ed.Sensitivity != model.Normal && *ed.Sensitivity != model.Sensitive {
		return model.Fact{}, fmt.Errorf("%w: sensitivity must be %q or %q", ErrInvalid, model.Normal, model.Sensitive)
	}
	for _, s := range []*string{ed.Value, ed.Text} {
		if s != nil && (strings.TrimSpace(*s) == "" || len(*s) > 1024) {
			return model.Fact{}, fmt.Errorf("%w: value and text must be 1 to 1024 bytes", ErrInvalid)
		}
	}
	defer e.restamp()
	e.unindexFact(f)
	e.staleFacts()
	if ed.Value != nil {
		f.Value = *ed.Value
		f.UserEdited = true
	}
	if ed.Text != nil {
		f.Text = *ed.Text
		f.UserEdited = true
	}
	if ed.Category != nil {
		f.Category = *ed.Category
		f.UserEdited = true
	}
	if ed.Sensitivity != nil {
		f.Sensitivity = *ed.Sensitivity
		f.UserEdited = true
	}
	if ed.Pinned != nil {
		f.Pinned = *ed.Pinned
	}
	e.indexFact(f)
	return cloneFact(f), nil
}

// DeleteFact removes a fact the user wants gone. The fact it had
// superseded takes its place in the slot's history (deleting a wrong "lives
// in Lisbon" makes the earlier "lives in Berlin" current again), so no fact
// is left pointing at a deleted one.
func (e *Engine) DeleteFact(id string) error {
	f, ok := e.facts[id]
	if !ok {
		return fmt.Errorf("fact %q: %w", id, ErrNotFound)
	}
	e.dropFact(f)
	e.restamp()
	return nil
}

func (e *Engine) indexFact(f *model.Fact) {
	d := e.factIdx.NewDoc()
	e.factIdx.Add(d, e.an.AppendIDs(nil, f.Text+" "+f.Value))
	setSlot(&e.factBySlot, d, f.ID)
	e.factDoc[f.ID] = d
}

func (e *Engine) unindexFact(f *model.Fact) {
	if d, ok := e.factDoc[f.ID]; ok {
		e.factIdx.Delete(d)
		e.factBySlot[d] = ""
		delete(e.factDoc, f.ID)
	}
}
