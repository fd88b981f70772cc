package snapshot

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/s2"

	"github.com/confidant-dev/confidant/core/model"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Marshal returns the snapshot of s. It does not modify s: sessions, turns
// and facts are written sorted by id whatever their order in s, so equal
// states give equal bytes. Times are truncated to whole milliseconds in UTC.
// A state the format cannot hold (a duplicate id, an unknown role or
// category, invalid UTF-8, …) is refused with ErrInvalid.
//
// The snapshot has format version 1, which readers of every version accept;
// MarshalTerms writes version 2 when given terms.
func Marshal(s *model.State) ([]byte, error) {
	body, err := appendBody(nil, s)
	if err != nil {
		return nil, err
	}
	if body, err = appendSyncIf(body, s); err != nil {
		return nil, err
	}
	return seal(body, syncVersion(s, version1))
}

// appendSyncIf appends the sync section when s has one.
func appendSyncIf(body []byte, s *model.State) ([]byte, error) {
	if err := checkStamps(s); err != nil {
		return nil, err
	}
	if s.Sync == nil {
		return body, nil
	}
	return appendSync(body, s)
}

// Encode writes the snapshot of s to w; see Marshal.
func Encode(w io.Writer, s *model.State) error {
	b, err := Marshal(s)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("snapshot: write: %w", err)
	}
	return nil
}

// seal appends the checksum to body, compresses it with zstd and prefixes
// the header of the given version. It takes ownership of body.
func seal(body []byte, version byte) ([]byte, error) {
	return sealWith(body, version, CodecZstd)
}

// sealWith is seal with the given codec.
func sealWith(body []byte, version byte, c Codec) ([]byte, error) {
	return wrapWith(binary.LittleEndian.AppendUint32(body, crc32.Checksum(body, castagnoli)), version, c)
}

// wrap compresses content (body and checksum) with zstd and prefixes the
// header of the given version.
func wrap(content []byte, version byte) ([]byte, error) {
	return wrapWith(content, version, CodecZstd)
}

// wrapWith is wrap with the given codec.
func wrapWith(content []byte, version byte, c Codec) ([]byte, error) {
	if len(content) > MaxSize {
		return nil, failf(ErrTooLarge, "", "content is %d bytes, more than %d", len(content), MaxSize)
	}
	var out []byte
	switch c {
	case CodecZstd:
		enc, err := encoder()
		if err != nil {
			return nil, err
		}
		out = make([]byte, 0, headerSize+len(content)/3+64)
		out = append(out, magic...)
		out = append(out, version, 0)
		out = enc.EncodeAll(content, out)
	case CodecS2:
		// s2 writes from the start of its dst, which is large enough for
		// any content: the block lands right after the header.
		out = make([]byte, headerSize+s2.MaxEncodedLen(len(content)))
		copy(out, magic)
		out[4], out[5] = version, flagS2
		block := s2.EncodeBetter(out[headerSize:], content)
		out = slices.Clip(out[:headerSize+len(block)])
	case CodecStored:
		out = make([]byte, 0, headerSize+len(content))
		out = append(out, magic...)
		out = append(out, version, flagStored)
		out = append(out, content...)
	default:
		return nil, failf(ErrInvalid, "", "unknown codec %v", c)
	}
	if len(out) > MaxSize {
		return nil, failf(ErrTooLarge, "", "snapshot is %d bytes, more than %d", len(out), MaxSize)
	}
	return out, nil
}

// appendBody validates s and appends its canonical body to dst.
func appendBody(dst []byte, s *model.State) ([]byte, error) {
	if s == nil {
		return nil, failf(ErrInvalid, "", "state is nil")
	}
	for i, c := range s.Settings.Consent {
		if _, ok := categoryCode(c); !ok {
			return nil, failf(ErrInvalid, fmt.Sprintf("consent %d", i), "%w %q", errBadCategory, c)
		}
	}
	sessions, err := sortedChecked(s.Sessions, "session",
		func(x *model.Session) error { return both(checkSession(x), checkTime(x.Start)) },
		func(x *model.Session) string { return x.ID })
	if err != nil {
		return nil, err
	}
	turns, err := sortedChecked(s.Turns, "turn",
		func(x *model.Turn) error { return both(checkTurn(x), checkTime(x.Time)) },
		func(x *model.Turn) string { return x.ID })
	if err != nil {
		return nil, err
	}
	facts, err := sortedChecked(s.Facts, "fact",
		func(x *model.Fact) error { return both(checkFact(x), checkTime(x.ValidFrom)) },
		func(x *model.Fact) string { return x.ID })
	if err != nil {
		return nil, err
	}

	// Session references: sessions first, then orphans.
	ref := make(map[string]uint64, len(sessions))
	for i, x := range sessions {
		ref[x.ID] = uint64(i)
	}
	var orphans []string
	for _, t := range turns {
		if _, ok := ref[t.Session]; !ok {
			ref[t.Session] = math.MaxUint64 // placeholder until sorted
			orphans = append(orphans, t.Session)
		}
	}
	slices.Sort(orphans)
	for i, id := range orphans {
		ref[id] = uint64(len(sessions) + i)
	}

	if dst == nil {
		dst = make([]byte, 0, bodySizeHint(s))
	}
	dst = binary.AppendVarint(dst, int64(s.Settings.TokenBudget))
	dst = binary.AppendVarint(dst, int64(s.Settings.MaxMemories))
	dst = binary.AppendUvarint(dst, uint64(len(s.Settings.Consent)))
	for _, c := range s.Settings.Consent {
		code, _ := categoryCode(c)
		dst = append(dst, code)
	}

	dst = binary.AppendUvarint(dst, uint64(len(sessions)))
	for _, x := range sessions {
		dst = appendStr(dst, x.ID)
		dst = appendStr(dst, x.Site)
		dst = appendStr(dst, x.Title)
		dst = appendTime(dst, x.Start)
	}

	dst = binary.AppendUvarint(dst, uint64(len(orphans)))
	for _, id := range orphans {
		dst = appendStr(dst, id)
	}

	// Turns column by column, so the texts sit together for the compressor.
	dst = binary.AppendUvarint(dst, uint64(len(turns)))
	for _, t := range turns {
		dst = appendStr(dst, t.ID)
	}
	for _, t := range turns {
		dst = binary.AppendUvarint(dst, ref[t.Session])
	}
	for _, t := range turns {
		role, _ := roleCode(t.Role)
		dst = append(dst, role)
	}
	for _, t := range turns {
		dst = appendTime(dst, t.Time)
	}
	for _, t := range turns {
		dst = appendStr(dst, t.Text)
	}

	dst = binary.AppendUvarint(dst, uint64(len(facts)))
	for _, f := range facts {
		cat, _ := categoryCode(f.Category)
		sens, _ := sensitivityCode(f.Sensitivity)
		conf := f.Confidence
		if conf == 0 {
			conf = 0 // -0 is written as +0
		}
		var flags byte
		if f.Pinned {
			flags |= flagPinned
		}
		if f.UserEdited {
			flags |= flagUserEdited
		}
		dst = appendStr(dst, f.ID)
		dst = appendStr(dst, f.Slot)
		dst = appendStr(dst, f.Value)
		dst = appendStr(dst, f.Text)
		dst = append(dst, cat, sens)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(conf))
		dst = appendTime(dst, f.ValidFrom)
		dst = appendStr(dst, f.SupersededBy)
		dst = append(dst, flags)
		dst = binary.AppendUvarint(dst, uint64(len(f.Sources)))
		for _, src := range f.Sources {
			dst = appendStr(dst, src)
		}
	}
	return dst, nil
}

// sortedChecked checks each record of in (reporting its index in the
// caller's order) and returns pointers to them sorted by id, refusing
// duplicate ids. in is not modified.
func sortedChecked[T any](in []T, kind string, check func(*T) error, id func(*T) string) ([]*T, error) {
	out := make([]*T, len(in))
	for i := range in {
		x := &in[i]
		if err := check(x); err != nil {
			return nil, fail(ErrInvalid, fmt.Sprintf("%s %d", kind, i), err)
		}
		out[i] = x
	}
	byID := func(a, b *T) int { return strings.Compare(id(a), id(b)) }
	if !slices.IsSortedFunc(out, byID) {
		slices.SortFunc(out, byID)
	}
	for i := 1; i < len(out); i++ {
		if id(out[i-1]) == id(out[i]) {
			return nil, failf(ErrInvalid, kind+"s", "duplicate id %q", id(out[i]))
		}
	}
	return out, nil
}

// both returns the first of two check results that failed.
func both(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func appendStr(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendTime(dst []byte, t time.Time) []byte {
	return binary.AppendVarint(dst, t.UnixMilli())
}

// bodySizeHint estimates the body size of s, to allocate once.
func bodySizeHint(s *model.State) int {
	n := 64 + len(s.Settings.Consent)
	for i := range s.Sessions {
		x := &s.Sessions[i]
		n += 16 + len(x.ID) + len(x.Site) + len(x.Title)
	}
	for i := range s.Turns {
		t := &s.Turns[i]
		n += 20 + len(t.ID) + len(t.Text)
	}
	for i := range s.Facts {
		f := &s.Facts[i]
		n += 40 + len(f.ID) + len(f.Slot) + len(f.Value) + len(f.Text) + len(f.SupersededBy)
		for _, src := range f.Sources {
			n += 2 + len(src)
		}
	}
	return n
}
