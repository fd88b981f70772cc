package wasm

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
)

// The quick path: recall and context — what a cold start answers first and
// what every sent prompt asks — are decoded and encoded here without
// encoding/json, whose first use in a fresh engine costs a cold start some
// 20 ms of compiling and running reflection code (RATIONALE.md, "Why do
// recall and context skip encoding/json?").
//
// It is a shortcut, never a second definition: quickRequest takes only the
// plain shape a host sends (one flat object, exact-case known keys, no
// duplicates, strings without surrogate escapes, integers, booleans,
// arrays of strings) and reports false for anything else, which then takes
// the ordinary path; the reply writers produce byte for byte what
// json.Marshal would, or report false. The tests hold both to
// encoding/json on random input. The reply writers are in quickreply.go.

// quickRequest is a request the quick path decoded.
type quickRequest struct {
	op      string
	recall  RecallRequest
	context ContextRequest
}

// quick answers req if it is a recall or context request of the plain
// shape; ok is false otherwise, and then the ordinary path answers it. That
// includes a reply the writers refuse (encodeReply): the op, read-only, then
// runs again there and meets json.Marshal's error.
func (h *Handler) quick(req []byte) (reply []byte, ok bool) {
	if len(req) > MaxRequestBytes {
		return nil, false
	}
	q, ok := parseQuick(req)
	if !ok {
		return nil, false
	}
	var res any
	var err error
	switch q.op {
	case "recall":
		res, err = h.recall(&q.recall)
	default:
		res, err = h.context(&q.context)
	}
	if err != nil {
		return encodeError(toError(err)), true
	}
	return encodeReply(res)
}

// encodeReply writes a recall or context reply; ok is false for a value
// json.Marshal would refuse (a time outside years 0–9999, a NaN score),
// which then takes the ordinary path and its error.
func encodeReply(res any) (out []byte, ok bool) {
	switch r := res.(type) {
	case RecallReply:
		return appendRecallReply(nil, r)
	case engine.ContextReply:
		return appendContextReply(nil, r), true
	}
	return nil, false
}

// --- decoding ---

// scanner reads one flat JSON object.
type scanner struct {
	b []byte
	p int
}

func (s *scanner) space() {
	for s.p < len(s.b) {
		switch s.b[s.p] {
		case ' ', '\t', '\n', '\r':
			s.p++
		default:
			return
		}
	}
}

// consume skips space and then c, reporting whether c was there.
func (s *scanner) consume(c byte) bool {
	s.space()
	if s.p < len(s.b) && s.b[s.p] == c {
		s.p++
		return true
	}
	return false
}

// str reads a string: valid UTF-8, no control characters, no surrogate
// escapes (encoding/json's replacement rules for those stay with it).
func (s *scanner) str() (string, bool) {
	if !s.consume('"') {
		return "", false
	}
	start := s.p
	for s.p < len(s.b) { // the common case: nothing to unescape
		c := s.b[s.p]
		if c == '"' {
			v := string(s.b[start:s.p])
			s.p++
			return v, utf8.ValidString(v)
		}
		if c == '\\' || c < 0x20 {
			break
		}
		s.p++
	}
	out := append([]byte(nil), s.b[start:s.p]...)
	for s.p < len(s.b) {
		c := s.b[s.p]
		switch {
		case c == '"':
			s.p++
			return string(out), utf8.Valid(out)
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.p++
			continue
		}
		if s.p+1 >= len(s.b) {
			return "", false
		}
		e := s.b[s.p+1]
		s.p += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if s.p+4 > len(s.b) {
				return "", false
			}
			r, err := strconv.ParseUint(string(s.b[s.p:s.p+4]), 16, 32)
			if err != nil || r >= 0xd800 && r < 0xe000 {
				return "", false
			}
			out = utf8.AppendRune(out, rune(r))
			s.p += 4
		default:
			return "", false
		}
	}
	return "", false
}

// strings reads an array of strings; [] is an empty, non-nil slice, as
// encoding/json makes it.
func (s *scanner) strings() ([]string, bool) {
	if !s.consume('[') {
		return nil, false
	}
	out := []string{}
	if s.consume(']') {
		return out, true
	}
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.consume(']') {
			return out, true
		}
		if !s.consume(',') {
			return nil, false
		}
	}
}

// integer reads a JSON integer that fits an int: no fraction, no
// exponent, no leading zero.
func (s *scanner) integer() (int, bool) {
	s.space()
	start := s.p
	if s.p < len(s.b) && s.b[s.p] == '-' {
		s.p++
	}
	digits := s.p
	for s.p < len(s.b) && s.b[s.p] >= '0' && s.b[s.p] <= '9' {
		s.p++
	}
	if s.p == digits || s.b[digits] == '0' && s.p-digits > 1 {
		return 0, false
	}
	if s.p < len(s.b) && (s.b[s.p] == '.' || s.b[s.p] == 'e' || s.b[s.p] == 'E') {
		return 0, false
	}
	v, err := strconv.ParseInt(string(s.b[start:s.p]), 10, strconv.IntSize)
	return int(v), err == nil
}

func (s *scanner) boolean() (v, ok bool) {
	s.space()
	switch {
	case len(s.b)-s.p >= 4 && string(s.b[s.p:s.p+4]) == "true":
		s.p += 4
		return true, true
	case len(s.b)-s.p >= 5 && string(s.b[s.p:s.p+5]) == "false":
		s.p += 5
		return false, true
	}
	return false, false
}

// timestamp reads a string and decodes it as encoding/json would: through
// time.Time's own UnmarshalJSON, given the quoted token.
func (s *scanner) timestamp() (time.Time, bool) {
	s.space()
	start := s.p
	if _, ok := s.str(); !ok {
		return time.Time{}, false
	}
	var t time.Time
	return t, t.UnmarshalJSON(s.b[start:s.p]) == nil
}

// parseQuick decodes a recall or context request of the plain shape.
func parseQuick(b []byte) (q quickRequest, ok bool) {
	s := &scanner{b: b}
	if !s.consume('{') {
		return q, false
	}
	seen := map[string]bool{}
	if !s.consume('}') {
		for {
			key, ok := s.str()
			if !ok || seen[key] || !s.consume(':') || !q.field(s, key) {
				return q, false
			}
			seen[key] = true
			if s.consume('}') {
				break
			}
			if !s.consume(',') {
				return q, false
			}
		}
	}
	s.space()
	if s.p != len(b) {
		return q, false
	}
	switch q.op {
	case "recall":
		q.recall.Op = q.op
		// A key only context has makes it a request for the ordinary
		// path's error; and the other way round.
		return q, !seen["budget"] && !seen["exclude"]
	case "context":
		q.context.Op = q.op
		return q, !seen["unit"] && !seen["k"] && !seen["role"] && !seen["method"] && !seen["disable"] && !seen["all"]
	}
	return q, false
}

// strAs reads a string into a string type (a unit, a role).
func strAs[T ~string](s *scanner) (T, bool) {
	v, ok := s.str()
	return T(v), ok
}

// field reads the value of key into both request shapes (the op, which
// may come last, picks one).
func (q *quickRequest) field(s *scanner, key string) (ok bool) {
	r, c := &q.recall.RecallRequest, &q.context.ContextRequest
	switch key {
	case "op":
		q.op, ok = s.str()
	case "text":
		r.Text, ok = s.str()
		c.Text = r.Text
	case "time":
		r.Time, ok = s.timestamp()
		c.Time = r.Time
	case "unit":
		r.Unit, ok = strAs[engine.Unit](s)
	case "k":
		r.K, ok = s.integer()
	case "role":
		r.Role, ok = strAs[model.Role](s)
	case "method":
		r.Method, ok = s.str()
	case "disable":
		r.Disable, ok = s.strings()
	case "all":
		r.All, ok = s.boolean()
	case "budget":
		c.Budget, ok = s.integer()
	case "exclude":
		c.Exclude, ok = s.strings()
	}
	return ok
}
