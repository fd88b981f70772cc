package secrets

import (
	"strings"
)

// statedPassword matches a password stated in prose: a keyword, optionally
// what it is for ("password for my bank account"), a verb or separator, then
// the value (group 1). Only the first whitespace-delimited word is taken;
// quoted values may not contain the quote. Values never contain square
// brackets, so a secret can never straddle a placeholder's edge.
//
//	my password is hunter2        pw: hunter2
//	the passcode to the gate was 4417
//	wifi password = "s3cret pass" (redacts s3cret)
var statedPassword = lazy(`(?i)\b(?:password|passwd|passcode|passphrase|pass code|pwd|pw|pin|pin code)s?\b` +
	`(?:\s+(?:for|to|on|of)\s+(?:my\s+|the\s+|our\s+)?[\w.@-]+(?:\s+(?:account|app|wifi|router|phone|laptop|door))?)?` +
	`\s*(?:[:=]|\bis\b|\bwas\b|'s\b)\s*(?:(?:now|still|currently|just|set to|changed to)\s+)?` +
	"[\"'`“‘]?" + "([^\\s\"'`“”‘’\\[\\]]{3,})")

// notPasswords are words that follow "password is" in ordinary talk about
// passwords rather than stating one.
var notPasswords = map[string]bool{
	"the": true, "too": true, "not": true, "wrong": true, "incorrect": true, "correct": true,
	"required": true, "invalid": true, "expired": true, "same": true, "different": true,
	"weak": true, "strong": true, "long": true, "short": true, "reset": true, "changed": true,
	"saved": true, "stored": true, "hidden": true, "empty": true, "blank": true, "missing": true,
	"something": true, "what": true, "my": true, "your": true, "his": true, "her": true,
	"their": true, "our": true, "very": true, "really": true, "being": true, "also": true,
	"and": true, "but": true, "that": true, "this": true, "for": true, "you": true, "all": true,
	"case": true, "easy": true, "hard": true, "secure": true, "insecure": true, "fine": true,
	"ok": true, "okay": true, "enough": true, "set": true, "needed": true, "protected": true,
	"manager": true, "managers": true, "policy": true, "field": true, "stuff": true, "like": true,
	"same.": true, "one": true, "only": true, "just": true, "still": true, "now": true,
}

func findPasswords(text string, f *features) []span {
	var out []span
	if !f.has(hintPassword | hintFold) {
		return nil
	}
	for _, m := range statedPassword().FindAllStringSubmatchIndex(text, -1) {
		start, end := m[2], m[3]
		v := text[start:end]
		// Sentence punctuation after the value is not part of it.
		trimmed := strings.TrimRight(v, ".,;:?)!")
		if len(trimmed) >= 3 {
			end = start + len(trimmed)
			v = trimmed
		}
		if notPasswords[strings.ToLower(v)] {
			continue
		}
		out = append(out, span{start: start, end: end, kind: Password})
	}
	return out
}
