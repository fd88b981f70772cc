package importer

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// reader decodes one JSON value from memory, member by member, for the
// ChatGPT format. encoding/json is exact but slow for this shape under
// WebAssembly (reflection, a scanner call per byte, and every skipped
// metadata string validated twice): ChatGPT's conversations are mostly
// metadata the importer ignores. reader skips what is not asked for with
// tight loops and decodes only the strings and numbers the importer uses,
// while still rejecting anything that is not JSON (RFC 8259), with the byte
// offset of the fault. Strings with invalid UTF-8 are repaired with U+FFFD,
// as encoding/json does.
type reader struct {
	b     []byte
	i     int
	base  int64 // offset of b[0] in the input
	depth int
}

// maxDepth bounds nesting (as encoding/json does), so hostile input cannot
// exhaust the stack.
const maxDepth = 10000

func (r *reader) fail(format string, args ...any) error {
	return malformed("invalid JSON at byte %d: "+format, append([]any{r.base + int64(r.i)}, args...)...)
}

func (r *reader) peek() byte {
	for r.i < len(r.b) {
		switch c := r.b[r.i]; c {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return c
		}
	}
	return 0
}

// kind names the JSON type of the next value.
func (r *reader) kind() string {
	switch c := r.peek(); {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || ('0' <= c && c <= '9'):
		return "number"
	}
	return "value"
}

func (r *reader) typeErr(path, want string) error {
	if r.peek() == 0 {
		return r.fail("unexpected end of the conversation")
	}
	k := r.kind()
	if k == "value" {
		return r.fail("unexpected %s", describe(r.b[r.i:]))
	}
	return malformed("%s is a JSON %s, expected %s", path, k, want)
}

// null consumes a null and reports whether there was one.
func (r *reader) null() (bool, error) {
	if r.peek() != 'n' {
		return false, nil
	}
	return true, r.literal("null")
}

func (r *reader) literal(lit string) error {
	if !bytes.HasPrefix(r.b[r.i:], []byte(lit)) {
		return r.fail("unexpected %s", describe(r.b[r.i:]))
	}
	r.i += len(lit)
	return nil
}

// object calls fn with each member's name (valid until fn returns); fn
// must consume the value. A null is an empty object.
func (r *reader) object(path string, fn func(key []byte) error) error {
	if empty, err := r.open(path, '{', '}', "an object"); empty || err != nil {
		return err
	}
	for {
		if r.peek() != '"' {
			if r.i >= len(r.b) {
				return r.fail("unexpected end of the conversation")
			}
			return r.fail("expected a member name, found %s", describe(r.b[r.i:]))
		}
		key, err := r.key()
		if err != nil {
			return err
		}
		if r.peek() != ':' {
			return r.fail("expected ':' after member name %q", clip(string(key), 40))
		}
		r.i++
		if err := fn(key); err != nil {
			return err
		}
		if done, err := r.next('}'); done || err != nil {
			return err
		}
	}
}

// array calls fn for each element; fn must consume it. A null is an empty
// array.
func (r *reader) array(path string, fn func() error) error {
	if empty, err := r.open(path, '[', ']', "an array"); empty || err != nil {
		return err
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		if done, err := r.next(']'); done || err != nil {
			return err
		}
	}
}

// open enters an object or array (opening byte open, closing byte close,
// what names it in errors): empty is true for a null or an empty one, which
// is then consumed whole.
func (r *reader) open(path string, open, close byte, what string) (empty bool, err error) {
	if ok, err := r.null(); ok || err != nil {
		return true, err
	}
	if r.peek() != open {
		return true, r.typeErr(path, what)
	}
	if r.depth++; r.depth > maxDepth {
		return true, r.fail("nested too deeply")
	}
	r.i++
	if r.peek() == close {
		r.i++
		r.depth--
		return true, nil
	}
	return false, nil
}

// next reads what follows a member or element: ',' (more follow) or close
// (done, the container is left).
func (r *reader) next(close byte) (done bool, err error) {
	switch r.peek() {
	case ',':
		r.i++
		return false, nil
	case close:
		r.i++
		r.depth--
		return true, nil
	case 0:
		return true, r.fail("unexpected end of the conversation")
	default:
		return true, r.fail("expected ',' or '%c', found %s", close, describe(r.b[r.i:]))
	}
}

// str reads a string (null reads as "").
func (r *reader) str(path string) (string, error) {
	if ok, err := r.null(); ok || err != nil {
		return "", err
	}
	if r.peek() != '"' {
		return "", r.typeErr(path, "a string")
	}
	return r.string(true)
}

// borrow reads a string (null reads as "") that may share the input's
// memory: for values that must not outlive the conversation being decoded
// (ids, roles, types), it spares an allocation per value.
func (r *reader) borrow(path string) (string, error) {
	if ok, err := r.null(); ok || err != nil {
		return "", err
	}
	if r.peek() != '"' {
		return "", r.typeErr(path, "a string")
	}
	start := r.i + 1
	i := start
	for i < len(r.b) && !special[r.b[i]] {
		i++
	}
	if i < len(r.b) && r.b[i] == '"' && i > start && utf8.Valid(r.b[start:i]) {
		r.i = i + 1
		return unsafe.String(&r.b[start], i-start), nil
	}
	return r.string(true)
}

// num reads a number (null reads as nil).
func (r *reader) num(path string) (*float64, error) {
	if ok, err := r.null(); ok || err != nil {
		return nil, err
	}
	if c := r.peek(); c != '-' && (c < '0' || c > '9') {
		return nil, r.typeErr(path, "a number")
	}
	start := r.i
	if err := r.number(); err != nil {
		return nil, err
	}
	v, err := strconv.ParseFloat(string(r.b[start:r.i]), 64)
	if err != nil {
		r.i = start
		return nil, r.fail("number %s is out of range", clip(string(r.b[start:r.i]), 40))
	}
	return &v, nil
}

// boolean reads true or false (null reads as false).
func (r *reader) boolean(path string) (bool, error) {
	switch r.peek() {
	case 't':
		return true, r.literal("true")
	case 'f':
		return false, r.literal("false")
	case 'n':
		return false, r.literal("null")
	}
	return false, r.typeErr(path, "true or false")
}

// number consumes a number, checking its grammar.
func (r *reader) number() error {
	b, i := r.b, r.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	bad := func() error { r.i = i; return r.fail("malformed number") }
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return bad()
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return bad()
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return bad()
		}
	}
	r.i = i
	return nil
}

// key reads a member name without allocating when it has no escapes.
func (r *reader) key() ([]byte, error) {
	start := r.i + 1
	if j := bytes.IndexByte(r.b[start:], '"'); j >= 0 {
		k := r.b[start : start+j]
		if bytes.IndexByte(k, '\\') < 0 && utf8.Valid(k) && !hasControl(k) {
			r.i = start + j + 1
			return k, nil
		}
	}
	s, err := r.string(true)
	return []byte(s), err
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < ' ' {
			return true
		}
	}
	return false
}

// skip consumes any value.
func (r *reader) skip() error {
	switch c := r.peek(); {
	case c == '"':
		_, err := r.string(false)
		return err
	case c == '{':
		return r.object("", func([]byte) error { return r.skip() })
	case c == '[':
		return r.array("", r.skip)
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		return r.number()
	case c == 0:
		return r.fail("unexpected end of the conversation")
	}
	return r.fail("unexpected %s", describe(r.b[r.i:]))
}

// string consumes a string at r.i (a quote) and, if decode, returns its
// value.
func (r *reader) string(decode bool) (string, error) {
	b := r.b
	start := r.i + 1
	i := start
	// Fast path: no escapes.
	for i < len(b) {
		for i < len(b) && !special[b[i]] {
			i++
		}
		if i == len(b) {
			break
		}
		c := b[i]
		if c == '"' {
			r.i = i + 1
			if !decode {
				return "", nil
			}
			s := b[start:i]
			if !utf8.Valid(s) {
				return fixUTF8(s), nil
			}
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < ' ' {
			r.i = i
			return "", r.fail("control character (byte 0x%02x) in a string", c)
		}
		i++
	}
	var out []byte
	if decode {
		out = append(make([]byte, 0, i-start+16), b[start:i]...)
	}
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			r.i = i + 1
			if !decode {
				return "", nil
			}
			if !utf8.Valid(out) {
				return fixUTF8(out), nil
			}
			return string(out), nil
		case c < ' ':
			r.i = i
			return "", r.fail("control character (byte 0x%02x) in a string", c)
		case c != '\\':
			if decode {
				out = append(out, c)
			}
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		e := b[i+1]
		i += 2
		var ch byte
		switch e {
		case '"', '\\', '/':
			ch = e
		case 'b':
			ch = '\b'
		case 'f':
			ch = '\f'
		case 'n':
			ch = '\n'
		case 'r':
			ch = '\r'
		case 't':
			ch = '\t'
		case 'u':
			r1, ok := hex4(b, i)
			if !ok {
				r.i = i - 2
				return "", r.fail(`malformed \u escape`)
			}
			i += 4
			if utf16.IsSurrogate(r1) {
				if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if d := utf16.DecodeRune(r1, r2); d != utf8.RuneError {
						r1 = d
						i += 6
					} else {
						r1 = utf8.RuneError
					}
				} else {
					r1 = utf8.RuneError
				}
			}
			if decode {
				out = utf8.AppendRune(out, r1)
			}
			continue
		default:
			r.i = i - 2
			return "", r.fail("invalid escape \\%c in a string", e)
		}
		if decode {
			out = append(out, ch)
		}
	}
	r.i = len(b)
	return "", r.fail("unexpected end of the conversation inside a string")
}

// fixUTF8 replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func fixUTF8(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return string(out)
}

// special marks the bytes that end a string's plain run: a quote, a
// backslash, a control character.
var special = func() (t [256]bool) {
	for c := range ' ' {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var v rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
