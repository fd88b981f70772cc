package hlc

import (
	"math"
	"sync"
	"time"
)

// Clock issues stamps for one device. It is safe for concurrent use.
//
// The engine must seed a new Clock after a restart by observing the greatest
// stamp it has stored (Observe), so that stamps stay monotonic across
// restarts even if the physical clock went backwards meanwhile.
type Clock struct {
	mu     sync.Mutex
	device string
	now    func() time.Time
	wall   int64 // last issued or observed (clamped) logical time
	ctr    uint32
}

// NewClock returns a clock for device. now is the physical time source; nil
// means time.Now (tests inject a fake).
func NewClock(device string, now func() time.Time) (*Clock, error) {
	if err := ValidDevice(device); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Clock{device: device, now: now}, nil
}

// Device returns the clock's device id.
func (c *Clock) Device() string { return c.device }

// physical reads the time source in ms, within [0, MaxWall-MaxDriftMillis-1]
// so that every derived value stays within MaxWall.
func (c *Clock) physical() int64 {
	pt := c.now().UnixMilli()
	return min(max(pt, 0), MaxWall-MaxDriftMillis-1)
}

// Last returns the latest logical time the clock has issued or observed
// (the zero Stamp for a fresh clock), with this clock's device.
func (c *Clock) Last() Stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wall == 0 && c.ctr == 0 {
		return Stamp{}
	}
	return Stamp{Wall: c.wall, Counter: c.ctr, Device: c.device}
}

// Now returns a new stamp for a local event (the HLC send rule): greater
// than every stamp this clock issued or observed before, and with the
// physical time as wall whenever the physical clock is ahead.
func (c *Clock) Now() Stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.physical()
	if pt > c.wall {
		c.wall, c.ctr = pt, 0
	} else {
		c.tick()
	}
	return Stamp{Wall: c.wall, Counter: c.ctr, Device: c.device}
}

// tick advances the counter, carrying into the wall time on overflow.
func (c *Clock) tick() {
	if c.ctr == math.MaxUint32 {
		c.wall, c.ctr = c.wall+1, 0
		return
	}
	c.ctr++
}

// Observe applies the HLC receive rule for a stamp read from another device
// and returns the new local stamp, which is greater than remote unless
// remote was clamped.
//
// Clamping: if remote.Wall is more than MaxDrift ahead of the physical
// clock, remote is treated as (now+MaxDrift, 0) and clamped is true. The
// clock advances at most to that limit, never to the far-future time;
// the caller keeps the remote record's own stamp unchanged (see the package
// doc) and may report the offending device.
func (c *Clock) Observe(remote Stamp) (local Stamp, clamped bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.physical()
	rw, rc := remote.Wall, remote.Counter
	if limit := pt + MaxDriftMillis; rw > limit {
		rw, rc, clamped = limit, 0, true
	}
	w := max(c.wall, rw, pt)
	switch {
	case w == c.wall && w == rw:
		c.ctr = max(c.ctr, rc)
		c.tick()
	case w == c.wall:
		c.tick()
	case w == rw:
		c.wall, c.ctr = rw, rc
		c.tick()
	default:
		c.wall, c.ctr = pt, 0
	}
	return Stamp{Wall: c.wall, Counter: c.ctr, Device: c.device}, clamped
}

// After returns the stamp for a local write that replaces a version stamped
// prev: always greater than prev and than every stamp issued before. When
// prev is within MaxDrift it is Observe(prev). When prev is clamped (a
// far-future version), the result is prev's successor — (prev.Wall,
// prev.Counter+1, this device) — so the user's edit still wins, while the
// clock itself stays at the limit.
func (c *Clock) After(prev Stamp) Stamp {
	s, clamped := c.Observe(prev)
	if !clamped && prev.Less(s) {
		return s
	}
	w, n := prev.Wall, prev.Counter
	if n == math.MaxUint32 {
		w, n = w+1, 0
	} else {
		n++
	}
	next := Stamp{Wall: min(w, MaxWall), Counter: n, Device: c.device}
	if !prev.Less(next) { // prev at MaxWall with the greatest counter: nothing is greater
		return prev
	}
	return next
}
