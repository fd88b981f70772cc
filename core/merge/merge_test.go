package merge

import (
	"slices"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/stretchr/testify/require"
)

func st(wall int64, ctr uint32, dev string) hlc.Stamp {
	return hlc.Stamp{Wall: wall, Counter: ctr, Device: dev}
}

func rec(k Kind, id string, s hlc.Stamp, payload string) Record[Bytes] {
	return Record[Bytes]{Key: Key{k, id}, Stamp: s, Payload: Bytes(payload)}
}

func tomb(k Kind, id string, s hlc.Stamp) Record[Bytes] {
	return Record[Bytes]{Key: Key{k, id}, Stamp: s, Deleted: true}
}

func records(s Set[Bytes]) []Record[Bytes] { return slices.Collect(s.All()) }

func TestMergeKeepsGreaterStamp(t *testing.T) {
	a := FromRecords(rec(KindTurn, "t1", st(10, 0, "a"), "old"), rec(KindFact, "f", st(5, 0, "a"), "x"))
	b := FromRecords(rec(KindTurn, "t1", st(10, 1, "b"), "new"), rec(KindSession, "s", st(1, 0, "b"), "S"))
	m := Merge(a, b)
	require.Equal(t, []Record[Bytes]{
		rec(KindSession, "s", st(1, 0, "b"), "S"),
		rec(KindTurn, "t1", st(10, 1, "b"), "new"),
		rec(KindFact, "f", st(5, 0, "a"), "x"),
	}, records(m))
	require.Equal(t, Hash(m), Hash(Merge(b, a)))
	// Device id decides between equal wall and counter.
	c := FromRecords(rec(KindTurn, "t1", st(10, 1, "c"), "c's"))
	got, _ := Merge(m, c).Get(Key{KindTurn, "t1"})
	require.Equal(t, Bytes("c's"), got.Payload)
}

func TestTieBreaks(t *testing.T) {
	s := st(7, 3, "dup")
	live1 := rec(KindFact, "f", s, "apple")
	live2 := rec(KindFact, "f", s, "banana")
	dead := tomb(KindFact, "f", s)
	// Same stamp: a tombstone wins over any live version.
	for _, l := range []Record[Bytes]{live1, live2} {
		require.True(t, Newer(dead, l))
		require.False(t, Newer(l, dead))
		x, y := FromRecords(l), FromRecords(dead)
		require.Equal(t, Hash(Merge(x, y)), Hash(Merge(y, x)))
		got, _ := Merge(x, y).Get(l.Key)
		require.True(t, got.Deleted)
	}
	// Same stamp, both live: greater payload bytes win, whichever side.
	require.True(t, Newer(live2, live1))
	for _, pair := range [][2]Record[Bytes]{{live1, live2}, {live2, live1}} {
		got, _ := Merge(FromRecords(pair[0]), FromRecords(pair[1])).Get(live1.Key)
		require.Equal(t, Bytes("banana"), got.Payload)
	}
	// Identical versions: neither is newer.
	require.False(t, Newer(live1, live1))
	// FromRecords resolves duplicates the same way regardless of order.
	require.Equal(t, records(FromRecords(live1, dead, live2)), records(FromRecords(live2, live1, dead)))
	require.Equal(t, 1, FromRecords(live1, live1, live1).Len())
}

func TestGCDropsOnlyOldTombstones(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return now.Add(-d).UnixMilli() }
	s := FromRecords(
		tomb(KindTurn, "old", st(ms(TombstoneTTL+time.Millisecond), 0, "a")),
		tomb(KindTurn, "edge", st(ms(TombstoneTTL), 0, "a")),
		tomb(KindTurn, "young", st(ms(TombstoneTTL-time.Hour), 0, "a")),
		tomb(KindTurn, "future", st(ms(-100*365*24*time.Hour), 0, "a")),
		rec(KindTurn, "ancient-live", st(1, 0, "a"), "keep me"),
	)
	g := GC(s, now, TombstoneTTL)
	var ids []string
	for r := range g.All() {
		ids = append(ids, r.ID)
	}
	require.Equal(t, []string{"ancient-live", "edge", "future", "young"}, ids)
	require.Equal(t, Hash(g), Hash(GC(g, now, TombstoneTTL)), "idempotent")
	require.Equal(t, s.Len(), GC(s, now, 365*24*time.Hour).Len(), "nothing older than a year")
}

func TestStaleRule(t *testing.T) {
	require.Equal(t, 88*24*time.Hour, StaleAfter(TombstoneTTL))
	require.Equal(t, time.Duration(0), StaleAfter(time.Hour))
	last := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.False(t, Stale(last, last.Add(88*24*time.Hour-time.Second), TombstoneTTL))
	require.True(t, Stale(last, last.Add(88*24*time.Hour), TombstoneTTL))
	require.False(t, Stale(time.Time{}, last, TombstoneTTL), "never synced: merge")
}

// TestStaleDeviceDoesNotResurrect plays the documented hazard: a device
// offline longer than the tombstone period still holds a record the others
// deleted and collected. Merging would bring it back; Rebase does not, and
// keeps what the device wrote while offline.
func TestStaleDeviceDoesNotResurrect(t *testing.T) {
	day := int64(24 * time.Hour / time.Millisecond)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := func(days int64) int64 { return t0.UnixMilli() + days*day }

	shared := FromRecords(rec(KindTurn, "t1", st(w(0), 0, "a"), "hello"), rec(KindTurn, "t2", st(w(0), 1, "a"), "world"))
	// Phone syncs at day 1, then goes offline; its clock mark at that sync:
	phoneSince := st(w(1), 0, "phone")
	phone := shared
	// Laptop deletes t1 on day 2 and edits t2 on day 3.
	laptop := Merge(shared, FromRecords(tomb(KindTurn, "t1", st(w(2), 0, "laptop")), rec(KindTurn, "t2", st(w(3), 0, "laptop"), "world!")))
	// Phone, offline, writes a new turn on day 50 and deletes t2 on day 60.
	phone = Merge(phone, FromRecords(rec(KindTurn, "t3", st(w(50), 0, "phone"), "offline"), tomb(KindTurn, "t2", st(w(60), 0, "phone"))))
	// Day 120: the laptop's tombstone for t1 has been collected.
	now := t0.Add(120 * 24 * time.Hour)
	laptop = GC(laptop, now, TombstoneTTL)
	_, ok := laptop.Get(Key{KindTurn, "t1"})
	require.False(t, ok)

	require.True(t, Stale(t0.Add(24*time.Hour), now, TombstoneTTL))
	// The hazard: a plain merge resurrects t1.
	naive, _ := Merge(phone, laptop).Get(Key{KindTurn, "t1"})
	require.False(t, naive.Deleted, "merge would resurrect t1")
	// The rule: rebase onto the remote.
	r := Rebase(phone, laptop, phoneSince)
	_, ok = r.Get(Key{KindTurn, "t1"})
	require.False(t, ok, "t1 stays deleted")
	t3, _ := r.Get(Key{KindTurn, "t3"})
	require.Equal(t, Bytes("offline"), t3.Payload, "offline write kept")
	t2, _ := r.Get(Key{KindTurn, "t2"})
	require.True(t, t2.Deleted, "offline delete kept (newer than the laptop's edit)")
	// Rebase of a fresh device (since = zero) is a plain merge.
	require.Equal(t, Hash(Merge(laptop, phone)), Hash(Rebase(phone, laptop, hlc.Stamp{})))
}

func TestOrphans(t *testing.T) {
	parent := func(r Record[Bytes]) (Key, bool) {
		if r.Kind != KindTurn {
			return Key{}, false
		}
		return Key{KindSession, string(r.Payload)}, true // payload = session id in this test
	}
	s := FromRecords(
		tomb(KindSession, "gone", st(5, 0, "a")),
		rec(KindSession, "here", st(5, 0, "a"), ""),
		rec(KindTurn, "t1", st(6, 0, "b"), "gone"),  // written after the delete, elsewhere
		rec(KindTurn, "t2", st(1, 0, "b"), "gone"),  // concurrent with the delete
		tomb(KindTurn, "t3", st(5, 0, "a")),         // deleted with its session
		rec(KindTurn, "t4", st(1, 0, "b"), "here"),  // fine
		rec(KindTurn, "t5", st(1, 0, "b"), "never"), // parent unknown
		rec(KindFact, "f", st(1, 0, "b"), "gone"),   // no parent
	)
	var ids []string
	for r := range Orphans(s, parent) {
		ids = append(ids, r.ID)
	}
	require.Equal(t, []string{"t1", "t2", "t5"}, ids)

	// The engine's cascade: two devices each delete the orphans with their
	// own clock; after exchanging, they agree and nothing is orphaned.
	cascade := func(s Set[Bytes], dev string) Set[Bytes] {
		var ts []Record[Bytes]
		for r := range Orphans(s, parent) {
			ts = append(ts, tomb(r.Kind, r.ID, st(r.Stamp.Wall, r.Stamp.Counter+1, dev)))
		}
		return Merge(s, FromRecords(ts...))
	}
	a, b := cascade(s, "a"), cascade(s, "b")
	require.Equal(t, Hash(Merge(a, b)), Hash(Merge(b, a)))
	require.Empty(t, slices.Collect(Orphans(Merge(a, b), parent)))
}

func TestChanged(t *testing.T) {
	old := FromRecords(rec(KindTurn, "a", st(1, 0, "x"), "1"), rec(KindTurn, "b", st(1, 0, "x"), "1"), rec(KindTurn, "c", st(1, 0, "x"), "1"))
	remote := FromRecords(rec(KindTurn, "b", st(2, 0, "y"), "2"), rec(KindTurn, "c", st(1, 0, "x"), "1"), tomb(KindTurn, "d", st(3, 0, "y")), rec(KindTurn, "a", st(0, 0, "y"), "0"))
	m := Merge(old, remote)
	var keys []string
	for r := range Changed(old, m) {
		keys = append(keys, r.ID)
	}
	require.Equal(t, []string{"b", "d"}, keys)
	require.Empty(t, slices.Collect(Changed(m, m)))
}

func TestGetLenMax(t *testing.T) {
	var empty Set[Bytes]
	require.Equal(t, 0, empty.Len())
	_, ok := empty.Get(Key{KindTurn, "x"})
	require.False(t, ok)
	require.True(t, empty.MaxStamp().IsZero())
	require.Equal(t, Hash(empty), Hash(Merge(empty, empty)))
	s := FromRecords(rec(KindSetting, "token_budget", st(9, 0, "a"), "300"), tomb(KindTurn, "t", st(11, 0, "a")))
	require.Equal(t, st(11, 0, "a"), s.MaxStamp())
	require.Equal(t, 1, len(slices.Collect(s.Live())))
	require.Equal(t, Hash(s), Hash(Merge(s, empty)))
	require.Equal(t, Hash(s), Hash(Merge(empty, s)))
}

func TestHashCoversEveryField(t *testing.T) {
	base := rec(KindTurn, "t", st(5, 1, "dev"), "payload")
	h := Hash(FromRecords(base))
	variants := []Record[Bytes]{
		rec(KindFact, "t", st(5, 1, "dev"), "payload"),
		rec(KindTurn, "u", st(5, 1, "dev"), "payload"),
		rec(KindTurn, "t", st(6, 1, "dev"), "payload"),
		rec(KindTurn, "t", st(5, 2, "dev"), "payload"),
		rec(KindTurn, "t", st(5, 1, "dew"), "payload"),
		rec(KindTurn, "t", st(5, 1, "dev"), "payloaD"),
		{Key: base.Key, Stamp: base.Stamp, Deleted: true, Payload: base.Payload},
	}
	for _, v := range variants {
		require.NotEqual(t, h, Hash(FromRecords(v)), "%+v", v)
	}
	// Length prefixes: moving a byte between id and payload changes the hash.
	require.NotEqual(t, Hash(FromRecords(rec(KindTurn, "ab", st(1, 0, "d"), "c"))), Hash(FromRecords(rec(KindTurn, "a", st(1, 0, "d"), "bc"))))
}

func TestValidate(t *testing.T) {
	good := rec(KindTurn, "t", st(5, 0, "dev"), "")
	require.NoError(t, good.Validate())
	require.NoError(t, FromRecords(good).Validate())
	bad := good
	bad.Kind = 9
	require.ErrorIs(t, bad.Validate(), ErrKind)
	bad = good
	bad.ID = ""
	require.Error(t, bad.Validate())
	bad = good
	bad.Stamp.Device = "no spaces"
	require.ErrorIs(t, bad.Validate(), hlc.ErrDevice)
	require.ErrorIs(t, FromRecords(good, bad).Validate(), hlc.ErrDevice)
	require.Equal(t, "turn:t", good.Key.String())
	require.Equal(t, "kind(9)", Kind(9).String())
}

func TestHorizonProtectsOthersTombstones(t *testing.T) {
	day := int64(24 * time.Hour / time.Millisecond)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := func(days int64) int64 { return t0.UnixMilli() + days*day }
	s := FromRecords(
		tomb(KindTurn, "a-deleted", st(w(0), 0, "a")),
		rec(KindTurn, "a-wrote", st(w(10), 0, "a"), "x"),
		tomb(KindTurn, "f-deleted", st(w(30*365), 0, "far")),
	)
	// The far-future device believes it is 2056: by its raw clock every
	// tombstone of device a has expired.
	farNow := t0.Add(30*365*24*time.Hour + time.Hour)
	_, ok := GC(s, farNow, TombstoneTTL).Get(Key{KindTurn, "a-deleted"})
	require.False(t, ok, "raw clock drops a's tombstone")
	h := Horizon(s, "far", farNow)
	require.Equal(t, time.UnixMilli(w(10)).UTC(), h)
	_, ok = GC(s, h, TombstoneTTL).Get(Key{KindTurn, "a-deleted"})
	require.True(t, ok, "the horizon keeps it")
	// A correct device: its horizon is its now when others are current…
	now := t0.Add(200 * 24 * time.Hour)
	require.Equal(t, now, Horizon(s, "a", now))
	// …and GC then collects what is old.
	_, ok = GC(s, Horizon(s, "a", now), TombstoneTTL).Get(Key{KindTurn, "a-deleted"})
	require.False(t, ok)
	// No other device: the device's own clock.
	require.Equal(t, now, Horizon(FromRecords(rec(KindTurn, "x", st(1, 0, "solo"), "")), "solo", now))
}
