package when

// Strip returns text with the phrases of rs removed, so that "last week"
// does not become query keywords. Whitespace left doubled at a cut is
// collapsed, and space before closing punctuation or the end is dropped:
// "what did I do last week?" becomes "what did I do?". Ranges that do not
// match text (wrong Pos or Phrase) or overlap an earlier one are ignored.
func Strip(text string, rs []Range) string {
	var b []byte
	last := 0
	for _, r := range rs {
		p := r.Pos
		if p < last || p > len(text) || len(r.Phrase) == 0 || len(r.Phrase) > len(text)-p ||
			text[p:p+len(r.Phrase)] != r.Phrase {
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(text))
		}
		b = append(b, text[last:p]...)
		last = p + len(r.Phrase)
		for last < len(text) && isSpace(text[last]) && (len(b) == 0 || isSpace(b[len(b)-1])) {
			last++
		}
		// An orphaned comma: "yesterday, I" or "went, yesterday, home".
		if last < len(text) && (text[last] == ',' || text[last] == ';') && (len(b) == 0 || orphans(b)) {
			for last++; last < len(text) && isSpace(text[last]); last++ {
			}
		}
		if last == len(text) || isClosing(text[last]) {
			for len(b) > 0 && isSpace(b[len(b)-1]) {
				b = b[:len(b)-1]
			}
		}
	}
	if b == nil {
		return text
	}
	return string(append(b, text[last:]...))
}

func isClosing(c byte) bool {
	switch c {
	case '.', ',', ';', ':', '!', '?', ')', ']', '}':
		return true
	}
	return false
}

// orphans reports whether b ends (before spaces) in a comma or semicolon, so
// another one after a cut would be doubled.
func orphans(b []byte) bool {
	i := len(b) - 1
	for i >= 0 && isSpace(b[i]) {
		i--
	}
	return i >= 0 && (b[i] == ',' || b[i] == ';')
}
