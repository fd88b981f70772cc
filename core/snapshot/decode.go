package snapshot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sort"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Unmarshal decodes the snapshot b. It is strict: anything but the one
// canonical encoding of a valid state is refused with an error matching one
// of ErrMagic, ErrVersion, ErrTruncated, ErrTrailing, ErrTooLarge,
// ErrChecksum or ErrCorrupt. The state does not alias b.
//
// Unmarshal reads every version up to Version. A version-2 snapshot's terms
// section is checked as strictly as the rest, then dropped; UnmarshalTerms
// returns it.
func Unmarshal(b []byte) (*model.State, error) {
	st, _, err := unmarshal(b)
	return st, err
}

// unmarshal opens and checks the container, then decodes the body of its
// version.
func unmarshal(b []byte) (*model.State, *Terms, error) {
	if len(b) > MaxSize {
		return nil, nil, failf(ErrTooLarge, "", "snapshot is %d bytes, more than %d", len(b), MaxSize)
	}
	version, flags, frame, err := openHeader(b)
	if err != nil {
		return nil, nil, err
	}
	content, err := decompress(frame, flags)
	if err != nil {
		return nil, nil, err
	}
	if len(content) < crcSize {
		return nil, nil, failf(ErrCorrupt, "content", "%d bytes, shorter than its checksum", len(content))
	}
	body, sum := content[:len(content)-crcSize], binary.LittleEndian.Uint32(content[len(content)-crcSize:])
	if got := crc32.Checksum(body, castagnoli); got != sum {
		return nil, nil, failf(ErrChecksum, "body", "CRC-32C %08x, stored %08x", got, sum)
	}
	// One copy of the body backs every string of the state and the terms.
	return decodeVersion(string(body), version)
}

// Decode reads a snapshot from r until EOF and decodes it; see Unmarshal.
// It reads at most MaxSize+1 bytes.
func Decode(r io.Reader) (*model.State, error) {
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && l.Len() <= MaxSize {
		buf.Grow(l.Len() + 1)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, MaxSize+1)); err != nil {
		return nil, fmt.Errorf("snapshot: read: %w", err)
	}
	return Unmarshal(buf.Bytes())
}

// Minimal wire sizes of repeated items, to refuse counts the remaining bytes
// cannot hold before allocating for them.
const (
	minConsent = 1
	minID      = 2
	minSession = minID + 3
	minTurn    = minID + 4
	minFact    = minID + 17
)

// reader parses a body. Its error is sticky: after the first failure every
// read returns a zero value, so callers check err once per record. where
// and index name the current place for messages, which are only formatted on
// failure.
type reader struct {
	s     string
	p     int
	err   error
	where string
	index int // -1 for a whole section
	// sessionRefs is the turns' session-ref column, kept for Terms when
	// keepRefs (the body has a terms section).
	sessionRefs []uint32
	keepRefs    bool
}

func (r *reader) at(where string, index int) { r.where, r.index = where, index }

func (r *reader) place() string {
	if r.index < 0 {
		return r.where
	}
	return fmt.Sprintf("%s %d", r.where, r.index)
}

func (r *reader) fail(kind error, cause error) {
	if r.err == nil {
		r.err = fail(kind, r.place(), cause)
	}
}

func (r *reader) failf(kind error, format string, args ...any) {
	if r.err == nil {
		r.fail(kind, fmt.Errorf(format, args...))
	}
}

func (r *reader) uvarint(field string) uint64 {
	if r.err != nil {
		return 0
	}
	s, p := r.s, r.p
	if p < len(s) && s[p] < 0x80 {
		r.p++
		return uint64(s[p])
	}
	var x uint64
	for i := 0; ; i++ {
		if p+i >= len(s) {
			r.failf(ErrTruncated, "%s: varint cut short", field)
			return 0
		}
		c := s[p+i]
		if i == 9 && c > 1 {
			r.failf(ErrCorrupt, "%s: varint overflows 64 bits", field)
			return 0
		}
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 {
				r.failf(ErrCorrupt, "%s: varint is not minimal", field)
				return 0
			}
			r.p = p + i + 1
			return x
		}
	}
}

func (r *reader) svarint(field string) int64 {
	u := r.uvarint(field)
	return int64(u>>1) ^ -int64(u&1)
}

func (r *reader) int(field string) int {
	v := r.svarint(field)
	if int64(int(v)) != v {
		r.failf(ErrCorrupt, "%s: %d does not fit in int", field, v)
		return 0
	}
	return int(v)
}

func (r *reader) byte(field string) byte {
	if r.err != nil {
		return 0
	}
	if r.p >= len(r.s) {
		r.failf(ErrTruncated, "%s: body ends", field)
		return 0
	}
	r.p++
	return r.s[r.p-1]
}

// count reads a count of items taking at least min bytes each.
func (r *reader) count(field string, min int) int {
	n := r.uvarint(field)
	if r.err != nil {
		return 0
	}
	if rem := uint64(len(r.s) - r.p); n > rem/uint64(min) {
		r.failf(ErrTooLarge, "%s: count %d exceeds what %d remaining bytes can hold", field, n, rem)
		return 0
	}
	return int(n)
}

// str reads a length-prefixed string, sharing r.s. UTF-8 is checked by the
// record rules.
func (r *reader) str(field string) string {
	n := r.uvarint(field)
	if r.err != nil {
		return ""
	}
	if n > model.MaxTextBytes {
		r.failf(ErrTooLarge, "%s: length %d, more than %d", field, n, model.MaxTextBytes)
		return ""
	}
	if rem := len(r.s) - r.p; n > uint64(rem) {
		r.failf(ErrTooLarge, "%s: length %d exceeds %d remaining bytes", field, n, rem)
		return ""
	}
	s := r.s[r.p : r.p+int(n)]
	r.p += int(n)
	return s
}

func (r *reader) time(field string) time.Time {
	ms := r.svarint(field)
	if r.err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// check records a record rule's failure as corruption.
func (r *reader) check(err error) {
	if err != nil {
		r.fail(ErrCorrupt, err)
	}
}

// ascending checks that ids are strictly ascending.
func (r *reader) ascending(prev, id string) {
	if r.err == nil && prev >= id {
		r.failf(ErrCorrupt, "id %q not after %q: ids must be strictly ascending", id, prev)
	}
}

// decodeBody parses a version-1 body; see the grammar in doc.go.
func decodeBody(body string) (*model.State, error) {
	st, _, err := decodeVersion(body, version1)
	return st, err
}

// decodeVersion parses a body of the given version: the state, then in
// version 2 the terms section.
func decodeVersion(body string, version byte) (*model.State, *Terms, error) {
	r := &reader{s: body, keepRefs: version == version2 || version == version4}
	st, err := r.state()
	if err != nil {
		return nil, nil, err
	}
	var t *Terms
	after := "facts"
	if version == version2 || version == version4 {
		if t, err = r.terms(len(st.Turns)); err != nil {
			return nil, nil, err
		}
		after = "terms"
	}
	if version >= version3 {
		if err = r.sync(st); err != nil {
			return nil, nil, err
		}
		after = "sync section"
	}
	if r.p != len(r.s) {
		r.at("body", -1)
		r.failf(ErrTrailing, "%d bytes after the %s", len(r.s)-r.p, after)
		return nil, nil, r.err
	}
	return st, t, nil
}

// state parses the state that starts every body, up to the end of the
// facts.
func (r *reader) state() (*model.State, error) {
	st := &model.State{}
	r.settings(st)
	if r.err == nil {
		r.sessions(st)
	}
	var refs []string
	if r.err == nil {
		refs = r.orphans(st)
	}
	if r.err == nil {
		r.turns(st, refs)
	}
	if r.err == nil {
		r.facts(st)
	}
	if r.err != nil {
		return nil, r.err
	}
	return st, nil
}

// settings reads the settings. Each section of a body, and each column of
// the turns, is read by a function of its own, which keeps V8 from
// recompiling one large reader at every cold start (RATIONALE.md: "Why are
// the load's loops in functions of their own?").
func (r *reader) settings(st *model.State) {
	r.at("settings", -1)
	st.Settings.TokenBudget = r.int("token_budget")
	st.Settings.MaxMemories = r.int("max_memories")
	n := r.count("consent", minConsent)
	if n == 0 || r.err != nil {
		return
	}
	st.Settings.Consent = make([]model.Category, n)
	for i := range st.Settings.Consent {
		r.at("consent", i)
		code := r.byte("category")
		c, ok := lookup(categoryCodes[:], code)
		if !ok && r.err == nil {
			r.failf(ErrCorrupt, "%w code %d", errBadCategory, code)
		}
		st.Settings.Consent[i] = c
	}
}

func (r *reader) sessions(st *model.State) {
	r.at("sessions", -1)
	if n := r.count("count", minSession); n > 0 {
		st.Sessions = make([]model.Session, n)
	}
	for i := range st.Sessions {
		r.at("session", i)
		x := &st.Sessions[i]
		x.ID = r.str("id")
		x.Site = r.str("site")
		x.Title = r.str("title")
		x.Start = r.time("start")
		if r.err == nil {
			r.check(checkSession(x))
		}
		if i > 0 {
			r.ascending(st.Sessions[i-1].ID, x.ID)
		}
		if r.err != nil {
			return
		}
	}
}

// orphans reads the ids of sessions that have turns but no record and
// returns what a session-ref resolves to: the sessions, then the orphans.
func (r *reader) orphans(st *model.State) []string {
	r.at("orphans", -1)
	nOrphans := r.count("count", minID)
	if r.err != nil {
		return nil
	}
	refs := make([]string, len(st.Sessions), len(st.Sessions)+nOrphans)
	for i := range st.Sessions {
		refs[i] = st.Sessions[i].ID
	}
	for i := range nOrphans {
		r.at("orphan", i)
		id := r.str("id")
		if r.err == nil {
			r.check(checkID("id", id))
		}
		if i > 0 {
			r.ascending(refs[len(refs)-1], id)
		}
		if r.err == nil && hasSession(st.Sessions, id) {
			r.failf(ErrCorrupt, "id %q has a session record", id)
		}
		if r.err != nil {
			return nil
		}
		refs = append(refs, id)
	}
	return refs
}

// turns reads the turns, column by column.
func (r *reader) turns(st *model.State, refs []string) {
	r.at("turns", -1)
	if n := r.count("count", minTurn); n > 0 {
		st.Turns = make([]model.Turn, n)
	}
	r.turnIDs(st.Turns)
	used := r.turnSessions(st.Turns, refs, len(st.Sessions))
	r.turnRoles(st.Turns)
	r.turnTimes(st.Turns)
	r.turnTexts(st.Turns)
	if r.err != nil {
		return
	}
	for i, u := range used {
		if !u {
			r.at("orphan", i)
			r.failf(ErrCorrupt, "id %q is used by no turn", refs[len(st.Sessions)+i])
			return
		}
	}
}

func (r *reader) turnIDs(turns []model.Turn) {
	for i := range turns {
		r.at("turn", i)
		turns[i].ID = r.str("id")
		if i > 0 {
			r.ascending(turns[i-1].ID, turns[i].ID)
		}
	}
}

// turnSessions reads the session-refs and reports which orphans a turn
// uses (refs[nSessions:]).
func (r *reader) turnSessions(turns []model.Turn, refs []string, nSessions int) (used []bool) {
	used = make([]bool, len(refs)-nSessions)
	if r.keepRefs && len(turns) > 0 {
		r.sessionRefs = make([]uint32, len(turns))
	}
	for i := range turns {
		r.at("turn", i)
		ref := r.uvarint("session")
		if r.err != nil {
			break
		}
		if ref >= uint64(len(refs)) {
			r.failf(ErrCorrupt, "session reference %d, only %d sessions", ref, len(refs))
			break
		}
		turns[i].Session = refs[ref]
		if r.sessionRefs != nil {
			r.sessionRefs[i] = uint32(ref)
		}
		if k := int(ref) - nSessions; k >= 0 {
			used[k] = true
		}
	}
	return used
}

func (r *reader) turnRoles(turns []model.Turn) {
	for i := range turns {
		r.at("turn", i)
		code := r.byte("role")
		role, ok := lookup(roleCodes[:], code)
		if !ok && r.err == nil {
			r.failf(ErrCorrupt, "%w (code %d)", model.ErrBadRole, code)
		}
		turns[i].Role = role
	}
}

func (r *reader) turnTimes(turns []model.Turn) {
	for i := range turns {
		r.at("turn", i)
		turns[i].Time = r.time("time")
	}
}

func (r *reader) turnTexts(turns []model.Turn) {
	for i := range turns {
		r.at("turn", i)
		turns[i].Text = r.str("text")
		if r.err == nil {
			r.check(checkTurn(&turns[i]))
		}
	}
}

func (r *reader) facts(st *model.State) {
	r.at("facts", -1)
	if n := r.count("count", minFact); n > 0 {
		st.Facts = make([]model.Fact, n)
	}
	for i := range st.Facts {
		r.at("fact", i)
		r.fact(&st.Facts[i])
		if i > 0 {
			r.ascending(st.Facts[i-1].ID, st.Facts[i].ID)
		}
		if r.err != nil {
			return
		}
	}
}

func (r *reader) fact(f *model.Fact) {
	f.ID = r.str("id")
	f.Slot = r.str("slot")
	f.Value = r.str("value")
	f.Text = r.str("text")
	code := r.byte("category")
	cat, ok := lookup(categoryCodes[:], code)
	if !ok && r.err == nil {
		r.failf(ErrCorrupt, "%w code %d", errBadCategory, code)
	}
	f.Category = cat
	code = r.byte("sensitivity")
	sens, ok := lookup(sensitivityCodes[:], code)
	if !ok && r.err == nil {
		r.failf(ErrCorrupt, "%w code %d", errBadSensitive, code)
	}
	f.Sensitivity = sens
	if r.err == nil {
		if len(r.s)-r.p < 8 {
			r.failf(ErrTruncated, "confidence: body ends")
			return
		}
		bits := le64(r.s[r.p : r.p+8])
		r.p += 8
		if bits == 1<<63 {
			r.failf(ErrCorrupt, "confidence is -0, must be written as +0")
		}
		f.Confidence = math.Float64frombits(bits)
	}
	f.ValidFrom = r.time("valid_from")
	f.SupersededBy = r.str("superseded_by")
	flags := r.byte("flags")
	if flags&^factFlagsKnown != 0 && r.err == nil {
		r.failf(ErrCorrupt, "unknown fact flags %#02x", flags)
	}
	f.Pinned = flags&flagPinned != 0
	f.UserEdited = flags&flagUserEdited != 0
	if n := r.count("sources", minID); n > 0 {
		f.Sources = make([]string, n)
		for i := range f.Sources {
			f.Sources[i] = r.str("source")
		}
	}
	if r.err == nil {
		r.check(checkFact(f))
	}
}

// hasSession reports whether the sorted sessions include id.
func hasSession(sessions []model.Session, id string) bool {
	i := sort.Search(len(sessions), func(i int) bool { return sessions[i].ID >= id })
	return i < len(sessions) && sessions[i].ID == id
}

// le64 reads a little-endian uint64 from the first 8 bytes of s.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
