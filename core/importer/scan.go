package importer

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Scanner states for the top-level array.
const (
	stBefore    = iota // before '['
	stElem             // after '[' or ',': an object (or ']' right after '[')
	stAfterElem        // after an object: ',' or ']'
	stInObj            // inside an object
	stDone             // after ']': only whitespace
)

// arrayScanner finds the complete objects of a top-level JSON array in
// input pushed in chunks. It checks only the array's own punctuation and
// the objects' nesting; each object's inside is checked by encoding/json.
type arrayScanner struct {
	what   string // "conversation"
	state  int
	empty  bool // no element yet (']' allowed)
	bomLen int  // bytes of a byte-order mark read at the very start

	// The object being read.
	buf   []byte
	start int64 // its offset in the input
	index int   // its position in the array
	depth int
	inStr bool
	esc   bool
}

func (s *arrayScanner) init(Format) { s.what = "conversation" }

var bom = []byte("\ufeff")

// feed scans chunk, which starts at offset base of the input, calling emit
// for every object it completes.
func (s *arrayScanner) feed(chunk []byte, base int64, emit func(index int, start int64, obj []byte) error) error {
	i := 0
	for i < len(chunk) {
		if s.state == stInObj {
			end, done := s.scanObject(chunk[i:])
			if len(s.buf)+end > MaxConversationBytes {
				return tooLarge("%s %d (byte %d) is larger than %d MiB, the limit for one conversation", s.what, s.index, s.start, MaxConversationBytes>>20)
			}
			if !done {
				s.buf = append(s.buf, chunk[i:]...)
				return nil
			}
			obj := chunk[i : i+end]
			if len(s.buf) > 0 {
				s.buf = append(s.buf, obj...)
				obj = s.buf
			}
			if err := emit(s.index, s.start, obj); err != nil {
				return err
			}
			s.buf = s.buf[:0]
			if cap(s.buf) > 4<<20 {
				s.buf = nil // do not keep a huge conversation's buffer
			}
			s.index++
			s.state = stAfterElem
			i += end
			continue
		}
		c := chunk[i]
		at := base + int64(i)
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		switch s.state {
		case stBefore:
			switch {
			case at == int64(s.bomLen) && s.bomLen < len(bom) && c == bom[s.bomLen]:
				s.bomLen++ // a byte-order mark counts only whole, and only first
			case s.bomLen > 0 && s.bomLen < len(bom):
				return malformed("byte %d: the file starts with an incomplete byte-order mark (%d of its %d bytes)", at, s.bomLen, len(bom))
			case c == '[':
				s.state, s.empty = stElem, true
			case c == '{':
				return malformed("byte %d: the file is a single JSON object, not the array of conversations in conversations.json", at)
			default:
				return malformed("byte %d: expected a JSON array of conversations ('['), found %s", at, describe(chunk[i:]))
			}
		case stElem:
			switch {
			case c == '{':
				s.state, s.start, s.depth, s.inStr, s.esc, s.empty = stInObj, at, 0, false, false, false
				continue // scanObject reads the brace
			case c == ']' && s.empty:
				s.state = stDone
			case c == ']':
				return malformed("byte %d: a comma before the end of the conversations array (after %s %d)", at, s.what, s.index-1)
			default:
				return malformed("%s %d (byte %d): expected a JSON object, found %s", s.what, s.index, at, describe(chunk[i:]))
			}
		case stAfterElem:
			switch c {
			case ',':
				s.state = stElem
			case ']':
				s.state = stDone
			default:
				return malformed("byte %d: expected ',' or ']' after %s %d, found %s", at, s.what, s.index-1, describe(chunk[i:]))
			}
		case stDone:
			return malformed("byte %d: unexpected %s after the end of the conversations array", at, describe(chunk[i:]))
		}
		i++
	}
	return nil
}

// scanObject advances through an object's bytes and returns how many of b
// belong to it; done reports that the closing brace was among them.
func (s *arrayScanner) scanObject(b []byte) (n int, done bool) {
	for j := 0; j < len(b); j++ {
		if s.inStr {
			if s.esc {
				s.esc = false
				continue
			}
			// Most of an export is string content: jump to the next quote
			// or backslash.
			rest := b[j:]
			q := bytes.IndexByte(rest, '"')
			lim := rest
			if q >= 0 {
				lim = rest[:q]
			}
			if k := bytes.IndexByte(lim, '\\'); k >= 0 {
				j += k
				s.esc = true
				continue
			}
			if q < 0 {
				return len(b), false
			}
			j += q
			s.inStr = false
			continue
		}
		switch b[j] {
		case '"':
			s.inStr = true
		case '{', '[':
			s.depth++
		case '}', ']':
			s.depth--
			if s.depth <= 0 {
				return j + 1, true
			}
		}
	}
	return len(b), false
}

// close checks that the input ended after the array.
func (s *arrayScanner) close(end int64) error {
	switch s.state {
	case stBefore:
		return malformed("the file is empty: expected a JSON array of conversations")
	case stInObj:
		return malformed("the file ends inside %s %d (which starts at byte %d): it is truncated", s.what, s.index, s.start)
	case stElem, stAfterElem:
		return malformed("the file ends at byte %d before the conversations array is closed (after %d conversations): it is truncated", end, s.index)
	}
	return nil
}

// describe names the byte at the start of b for an error message (one
// byte only, so that the message does not depend on where a chunk ends).
func describe(b []byte) string {
	if c := b[0]; c >= ' ' && c < utf8.RuneSelf {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", b[0])
}

// lineSplitter cuts pushed text into memory lines.
type lineSplitter struct {
	tail  []byte
	line  int // lines completed
	start int64
}

// maxRawLine bounds a buffered line before trimming.
const maxRawLine = 4 * MaxMemoryBytes

func (l *lineSplitter) feed(chunk []byte, base int64) ([]string, error) {
	var out []string
	for len(chunk) > 0 {
		k := bytes.IndexByte(chunk, '\n')
		if k < 0 {
			if len(l.tail)+len(chunk) > maxRawLine {
				return nil, tooLarge("line %d (byte %d) is longer than %d bytes: a memory is one short statement per line", l.line+1, l.start, MaxMemoryBytes)
			}
			l.tail = append(l.tail, chunk...)
			return out, nil
		}
		line := chunk[:k]
		if len(l.tail) > 0 {
			l.tail = append(l.tail, line...)
			line = l.tail
		}
		f, err := l.take(line)
		if err != nil {
			return nil, err
		}
		if f != "" {
			out = append(out, f)
		}
		l.tail = l.tail[:0]
		base += int64(k + 1)
		chunk = chunk[k+1:]
		l.start = base
	}
	return out, nil
}

func (l *lineSplitter) close(int64) ([]string, error) {
	if len(l.tail) == 0 {
		if l.line == 0 {
			return nil, malformed("the file is empty: expected memories, one per line")
		}
		return nil, nil
	}
	f, err := l.take(l.tail)
	l.tail = nil
	if err != nil || f == "" {
		return nil, err
	}
	return []string{f}, nil
}

// take checks and cleans one raw line; "" means a blank line.
func (l *lineSplitter) take(raw []byte) (string, error) {
	l.line++
	n, at := l.line, l.start
	if n == 1 {
		raw = bytes.TrimPrefix(raw, bom)
		if bytes.HasPrefix(raw, []byte("PK\x03\x04")) {
			return "", malformed("line 1: this is a zip archive, not a list of memories (give the CLI the .zip, or unzip it)")
		}
	}
	if len(raw) > maxRawLine {
		return "", tooLarge("line %d (byte %d) is longer than %d bytes: a memory is one short statement per line", n, at, MaxMemoryBytes)
	}
	if !utf8.Valid(raw) {
		return "", malformed("line %d (byte %d) is not valid UTF-8 text", n, at)
	}
	if i := bytes.IndexFunc(raw, func(r rune) bool { return r < ' ' && r != '\t' && r != '\r' }); i >= 0 {
		return "", malformed("line %d (byte %d) holds a control character (byte 0x%02x): is this a text file?", n, at+int64(i), raw[i])
	}
	s := strings.TrimSpace(string(raw))
	if n == 1 && (strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{")) && strings.Contains(s, `"`) {
		return "", malformed("line 1 looks like JSON: a conversations.json is imported with format chatgpt or claude, not memories")
	}
	s = strings.TrimSpace(unbullet(s))
	if len(s) > MaxMemoryBytes {
		return "", tooLarge("line %d (byte %d) is longer than %d bytes: a memory is one short statement per line", n, at, MaxMemoryBytes)
	}
	return s, nil
}

// unbullet removes a list marker: "- ", "* ", "• ", "1. ", "2) ".
func unbullet(s string) string {
	for _, p := range []string{"- ", "* ", "• ", "– ", "+ "} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	i := 0
	for i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return s[i+2:]
	}
	return s
}
