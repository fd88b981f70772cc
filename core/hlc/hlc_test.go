package hlc

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fake is an injectable physical clock.
type fake struct{ t time.Time }

func (f *fake) now() time.Time      { return f.t }
func (f *fake) add(d time.Duration) { f.t = f.t.Add(d) }
func newFake() *fake                { return &fake{t: time.UnixMilli(1_764_000_000_000)} }
func clock(t *testing.T, dev string, f *fake) *Clock {
	t.Helper()
	c, err := NewClock(dev, f.now)
	require.NoError(t, err)
	return c
}

func TestOrder(t *testing.T) {
	a := Stamp{Wall: 10, Counter: 5, Device: "b"}
	cases := []struct {
		x    Stamp
		want int
	}{
		{Stamp{Wall: 9, Counter: 9, Device: "z"}, -1},
		{Stamp{Wall: 11, Counter: 0, Device: "a"}, 1},
		{Stamp{Wall: 10, Counter: 4, Device: "z"}, -1},
		{Stamp{Wall: 10, Counter: 6, Device: "a"}, 1},
		{Stamp{Wall: 10, Counter: 5, Device: "a"}, -1},
		{Stamp{Wall: 10, Counter: 5, Device: "ba"}, 1},
		{a, 0},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.x.Compare(a), "%v vs %v", c.x, a)
		require.Equal(t, -c.want, a.Compare(c.x))
		require.Equal(t, c.want < 0, c.x.Less(a))
	}
	require.True(t, Stamp{}.Less(Stamp{Wall: 0, Counter: 0, Device: "a"}))
}

func TestNowMonotonicWhenWallGoesBack(t *testing.T) {
	f := newFake()
	c := clock(t, "dev1", f)
	s1 := c.Now()
	require.Equal(t, f.t.UnixMilli(), s1.Wall)
	require.Equal(t, uint32(0), s1.Counter)
	s2 := c.Now() // same millisecond
	require.True(t, s1.Less(s2))
	require.Equal(t, s1.Wall, s2.Wall)
	require.Equal(t, uint32(1), s2.Counter)
	f.add(-time.Hour) // NTP step backwards
	s3 := c.Now()
	require.True(t, s2.Less(s3))
	require.Equal(t, s1.Wall, s3.Wall, "wall must not go back")
	f.add(2 * time.Hour)
	s4 := c.Now()
	require.Equal(t, f.t.UnixMilli(), s4.Wall)
	require.Equal(t, uint32(0), s4.Counter)
}

func TestCounterOverflowCarries(t *testing.T) {
	f := newFake()
	c := clock(t, "d", f)
	c.wall, c.ctr = f.t.UnixMilli(), math.MaxUint32
	s := c.Now()
	require.Equal(t, f.t.UnixMilli()+1, s.Wall)
	require.Equal(t, uint32(0), s.Counter)
}

func TestObserveReceiveRule(t *testing.T) {
	f := newFake()
	c := clock(t, "local", f)
	pt := f.t.UnixMilli()
	// Remote slightly ahead (within MaxDrift): the clock follows it.
	r := Stamp{Wall: pt + 5000, Counter: 7, Device: "remote"}
	s, clamped := c.Observe(r)
	require.False(t, clamped)
	require.Equal(t, Stamp{Wall: pt + 5000, Counter: 8, Device: "local"}, s)
	require.True(t, r.Less(s))
	// A later local event is still after it although the wall has not moved.
	n := c.Now()
	require.True(t, s.Less(n))
	// Remote behind: the local clock is unchanged in wall, counter ticks.
	s2, clamped := c.Observe(Stamp{Wall: pt - 1000, Counter: 99, Device: "remote"})
	require.False(t, clamped)
	require.True(t, n.Less(s2))
	// Same wall as local: counter is max+1.
	s3, _ := c.Observe(Stamp{Wall: s2.Wall, Counter: 1000, Device: "remote"})
	require.Equal(t, Stamp{Wall: s2.Wall, Counter: 1001, Device: "local"}, s3)
	// Physical clock ahead of both: wall = physical, counter 0.
	f.add(time.Minute)
	s4, _ := c.Observe(Stamp{Wall: pt, Counter: 1, Device: "remote"})
	require.Equal(t, Stamp{Wall: f.t.UnixMilli(), Device: "local"}, s4)
}

func TestObserveClampsFarFuture(t *testing.T) {
	f := newFake()
	c := clock(t, "local", f)
	pt := f.t.UnixMilli()
	year2100 := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	s, clamped := c.Observe(Stamp{Wall: year2100, Counter: 3, Device: "broken"})
	require.True(t, clamped)
	limit := pt + MaxDriftMillis
	require.Equal(t, Stamp{Wall: limit, Counter: 1, Device: "local"}, s, "clock stops at now+MaxDrift")
	require.Less(t, c.Now().Wall, year2100)
	// Exactly at the limit is not clamped.
	_, clamped = c.Observe(Stamp{Wall: limit, Device: "x"})
	require.False(t, clamped)
	_, clamped = c.Observe(Stamp{Wall: limit + 1, Device: "x"})
	require.True(t, clamped)
	// Repeated far-future observations never move the clock beyond the
	// limit of the current physical time (plus the counter).
	for range 1000 {
		c.Observe(Stamp{Wall: MaxWall, Counter: math.MaxUint32, Device: "x"})
	}
	l := c.Last()
	require.Equal(t, limit, l.Wall)
	// Once real time passes the limit, wall time takes over again.
	f.add(MaxDrift + time.Second)
	require.Equal(t, f.t.UnixMilli(), c.Now().Wall)
}

func TestAfter(t *testing.T) {
	f := newFake()
	c := clock(t, "me", f)
	pt := f.t.UnixMilli()
	// Ordinary previous version: After is just a receive event.
	prev := Stamp{Wall: pt - 10, Counter: 0, Device: "other"}
	s := c.After(prev)
	require.True(t, prev.Less(s))
	require.Equal(t, pt, s.Wall)
	// Far-future previous version: the edit still wins, the clock does not follow.
	far := Stamp{Wall: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), Counter: 4, Device: "zzz"}
	s = c.After(far)
	require.Equal(t, Stamp{Wall: far.Wall, Counter: 5, Device: "me"}, s)
	require.True(t, far.Less(s))
	require.Equal(t, pt+MaxDriftMillis, c.Last().Wall)
	// Counter carry.
	far.Counter = math.MaxUint32
	s = c.After(far)
	require.Equal(t, Stamp{Wall: far.Wall + 1, Counter: 0, Device: "me"}, s)
	// Issued stamps stay increasing.
	a, b := c.Now(), c.After(far)
	require.True(t, a.Less(b))
}

func TestNewClockValidatesDevice(t *testing.T) {
	for _, d := range []string{"", "has space", "ünï", "a:b", string(make([]byte, 33)), "x/y"} {
		_, err := NewClock(d, nil)
		require.ErrorIs(t, err, ErrDevice, "%q", d)
	}
	for _, d := range []string{"a", "laptop-01", "A.b_c-9", "abcdefghijklmnopqrstuvwxyz012345"} {
		_, err := NewClock(d, nil)
		require.NoError(t, err, "%q", d)
	}
}

func TestEncodings(t *testing.T) {
	s := Stamp{Wall: 1_764_000_000_123, Counter: 42, Device: "laptop"}
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, 6+1+1+6, len(b))
	var d Stamp
	require.NoError(t, d.UnmarshalBinary(b))
	require.Equal(t, s, d)

	txt, err := s.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "0019ab697e87b-0000002a-laptop", string(txt), "golden")
	p, err := Parse(string(txt))
	require.NoError(t, err)
	require.Equal(t, s, p)

	j, err := json.Marshal(struct{ S Stamp }{s})
	require.NoError(t, err)
	var back struct{ S Stamp }
	require.NoError(t, json.Unmarshal(j, &back))
	require.Equal(t, s, back.S)
}

func TestTextSortsLikeStamps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	devs := []string{"a", "ab", "b", "B", "a-1", "z.z"}
	var ss []Stamp
	for range 500 {
		ss = append(ss, Stamp{Wall: r.Int64N(1 << 20), Counter: uint32(r.IntN(4)), Device: devs[r.IntN(len(devs))]})
	}
	for i := range ss {
		for j := range ss {
			want := ss[i].Compare(ss[j])
			got := cmp(ss[i].String(), ss[j].String())
			require.Equal(t, want, got, "%v %v", ss[i], ss[j])
		}
	}
	slices.SortFunc(ss, Stamp.Compare)
}

func cmp(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestStrictDecoding(t *testing.T) {
	bad := []struct {
		name string
		b    []byte
		err  error
	}{
		{"empty", nil, ErrTruncated},
		{"wall only", []byte{0x01}, ErrTruncated},
		{"no device length", []byte{0x01, 0x00}, ErrTruncated},
		{"short device", []byte{0x01, 0x00, 0x03, 'a', 'b'}, ErrTruncated},
		{"empty device", []byte{0x01, 0x00, 0x00}, ErrDevice},
		{"bad device char", []byte{0x01, 0x00, 0x01, ' '}, ErrDevice},
		{"non-minimal wall", []byte{0x81, 0x00, 0x00, 0x01, 'a'}, ErrEncoding},
		{"non-minimal counter", []byte{0x01, 0x80, 0x00, 0x01, 'a'}, ErrEncoding},
		{"counter > 32 bits", []byte{0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x01, 'a'}, ErrEncoding},
		{"wall > MaxWall", append(appendU(nil, uint64(MaxWall)+1), 0, 1, 'a'), ErrWall},
		{"overflow", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, ErrEncoding},
		{"trailing", []byte{0x01, 0x00, 0x01, 'a', 0x00}, ErrTrailing},
	}
	for _, c := range bad {
		var s Stamp
		err := s.UnmarshalBinary(c.b)
		require.ErrorIs(t, err, c.err, c.name)
	}
	badText := []struct {
		in  string
		err error
	}{
		{"", ErrTruncated},
		{"0000000000001-00000000-", ErrTruncated},
		{"0000000000001-00000000_a", ErrEncoding},
		{"000000000000A-00000000-a", ErrEncoding},
		{"000000000001-000000000-a", ErrEncoding},
		{"+000000000001-00000000-a", ErrEncoding},
		{"fffffffffffff-00000000-a", ErrWall},
		{"0000000000001-00000000-a b", ErrDevice},
	}
	for _, c := range badText {
		_, err := Parse(c.in)
		require.ErrorIs(t, err, c.err, c.in)
	}
	_, err := Stamp{Wall: -1, Device: "a"}.MarshalBinary()
	require.ErrorIs(t, err, ErrWall)
	_, err = Stamp{Wall: 1}.MarshalText()
	require.ErrorIs(t, err, ErrDevice)
	require.True(t, errors.Is(Stamp{}.Validate(), ErrDevice))
}

func appendU(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func TestDecodeBinaryPrefix(t *testing.T) {
	s := Stamp{Wall: 5, Counter: 1, Device: "ab"}
	b, _ := s.AppendBinary([]byte{})
	b = append(b, 0xEE, 0xFF)
	got, n, err := DecodeBinary(b)
	require.NoError(t, err)
	require.Equal(t, s, got)
	require.Equal(t, len(b)-2, n)
}
