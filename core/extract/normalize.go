package extract

import (
	"strings"
	"sync"
	"unicode"
)

// contractions rewrite the spellings chat users type into one canonical
// form, so the domain patterns need only one ("im" -> "I'm"). Each is a
// scanner (see rewrite.go) for the regexp in pattern, which gives its gate.
var contractions = []contraction{
	{`[’‘]`, curlyQuoteAt, "'"},
	{`(?i)\bi\s+am\b`, iAmAt, "I'm"},
	word("im", "I'm"),
	word("i'm", "I'm"),
	word("ive", "I have"),
	word("i've got", "I have"),
	word("i've", "I have"),
	word("i have got", "I have"),
	word("i'd", "I would"),
	word("i'll", "I will"),
	word("we've", "we have"),
	word("we're", "we are"),
	word("i", "I"),
	word("dont", "don't"),
	word("do not", "don't"),
	word("cant", "can't"),
	word("cannot", "can't"),
	word("wanna", "want to"),
	word("gonna", "going to"),
	{`\s+`, spacesAt, " "},
}

// contractionGates are the gates of contractions (see gate.go), with exact
// checks for the three rules that have no literal to require.
var contractionGates = sync.OnceValue(func() []func(s, lower string) bool {
	out := make([]func(s, lower string) bool, len(contractions))
	for i, c := range contractions {
		g := gateOf(c.pattern)
		out[i] = func(s, lower string) bool { return g.pass(s, lower) }
		switch c.pattern {
		case `[’‘]`:
			out[i] = func(s, _ string) bool { return strings.ContainsAny(s, "’‘") }
		case `\s+`:
			// Only a space alone is left as it is.
			out[i] = func(s, _ string) bool { return strings.ContainsAny(s, "\t\n\f\r") || strings.Contains(s, "  ") }
		case `(?i)\bi\b`:
			// "I" is left as it is; only a lower-case "i" word changes.
			out[i] = func(s, _ string) bool { return hasWordI(s) }
		}
	}
	return out
})

// hasWordI reports whether s has the word "i" in lower case.
func hasWordI(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 'i' && (i == 0 || !isWordByte(s[i-1])) && (i+1 == len(s) || !isWordByte(s[i+1])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// canonical applies the contractions; with fast, only those whose gate
// passes.
func canonical(s string, fast bool) string {
	var buf []byte
	lower := ""
	if fast {
		buf = lowerASCII(buf, s)
		lower = string(buf)
	}
	gates := contractionGates()
	for i, c := range contractions {
		if fast && !gates[i](s, lower) {
			continue
		}
		n := c.replace(s)
		if fast && n != s {
			buf = lowerASCII(buf[:0], n)
			lower = string(buf)
		}
		s = n
	}
	return strings.TrimSpace(s)
}

// leadingWords are dropped from the start of an object: articles,
// possessives and quantifiers carry no identity ("the Beatles" = "beatles").
var leadingWords = map[string]bool{
	"a": true, "an": true, "the": true, "my": true, "our": true, "some": true, "any": true,
}

// norm lower-cases s, collapses spaces, trims punctuation and drops leading
// articles. Slot objects and corpus values are compared in this form.
func norm(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`.,!?;:"()[]{}*~`, r)
	})
	for {
		first, rest, ok := strings.Cut(s, " ")
		if !ok || !leadingWords[first] {
			break
		}
		s = rest
	}
	return s
}

// tailCut ends an object at words that start a new thought: "I hate running
// since my knee injury" is about running.
var tailCut = rx(`(?:\s*,\s*|\s+)(?:since|because|cause|cuz|as|when|whenever|but|though|although|especially|except|which|who|while|so|if|unless|anymore|any more|these days|nowadays|lately|right now|at the moment|now|too|a lot|so much|very much|again|lol|haha|tbh|btw|honestly|for now|really|though|after|before|until|thanks to|due to|last \w+|\w+ (?:days?|weeks?|months?|years?) ago|in \d{4}|as a (?:kid|child|teen|teenager))\b.*$`)

// cutTail trims trailing clauses and adverbs from an object phrase.
func cutTail(s string) string {
	s = tailCut.ReplaceAllString(s, "")
	return strings.TrimRight(strings.TrimSpace(s), ".,!?;:")
}

var listSep = rx(`\s*(?:,\s*and|,\s*or|,|\band\b|\bor\b|&|\bplus\b)\s*`)

// splitList splits "hiking, photography and jazz" into its items.
func splitList(s string) []string {
	var out []string
	for _, p := range listSep.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// numberWords maps spelled-out small numbers to digits.
var numberWords = map[string]string{
	"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
	"six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twins": "2",
}

// count reads "two", "2" or "a" as a digit string.
func count(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, ok := numberWords[s]; ok {
		return n, true
	}
	if s != "" && strings.Trim(s, "0123456789") == "" && len(s) <= 3 {
		return s, true
	}
	return "", false
}

// capitalized reports whether s starts with an upper-case letter.
func capitalized(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// title upper-cases the first letter, for readable Text.
func title(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// words counts space-separated words.
func words(s string) int { return len(strings.Fields(s)) }
