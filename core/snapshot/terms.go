package snapshot

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/model"
)

// MaxTermBytes caps the length of one term of a Terms vocabulary.
const MaxTermBytes = 64

// Terms is the analysed form of a state's turns, stored alongside the state
// so the engine can rebuild its index from term ids without analysing text
// again.
type Terms struct {
	// Analyzer is the version of the analyzer that produced the terms (the
	// engine refuses terms of another version and analyses the text again).
	// It is at least 0 and at most math.MaxInt32.
	Analyzer int
	// Vocab holds the distinct terms: each 1..MaxTermBytes bytes of valid
	// UTF-8, no two equal.
	Vocab []string
	// Turns[i] is the i-th turn's terms in text order, as indexes into
	// Vocab.
	Turns [][]uint32
	// Index maps each term of Vocab to its position. The decoder fills it
	// (it is how it finds duplicate terms) so that a loader can adopt it
	// rather than build the same map again; encoders ignore it.
	Index map[string]uint32
	// Sessions[i] is the i-th turn's session as the snapshot names it: an
	// index into the state's sessions followed by the ids of sessions the
	// state has no record for (doc.go's session-ref), so equal sessions
	// have equal numbers. The decoder fills it so that a loader can group
	// turns by session without a map; encoders ignore it.
	Sessions []uint32
}

// MarshalTerms returns the snapshot of s and, if t is not nil, of its terms:
// t.Turns[i] belongs to s.Turns[i], in whatever order s has its turns. With
// t nil it returns what Marshal does, a version-1 snapshot; otherwise a
// version-2 one, which version-1 readers refuse.
//
// The encoder renumbers the vocabulary, most used terms first (so they take
// one-byte ids), and leaves out terms no turn uses; UnmarshalTerms returns
// the vocabulary as written, with ids to match. Terms that do not fit s (a
// list count other than the turn count, an id out of range, a duplicate,
// empty, long or invalid UTF-8 term, an analyzer version out of range) are
// refused with ErrInvalid, like an invalid state.
func MarshalTerms(s *model.State, t *Terms) ([]byte, error) {
	return MarshalTermsWith(s, t, Options{})
}

// MarshalTermsWith is MarshalTerms with options: the same version and the
// same body, compressed with o.Codec. MarshalTermsWith(s, t, Options{})
// returns what MarshalTerms(s, t) does. An unknown codec is refused with
// ErrInvalid.
//
// The engine's local snapshot, loaded at every cold start, uses
// Options{Codec: CodecStored}; what leaves the device keeps the default zstd.
func MarshalTermsWith(s *model.State, t *Terms, o Options) ([]byte, error) {
	if o.Codec > CodecStored {
		return nil, failf(ErrInvalid, "", "unknown codec %v", o.Codec)
	}
	body, err := appendBody(nil, s)
	if err != nil {
		return nil, err
	}
	if t == nil {
		if body, err = appendSyncIf(body, s); err != nil {
			return nil, err
		}
		return sealWith(body, syncVersion(s, version1), o.Codec)
	}
	body, err = appendTerms(body, s, t)
	if err != nil {
		return nil, err
	}
	if body, err = appendSyncIf(body, s); err != nil {
		return nil, err
	}
	return sealWith(body, syncVersion(s, version2), o.Codec)
}

// UnmarshalTerms decodes the snapshot b like Unmarshal, and returns its
// terms too: nil for a version-1 snapshot, which has none. Terms.Turns is
// aligned with the state's turns, which are sorted by id. The vocabulary
// strings share the one copy of the content that backs the state, and the
// lists share one array; a list has no spare capacity, so appending to it
// does not overwrite its neighbour. An empty list, vocabulary or list of
// lists decodes as nil.
func UnmarshalTerms(b []byte) (*model.State, *Terms, error) {
	return unmarshal(b)
}

var (
	errEmptyTerm = errors.New("term is empty")
	errLongTerm  = fmt.Errorf("term is longer than %d bytes", MaxTermBytes)
)

func checkTerm(s string) error {
	switch {
	case s == "":
		return errEmptyTerm
	case len(s) > MaxTermBytes:
		return errLongTerm
	case !utf8.ValidString(s):
		return fmt.Errorf("term: %w", model.ErrBadUTF8)
	}
	return nil
}

// appendTerms validates t against s and appends the terms section to dst,
// which holds the body of s.
func appendTerms(dst []byte, s *model.State, t *Terms) ([]byte, error) {
	if t.Analyzer < 0 || t.Analyzer > math.MaxInt32 {
		return nil, failf(ErrInvalid, "terms", "analyzer version %d out of range", t.Analyzer)
	}
	if len(t.Turns) != len(s.Turns) {
		return nil, failf(ErrInvalid, "terms", "%d term lists for %d turns", len(t.Turns), len(s.Turns))
	}
	seen := make(map[string]struct{}, len(t.Vocab))
	for i, v := range t.Vocab {
		if err := checkTerm(v); err != nil {
			return nil, fail(ErrInvalid, fmt.Sprintf("term %d", i), err)
		}
		if _, dup := seen[v]; dup {
			return nil, failf(ErrInvalid, fmt.Sprintf("term %d", i), "duplicate term %q", v)
		}
		seen[v] = struct{}{}
	}

	// Renumber: most used first, ties by bytes; unused terms are left out.
	uses := make([]int, len(t.Vocab))
	total := 0
	for i, list := range t.Turns {
		for _, id := range list {
			if int64(id) >= int64(len(t.Vocab)) {
				return nil, failf(ErrInvalid, fmt.Sprintf("term list %d", i), "term id %d, only %d terms", id, len(t.Vocab))
			}
			uses[id]++
		}
		total += len(list)
	}
	order := make([]int, 0, len(t.Vocab))
	for id, n := range uses {
		if n > 0 {
			order = append(order, id)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(uses[b], uses[a]); c != 0 {
			return c
		}
		return strings.Compare(t.Vocab[a], t.Vocab[b])
	})
	renum := make([]uint32, len(t.Vocab))
	for newID, id := range order {
		renum[id] = uint32(newID)
	}

	// The lists go in the order of the turns in the body: by id.
	perm := make([]int, len(s.Turns))
	for i := range perm {
		perm[i] = i
	}
	byID := func(a, b int) int { return strings.Compare(s.Turns[a].ID, s.Turns[b].ID) }
	if !slices.IsSortedFunc(perm, byID) {
		slices.SortFunc(perm, byID)
	}

	dst = slices.Grow(dst, 16+len(order)*8+len(perm)+total*2)
	dst = binary.AppendUvarint(dst, uint64(t.Analyzer))
	dst = binary.AppendUvarint(dst, uint64(len(order)))
	for _, id := range order {
		dst = appendStr(dst, t.Vocab[id])
	}
	dst = binary.AppendUvarint(dst, uint64(len(perm)))
	for _, i := range perm {
		dst = binary.AppendUvarint(dst, uint64(len(t.Turns[i])))
	}
	for _, i := range perm {
		for _, id := range t.Turns[i] {
			if n := renum[id]; n < 0x80 {
				dst = append(dst, byte(n))
			} else {
				dst = binary.AppendUvarint(dst, uint64(n))
			}
		}
	}
	return dst, nil
}

// minTerm is the wire size of the shortest term: a length and one byte.
const minTerm = 2

// terms parses the terms section of a body whose state has nTurns turns;
// see the grammar in doc.go. Its long loops are functions of their own
// (see state).
func (r *reader) terms(nTurns int) (*Terms, error) {
	r.at("terms", -1)
	analyzer := r.uvarint("analyzer")
	if r.err == nil && analyzer > math.MaxInt32 {
		r.failf(ErrCorrupt, "analyzer version %d, more than %d", analyzer, math.MaxInt32)
	}
	nVocab := r.count("vocab count", minTerm)
	if r.err != nil {
		return nil, r.err
	}
	t := &Terms{Analyzer: int(analyzer), Sessions: r.sessionRefs}
	if r.vocab(t, nVocab); r.err != nil {
		return nil, r.err
	}
	ends := r.listLengths(nTurns)
	if r.err != nil {
		return nil, r.err
	}
	ids, uses := r.listIDs(ends, nVocab)
	if r.err != nil {
		return nil, r.err
	}
	if r.canonical(t.Vocab, uses); r.err != nil {
		return nil, r.err
	}
	if nTurns > 0 {
		t.Turns = make([][]uint32, nTurns)
		start := 0
		for i, end := range ends {
			if end > start {
				t.Turns[i] = ids[start:end:end]
			}
			start = end
		}
	}
	return t, nil
}

// vocab reads the n terms of the vocabulary into t.
func (r *reader) vocab(t *Terms, n int) {
	if n > 0 {
		t.Vocab = make([]string, n)
		t.Index = make(map[string]uint32, n)
	}
	for i := range t.Vocab {
		r.at("term", i)
		v := r.str("term")
		if r.err != nil {
			return
		}
		r.check(checkTerm(v))
		if _, dup := t.Index[v]; dup && r.err == nil {
			r.failf(ErrCorrupt, "duplicate term %q", v)
		}
		if r.err != nil {
			return
		}
		t.Index[v] = uint32(i)
		t.Vocab[i] = v
	}
}

// listLengths reads the list count and the lengths column, and returns
// where each list ends in the ids column. Each id takes at least one byte,
// so the total is checked against the bytes that remain before the ids are
// allocated.
func (r *reader) listLengths(nTurns int) []int {
	r.at("terms", -1)
	nLists := r.uvarint("list count")
	if r.err == nil && nLists != uint64(nTurns) {
		r.failf(ErrCorrupt, "%d term lists for %d turns", nLists, nTurns)
	}
	if r.err != nil {
		return nil
	}
	ends := make([]int, nTurns)
	total := 0
	for i := range ends {
		r.at("term list", i)
		n := r.uvarint("length")
		if r.err != nil {
			return nil
		}
		if rem := uint64(len(r.s) - r.p); n > rem || uint64(total)+n > rem {
			r.failf(ErrTooLarge, "length %d: %d ids exceed what %d remaining bytes can hold", n, uint64(total)+n, rem)
			return nil
		}
		total += int(n)
		ends[i] = total
	}
	return ends
}

// listIDs reads the ids column and counts each term's uses. Nearly all ids
// take one or two bytes, so those cases are inline.
func (r *reader) listIDs(ends []int, nVocab int) (ids, uses []uint32) {
	total := 0
	if len(ends) > 0 {
		total = ends[len(ends)-1]
	}
	ids = make([]uint32, total)
	uses = make([]uint32, nVocab)
	s, p := r.s, r.p
	start := 0
	for i, end := range ends {
		for k := start; k < end; k++ {
			var id uint64
			if p < len(s) && s[p] < 0x80 {
				id = uint64(s[p])
				p++
			} else if p+1 < len(s) && s[p+1]-1 < 0x7f { // two bytes, minimal
				id = uint64(s[p]&0x7f) | uint64(s[p+1])<<7
				p += 2
			} else {
				r.p = p
				r.at("term list", i)
				id = r.uvarint("term id")
				if r.err != nil {
					return nil, nil
				}
				p = r.p
			}
			if id >= uint64(nVocab) {
				r.at("term list", i)
				r.failf(ErrCorrupt, "term id %d, only %d terms", id, nVocab)
				return nil, nil
			}
			ids[k] = uint32(id)
			uses[id]++
		}
		start = end
	}
	r.p = p
	return ids, uses
}

// canonical checks the vocabulary's order: most used first, ties by bytes;
// every term used.
func (r *reader) canonical(vocab []string, uses []uint32) {
	for i, n := range uses {
		if n == 0 {
			r.at("term", i)
			r.failf(ErrCorrupt, "term %q is used by no turn", vocab[i])
			return
		}
		if i > 0 && (n > uses[i-1] || n == uses[i-1] && vocab[i-1] > vocab[i]) {
			r.at("term", i)
			r.failf(ErrCorrupt, "term %q (used %d times) after %q (used %d times): terms must be sorted by descending use, then by bytes",
				vocab[i], n, vocab[i-1], uses[i-1])
			return
		}
	}
}
