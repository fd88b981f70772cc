package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/stretchr/testify/require"
)

// The property tests simulate 2-4 devices editing the four kinds of records
// with skewed, backward-stepping and far-future clocks, syncing now and then,
// and check the CRDT laws on the resulting operation log. Each seed is one
// scenario; a failure names its seed, which reproduces it.

type simDevice struct {
	name   string
	offset time.Duration // physical clock = real time + offset
	far    bool
	clock  *hlc.Clock
	state  Set[Bytes]
	hi     int64 // greatest physical time seen + MaxDrift: bound on the clock
}

type sim struct {
	t    *testing.T
	r    *rand.Rand
	real time.Time
	devs []*simDevice
	log  []Record[Bytes]
}

func newSim(t *testing.T, seed uint64) *sim {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := &sim{t: t, r: r, real: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	n := 2 + r.IntN(3)
	for i := range n {
		d := &simDevice{name: fmt.Sprintf("dev%d", i)}
		d.offset = time.Duration(r.Int64N(int64(12*time.Hour))) - 6*time.Hour
		if r.IntN(4) == 0 {
			d.offset = time.Duration(10+r.IntN(60)) * 365 * 24 * time.Hour // decades ahead
			d.far = true
		}
		c, err := hlc.NewClock(d.name, func() time.Time { return s.real.Add(d.offset) })
		require.NoError(t, err)
		d.clock = c
		s.devs = append(s.devs, d)
	}
	return s
}

func (s *sim) physical(d *simDevice) int64 { return s.real.Add(d.offset).UnixMilli() }

var kinds = []Kind{KindSession, KindTurn, KindFact, KindSetting}

func (s *sim) step() {
	r := s.r
	switch r.IntN(10) {
	case 0: // time passes in bigger jumps, sometimes not at all
		s.real = s.real.Add(time.Duration(r.Int64N(int64(48 * time.Hour))))
	case 1: // a device's clock is stepped backwards (NTP) or forwards
		d := s.devs[r.IntN(len(s.devs))]
		d.offset += time.Duration(r.Int64N(int64(4*time.Hour))) - 3*time.Hour
	case 2, 3: // sync: d pulls e's state and merges
		d, e := s.devs[r.IntN(len(s.devs))], s.devs[r.IntN(len(s.devs))]
		d.state = Merge(d.state, e.state)
		d.clock.Observe(e.state.MaxStamp())
		d.hi = max(d.hi, s.physical(d)+hlc.MaxDriftMillis)
	case 4: // corruption: a replayed stamp with a different payload
		if len(s.log) == 0 {
			return
		}
		v := s.log[r.IntN(len(s.log))]
		v.Payload = Bytes(fmt.Sprintf("corrupt%d", r.IntN(3)))
		v.Deleted = r.IntN(3) == 0
		if v.Deleted {
			v.Payload = nil
		}
		d := s.devs[r.IntN(len(s.devs))]
		d.state = Merge(d.state, FromRecords(v))
		s.log = append(s.log, v)
	default: // a local write: create, edit or delete
		s.real = s.real.Add(time.Duration(r.Int64N(int64(time.Minute))) * time.Duration(r.IntN(2)))
		d := s.devs[r.IntN(len(s.devs))]
		d.hi = max(d.hi, s.physical(d)+hlc.MaxDriftMillis)
		k := Key{kinds[r.IntN(len(kinds))], fmt.Sprintf("k%d", r.IntN(6))}
		prev, ok := d.state.Get(k)
		var stamp hlc.Stamp
		if ok {
			stamp = d.clock.After(prev.Stamp)
			if !prev.Stamp.Less(stamp) {
				s.t.Fatalf("edit stamp %v does not supersede %v", stamp, prev.Stamp)
			}
		} else {
			stamp = d.clock.Now()
		}
		v := Record[Bytes]{Key: k, Stamp: stamp}
		if ok && !prev.Deleted && r.IntN(3) == 0 {
			v.Deleted = true
		} else {
			v.Payload = Bytes(fmt.Sprintf("%s@%d:%d", d.name, stamp.Wall, r.IntN(100)))
		}
		d.state = Merge(d.state, FromRecords(v))
		got, _ := d.state.Get(k)
		if got.Stamp != v.Stamp || got.Deleted != v.Deleted || string(got.Payload) != string(v.Payload) {
			s.t.Fatalf("the local write %+v lost locally to %+v", v, got)
		}
		s.log = append(s.log, v)
	}
	for _, d := range s.devs {
		if l := d.clock.Last().Wall; !d.far && d.hi > 0 && l > d.hi {
			s.t.Fatalf("%s's clock followed a far-future stamp: %d > %d", d.name, l, d.hi)
		}
	}
}

// subset returns a random sub-multiset of the log, shuffled, with duplicates.
func (s *sim) subset(p float64) []Record[Bytes] {
	var out []Record[Bytes]
	for _, v := range s.log {
		if s.r.Float64() < p {
			out = append(out, v)
			if s.r.IntN(5) == 0 {
				out = append(out, v)
			}
		}
	}
	s.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// deliver folds the records into an empty replica in random batches.
func (s *sim) deliver(recs []Record[Bytes]) Set[Bytes] {
	var st Set[Bytes]
	for len(recs) > 0 {
		n := 1 + s.r.IntN(len(recs))
		st = Merge(st, FromRecords(recs[:n]...))
		recs = recs[n:]
	}
	return st
}

func iterations(t *testing.T) int {
	if testing.Short() {
		return 100
	}
	return 500
}

func TestPropertyConvergence(t *testing.T) {
	for seed := range uint64(iterations(t)) {
		s := newSim(t, seed)
		nOps := 10 + s.r.IntN(200)
		for range nOps {
			s.step()
		}
		want := Hash(FromRecords(s.log...))

		// Any delivery order, with duplicates, reaches the same state.
		for range 3 {
			all := append(s.subset(1), s.subset(0.3)...)
			s.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			require.Equal(t, want, Hash(s.deliver(all)), "seed %d", seed)
		}
		// Devices that exchange their states in any order converge too.
		order := s.r.Perm(len(s.devs))
		var acc Set[Bytes]
		for _, i := range order {
			acc = Merge(s.devs[i].state, acc)
		}
		for _, d := range s.devs {
			d.state = Merge(d.state, acc)
			require.Equal(t, want, Hash(d.state), "seed %d: %s", seed, d.name)
		}
	}
}

func TestPropertyLaws(t *testing.T) {
	for seed := range uint64(iterations(t)) {
		s := newSim(t, seed)
		for range 10 + s.r.IntN(150) {
			s.step()
		}
		a := FromRecords(s.subset(0.5)...)
		b := FromRecords(s.subset(0.5)...)
		c := FromRecords(s.subset(0.5)...)
		msg := fmt.Sprintf("seed %d", seed)

		require.Equal(t, records(a), records(Merge(a, a)), msg+": idempotent")
		require.Equal(t, Hash(Merge(a, b)), Hash(Merge(b, a)), msg+": commutative")
		require.Equal(t, Hash(Merge(Merge(a, b), c)), Hash(Merge(a, Merge(b, c))), msg+": associative")
		ab := Merge(a, b)
		require.Equal(t, Hash(ab), Hash(Merge(ab, a)), msg+": absorbs a part")

		// Merging a subset, then the rest, equals merging everything.
		all := slices.Clone(s.log)
		s.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		cut := s.r.IntN(len(all) + 1)
		require.Equal(t, Hash(FromRecords(s.log...)), Hash(Merge(FromRecords(all[:cut]...), FromRecords(all[cut:]...))), msg+": subset then rest")

		// Changed yields exactly what differs.
		for r := range Changed(a, ab) {
			old, ok := a.Get(r.Key)
			require.True(t, !ok || compareVersion(old, r) < 0, msg)
		}
		n := 0
		for r := range ab.All() {
			if old, ok := a.Get(r.Key); !ok || compareVersion(old, r) != 0 {
				n++
			}
		}
		require.Len(t, slices.Collect(Changed(a, ab)), n, msg)

		// GC of tombstones never changes the live records.
		full := FromRecords(s.log...)
		keep := time.Duration(s.r.Int64N(int64(30 * 24 * time.Hour)))
		now := s.real.Add(time.Duration(s.r.Int64N(int64(60 * 24 * time.Hour))))
		g := GC(full, now, keep)
		require.Equal(t, slices.Collect(full.Live()), slices.Collect(g.Live()), msg+": GC keeps live records")
		cutMs := now.UnixMilli() - keep.Milliseconds()
		for r := range full.All() {
			_, kept := g.Get(r.Key)
			require.Equal(t, !r.Deleted || r.Stamp.Wall >= cutMs, kept, msg)
		}
	}
}
