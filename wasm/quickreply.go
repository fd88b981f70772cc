package wasm

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/engine"
)

// The quick path's reply writers (see quick.go): each writes what
// json.Marshal would write for the same value, byte for byte, or reports
// false where json.Marshal would fail.

// appendString appends s as a JSON string, escaped as json.Marshal escapes
// it: quotes, backslashes and control characters, <, > and & (HTML-safe),
// U+2028 and U+2029, and each byte of invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// appendFloat appends f as json.Marshal writes a float64 (like
// JavaScript's Number#toString: exponents below 1e-6 and from 1e21, with
// no padding); ok is false for NaN and infinities, which it refuses.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-07 → e-7
		b = b[:n-1]
	}
	return b, true
}

// appendStrings appends a JSON array of strings, or null for nil.
func appendStrings(b []byte, v []string) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendKey appends ,"key": (no comma before the first field).
func appendKey(b []byte, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	return append(append(append(b, '"'), key...), '"', ':')
}

func appendRecallReply(b []byte, r RecallReply) ([]byte, bool) {
	b = append(b, `{"hits":`...)
	if r.Hits == nil {
		return append(b, "null}"...), true
	}
	b = append(b, '[')
	for i := range r.Hits {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendHit(b, &r.Hits[i]); !ok {
			return nil, false
		}
	}
	return append(b, "]}"...), true
}

func appendHit(b []byte, h *engine.Hit) ([]byte, bool) {
	b = appendString(appendKey(append(b, '{'), "id", true), h.ID)
	if h.Session != "" {
		b = appendString(appendKey(b, "session", false), h.Session)
	}
	if h.Role != "" {
		b = appendString(appendKey(b, "role", false), h.Role)
	}
	t, err := h.Time.MarshalJSON()
	if err != nil {
		return nil, false
	}
	b = append(appendKey(b, "time", false), t...)
	var ok bool
	if b, ok = appendFloat(appendKey(b, "score", false), h.Score); !ok {
		return nil, false
	}
	if h.Text != "" {
		b = appendString(appendKey(b, "text", false), h.Text)
	}
	if len(h.Why) > 0 {
		b = appendStrings(appendKey(b, "why", false), h.Why)
	}
	return append(b, '}'), true
}

func appendContextReply(b []byte, r engine.ContextReply) []byte {
	b = appendString(appendKey(append(b, '{'), "text", true), r.Text)
	b = appendKey(b, "items", false)
	if r.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendItem(b, &r.Items[i])
		}
		b = append(b, ']')
	}
	b = strconv.AppendInt(appendKey(b, "tokens", false), int64(r.Tokens), 10)
	return append(b, '}')
}

func appendItem(b []byte, it *engine.ContextItem) []byte {
	b = appendString(appendKey(append(b, '{'), "kind", true), it.Kind)
	b = appendString(appendKey(b, "id", false), it.ID)
	b = appendString(appendKey(b, "text", false), it.Text)
	if it.Date != "" {
		b = appendString(appendKey(b, "date", false), it.Date)
	}
	if it.Category != "" {
		b = appendString(appendKey(b, "category", false), string(it.Category))
	}
	if len(it.Why) > 0 {
		b = appendStrings(appendKey(b, "why", false), it.Why)
	}
	return append(b, '}')
}

// appendStats writes the import's counts (engine.Stats) as json.Marshal
// would.
func appendStats(b []byte, s engine.Stats) []byte {
	b = append(b, '{')
	for i, f := range [...]struct {
		key string
		v   int
	}{{"sessions", s.Sessions}, {"turns", s.Turns}, {"user_turns", s.UserTurns},
		{"facts", s.Facts}, {"current_facts", s.CurrentFacts}, {"terms", s.Terms}} {
		b = strconv.AppendInt(appendKey(b, f.key, i == 0), int64(f.v), 10)
	}
	return append(b, '}')
}
