// Package hlc is a hybrid logical clock (Kulkarni et al., 2014) for
// Confidant's sync: every record version carries a Stamp, and the greatest
// stamp wins (see core/merge).
//
// # Order
//
// Stamps are totally ordered by (Wall, Counter, Device): wall time in unix
// milliseconds, then a logical counter that orders events within the same
// millisecond (or while the physical clock is behind the logical one), then
// the device id as bytes so that two devices never produce equal stamps.
//
// # Clamping
//
// A remote stamp more than MaxDrift ahead of this device's physical clock is
// clamped before the receive rule: Observe treats it as if its wall time were
// exactly now+MaxDrift (counter 0). The local clock therefore never moves to
// a far-future time, however wrong another device's clock is, and new local
// stamps stay within MaxDrift of real time. The record that carried the
// far-future stamp keeps it verbatim: rewriting it would depend on the
// receiver's clock and replicas would no longer converge. To let the user
// still overwrite such a record, a local write uses After(prev), which
// returns a stamp greater than prev without moving the clock past the limit.
//
// # Encodings
//
// Binary (snapshot): uvarint(Wall) uvarint(Counter) byte(len(Device)) Device,
// varints minimal. Text (JSON): 13 lowercase hex digits of Wall, '-', 8 hex
// digits of Counter, '-', Device; fixed widths make the text sort like the
// stamps. Both decoders are strict: a value has exactly one encoding.
package hlc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxDrift is how far ahead of the local physical clock a remote stamp may be
// before it is clamped. A day is far more than real clock error between a
// user's devices (NTP keeps them within seconds; a wrong time zone setting is
// at most 14 h off) yet small enough that a clamped clock is still close to
// real time: the wall part of local stamps stays meaningful for tombstone
// expiry (core/merge) and for the user.
const MaxDrift = 24 * time.Hour

// MaxDriftMillis is MaxDrift in the unit of Stamp.Wall.
const MaxDriftMillis = int64(MaxDrift / time.Millisecond)

// MaxWall is the greatest valid Stamp.Wall: 9999-12-31T23:59:59.999Z. It
// bounds decoding and keeps wall arithmetic far from int64 overflow.
const MaxWall int64 = 253402300799999

// MaxDeviceBytes bounds a device id.
const MaxDeviceBytes = 32

// Errors. Decoders wrap them with details; branch with errors.Is.
var (
	ErrDevice    = errors.New("hlc: device id must be 1-32 bytes of [A-Za-z0-9._-]")
	ErrWall      = errors.New("hlc: wall time out of range")
	ErrTruncated = errors.New("hlc: truncated stamp")
	ErrEncoding  = errors.New("hlc: non-canonical stamp encoding")
	ErrTrailing  = errors.New("hlc: trailing bytes after stamp")
)

// Stamp is one point of hybrid logical time. The zero Stamp is less than
// every valid stamp and is not itself valid (it has no device).
type Stamp struct {
	Wall    int64  // unix milliseconds, 0..MaxWall
	Counter uint32 // orders events that share a wall time
	Device  string // the device that issued the stamp, see ValidDevice
}

// Compare returns -1, 0 or +1 as s is less than, equal to or greater than t
// in the order (Wall, Counter, Device).
func (s Stamp) Compare(t Stamp) int {
	switch {
	case s.Wall < t.Wall:
		return -1
	case s.Wall > t.Wall:
		return 1
	case s.Counter < t.Counter:
		return -1
	case s.Counter > t.Counter:
		return 1
	}
	return strings.Compare(s.Device, t.Device)
}

// Less reports whether s orders before t.
func (s Stamp) Less(t Stamp) bool { return s.Compare(t) < 0 }

// IsZero reports whether s is the zero Stamp.
func (s Stamp) IsZero() bool { return s == Stamp{} }

// Time returns the wall part as a time.Time (UTC).
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Wall).UTC() }

// Validate checks the ranges an encoded stamp must satisfy.
func (s Stamp) Validate() error {
	if s.Wall < 0 || s.Wall > MaxWall {
		return fmt.Errorf("%w: %d", ErrWall, s.Wall)
	}
	return ValidDevice(s.Device)
}

// ValidDevice checks a device id: 1 to MaxDeviceBytes bytes, each an ASCII
// letter, digit, '.', '_' or '-'. Device ids are chosen by the engine (e.g.
// random base32); the alphabet keeps them safe in file names, logs and the
// text encoding.
func ValidDevice(d string) error {
	if len(d) == 0 || len(d) > MaxDeviceBytes {
		return ErrDevice
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return ErrDevice
		}
	}
	return nil
}

// AppendBinary appends the binary encoding of s to b. It fails only for an
// invalid stamp.
func (s Stamp) AppendBinary(b []byte) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return b, err
	}
	b = binary.AppendUvarint(b, uint64(s.Wall))
	b = binary.AppendUvarint(b, uint64(s.Counter))
	b = append(b, byte(len(s.Device)))
	return append(b, s.Device...), nil
}

// MarshalBinary returns the binary encoding of s.
func (s Stamp) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, 12+len(s.Device)))
}

// UnmarshalBinary decodes exactly one stamp from b.
func (s *Stamp) UnmarshalBinary(b []byte) error {
	t, n, err := DecodeBinary(b)
	if err != nil {
		return err
	}
	if n != len(b) {
		return ErrTrailing
	}
	*s = t
	return nil
}

// DecodeBinary decodes the stamp at the start of b and returns it with the
// number of bytes it occupied; bytes after it are left for the caller.
func DecodeBinary(b []byte) (Stamp, int, error) {
	wall, n1, err := uvarint(b)
	if err != nil {
		return Stamp{}, 0, fmt.Errorf("wall: %w", err)
	}
	if wall > uint64(MaxWall) {
		return Stamp{}, 0, fmt.Errorf("%w: %d", ErrWall, wall)
	}
	ctr, n2, err := uvarint(b[n1:])
	if err != nil {
		return Stamp{}, 0, fmt.Errorf("counter: %w", err)
	}
	if ctr > 1<<32-1 {
		return Stamp{}, 0, fmt.Errorf("%w: counter %d exceeds 32 bits", ErrEncoding, ctr)
	}
	n := n1 + n2
	if n >= len(b) {
		return Stamp{}, 0, fmt.Errorf("device length: %w", ErrTruncated)
	}
	dl := int(b[n])
	n++
	if dl > len(b)-n {
		return Stamp{}, 0, fmt.Errorf("device: %w", ErrTruncated)
	}
	s := Stamp{Wall: int64(wall), Counter: uint32(ctr), Device: string(b[n : n+dl])}
	if err := ValidDevice(s.Device); err != nil {
		return Stamp{}, 0, err
	}
	return s, n + dl, nil
}

// uvarint is binary.Uvarint that refuses truncated, overlong and
// non-minimal encodings.
func uvarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	switch {
	case n == 0:
		return 0, 0, ErrTruncated
	case n < 0:
		return 0, 0, fmt.Errorf("%w: varint overflows 64 bits", ErrEncoding)
	case n > 1 && b[n-1] == 0:
		return 0, 0, fmt.Errorf("%w: varint is not minimal", ErrEncoding)
	}
	return v, n, nil
}

const (
	wallHex  = 13 // 16^13 = 2^52 > MaxWall
	ctrHex   = 8
	textHead = wallHex + 1 + ctrHex + 1
)

// String returns the text encoding, or a diagnostic form for an invalid
// stamp.
func (s Stamp) String() string {
	b, err := s.AppendText(nil)
	if err != nil {
		return fmt.Sprintf("hlc.Stamp{%d %d %q}", s.Wall, s.Counter, s.Device)
	}
	return string(b)
}

// AppendText appends the text encoding of s to b.
func (s Stamp) AppendText(b []byte) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return b, err
	}
	b = appendHex(b, uint64(s.Wall), wallHex)
	b = append(b, '-')
	b = appendHex(b, uint64(s.Counter), ctrHex)
	b = append(b, '-')
	return append(b, s.Device...), nil
}

// MarshalText returns the text encoding of s (used by encoding/json).
func (s Stamp) MarshalText() ([]byte, error) {
	return s.AppendText(make([]byte, 0, textHead+len(s.Device)))
}

// UnmarshalText decodes the text encoding strictly.
func (s *Stamp) UnmarshalText(b []byte) error {
	t, err := Parse(string(b))
	if err != nil {
		return err
	}
	*s = t
	return nil
}

// Parse decodes the text encoding strictly: fixed widths, lowercase hex.
func Parse(text string) (Stamp, error) {
	if len(text) < textHead+1 {
		return Stamp{}, ErrTruncated
	}
	if text[wallHex] != '-' || text[textHead-1] != '-' {
		return Stamp{}, fmt.Errorf("%w: separators", ErrEncoding)
	}
	wall, ok1 := parseHex(text[:wallHex])
	ctr, ok2 := parseHex(text[wallHex+1 : textHead-1])
	if !ok1 || !ok2 {
		return Stamp{}, fmt.Errorf("%w: not lowercase hex", ErrEncoding)
	}
	s := Stamp{Wall: int64(wall), Counter: uint32(ctr), Device: text[textHead:]}
	if wall > uint64(MaxWall) {
		return Stamp{}, fmt.Errorf("%w: %d", ErrWall, wall)
	}
	if err := ValidDevice(s.Device); err != nil {
		return Stamp{}, err
	}
	return s, nil
}

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, v uint64, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return b
}

func parseHex(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint64(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
