package hlc

import (
	"bytes"
	"testing"
)

// FuzzBinary checks that the binary decoder never panics, that everything
// it accepts is valid and re-encodes to the same bytes (one encoding per
// stamp), and that the text form round-trips.
func FuzzBinary(f *testing.F) {
	for _, s := range []Stamp{{Wall: 0, Device: "a"}, {Wall: 1_764_000_000_123, Counter: 42, Device: "laptop"}, {Wall: MaxWall, Counter: 1<<32 - 1, Device: "abcdefghijklmnopqrstuvwxyz012345"}} {
		b, _ := s.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{0x81, 0x00, 0x00, 0x01, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, n, err := DecodeBinary(b)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded invalid stamp %v: %v", s, err)
		}
		enc, err := s.AppendBinary(nil)
		if err != nil || !bytes.Equal(enc, b[:n]) {
			t.Fatalf("not canonical: %x -> %v -> %x (%v)", b[:n], s, enc, err)
		}
		p, err := Parse(s.String())
		if err != nil || p != s {
			t.Fatalf("text round trip %v -> %q -> %v (%v)", s, s.String(), p, err)
		}
	})
}

// FuzzText checks the text decoder the same way.
func FuzzText(f *testing.F) {
	f.Add("019a9d55e97b3-0000002a-laptop")
	f.Add("0000000000000-00000000-a")
	f.Add("e677d21fdbfff-ffffffff-Z.9_-")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("parsed invalid stamp %v: %v", s, err)
		}
		if s.String() != in {
			t.Fatalf("not canonical: %q -> %v -> %q", in, s, s.String())
		}
		var d Stamp
		b, _ := s.MarshalBinary()
		if err := d.UnmarshalBinary(b); err != nil || d != s {
			t.Fatalf("binary round trip %v: %v", s, err)
		}
	})
}
