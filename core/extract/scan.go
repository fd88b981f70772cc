package extract

// Scanners. The clause splitter and filters run on every sentence, so their
// case-insensitive word patterns are matched by hand instead of by regexp.
// Each scanner names the pattern it implements; FuzzScanners compares every
// one with that pattern (kept in scan_test.go).
//
// The helpers reproduce what Go's regexp does under (?i) with ASCII words:
// a letter matches either case, and k and s also match U+212A KELVIN SIGN
// and U+017F LONG S. \b is a change between an ASCII word byte
// ([0-9A-Za-z_]) and anything else, and \s is [\t\n\f\r ].

// foldAt returns the character at s[i] folded to lower-case ASCII where
// (?i) allows, and its width in bytes.
func foldAt(s string, i int) (byte, int) {
	c := s[i]
	switch {
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A', 1
	case c == 0xE2 && len(s)-i >= 3 && s[i+1] == 0x84 && s[i+2] == 0xAA: // U+212A
		return 'k', 3
	case c == 0xC5 && len(s)-i >= 2 && s[i+1] == 0xBF: // U+017F
		return 's', 2
	}
	return c, 1
}

// foldedPrefix returns the end of w (lower-case ASCII) matched at s[i:]
// under (?i), or -1.
func foldedPrefix(s string, i int, w string) int {
	for j := 0; j < len(w); j++ {
		if i >= len(s) {
			return -1
		}
		c, n := foldAt(s, i)
		if c != w[j] {
			return -1
		}
		i += n
	}
	return i
}

// boundary reports whether \b holds at s[i].
func boundary(s string, i int) bool {
	before := i > 0 && isWordByte(s[i-1])
	after := i < len(s) && isWordByte(s[i])
	return before != after
}

// isSpace reports whether c is in \s.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// spaces returns the end of the run of \s starting at s[i].
func spaces(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// wordSet is an alternation of lower-case ASCII words, (?i)(?:w1|w2|...),
// indexed by first letter.
type wordSet struct {
	byFirst [256][]string
}

func newWordSet(words ...string) *wordSet {
	ws := &wordSet{}
	for _, w := range words {
		ws.byFirst[w[0]] = append(ws.byFirst[w[0]], w)
	}
	return ws
}

// at returns the end of the first word in the set, in the order given,
// matched at s[i:] and followed by \b, or -1: (?:w1|w2|...)\b.
func (ws *wordSet) at(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	c, _ := foldAt(s, i)
	for _, w := range ws.byFirst[c] {
		if e := foldedPrefix(s, i, w); e >= 0 && boundary(s, e) {
			return e
		}
	}
	return -1
}

// startsWith implements ^(?:w1|w2|...)\b.
func (ws *wordSet) startsWith(s string) bool { return ws.at(s, 0) >= 0 }

// within implements \b(?:w1|w2|...)\b, unanchored.
func (ws *wordSet) within(s string) bool {
	for i := 0; i < len(s); i++ {
		if boundary(s, i) && ws.at(s, i) >= 0 {
			return true
		}
	}
	return false
}

// sentenceEnds returns the matches of sentenceEnd, as FindAllStringIndex
// does:
//
//	[.!?]+["')\]]*\s+|\n+
func sentenceEnds(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && (s[j] == '.' || s[j] == '!' || s[j] == '?') {
			j++
		}
		if j > i {
			for j < len(s) && (s[j] == '"' || s[j] == '\'' || s[j] == ')' || s[j] == ']') {
				j++
			}
			if e := spaces(s, j); e > j {
				out = append(out, []int{i, e})
				i = e
				continue
			}
			// No match starts inside the run: it would end at the same
			// non-space byte. That byte is not '\n' (a space), so go on.
			i = j
			continue
		}
		if s[i] == '\n' {
			e := i
			for e < len(s) && s[e] == '\n' {
				e++
			}
			out = append(out, []int{i, e})
			i = e
			continue
		}
		i++
	}
	return out
}

// Conjunctions after a clause-break mark, and alone between spaces.
var (
	markConj  = []string{"and", "but", "so", "because", "cause", "cuz", "though", "although", "while", "plus", "also", "then"}
	spaceConj = []string{"and", "but", "so", "because", "cause", "cuz", "though", "although", "while", "plus", "whereas"}
)

// conjAt returns the end of (?:c1|c2|...)\s+ at s[i:], its spaces
// included, or -1. No word of a list is followed by a space where a
// longer one matches, so the order of the list does not matter.
func conjAt(s string, i int, conj []string) int {
	for _, w := range conj {
		if e := foldedPrefix(s, i, w); e >= 0 {
			if f := spaces(s, e); f > e {
				return f
			}
		}
	}
	return -1
}

// clauseBreakAt returns the end of a match of clauseBreak starting at
// s[i], or -1:
//
//	\s*(?:;|,|\s-\s|\s—\s|\(|\)|:)\s*(?:(?:and|but|so|because|cause|cuz|though|although|while|plus|also|then)\s+)?
//	|\s+(?:and|but|so|because|cause|cuz|though|although|while|plus|whereas)\s+
//
// After the spaces at i, the mark must come next; "-" and "—" need one of
// those spaces before them and a space after.
func clauseBreakAt(s string, i int) int {
	q := spaces(s, i)
	e := -1
	switch {
	case q == len(s):
	case s[q] == ';' || s[q] == ',' || s[q] == '(' || s[q] == ')' || s[q] == ':':
		e = q + 1
	case q > i && s[q] == '-' && q+1 < len(s) && isSpace(s[q+1]):
		e = q + 2
	case q > i && len(s)-q >= 4 && s[q:q+3] == "—" && isSpace(s[q+3]):
		e = q + 4
	}
	if e >= 0 {
		e = spaces(s, e)
		if f := conjAt(s, e, markConj); f >= 0 {
			return f
		}
		return e
	}
	if q > i {
		return conjAt(s, q, spaceConj)
	}
	return -1
}

// clauseBreaks returns the matches of clauseBreak, as FindAllStringIndex
// does.
func clauseBreaks(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		if e := clauseBreakAt(s, i); e >= 0 {
			out = append(out, []int{i, e})
			i = e
			continue
		}
		// A match starting inside the spaces at i would meet the same
		// byte after them; so would one at that byte, which then needs a
		// mark.
		if q := spaces(s, i); q > i {
			i = q + 1
			continue
		}
		i++
	}
	return out
}
