package when

import (
	"unicode"
	"unicode/utf8"
)

// kind is the lexical kind of a token.
type kind uint8

const (
	tEOF   kind = iota // past either end of the token slice
	tWord              // ASCII letters, possibly with a possessive 's stripped
	tNum               // ASCII digits, possibly with an ordinal suffix (3rd)
	tPunct             // one ASCII punctuation byte
	tOther             // anything else: non-ASCII, letters mixed with digits (5pm, v2)
)

// flag carries token and lexicon properties.
type flag uint8

const (
	fOrd    flag = 1 << iota // number had an ordinal suffix: 1st, 2nd, 3rd, 4th
	fPoss                    // word had a possessive 's or ’s (valentine's, year's)
	fPlural                  // lexicon: plural unit (days)
	fAmbig                   // lexicon: also an everyday word (may, march, fall): needs context
	fAbbr                    // lexicon: abbreviation that may take a period (Dec.)
	fTens                    // lexicon: twenty, thirty, ... ninety
)

// token is one lexical unit of the text. start and end are byte offsets.
type token struct {
	start, end int
	val        int // tNum: value, or -1 past 9 digits; tWord: lexicon value; tPunct: the byte
	kind       kind
	cls        class // tWord: lexicon class, cNone when the word is not in the lexicon
	flag       flag
	ndig       uint8 // tNum: number of digits, capped at 255
}

// maxWordLen is the longest lexicon word ("thanksgiving"); longer words are
// never looked up.
const maxWordLen = 12

// eof is returned for any index outside the token slice. It is never written.
var eof = token{start: -1, end: -1, kind: tEOF}

// lex tokenizes text[off:end] into toks[:0] and returns the tokens.
// Whitespace (ASCII or Unicode) separates tokens and produces none. (It is a
// function rather than a method so the token buffer can live on the stack.)
func lex(text string, off, end int, toks []token) []token {
	toks = toks[:0]
	for i := off; i < end; {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case isLetter(c) || isDigit(c):
			toks, i = run(text, i, end, toks)
		case c < utf8.RuneSelf:
			toks = append(toks, token{start: i, end: i + 1, kind: tPunct, val: int(c)})
			i++
		default:
			r, n := utf8.DecodeRuneInString(text[i:end])
			switch {
			case unicode.IsSpace(r):
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				var j int
				toks, j = run(text, i, end, toks)
				n = j - i
			default:
				toks = append(toks, token{start: i, end: i + n, kind: tOther})
			}
			i += n
		}
	}
	return toks
}

// run lexes one run of letters and digits (plus apostrophes between letters)
// starting at i and returns where it ends.
func run(text string, i, end int, toks []token) ([]token, int) {
	start := i
	letters, digits := 0, 0
	nonASCII := false
	apos, aposLen := -1, 0 // last apostrophe inside the run
	firstLetter := -1      // offset of the first letter after leading digits
	for i < end {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case isLetter(c):
				if letters == 0 && digits > 0 {
					// 2023-05-03T10:00: stop the number before the T.
					if (c == 'T' || c == 't') && i+1 < end && isDigit(text[i+1]) {
						return emit(text, toks, start, i, letters, digits, nonASCII, apos, aposLen, firstLetter)
					}
					firstLetter = i
				}
				letters++
				i++
				continue
			case isDigit(c):
				digits++
				i++
				continue
			case c == '\'' && letters > 0 && i+1 < end && isLetter(text[i+1]):
				apos, aposLen = i, 1
				i++
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(text[i:end])
		if r == '\u2019' && letters > 0 && i+n < end && isLetter(text[i+n]) {
			apos, aposLen = i, n
			i += n
			continue
		}
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		nonASCII = true
		i += n
	}
	return emit(text, toks, start, i, letters, digits, nonASCII, apos, aposLen, firstLetter)
}

// emit classifies the run text[start:end] and appends its token.
func emit(text string, toks []token, start, end, letters, digits int, nonASCII bool, apos, aposLen, firstLetter int) ([]token, int) {
	t := token{start: start, end: end, kind: tOther}
	switch {
	case nonASCII:
	case digits == 0:
		t.kind = tWord
		w := text[start:end]
		if apos >= 0 {
			// Only a final possessive 's is understood; other contractions
			// (don't, o'clock) stay unknown words.
			if apos+aposLen+1 != end || (text[end-1] != 's' && text[end-1] != 'S') {
				break
			}
			w = text[start:apos]
			t.flag |= fPoss
		}
		if len(w) <= maxWordLen {
			var buf [maxWordLen]byte
			for k := 0; k < len(w); k++ {
				buf[k] = lower(w[k])
			}
			if e, ok := lookup(buf[:len(w)]); ok {
				t.cls, t.val, t.flag = e.cls, int(e.val), t.flag|e.flag
			}
		}
	case letters == 0:
		t.kind = tNum
		t.val, t.ndig = digitsValue(text[start:end])
	case firstLetter > start && apos < 0 && end-firstLetter == 2 && isOrdinalSuffix(text[firstLetter:end]):
		// Digits then exactly a two-letter suffix, no digit after it.
		if firstLetter-start != digits {
			break
		}
		t.kind = tNum
		t.flag |= fOrd
		t.val, t.ndig = digitsValue(text[start:firstLetter])
	}
	return append(toks, t), end
}

// digitsValue parses ASCII digits. Values past 9 digits are reported as -1
// (no date or count is that long) and the digit count is capped at 255.
func digitsValue(d string) (int, uint8) {
	n := len(d)
	if n > 255 {
		n = 255
	}
	if len(d) > 9 {
		return -1, uint8(n)
	}
	v := 0
	for k := 0; k < len(d); k++ {
		v = v*10 + int(d[k]-'0')
	}
	return v, uint8(n)
}

func isOrdinalSuffix(w string) bool {
	a, b := lower(w[0]), lower(w[1])
	return a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// t returns token k, or eof when k is out of range.
func (s *scanner) t(k int) *token {
	if k < 0 || k >= len(s.toks) {
		return &eof
	}
	return &s.toks[k]
}

// kw reports whether token k is the keyword w.
func (s *scanner) kw(k int, w int) bool {
	t := s.t(k)
	return t.kind == tWord && t.cls == cKw && t.val == w
}

// is reports whether token k is a word of class c.
func (s *scanner) is(k int, c class) bool {
	t := s.t(k)
	return t.kind == tWord && t.cls == c
}

// punct reports whether token k is the punctuation byte b.
func (s *scanner) punct(k int, b byte) bool {
	t := s.t(k)
	return t.kind == tPunct && t.val == int(b)
}

// touches reports whether token k starts exactly where token k-1 ends.
func (s *scanner) touches(k int) bool {
	return k > 0 && k < len(s.toks) && s.toks[k-1].end == s.toks[k].start
}

// unitAt returns the time unit named by token k.
func (s *scanner) unitAt(k int) (u unit, plural, ok bool) {
	t := s.t(k)
	if t.kind != tWord || t.cls != cUnit {
		return 0, false, false
	}
	return unit(t.val), t.flag&fPlural != 0, true
}

// gluedBefore reports whether token k is stuck to something before it that
// makes it part of a larger item: $2023, #12, v2, 1.5, 12:30, 3/4.
// Opening brackets, quotes and markdown emphasis do not count.
func (s *scanner) gluedBefore(k int) bool {
	if !s.touches(k) {
		return false
	}
	p := &s.toks[k-1]
	if p.kind != tPunct {
		return true
	}
	switch byte(p.val) {
	case '(', '[', '{', '"', '\'', '`', '*', '_', ',', ';', '!', '?':
		return false
	case '-':
		// mid-2022, pre-2020: a hyphen after a word joins words, it is not
		// a minus sign or a range.
		return !s.touches(k-1) || s.toks[k-2].kind != tWord
	}
	return true
}

// gluedAfter reports whether token k is stuck to something after it: 2023.5,
// 2022-23, 12:30, 50%, 2023abc. Sentence punctuation followed by a space
// does not count.
func (s *scanner) gluedAfter(k int) bool {
	if !s.touches(k + 1) {
		return false
	}
	n := &s.toks[k+1]
	if n.kind != tPunct {
		return true
	}
	switch byte(n.val) {
	case '.', ',', ':', '-', '\'', '/':
		m := s.t(k + 2)
		return s.touches(k+2) && m.kind != tPunct
	case '%', '$', '#', '@', '\\', '=', '+', '^', '&', '|', '<', '>', '~':
		return true
	}
	return false
}
