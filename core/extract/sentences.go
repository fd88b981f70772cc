package extract

import (
	"strings"
)

// quoteMark stands in for quoted text, which is someone else's words (or
// text the user wants processed), never a statement about the user.
const quoteMark = "<quote>"

var (
	doubleQuoted = lazy(`"[^"\n]*"|“[^”\n]*”|«[^»\n]*»|„[^“”\n]*[“”]`)
	// A single-quoted span opens after a space, colon or start and closes
	// before a space, punctuation or end, so apostrophes in "I'm" and
	// "kids' school" are not taken for quotes.
	singleQuoted = lazy(`(^|[\s:(])['‘](?:\pL['’]\pL|[^'‘’\n])+['’]([\s.,!?;:)]|$)`)
)

// stripQuotes replaces quoted spans with quoteMark.
// Each pattern is tried only if s holds one of its opening quotes.
func stripQuotes(s string) string {
	if gatesOff || hasDoubleQuote(s) {
		s = doubleQuoted.ReplaceAllString(s, quoteMark)
	}
	if gatesOff || opensSingleQuote(s) {
		s = singleQuoted.ReplaceAllString(s, "${1}"+quoteMark+"${2}")
	}
	return s
}

// hasDoubleQuote is strings.ContainsAny(s, `"“«„`) without decoding runes.
func hasDoubleQuote(s string) bool {
	return strings.IndexByte(s, '"') >= 0 || strings.Contains(s, "“") || strings.Contains(s, "«") || strings.Contains(s, "„")
}

// opensSingleQuote reports whether s has the start of singleQuoted: ' or
// ‘ at the start or after a space, colon or parenthesis, (^|[\s:(])['‘].
func opensSingleQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' && !strings.HasPrefix(s[i:], "‘") {
			continue
		}
		if i == 0 || isSpace(s[i-1]) || s[i-1] == ':' || s[i-1] == '(' {
			return true
		}
	}
	return false
}

// sentence is one sentence and whether it was asked as a question.
type sentence struct {
	text     string
	question bool
}

func splitSentences(s string) []sentence {
	var out []sentence
	last := 0
	add := func(part string) {
		part = strings.TrimSpace(part)
		if part == "" {
			return
		}
		q := strings.Contains(strings.TrimRight(part, ` "')]`), "?")
		out = append(out, sentence{text: strings.TrimRight(part, ".!? "), question: q})
	}
	for _, m := range sentenceEnds(s) {
		add(s[last:m[1]])
		last = m[1]
	}
	add(s[last:])
	return out
}

// Clause breaks (clauseBreaks in scan.go) are places where a sentence may
// hold a new clause: after a semicolon, comma, dash or parenthesis, or
// before a conjunction. Whether it does depends on what follows.

// newSubject starts a clause of its own: a subject, a question word, or a
// conditional. A break not followed by one of these is inside a phrase
// ("Austin, TX", "salt and vinegar"). It implements ^(?:i|i'm|...)\b.
var newSubject = newWordSet("i", "i'm", "i've", "i'd", "i'll", "my", "we", "we're", "we've", "our", "he", "she",
	"he's", "she's", "they", "they're", "it", "it's", "you", "your", "if", "when", "unless", "suppose",
	"imagine", "what", "how", "why", "where", "which", "who", "can", "could", "should", "would", "will",
	"do", "does", "is", "are", "any", "anyone", "since", "as")

// elidedVerb starts a clause whose subject "I" was left out: "I'm divorced
// and have two kids". It implements ^(?:have|had|...)\b.
var elidedVerb = newWordSet("have", "had", "live", "work", "love", "like", "enjoy", "hate", "speak", "study",
	"go", "am", "don't", "can't", "never", "always", "usually", "own", "teach", "prefer", "want", "need",
	"moved", "started", "quit", "got")

// elidedState continues an "I'm" clause with a new state: "I'm vegan and
// allergic to soy". It implements ^(?:allergic|intolerant|...)\b.
var elidedState = newWordSet("allergic", "intolerant", "married", "divorced", "single", "engaged", "retired",
	"pregnant", "fluent", "originally from", "based in", "learning", "studying", "trying", "currently",
	"also", "not", "no longer", "a", "an", "recently", "happily", "newly", "just")

// splitClauses cuts a sentence into clauses at breaks followed by a new
// subject; when the subject was elided before a first-person verb it is
// restored, so every clause can be read on its own.
func splitClauses(s string) []string {
	var out []string
	start, prefix := 0, ""
	for _, m := range clauseBreaks(s) {
		if m[0] == 0 || m[1] >= len(s) || m[0] < start {
			continue
		}
		rest, cur := s[m[1]:], prefix+s[start:m[0]]
		switch {
		case newSubject.startsWith(rest):
			out = append(out, cur)
			start, prefix = m[1], ""
		case elidedVerb.startsWith(rest) && firstPerson.MatchString(cur):
			out = append(out, cur)
			start, prefix = m[1], "I "
		case elidedState.startsWith(rest) && strings.HasPrefix(cur, "I'm "):
			out = append(out, cur)
			start, prefix = m[1], "I'm "
		}
	}
	out = append(out, prefix+s[start:])
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}
