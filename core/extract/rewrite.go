package extract

// contraction replaces every match of pattern with with, as
// regexp.ReplaceAllString does; at finds the matches.
type contraction struct {
	pattern string
	at      func(s string, i int) int // end of a match starting at s[i], or -1
	with    string
}

// word is the contraction (?i)\bw\b -> with; w is lower-case ASCII.
func word(w, with string) contraction {
	return contraction{`(?i)\b` + w + `\b`, func(s string, i int) int {
		if !boundary(s, i) {
			return -1
		}
		if e := foldedPrefix(s, i, w); e >= 0 && boundary(s, e) {
			return e
		}
		return -1
	}, with}
}

// curlyQuoteAt implements [’‘].
func curlyQuoteAt(s string, i int) int {
	if len(s)-i >= 3 && s[i] == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0x98 || s[i+2] == 0x99) {
		return i + 3
	}
	return -1
}

// iAmAt implements (?i)\bi\s+am\b.
func iAmAt(s string, i int) int {
	if !boundary(s, i) {
		return -1
	}
	e := foldedPrefix(s, i, "i")
	if e < 0 {
		return -1
	}
	f := spaces(s, e)
	if f == e {
		return -1
	}
	if g := foldedPrefix(s, f, "am"); g >= 0 && boundary(s, g) {
		return g
	}
	return -1
}

// spacesAt implements \s+.
func spacesAt(s string, i int) int {
	if e := spaces(s, i); e > i {
		return e
	}
	return -1
}

// replace returns s with every match replaced, leftmost first and not
// overlapping. It copies s only where a match differs from with.
func (c contraction) replace(s string) string {
	var b []byte
	last := 0
	for i := 0; i < len(s); {
		e := c.at(s, i)
		if e < 0 {
			i++
			continue
		}
		if s[i:e] != c.with {
			b = append(b, s[last:i]...)
			b = append(b, c.with...)
			last = e
		}
		i = e
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}
