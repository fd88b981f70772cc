package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
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
