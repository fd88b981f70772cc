package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// Totals count what Merge did.
type Totals struct {
	Sessions   int  `json:"sessions"`          // sessions added
	Turns      int  `json:"turns"`             // turns added
	Facts      int  `json:"facts"`             // facts added
	Updated    int  `json:"updated"`           // records replaced by the file's newer version
	Deleted    int  `json:"deleted"`           // records the file's newer tombstones (or a merge's fixes) removed
	Duplicates int  `json:"duplicates"`        // records the profile held already, or held newer (kept as they were)
	Settings   bool `json:"settings"`          // the file's settings were taken (the profile was empty)
	Clamped    bool `json:"clamped,omitempty"` // the file carried a stamp far in the future (the clock was clamped)
	// DeletedSince counts the file's records that the profile deleted
	// after the file's version of them (a newer tombstone here, or a
	// turn whose conversation was deleted here): they stay deleted.
	DeletedSince Kinds `json:"deleted_since"`
	// Restored counts the file's records brought back with
	// Options.RestoreDeleted (not counted as added).
	Restored Kinds `json:"restored"`
}

// Kinds counts records by kind.
type Kinds struct {
	Sessions int `json:"sessions"`
	Turns    int `json:"turns"`
	Facts    int `json:"facts"`
}

// Total is the number of records counted.
func (k Kinds) Total() int { return k.Sessions + k.Turns + k.Facts }

func (k *Kinds) add(kind model.RecordKind) {
	switch kind {
	case model.KindSession:
		k.Sessions++
	case model.KindTurn:
		k.Turns++
	case model.KindFact:
		k.Facts++
	}
}

// Options change how MergeWith treats the file.
type Options struct {
	// RestoreDeleted brings back the file's records that the profile
	// deleted after the file's version of them (Totals.DeletedSince): each
	// is stamped as a new edit on this device, after its tombstone
	// (engine.StampAfter), so it wins over the deletion here and syncs to
	// other devices as an edit. A turn brings its conversation back with
	// it. Nothing else changes: a record the profile holds newer stays as
	// it is.
	RestoreDeleted bool
}

// Clean passes st through the engine's cleaning of outside data
// (engine.ImportUntrusted: markers stripped from every text, secrets
// redacted), removes the engine's context markers from session titles and
// sites too, and returns the cleaned state, with st's stamps and sync
// metadata (Device cleared: a file names no device).
func Clean(st *model.State) (*model.State, error) {
	plain := *st
	plain.Sync = nil
	plain.Sessions = slices.Clone(st.Sessions)
	plain.Turns = slices.Clone(st.Turns)
	plain.Facts = slices.Clone(st.Facts)
	plain.ClearStamps()
	data, err := snapshot.Marshal(&plain)
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
	// The stamps go back on the cleaned records (a session the file did
	// not list, made for its turns, has none: legacy).
	sessions := make(map[string]hlc.Stamp, len(st.Sessions))
	for i := range st.Sessions {
		sessions[st.Sessions[i].ID] = st.Sessions[i].Stamp
	}
	for i := range out.Sessions {
		out.Sessions[i].Stamp = sessions[out.Sessions[i].ID]
	}
	turns := make(map[string]hlc.Stamp, len(st.Turns))
	for i := range st.Turns {
		turns[st.Turns[i].ID] = st.Turns[i].Stamp
	}
	for i := range out.Turns {
		out.Turns[i].Stamp = turns[out.Turns[i].ID]
	}
	facts := make(map[string]hlc.Stamp, len(st.Facts))
	for i := range st.Facts {
		facts[st.Facts[i].ID] = st.Facts[i].Stamp
	}
	for i := range out.Facts {
		out.Facts[i].Stamp = facts[out.Facts[i].ID]
	}
	if st.Sync != nil {
		m := *st.Sync
		m.Device = ""
		m.Tombstones = slices.Clone(m.Tombstones)
		out.Sync = &m
	}
	return out, nil
}

// Merge cleans st (Clean) and applies it to e with the engine's sync
// semantics (see "Reading a JSON export" in the package doc):
//
//   - into a fresh profile (engine.Fresh: no records, no tombstones) st is
//     restored whole (engine.Restore): records, stamps, tombstones and
//     settings, so the profile's state hash is the exporter's;
//   - otherwise st is merged (engine.Merge): per record the newer stamp
//     wins, so a newer edit in the file replaces the profile's version, a
//     record the profile deleted after the file's version stays deleted,
//     and a record without a stamp (legacy: older than every write) only
//     adds what the profile lacks. At equal stamps the profile's version
//     is kept, and the profile keeps its own settings.
//
// The file's records that lose to a newer deletion here are counted in
// Totals.DeletedSince (MergeWith with Options.RestoreDeleted brings them
// back instead). Either everything is applied or, on error, nothing.
func Merge(e *engine.Engine, st *model.State) (Totals, error) {
	return MergeWith(e, st, Options{})
}

// MergeWith is Merge with options.
func MergeWith(e *engine.Engine, st *model.State, opt Options) (Totals, error) {
	in, err := Clean(st)
	if err != nil {
		return Totals{}, err
	}
	if e.Fresh() {
		clamped, err := e.Restore(in)
		if err != nil {
			return Totals{}, err
		}
		return Totals{Sessions: len(in.Sessions), Turns: len(in.Turns), Facts: len(in.Facts), Settings: true, Clamped: clamped}, nil
	}
	before := e.SyncState()
	in = engine.WithLegacyStamps(in)
	in.Settings, in.Sync.SettingStamps = before.Settings, before.Sync.SettingStamps
	held := versions(before)
	var tot Totals
	// What the profile holds at the same stamp (or has deleted at it) is
	// dropped from the file: the profile's version stays, whatever the
	// payload tie-break of a merge would pick.
	in.Sessions = slices.DeleteFunc(in.Sessions, func(s model.Session) bool {
		return held[key{model.KindSession, s.ID}].stamp == s.Stamp
	})
	in.Turns = slices.DeleteFunc(in.Turns, func(t model.Turn) bool {
		return held[key{model.KindTurn, t.ID}].stamp == t.Stamp
	})
	in.Facts = slices.DeleteFunc(in.Facts, func(f model.Fact) bool {
		return held[key{model.KindFact, f.ID}].stamp == f.Stamp
	})
	fileLive := len(st.Sessions) + len(st.Turns) + len(st.Facts)
	// The file's records (cleaned: with a session for every turn) and
	// the ones a newer tombstone here beats: deleted since the file's
	// version. A turn whose session is among them would be orphaned too.
	file := make([]key, 0, len(in.Sessions)+len(in.Turns)+len(in.Facts))
	lost := map[key]bool{}
	note := func(k key, s hlc.Stamp) {
		file = append(file, k)
		if h, ok := held[k]; ok && h.deleted && s.Less(h.stamp) {
			lost[k] = true
		}
	}
	for _, s := range in.Sessions {
		note(key{model.KindSession, s.ID}, s.Stamp)
	}
	for _, t := range in.Turns {
		note(key{model.KindTurn, t.ID}, t.Stamp)
	}
	for _, f := range in.Facts {
		note(key{model.KindFact, f.ID}, f.Stamp)
	}
	revived := map[key]bool{}
	if opt.RestoreDeleted && len(lost) > 0 {
		restamp := func(k key, s *hlc.Stamp) {
			if lost[k] {
				*s = e.StampAfter(held[k].stamp)
				revived[k] = true
			}
		}
		for i := range in.Sessions {
			restamp(key{model.KindSession, in.Sessions[i].ID}, &in.Sessions[i].Stamp)
		}
		for i := range in.Turns {
			t := &in.Turns[i]
			restamp(key{model.KindTurn, t.ID}, &t.Stamp)
			if lost[key{model.KindSession, t.Session}] {
				revived[key{model.KindTurn, t.ID}] = true
			}
		}
		for i := range in.Facts {
			restamp(key{model.KindFact, in.Facts[i].ID}, &in.Facts[i].Stamp)
		}
	}
	res, err := e.Merge(in, engine.MergeOptions{})
	if err != nil {
		return Totals{}, err
	}
	tot.Clamped = res.Clamped
	after := versions(e.SyncState())
	for k, s := range after {
		if s.deleted {
			continue
		}
		b, ok := held[k]
		switch {
		case revived[k] && (!ok || b.deleted):
			tot.Restored.add(k.kind)
		case !ok || b.deleted:
			switch k.kind {
			case model.KindSession:
				tot.Sessions++
			case model.KindTurn:
				tot.Turns++
			case model.KindFact:
				tot.Facts++
			}
		case b.stamp != s.stamp:
			tot.Updated++
		}
	}
	for k, b := range held {
		if a, ok := after[k]; !b.deleted && k.kind != model.KindSetting && (!ok || a.deleted) {
			tot.Deleted++
		}
	}
	for _, k := range file {
		if a, ok := after[k]; !ok || a.deleted {
			tot.DeletedSince.add(k.kind)
		}
	}
	tot.Duplicates = max(fileLive-tot.Sessions-tot.Turns-tot.Facts-tot.Updated-tot.Restored.Total()-tot.DeletedSince.Total(), 0)
	return tot, nil
}

type key struct {
	kind model.RecordKind
	id   string
}

type version struct {
	stamp   hlc.Stamp
	deleted bool
}

// versions maps the records and tombstones of a state with sync metadata
// to their versions.
func versions(st *model.State) map[key]version {
	m := make(map[key]version, len(st.Sessions)+len(st.Turns)+len(st.Facts))
	for _, s := range st.Sessions {
		m[key{model.KindSession, s.ID}] = version{stamp: s.Stamp}
	}
	for _, t := range st.Turns {
		m[key{model.KindTurn, t.ID}] = version{stamp: t.Stamp}
	}
	for _, f := range st.Facts {
		m[key{model.KindFact, f.ID}] = version{stamp: f.Stamp}
	}
	if st.Sync != nil {
		for _, t := range st.Sync.Tombstones {
			m[key{t.Kind, t.ID}] = version{stamp: t.Stamp, deleted: true}
		}
	}
	return m
}
