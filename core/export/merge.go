package export

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// Totals count what Merge added.
type Totals struct {
	Sessions   int  `json:"sessions"`   // sessions added
	Turns      int  `json:"turns"`      // turns added
	Facts      int  `json:"facts"`      // facts added
	Duplicates int  `json:"duplicates"` // records the profile held already (kept as they were)
	Settings   bool `json:"settings"`   // the file's settings were taken (the profile was empty)
}

// Clean passes st through the engine's cleaning of outside data
// (engine.ImportUntrusted: markers stripped from every text, secrets
// redacted), removes the engine's context markers from session titles and
// sites too, and returns the cleaned state.
func Clean(st *model.State) (*model.State, error) {
	data, err := snapshot.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	scratch := engine.New()
	if err := scratch.ImportUntrusted(data); err != nil {
		return nil, err
	}
	out := scratch.State()
	unmark := strings.NewReplacer(engine.MarkerBegin, "", engine.MarkerEnd, "")
	for i := range out.Sessions {
		s := &out.Sessions[i]
		s.Title, s.Site = unmark.Replace(s.Title), unmark.Replace(s.Site)
	}
	return out, nil
}

// Merge cleans st (Clean) and adds it to e: records whose ids e does not
// hold are added, the ones it holds are kept as they are. A slot that then
// holds more than one current fact is resolved as the engine does (the
// fact valid from later is current). Into an empty engine (no turns, no
// facts, no sessions) st is loaded whole, settings included. On error e is unchanged.
func Merge(e *engine.Engine, st *model.State) (Totals, error) {
	in, err := Clean(st)
	if err != nil {
		return Totals{}, err
	}
	cur := e.State()
	if len(cur.Sessions) == 0 && len(cur.Turns) == 0 && len(cur.Facts) == 0 {
		if err := e.Load(in); err != nil {
			return Totals{}, err
		}
		return Totals{Sessions: len(in.Sessions), Turns: len(in.Turns), Facts: len(in.Facts), Settings: true}, nil
	}
	merged, tot := union(cur, in)
	if err := e.Load(merged); err != nil {
		return Totals{}, err
	}
	return tot, nil
}

// union adds in's records to cur (which it changes and returns) by id.
func union(cur, in *model.State) (*model.State, Totals) {
	var tot Totals
	sessions := ids(cur.Sessions, func(s model.Session) string { return s.ID })
	for _, s := range in.Sessions {
		if sessions[s.ID] {
			tot.Duplicates++
			continue
		}
		cur.Sessions = append(cur.Sessions, s)
		tot.Sessions++
	}
	turns := ids(cur.Turns, func(t model.Turn) string { return t.ID })
	for _, t := range in.Turns {
		if turns[t.ID] {
			tot.Duplicates++
			continue
		}
		cur.Turns = append(cur.Turns, t)
		tot.Turns++
	}
	facts := ids(cur.Facts, func(f model.Fact) string { return f.ID })
	slots := map[string]bool{} // slots that had facts and got new ones
	had := map[string]bool{}
	for _, f := range cur.Facts {
		had[f.Slot] = true
	}
	for _, f := range in.Facts {
		if facts[f.ID] {
			tot.Duplicates++
			continue
		}
		cur.Facts = append(cur.Facts, f)
		tot.Facts++
		if had[f.Slot] {
			slots[f.Slot] = true
		}
	}
	for slot := range slots {
		resolveSlot(cur.Facts, slot)
	}
	slices.SortFunc(cur.Sessions, func(a, b model.Session) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(cur.Turns, func(a, b model.Turn) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(cur.Facts, func(a, b model.Fact) int { return cmp.Compare(a.ID, b.ID) })
	return cur, tot
}

func ids[T any](xs []T, id func(T) string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[id(x)] = true
	}
	return m
}

// resolveSlot orders the facts on slot by when they became true (then by
// id): the newest is current and each older one is superseded by the next,
// as the engine files facts it learns.
func resolveSlot(facts []model.Fact, slot string) {
	var on []*model.Fact
	for i := range facts {
		if facts[i].Slot == slot {
			on = append(on, &facts[i])
		}
	}
	slices.SortFunc(on, func(a, b *model.Fact) int {
		return cmp.Or(a.ValidFrom.Compare(b.ValidFrom), cmp.Compare(a.ID, b.ID))
	})
	for i, f := range on {
		f.SupersededBy = ""
		if i+1 < len(on) {
			f.SupersededBy = on[i+1].ID
		}
	}
}
