package snapshot

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// The sync section (versions 3 and 4): see "Sync metadata" in doc.go.

// checkStamps checks the device of s's sync metadata; without metadata every stamp
// must be zero (Encode refuses a stamp it would have to drop).
func checkStamps(s *model.State) error {
	if s.Sync != nil {
		if err := hlc.ValidDevice(s.Sync.Device); err != nil {
			return failf(ErrInvalid, "sync", "device: %w", err)
		}
		return nil
	}
	for i := range s.Sessions {
		if !s.Sessions[i].Stamp.IsZero() {
			return failf(ErrInvalid, fmt.Sprintf("session %d", i), "a stamp without sync metadata")
		}
	}
	for i := range s.Turns {
		if !s.Turns[i].Stamp.IsZero() {
			return failf(ErrInvalid, fmt.Sprintf("turn %d", i), "a stamp without sync metadata")
		}
	}
	for i := range s.Facts {
		if !s.Facts[i].Stamp.IsZero() {
			return failf(ErrInvalid, fmt.Sprintf("fact %d", i), "a stamp without sync metadata")
		}
	}
	return nil
}

// syncVersion maps the version chosen for the state (1, or 2 with terms)
// to the one with a sync section.
func syncVersion(s *model.State, v byte) byte {
	if s.Sync == nil {
		return v
	}
	return v + 2
}

// appendSync appends the sync section of s, whose records are sorted as
// appendBody wrote them.
func appendSync(dst []byte, s *model.State) ([]byte, error) {
	m := s.Sync
	sessions := sortedBy(s.Sessions, func(x *model.Session) string { return x.ID })
	turns := sortedBy(s.Turns, func(x *model.Turn) string { return x.ID })
	facts := sortedBy(s.Facts, func(x *model.Fact) string { return x.ID })
	tombs := slices.Clone(m.Tombstones)
	order.SortFunc(tombs, func(a, b *model.Tombstone) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.ID, b.ID))
	})
	live := map[model.RecordKind]map[string]bool{model.KindSession: {}, model.KindTurn: {}, model.KindFact: {}}
	for _, x := range sessions {
		live[model.KindSession][x.ID] = true
	}
	for _, x := range turns {
		live[model.KindTurn][x.ID] = true
	}
	for _, x := range facts {
		live[model.KindFact][x.ID] = true
	}
	devs := map[string]uint64{}
	use := func(where string, st hlc.Stamp) error {
		if err := st.Validate(); err != nil {
			return failf(ErrInvalid, where, "stamp: %w", err)
		}
		devs[st.Device] = 0
		return nil
	}
	for i, x := range sessions {
		if err := use(fmt.Sprintf("session %d", i), x.Stamp); err != nil {
			return nil, err
		}
	}
	for i, x := range turns {
		if err := use(fmt.Sprintf("turn %d", i), x.Stamp); err != nil {
			return nil, err
		}
	}
	for i, x := range facts {
		if err := use(fmt.Sprintf("fact %d", i), x.Stamp); err != nil {
			return nil, err
		}
	}
	for i, st := range m.SettingStamps {
		if err := use(fmt.Sprintf("setting %d", i), st); err != nil {
			return nil, err
		}
	}
	for i, t := range tombs {
		where := fmt.Sprintf("tombstone %d", i)
		if t.Kind < model.KindSession || t.Kind > model.KindFact {
			return nil, failf(ErrInvalid, where, "kind %d", t.Kind)
		}
		if err := model.ValidateID(t.ID); err != nil {
			return nil, fail(ErrInvalid, where, err)
		}
		if live[t.Kind][t.ID] {
			return nil, failf(ErrInvalid, where, "%q is live", t.ID)
		}
		if i > 0 && tombs[i-1].Kind == t.Kind && tombs[i-1].ID == t.ID {
			return nil, failf(ErrInvalid, where, "duplicate %q", t.ID)
		}
		if err := use(where, t.Stamp); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(devs))
	for d := range devs {
		names = append(names, d)
	}
	slices.Sort(names)
	for i, d := range names {
		devs[d] = uint64(i)
	}
	stamp := func(dst []byte, st hlc.Stamp) []byte {
		dst = binary.AppendUvarint(dst, uint64(st.Wall))
		dst = binary.AppendUvarint(dst, uint64(st.Counter))
		return binary.AppendUvarint(dst, devs[st.Device])
	}
	dst = appendStr(dst, m.Device)
	dst = binary.AppendUvarint(dst, uint64(len(names)))
	for _, d := range names {
		dst = appendStr(dst, d)
	}
	for _, x := range sessions {
		dst = stamp(dst, x.Stamp)
	}
	for _, x := range turns {
		dst = stamp(dst, x.Stamp)
	}
	for _, x := range facts {
		dst = stamp(dst, x.Stamp)
	}
	for _, st := range m.SettingStamps {
		dst = stamp(dst, st)
	}
	dst = binary.AppendUvarint(dst, uint64(len(tombs)))
	for _, t := range tombs {
		dst = append(dst, byte(t.Kind))
		dst = appendStr(dst, t.ID)
		dst = stamp(dst, t.Stamp)
	}
	return dst, nil
}

func sortedBy[T any](in []T, id func(*T) string) []*T {
	out := make([]*T, len(in))
	for i := range in {
		out[i] = &in[i]
	}
	byID := func(a, b *T) int { return strings.Compare(id(a), id(b)) }
	if !slices.IsSortedFunc(out, byID) {
		slices.SortFunc(out, byID)
	}
	return out
}

// minStamp is the fewest bytes a stamp takes; minTomb a tombstone.
const (
	minStamp = 3
	minTomb  = 1 + minID + minStamp
)

// sync parses the sync section into st (records sorted by id, as decoded).
func (r *reader) sync(st *model.State) error {
	m := &model.SyncMeta{}
	r.at("sync", -1)
	m.Device = r.str("device")
	if r.err == nil {
		if err := hlc.ValidDevice(m.Device); err != nil {
			r.fail(ErrCorrupt, err)
		}
	}
	d := r.devices()
	if r.err != nil {
		return r.err
	}
	if rem := len(r.s) - r.p; (len(st.Sessions)+len(st.Turns)+len(st.Facts)+3)*minStamp > rem {
		r.failf(ErrTruncated, "stamps need more than the %d remaining bytes", rem)
		return r.err
	}
	for i := range st.Sessions {
		r.at("session stamp", i)
		st.Sessions[i].Stamp = r.stamp(d)
	}
	// The turns' stamps, the long loop, have a function of their own (see
	// state).
	r.turnStamps(st.Turns, d)
	for i := range st.Facts {
		r.at("fact stamp", i)
		st.Facts[i].Stamp = r.stamp(d)
	}
	for i := range m.SettingStamps {
		r.at("setting stamp", i)
		m.SettingStamps[i] = r.stamp(d)
	}
	r.tombstones(st, m, d)
	if r.err != nil {
		return r.err
	}
	for i, u := range d.used {
		if !u {
			r.at("device", i)
			r.failf(ErrCorrupt, "device %q is used by no stamp", d.names[i])
			return r.err
		}
	}
	st.Sync = m
	return nil
}

// deviceTable is the sync section's device ids, which stamps refer to by
// index, and which of them a stamp used.
type deviceTable struct {
	names []string
	used  []bool
}

func (r *reader) devices() *deviceTable {
	n := r.count("devices", 2)
	d := &deviceTable{names: make([]string, n), used: make([]bool, n)}
	for i := range d.names {
		r.at("device", i)
		d.names[i] = r.str("id")
		if r.err == nil {
			if err := hlc.ValidDevice(d.names[i]); err != nil {
				r.fail(ErrCorrupt, err)
			}
		}
		if i > 0 && r.err == nil && d.names[i-1] >= d.names[i] {
			r.failf(ErrCorrupt, "devices not strictly ascending")
		}
	}
	return d
}

// stamp reads one stamp, whose device is an index into d.
func (r *reader) stamp(d *deviceTable) hlc.Stamp {
	w := r.uvarint("wall")
	c := r.uvarint("counter")
	dev := r.uvarint("device")
	if r.err != nil {
		return hlc.Stamp{}
	}
	switch {
	case w > uint64(hlc.MaxWall):
		r.failf(ErrCorrupt, "wall %d out of range", w)
	case c > 1<<32-1:
		r.failf(ErrCorrupt, "counter %d exceeds 32 bits", c)
	case dev >= uint64(len(d.names)):
		r.failf(ErrCorrupt, "device index %d out of range", dev)
	default:
		d.used[dev] = true
		return hlc.Stamp{Wall: int64(w), Counter: uint32(c), Device: d.names[dev]}
	}
	return hlc.Stamp{}
}

func (r *reader) turnStamps(turns []model.Turn, d *deviceTable) {
	for i := range turns {
		r.at("turn stamp", i)
		turns[i].Stamp = r.stamp(d)
	}
}

func (r *reader) tombstones(st *model.State, m *model.SyncMeta, d *deviceTable) {
	r.at("tombstones", -1)
	if n := r.count("count", minTomb); n > 0 {
		m.Tombstones = make([]model.Tombstone, n)
	}
	for i := range m.Tombstones {
		r.at("tombstone", i)
		if r.tombstone(st, m.Tombstones, i, d); r.err != nil {
			return
		}
	}
}

// tombstone reads tombstone i of ts.
func (r *reader) tombstone(st *model.State, ts []model.Tombstone, i int, d *deviceTable) {
	t := &ts[i]
	k := r.byte("kind")
	t.Kind = model.RecordKind(k)
	if r.err == nil && (k < byte(model.KindSession) || k > byte(model.KindFact)) {
		r.failf(ErrCorrupt, "kind %d", k)
	}
	t.ID = r.str("id")
	if r.err == nil {
		r.check(model.ValidateID(t.ID))
	}
	t.Stamp = r.stamp(d)
	if r.err != nil {
		return
	}
	if i > 0 {
		p := ts[i-1]
		if cmp.Or(cmp.Compare(p.Kind, t.Kind), strings.Compare(p.ID, t.ID)) >= 0 {
			r.failf(ErrCorrupt, "tombstones not strictly ascending")
			return
		}
	}
	var live bool
	switch t.Kind {
	case model.KindSession:
		_, live = slices.BinarySearchFunc(st.Sessions, t.ID, func(x model.Session, id string) int { return strings.Compare(x.ID, id) })
	case model.KindTurn:
		_, live = slices.BinarySearchFunc(st.Turns, t.ID, func(x model.Turn, id string) int { return strings.Compare(x.ID, id) })
	case model.KindFact:
		_, live = slices.BinarySearchFunc(st.Facts, t.ID, func(x model.Fact, id string) int { return strings.Compare(x.ID, id) })
	}
	if live {
		r.failf(ErrCorrupt, "tombstone for live record %q", t.ID)
	}
}
