// Package merge is Confidant's sync CRDT: a last-writer-wins map from record
// keys to versions, with tombstones.
//
// A record is keyed by (Kind, ID). Each version carries an hlc.Stamp, a
// Deleted flag and a payload; Merge keeps, per key, the greatest version in
// the total order (Stamp, Deleted, canonical payload bytes). Because that is
// a total order and Merge takes a per-key maximum, Merge is commutative,
// associative and idempotent, so replicas that have seen the same versions —
// in any order, with any duplicates — hold equal sets and equal Hash.
//
// # Ties
//
// Two versions with the same stamp should not exist (a stamp names one
// event of one device), but a corrupt or replayed snapshot can carry them.
// Then a tombstone beats a live version, and between two versions with the
// same Deleted flag the one whose canonical payload encoding is greater
// (bytes.Compare) wins. Versions whose encodings are equal are the same
// version; Payload.AppendCanonical must therefore be injective.
//
// # Tombstones
//
// Deleting a record is writing a version with Deleted set (and a zero
// payload) stamped after the version it replaces (hlc.Clock.After). A
// tombstone is kept for TombstoneTTL after its stamp's wall time, then GC
// drops it. The hazard: a device that holds the live version and did not
// sync during that period would bring the record back by merging, since
// nothing remembers the delete any more. So a device whose last successful
// sync is older than StaleAfter(keep) (Stale reports it) must not Merge:
// it uses Rebase, which takes the remote set as the truth and adds only the
// local versions written after that last sync. Unchanged local records the
// remote no longer has are dropped, so they cannot resurrect; local edits
// made offline are kept. Collection happens at Horizon, not at the raw
// clock, so a device whose clock runs far ahead does not collect other
// devices' tombstones early; the price is that a vault whose only other
// device is retired stops collecting (bytes wasted, nothing resurrected).
//
// # Cascades
//
// Merge knows no relations between records: deleting a session deleting its
// turns is the engine's job. When the user deletes a session the engine
// writes a tombstone for the session and for each of its turns. A turn
// written concurrently on another device (not yet seen when deleting)
// survives that as an orphan; after every merge the engine calls Orphans
// with a parent function (turn → its session) and deletes what it yields
// with ordinary local tombstones. Doing this as local writes rather than
// inside Merge keeps Merge a pure per-key maximum (the laws above hold) and
// makes the cascade itself a replicated, GC-safe fact: the turns stay deleted
// after the session's tombstone has expired.
//
// # Use by the engine
//
// Keep one hlc.Clock per device (seeded on start by observing the greatest
// stored stamp) and a stamp per record, tombstones included. Stamp a create
// with Clock.Now and an edit or delete with Clock.After(current stamp). To
// sync: decode the remote records and Validate them; Clock.Observe the
// remote MaxStamp; merged := Merge(local, remote), or Rebase when Stale;
// tombstone the Orphans; apply Changed(local, merged) in one transaction;
// GC at Horizon before sealing; remember Clock.Now and the time as the last
// sync.
package merge

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// Kind is the type of a record.
type Kind uint8

// Record kinds, in key order. A setting is one field of model.Settings (ID
// is the field's JSON name) so that two devices changing different settings
// both keep their change.
const (
	KindSession Kind = 1
	KindTurn    Kind = 2
	KindFact    Kind = 3
	KindSetting Kind = 4
)

var kindNames = [...]string{KindSession: "session", KindTurn: "turn", KindFact: "fact", KindSetting: "setting"}

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool { return k >= KindSession && k <= KindSetting }

func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Key identifies a record.
type Key struct {
	Kind Kind
	ID   string
}

// Compare orders keys by kind, then id bytes.
func (k Key) Compare(o Key) int {
	if c := cmp.Compare(k.Kind, o.Kind); c != 0 {
		return c
	}
	return cmp.Compare(k.ID, o.ID)
}

func (k Key) String() string { return k.Kind.String() + ":" + k.ID }

// Errors from Validate.
var (
	ErrKind = errors.New("merge: unknown record kind")
)

// Validate checks the key's kind and id (model.ValidateID).
func (k Key) Validate() error {
	if !k.Kind.Valid() {
		return fmt.Errorf("%w: %d", ErrKind, k.Kind)
	}
	if err := model.ValidateID(k.ID); err != nil {
		return fmt.Errorf("%s id: %w", k.Kind, err)
	}
	return nil
}

// Payload is a record's content. AppendCanonical appends an injective,
// deterministic encoding of the value: equal values encode to equal bytes
// and different values to different bytes. It is used for tie-breaks and
// Hash only.
type Payload interface {
	AppendCanonical(dst []byte) []byte
}

// Bytes is an opaque payload: already-encoded record content.
type Bytes []byte

// AppendCanonical appends the bytes themselves.
func (b Bytes) AppendCanonical(dst []byte) []byte { return append(dst, b...) }

// Record is one version of one record.
type Record[T Payload] struct {
	Key
	Stamp   hlc.Stamp
	Deleted bool
	Payload T // the zero value for a tombstone
}

// Validate checks the key and the stamp. Decoders of remote snapshots call
// it for every record; Merge itself is total and never fails.
func (r Record[T]) Validate() error {
	if err := r.Key.Validate(); err != nil {
		return err
	}
	if err := r.Stamp.Validate(); err != nil {
		return fmt.Errorf("%s stamp: %w", r.Key, err)
	}
	return nil
}

// Newer reports whether a wins over b (for the same key): the greater
// stamp, then a tombstone over a live version, then the greater canonical
// payload.
func Newer[T Payload](a, b Record[T]) bool { return compareVersion(a, b) > 0 }

func compareVersion[T Payload](a, b Record[T]) int {
	var sc scratch
	return compareWith(&sc, a, b)
}

// scratch holds encoding buffers reused across comparisons: identical
// versions (the common case in a sync) are compared by payload bytes, and
// reusing the buffers keeps that allocation-free.
type scratch struct{ a, b []byte }

func compareWith[T Payload](sc *scratch, a, b Record[T]) int {
	if c := a.Stamp.Compare(b.Stamp); c != 0 {
		return c
	}
	if a.Deleted != b.Deleted {
		if a.Deleted {
			return 1
		}
		return -1
	}
	sc.a = a.Payload.AppendCanonical(sc.a[:0])
	sc.b = b.Payload.AppendCanonical(sc.b[:0])
	return bytes.Compare(sc.a, sc.b)
}

// Set is an immutable set of record versions, at most one per key, kept
// sorted by key. The zero Set is empty and usable.
type Set[T Payload] struct {
	recs []Record[T]
}

// FromRecords builds a set. recs may be in any order; several versions of
// one key are resolved as Merge would. recs is not modified or retained.
func FromRecords[T Payload](recs ...Record[T]) Set[T] {
	rs := slices.Clone(recs)
	var sc scratch
	// By key, then version: the last of each key's run is its winner.
	// Input already sorted by unique key (an engine's id-sorted State) skips
	// the sort.
	if !slices.IsSortedFunc(rs, func(a, b Record[T]) int {
		if c := a.Key.Compare(b.Key); c != 0 {
			return c
		}
		return -1 // equal keys: not strictly sorted
	}) {
		order.SortFunc(rs, func(a, b *Record[T]) int {
			if c := a.Key.Compare(b.Key); c != 0 {
				return c
			}
			return compareWith(&sc, *a, *b)
		})
	}
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && out[n-1].Key == r.Key {
			out[n-1] = r
			continue
		}
		out = append(out, r)
	}
	clear(rs[len(out):])
	return Set[T]{recs: out}
}

// Len is the number of records, tombstones included.
func (s Set[T]) Len() int { return len(s.recs) }

// Get returns the version stored for k.
func (s Set[T]) Get(k Key) (Record[T], bool) {
	i, ok := slices.BinarySearchFunc(s.recs, k, func(r Record[T], k Key) int { return r.Key.Compare(k) })
	if !ok {
		return Record[T]{}, false
	}
	return s.recs[i], true
}

// All yields every record in key order, tombstones included.
func (s Set[T]) All() iter.Seq[Record[T]] {
	return func(yield func(Record[T]) bool) {
		for _, r := range s.recs {
			if !yield(r) {
				return
			}
		}
	}
}

// Live yields the records that are not deleted, in key order.
func (s Set[T]) Live() iter.Seq[Record[T]] {
	return func(yield func(Record[T]) bool) {
		for _, r := range s.recs {
			if !r.Deleted && !yield(r) {
				return
			}
		}
	}
}

// Validate checks every record (Record.Validate).
func (s Set[T]) Validate() error {
	for _, r := range s.recs {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// MaxStamp returns the greatest stamp in the set (zero if empty).
func (s Set[T]) MaxStamp() hlc.Stamp {
	var m hlc.Stamp
	for _, r := range s.recs {
		if m.Less(r.Stamp) {
			m = r.Stamp
		}
	}
	return m
}

// Merge returns the union of a and b keeping, per key, the newer version
// (Newer). It runs in O(len(a)+len(b)) with one allocation.
func Merge[T Payload](a, b Set[T]) Set[T] {
	if len(b.recs) == 0 {
		return a
	}
	if len(a.recs) == 0 {
		return b
	}
	out := make([]Record[T], 0, len(a.recs)+len(b.recs))
	var sc scratch
	x, y := a.recs, b.recs
	for len(x) > 0 && len(y) > 0 {
		switch c := x[0].Key.Compare(y[0].Key); {
		case c < 0:
			out = append(out, x[0])
			x = x[1:]
		case c > 0:
			out = append(out, y[0])
			y = y[1:]
		default:
			if compareWith(&sc, y[0], x[0]) > 0 {
				out = append(out, y[0])
			} else {
				out = append(out, x[0])
			}
			x, y = x[1:], y[1:]
		}
	}
	out = append(out, x...)
	out = append(out, y...)
	return Set[T]{recs: out}
}

// Changed yields the records of merged whose version differs from the one
// in old (new keys included): what the engine must apply after
// merged := Merge(old, remote).
func Changed[T Payload](old, merged Set[T]) iter.Seq[Record[T]] {
	return func(yield func(Record[T]) bool) {
		o := old.recs
		var sc scratch
		for _, r := range merged.recs {
			for len(o) > 0 && o[0].Key.Compare(r.Key) < 0 {
				o = o[1:]
			}
			if len(o) > 0 && o[0].Key == r.Key && compareWith(&sc, o[0], r) == 0 {
				continue
			}
			if !yield(r) {
				return
			}
		}
	}
}

// TombstoneTTL is how long a tombstone is kept after its stamp's wall time.
// Ninety days covers a phone left in a drawer for a season or a long trip;
// a tombstone costs a key and a stamp (tens of bytes), so keeping them that
// long is cheap, while keeping them forever would grow every snapshot with
// each deleted turn. A device offline for longer syncs with Rebase (Stale).
const TombstoneTTL = 90 * 24 * time.Hour

// GC returns s without the tombstones whose wall time is more than keep
// before now. Live records are never dropped; a tombstone stamped in the
// future (a fast clock) is kept until it too is older than keep. The engine
// passes Horizon(s, device, physical now) as now, not the raw clock.
func GC[T Payload](s Set[T], now time.Time, keep time.Duration) Set[T] {
	cut := now.UnixMilli() - max(keep, 0).Milliseconds()
	n := 0
	for _, r := range s.recs {
		if r.Deleted && r.Stamp.Wall < cut {
			n++
		}
	}
	if n == 0 {
		return s
	}
	out := make([]Record[T], 0, len(s.recs)-n)
	for _, r := range s.recs {
		if !(r.Deleted && r.Stamp.Wall < cut) {
			out = append(out, r)
		}
	}
	return Set[T]{recs: out}
}

// Horizon is the time a device should collect tombstones at: the earlier
// of its physical now and the latest wall time stamped by any other device
// in s (now if no other device has written). A device whose clock runs far
// ahead (the case clamping guards against) would otherwise find every other
// device's tombstones expired, drop them and push a head without them, and
// records would come back from devices that still hold them. Bounding by
// what other devices have written can only delay collection, which is safe.
func Horizon[T Payload](s Set[T], self string, now time.Time) time.Time {
	var other int64 = -1
	for _, r := range s.recs {
		if r.Stamp.Device != self && r.Stamp.Wall > other {
			other = r.Stamp.Wall
		}
	}
	if other < 0 || other >= now.UnixMilli() {
		return now
	}
	return time.UnixMilli(other).UTC()
}

// StaleAfter is how long a device may go without a successful sync and
// still Merge: keep minus twice hlc.MaxDrift. The margin covers the worst
// clock error allowed between the device that deleted (a slow clock makes
// its tombstone look older) and the device that collects it (a fast clock
// collects sooner).
func StaleAfter(keep time.Duration) time.Duration {
	return max(keep-2*hlc.MaxDrift, 0)
}

// Stale reports whether a device whose last successful sync was at lastSync
// (its own clock) must use Rebase instead of Merge at now. A device that has
// never synced (zero lastSync) is not stale: its records were never in the
// vault, so no tombstone can be missing for them.
func Stale(lastSync, now time.Time, keep time.Duration) bool {
	if lastSync.IsZero() {
		return false
	}
	return now.Sub(lastSync) >= StaleAfter(keep)
}

// Rebase is the merge of a stale device: remote is taken as the truth and
// only local versions stamped after since — the device's clock stamp at its
// last successful sync (hlc.Clock.Now() taken then) — are merged into it.
// Those are the writes made after that sync (hlc stamps are monotonic), so
// offline work is kept while a record the device had not touched cannot
// come back from an expired tombstone.
func Rebase[T Payload](local, remote Set[T], since hlc.Stamp) Set[T] {
	var mine []Record[T]
	for _, r := range local.recs {
		if since.Less(r.Stamp) {
			mine = append(mine, r)
		}
	}
	return Merge(remote, Set[T]{recs: mine})
}

// Orphans yields the live records whose parent (as reported by parent; ok
// false means the record has none) is not live in s: tombstoned or absent.
// The engine deletes them after a merge (see the package doc). The parent
// of a turn is Key{KindSession, turn.Session}.
func Orphans[T Payload](s Set[T], parent func(Record[T]) (Key, bool)) iter.Seq[Record[T]] {
	return func(yield func(Record[T]) bool) {
		for _, r := range s.recs {
			if r.Deleted {
				continue
			}
			pk, ok := parent(r)
			if !ok {
				continue
			}
			if p, found := s.Get(pk); found && !p.Deleted {
				continue
			}
			if !yield(r) {
				return
			}
		}
	}
}

// hashDomain separates this hash from any other SHA-256 use and versions it.
const hashDomain = "confidant/merge/v1\x00"

// Hash is a canonical digest of s for convergence checks: SHA-256 over the
// domain string, the record count and, in key order, each record's kind,
// length-prefixed id, stamp (wall, counter, length-prefixed device),
// deleted flag and length-prefixed canonical payload. Equal sets (up to
// payload values with equal encodings) have equal hashes.
func Hash[T Payload](s Set[T]) [32]byte {
	h := sha256.New()
	var hdr, pl []byte
	hdr = append(hdr, hashDomain...)
	hdr = binary.AppendUvarint(hdr, uint64(len(s.recs)))
	h.Write(hdr)
	for _, r := range s.recs {
		hdr = append(hdr[:0], byte(r.Kind))
		hdr = binary.AppendUvarint(hdr, uint64(len(r.ID)))
		hdr = append(hdr, r.ID...)
		hdr = binary.AppendVarint(hdr, r.Stamp.Wall)
		hdr = binary.AppendUvarint(hdr, uint64(r.Stamp.Counter))
		hdr = binary.AppendUvarint(hdr, uint64(len(r.Stamp.Device)))
		hdr = append(hdr, r.Stamp.Device...)
		if r.Deleted {
			hdr = append(hdr, 1)
		} else {
			hdr = append(hdr, 0)
		}
		pl = r.Payload.AppendCanonical(pl[:0])
		hdr = binary.AppendUvarint(hdr, uint64(len(pl)))
		h.Write(hdr)
		h.Write(pl)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
