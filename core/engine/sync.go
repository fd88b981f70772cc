package engine

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// payload is a record's content as core/merge sees it: one of the pointers
// (a setting is a field of *settings).
type payload struct {
	s        *model.Session
	t        *model.Turn
	f        *model.Fact
	settings *model.Settings
	field    int
}

// AppendCanonical implements merge.Payload.
func (p payload) AppendCanonical(dst []byte) []byte {
	switch {
	case p.s != nil:
		return appendSession(dst, p.s)
	case p.t != nil:
		return appendTurn(dst, p.t)
	case p.f != nil:
		return appendFact(dst, p.f)
	case p.settings != nil:
		return appendSetting(dst, p.settings, p.field)
	}
	return dst
}

type record = merge.Record[payload]

// toSet turns a state with sync metadata into a record set (pointing into
// st).
func toSet(st *model.State) merge.Set[payload] {
	n := len(st.Sessions) + len(st.Turns) + len(st.Facts) + 3
	if st.Sync != nil {
		n += len(st.Sync.Tombstones)
	}
	recs := make([]record, 0, n)
	for i := range st.Sessions {
		x := &st.Sessions[i]
		recs = append(recs, record{Key: merge.Key{Kind: merge.KindSession, ID: x.ID}, Stamp: x.Stamp, Payload: payload{s: x}})
	}
	for i := range st.Turns {
		x := &st.Turns[i]
		recs = append(recs, record{Key: merge.Key{Kind: merge.KindTurn, ID: x.ID}, Stamp: x.Stamp, Payload: payload{t: x}})
	}
	for i := range st.Facts {
		x := &st.Facts[i]
		recs = append(recs, record{Key: merge.Key{Kind: merge.KindFact, ID: x.ID}, Stamp: x.Stamp, Payload: payload{f: x}})
	}
	var set [3]hlc.Stamp
	if st.Sync != nil {
		set = st.Sync.SettingStamps
		for _, t := range st.Sync.Tombstones {
			recs = append(recs, record{Key: merge.Key{Kind: merge.Kind(t.Kind), ID: t.ID}, Stamp: t.Stamp, Deleted: true})
		}
	}
	for i, name := range model.SettingFields {
		recs = append(recs, record{Key: merge.Key{Kind: merge.KindSetting, ID: name}, Stamp: set[i], Payload: payload{settings: &st.Settings, field: i}})
	}
	return merge.FromRecords(recs...)
}

// fromSet builds the state a merged set describes, for device.
func fromSet(s merge.Set[payload], device string) *model.State {
	st := &model.State{Sync: &model.SyncMeta{Device: device}, Settings: model.DefaultSettings()}
	for r := range s.All() {
		if r.Deleted {
			st.Sync.Tombstones = append(st.Sync.Tombstones, model.Tombstone{Kind: model.RecordKind(r.Kind), ID: r.ID, Stamp: r.Stamp})
			continue
		}
		p := r.Payload
		switch r.Kind {
		case merge.KindSession:
			x := *p.s
			x.Stamp = r.Stamp
			st.Sessions = append(st.Sessions, x)
		case merge.KindTurn:
			x := *p.t
			x.Stamp = r.Stamp
			st.Turns = append(st.Turns, x)
		case merge.KindFact:
			x := cloneFact(p.f)
			x.Stamp = r.Stamp
			st.Facts = append(st.Facts, x)
		case merge.KindSetting:
			switch p.field {
			case 0:
				st.Settings.TokenBudget = p.settings.TokenBudget
			case 1:
				st.Settings.MaxMemories = p.settings.MaxMemories
			default:
				st.Settings.Consent = slices.Clone(p.settings.Consent)
			}
			st.Sync.SettingStamps[p.field] = r.Stamp
		}
	}
	return st
}

// withLegacy gives the records of a state without sync metadata the stamp
// (0, 0, device) and an empty SyncMeta, in a copy.
func withLegacy(st *model.State, device string) *model.State {
	if st.Sync != nil {
		return st
	}
	c := *st
	leg := hlc.Stamp{Device: device}
	c.Sessions = slices.Clone(st.Sessions)
	c.Turns = slices.Clone(st.Turns)
	c.Facts = slices.Clone(st.Facts)
	for i := range c.Sessions {
		c.Sessions[i].Stamp = leg
	}
	for i := range c.Turns {
		c.Turns[i].Stamp = leg
	}
	for i := range c.Facts {
		c.Facts[i].Stamp = leg
	}
	c.Sync = &model.SyncMeta{Device: device, SettingStamps: [3]hlc.Stamp{leg, leg, leg}}
	return &c
}

// LegacyDevice is the device of legacy stamps: those of records from a
// snapshot without sync metadata (versions 1 and 2), local or remote.
const LegacyDevice = "legacy"

// StateHash is a digest of everything that syncs (records, stamps,
// tombstones; core/merge.Hash): two engines that have converged have equal
// hashes.
func (e *Engine) StateHash() [32]byte { return merge.Hash(toSet(e.SyncState())) }

// MergeOptions tell Merge about this device's last successful sync.
type MergeOptions struct {
	// LastSync is when it was (this device's clock); zero if never.
	LastSync time.Time
	// Since is the device's clock stamp at that sync (for merge.Rebase).
	Since hlc.Stamp
}

// MergeResult says what a merge did.
type MergeResult struct {
	Changed int  `json:"changed"` // local records replaced, added or deleted
	Orphans int  `json:"orphans"` // turns deleted because their session was
	Fixed   int  `json:"fixed"`   // facts edited to keep slots and sources consistent
	Rebased bool `json:"rebased"` // stale device: remote taken as the base (merge.Rebase)
	Clamped bool `json:"clamped"` // the remote carried a far-future stamp
	Ahead   bool `json:"ahead"`   // the merged state has something the remote lacks: push it
}

// MergeSnapshot decodes a snapshot and merges it (see Merge).
func (e *Engine) MergeSnapshot(data []byte, opt MergeOptions) (MergeResult, error) {
	st, err := snapshot.Unmarshal(data)
	if err != nil {
		return MergeResult{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return e.Merge(st, opt)
}

// Merge merges a remote state into the engine (core/merge: last writer
// wins per record, tombstones; Rebase instead when this device is stale),
// deletes turns orphaned by a session's deletion, keeps facts consistent
// (sources that are gone, one current fact per slot) with local edits, and
// applies the result in one step: on any error the engine is unchanged.
func (e *Engine) Merge(remote *model.State, opt MergeOptions) (MergeResult, error) {
	var res MergeResult
	if remote == nil {
		return res, fmt.Errorf("%w: no remote state", ErrInvalid)
	}
	remote = withLegacy(remote, LegacyDevice)
	R := toSet(remote)
	if err := R.Validate(); err != nil {
		return res, fmt.Errorf("%w: remote: %w", ErrInvalid, err)
	}
	local := e.SyncState()
	L := toSet(local)
	// A copy of the clock: the engine's moves only on success.
	c, err := hlc.NewClock(e.device, func() time.Time { return now() })
	if err != nil {
		return res, err
	}
	if l := e.clock.Last(); !l.IsZero() {
		c.Observe(l)
	}
	if m := R.MaxStamp(); !m.IsZero() {
		_, res.Clamped = c.Observe(m)
	}
	var M merge.Set[payload]
	if merge.Stale(opt.LastSync, now(), merge.TombstoneTTL) {
		M, res.Rebased = merge.Rebase(L, R, opt.Since), true
	} else {
		M = merge.Merge(L, R)
	}
	var fix []record
	for r := range merge.Orphans(M, func(r record) (merge.Key, bool) {
		if r.Kind == merge.KindTurn {
			return merge.Key{Kind: merge.KindSession, ID: r.Payload.t.Session}, true
		}
		return merge.Key{}, false
	}) {
		fix = append(fix, record{Key: r.Key, Stamp: c.After(r.Stamp), Deleted: true})
	}
	res.Orphans = len(fix)
	if len(fix) > 0 {
		M = merge.Merge(M, merge.FromRecords(fix...))
	}
	for range merge.Changed(L, M) {
		res.Changed++
	}
	if res.Changed == 0 {
		for range merge.Changed(R, M) {
			res.Ahead = true
			break
		}
		e.clock = c
		return res, nil
	}
	st := fromSet(M, e.device)
	n := New()
	n.device = e.device
	if err := n.loadReuse(st, nil, e); err != nil {
		return MergeResult{}, err
	}
	n.clock = c
	res.Fixed = n.normalizeFacts()
	n.restamp()
	if res.Fixed > 0 {
		M = toSet(n.SyncState())
	}
	for range merge.Changed(R, M) {
		res.Ahead = true
		break
	}
	*e = *n
	return res, nil
}

// normalizeFacts restores the fact invariants a merge can break: sources
// name live turns (a fact left without sources goes, unless the user
// edited or pinned it), and each slot has one current fact. Returns the
// number of facts edited or dropped.
func (e *Engine) normalizeFacts() int {
	before := map[string]string{}
	for id, f := range e.facts {
		before[id] = string(appendFact(nil, f))
	}
	slots := map[string]bool{}
	for _, f := range e.facts {
		n := len(f.Sources)
		f.Sources = slices.DeleteFunc(f.Sources, func(s string) bool { _, ok := e.turns[s]; return !ok })
		if n > 0 && len(f.Sources) == 0 && !f.UserEdited && !f.Pinned {
			e.unindexFact(f)
			delete(e.facts, f.ID)
			continue
		}
		slots[f.Slot] = true
	}
	for s := range slots {
		e.resolveSlot(s)
	}
	e.staleFacts()
	changed := 0
	for id, enc := range before {
		if f, ok := e.facts[id]; !ok || string(appendFact(nil, f)) != enc {
			changed++
		}
	}
	return changed
}

// GC drops the tombstones older than merge.TombstoneTTL at the vault's
// horizon (merge.Horizon): call it before sealing.
func (e *Engine) GC() int {
	// Legacy stamps (wall 0) are nobody's writes: they must not hold the
	// horizon at 1970.
	var real []record
	for r := range toSet(e.SyncState()).All() {
		if r.Stamp.Wall > 0 {
			real = append(real, r)
		}
	}
	h := merge.Horizon(merge.FromRecords(real...), e.device, now())
	cut := h.UnixMilli() - merge.TombstoneTTL.Milliseconds()
	n := 0
	for k, s := range e.tombs {
		if s.Wall < cut {
			delete(e.tombs, k)
			n++
		}
	}
	return n
}

// StampAfter returns a stamp for a new local write that replaces a version
// stamped prev (hlc.Clock.After): greater than prev, even a far-future
// prev, and than every stamp the engine issued. An import that brings back
// records deleted here (export.Options.RestoreDeleted) stamps them with it,
// after their tombstones, so they come back as this device's edits.
func (e *Engine) StampAfter(prev hlc.Stamp) hlc.Stamp {
	e.ensureDevice()
	return e.clock.After(prev)
}

// Clock returns a new stamp from the engine's clock: a sync remembers it
// as the point of its last success (MergeOptions.Since).
func (e *Engine) Clock() hlc.Stamp {
	e.ensureDevice()
	return e.clock.Now()
}

// adopt restamps n, just loaded from a state without stamps to replace old
// (a file the user imported), as edits of old: a record equal to old's
// keeps its stamp, a new or changed one is stamped now, and old's records
// that are gone are tombstoned, so that a sync carries the replacement
// rather than reviving what it dropped.
func (n *Engine) adopt(old *Engine) {
	old.restamp()
	n.device, n.clock = old.device, old.clock
	n.ensureDevice()
	for k, s := range old.tombs {
		n.tombs[k] = s
	}
	var a, b []byte
	for id, t := range n.turns {
		k := merge.Key{Kind: merge.KindTurn, ID: id}
		if o, ok := old.turns[id]; ok {
			a, b = appendTurn(a[:0], &t.Turn), appendTurn(b[:0], &o.Turn)
			if string(a) == string(b) && !o.Stamp.IsZero() {
				t.Stamp = o.Stamp
			} else {
				t.Stamp = n.stampEdit(o.Stamp)
			}
		} else {
			t.Stamp = n.stampNew(k)
		}
	}
	for id, o := range old.turns {
		if _, ok := n.turns[id]; !ok {
			n.tombstone(merge.Key{Kind: merge.KindTurn, ID: id}, o.Stamp)
		}
	}
	// Sessions and facts: start from old's versions, so restamp stamps
	// exactly what differs and tombstones what is gone.
	n.seen = make(map[merge.Key]seenVer, len(old.seen))
	for k, v := range old.seen {
		n.seen[k] = v
	}
	for id, s := range n.sessions {
		if v, ok := n.seen[merge.Key{Kind: merge.KindSession, ID: id}]; ok {
			s.Stamp = v.stamp
		} else {
			s.Stamp = hlc.Stamp{}
		}
	}
	for id, f := range n.facts {
		if v, ok := n.seen[merge.Key{Kind: merge.KindFact, ID: id}]; ok {
			f.Stamp = v.stamp
		} else {
			f.Stamp = hlc.Stamp{}
		}
	}
	n.restamp()
	n.setStamps = old.setStamps
	for i := range n.setStamps {
		if !settingEqual(&n.settings, &old.settings, i) {
			n.setStamps[i] = n.stampEdit(n.setStamps[i])
		}
	}
}

// Fresh reports whether the engine holds nothing that syncs but its
// settings: no session, turn, fact or tombstone (a new profile).
func (e *Engine) Fresh() bool {
	return len(e.sessions) == 0 && len(e.turns) == 0 && len(e.facts) == 0 && len(e.tombs) == 0
}

// Restore loads st into a fresh engine (Fresh): a profile read back from a
// file with its records' stamps, its settings and their stamps, and its
// tombstones (st.Sync, whose Device is ignored; a zero stamp is the legacy
// stamp, and a state without Sync restores with legacy stamps). Afterwards
// the engine holds exactly that state, so its StateHash is the hash of the
// engine the file was written from. The device stays this engine's own
// (two devices must never share an id, or their stamps could collide).
// The stamps are untrusted: the clock observes the greatest with the clamp
// of a merge (hlc.Clock.Observe), so a far-future stamp cannot drag the
// clock further than hlc.MaxDrift ahead (clamped reports one), and the
// records keep their stamps verbatim as a merge keeps them. On error the
// engine is unchanged.
func (e *Engine) Restore(st *model.State) (clamped bool, err error) {
	if st == nil {
		return false, fmt.Errorf("%w: no state", ErrInvalid)
	}
	if !e.Fresh() {
		return false, fmt.Errorf("%w: restore needs an empty profile", ErrInvalid)
	}
	e.ensureDevice()
	c := *st
	m := model.SyncMeta{}
	if st.Sync != nil {
		m = *st.Sync
	}
	m.Device = e.device
	c.Sync = &m
	if err := checkFileStamps(&c); err != nil {
		return false, err
	}
	top := toSet(withLegacyStamps(&c)).MaxStamp()
	clamped = top.Wall > max(now().UnixMilli(), 0)+hlc.MaxDriftMillis
	if err := e.load(&c, nil); err != nil {
		return false, err
	}
	return clamped, nil
}

// checkFileStamps checks the stamps of a state with sync metadata from
// outside: every non-zero stamp valid, tombstones of known kinds with
// valid ids and stamps, at most one per key, none for a record st holds.
func checkFileStamps(st *model.State) error {
	check := func(what, id string, s hlc.Stamp) error {
		if s.IsZero() {
			return nil
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("%w: %s %q: stamp: %w", ErrInvalid, what, id, err)
		}
		return nil
	}
	live := map[merge.Key]bool{}
	for i := range st.Sessions {
		if err := check("session", st.Sessions[i].ID, st.Sessions[i].Stamp); err != nil {
			return err
		}
	}
	for i := range st.Turns {
		if err := check("turn", st.Turns[i].ID, st.Turns[i].Stamp); err != nil {
			return err
		}
	}
	for i := range st.Facts {
		if err := check("fact", st.Facts[i].ID, st.Facts[i].Stamp); err != nil {
			return err
		}
	}
	if st.Sync == nil {
		return nil
	}
	for i, s := range st.Sync.SettingStamps {
		if err := check("setting", model.SettingFields[i], s); err != nil {
			return err
		}
	}
	if len(st.Sync.Tombstones) == 0 {
		return nil
	}
	for i := range st.Sessions {
		live[merge.Key{Kind: merge.KindSession, ID: st.Sessions[i].ID}] = true
	}
	for i := range st.Turns {
		live[merge.Key{Kind: merge.KindTurn, ID: st.Turns[i].ID}] = true
	}
	for i := range st.Facts {
		live[merge.Key{Kind: merge.KindFact, ID: st.Facts[i].ID}] = true
	}
	seen := map[merge.Key]bool{}
	for _, t := range st.Sync.Tombstones {
		k := merge.Key{Kind: merge.Kind(t.Kind), ID: t.ID}
		switch {
		case t.Kind != model.KindSession && t.Kind != model.KindTurn && t.Kind != model.KindFact:
			return fmt.Errorf("%w: tombstone %q: unknown kind %d", ErrInvalid, t.ID, t.Kind)
		case model.ValidateID(t.ID) != nil:
			return fmt.Errorf("%w: tombstone: id: %w", ErrInvalid, model.ValidateID(t.ID))
		case t.Stamp.Validate() != nil:
			return fmt.Errorf("%w: tombstone %q: stamp: %w", ErrInvalid, t.ID, t.Stamp.Validate())
		case seen[k]:
			return fmt.Errorf("%w: tombstone %q given twice", ErrInvalid, t.ID)
		case live[k]:
			return fmt.Errorf("%w: tombstone %q: the record is also live", ErrInvalid, t.ID)
		}
		seen[k] = true
	}
	return nil
}

// withLegacyStamps returns st (which has Sync) with every zero stamp
// replaced by the legacy stamp, in a copy when it changes anything; the
// tombstones are sorted by key.
func withLegacyStamps(st *model.State) *model.State {
	c := *st
	leg := hlc.Stamp{Device: LegacyDevice}
	c.Sessions = slices.Clone(st.Sessions)
	c.Turns = slices.Clone(st.Turns)
	c.Facts = slices.Clone(st.Facts)
	for i := range c.Sessions {
		if c.Sessions[i].Stamp.IsZero() {
			c.Sessions[i].Stamp = leg
		}
	}
	for i := range c.Turns {
		if c.Turns[i].Stamp.IsZero() {
			c.Turns[i].Stamp = leg
		}
	}
	for i := range c.Facts {
		if c.Facts[i].Stamp.IsZero() {
			c.Facts[i].Stamp = leg
		}
	}
	m := model.SyncMeta{}
	if st.Sync != nil {
		m = *st.Sync
	}
	for i := range m.SettingStamps {
		if m.SettingStamps[i].IsZero() {
			m.SettingStamps[i] = leg
		}
	}
	m.Tombstones = slices.Clone(m.Tombstones)
	order.SortFunc(m.Tombstones, func(a, b *model.Tombstone) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	c.Sync = &m
	return &c
}

// WithLegacyStamps is a copy of st with sync metadata (an empty one if st
// has none) in which every zero stamp is the legacy stamp: the form Merge
// takes for a state read from a file whose records may lack stamps.
func WithLegacyStamps(st *model.State) *model.State { return withLegacyStamps(st) }
