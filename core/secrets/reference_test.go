package secrets

// This file keeps the original, regexp-only implementation of Redact as a
// reference for the differential tests (diff_test.go). Do not optimise it:
// it defines the behaviour the fast paths must reproduce.

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// --- card.go

// refDigitRun matches digits in groups separated by single spaces or dashes,
// the way card numbers are written ("4111 1111 1111 1111", "4111-1111-...").
var refDigitRun = regexp.MustCompile(`\d+(?:[ -]\d+)*`)

// refFindCards looks for payment card numbers: 13 to 19 digits that pass the
// Luhn check and start with an issuer digit (2-6: Mastercard, Amex, Diners,
// JCB, Visa, Discover, UnionPay). Inside a longer run of digit groups (a
// card number followed by an expiry date) it tries each contiguous run of
// whole groups, so a number is never split mid-refGroup, which keeps order
// numbers and phone numbers that merely contain a Luhn-valid substring out.
func refFindCards(text string) []refSpan {
	var out []refSpan
	for _, m := range refDigitRun.FindAllStringIndex(text, -1) {
		if m[0] > 0 && refIsWordByte(text[m[0]-1]) || m[1] < len(text) && refIsWordByte(text[m[1]]) {
			continue // part of an identifier like "A1234..." or "1234x"
		}
		if m[0] > 0 && text[m[0]-1] == '+' {
			continue // an international phone number
		}
		out = append(out, refCardsInRun(text, m[0], m[1])...)
	}
	return out
}

type refGroup struct{ start, end int }

func refCardsInRun(text string, start, end int) []refSpan {
	var groups []refGroup
	for i := start; i < end; {
		j := i
		for j < end && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		groups = append(groups, refGroup{i, j})
		i = j + 1 // skip the separator
	}
	var out []refSpan
	for i := 0; i < len(groups); {
		best := -1
		digits := 0
		for j := i; j < len(groups); j++ {
			digits += groups[j].end - groups[j].start
			if digits > 19 {
				break
			}
			if digits >= 13 && refIsCard(text[groups[i].start:groups[j].end]) {
				best = j
			}
		}
		if best < 0 {
			i++
			continue
		}
		out = append(out, refSpan{start: groups[i].start, end: groups[best].end, kind: CardNumber})
		i = best + 1
	}
	return out
}

// refIsCard reports whether s (digits with separators) is a plausible card
// number: issuer digit, one kind of separator, Luhn-valid.
func refIsCard(s string) bool {
	var digits []byte
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits = append(digits, c-'0')
			continue
		}
		if sep != 0 && c != sep {
			return false
		}
		sep = c
	}
	if len(digits) < 13 || len(digits) > 19 || digits[0] < 2 || digits[0] > 6 {
		return false
	}
	return refLuhn(digits)
}

// refLuhn checks the Luhn (mod 10) check digit.
func refLuhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i])
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func refIsWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// --- govid.go

// refSsnDashed matches the written form of a US Social Security number; ranges
// are checked in refValidSSN. refSsnLabelled matches nine digits in other layouts
// when the text names them as an SSN.
var (
	refSsnDashed   = regexp.MustCompile(`\b(\d{3})-(\d{2})-(\d{4})\b`)
	refSsnLabelled = regexp.MustCompile(`(?i)\b(?:ssn|social security(?: number| no\.?| #)?)\b[^\d\n]{0,20}(\d{3} ?\d{2} ?\d{4})\b`)
)

// refUkNINO matches a UK National Insurance number: two prefix letters (D, F,
// I, Q, U, V never; O never second), six digits, suffix A-D. The disallowed
// prefixes BG, GB, KN, NK, NT, TN, ZZ are checked in refFindGovernmentIDs.
var refUkNINO = regexp.MustCompile(`(?i)\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`)

var refBadNINOPrefix = map[string]bool{"BG": true, "GB": true, "KN": true, "NK": true, "NT": true, "TN": true, "ZZ": true}

func refFindGovernmentIDs(text string) []refSpan {
	var out []refSpan
	for _, m := range refSsnDashed.FindAllStringSubmatchIndex(text, -1) {
		// "123-45-6789-10" or "1-123-45-6789" are other numbers.
		if m[0] > 0 && text[m[0]-1] == '-' || m[1] < len(text) && text[m[1]] == '-' {
			continue
		}
		if refValidSSN(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]) {
			out = append(out, refSpan{start: m[0], end: m[1], kind: GovernmentID})
		}
	}
	for _, m := range refSsnLabelled.FindAllStringSubmatchIndex(text, -1) {
		d := strings.ReplaceAll(text[m[2]:m[3]], " ", "")
		if refValidSSN(d[:3], d[3:5], d[5:]) {
			out = append(out, refSpan{start: m[2], end: m[3], kind: GovernmentID})
		}
	}
	for _, m := range refUkNINO.FindAllStringSubmatchIndex(text, -1) {
		if !refBadNINOPrefix[strings.ToUpper(text[m[2]:m[3]])] {
			out = append(out, refSpan{start: m[0], end: m[1], kind: GovernmentID})
		}
	}
	return out
}

// refValidSSN applies the SSA's assignment rules: area 001-899 except 666,
// refGroup 01-99, serial 0001-9999.
func refValidSSN(area, refGroup, serial string) bool {
	a, _ := strconv.Atoi(area)
	g, _ := strconv.Atoi(refGroup)
	s, _ := strconv.Atoi(serial)
	return a > 0 && a < 900 && a != 666 && g > 0 && s > 0
}

// --- iban.go

// refIbanPattern matches an IBAN written compactly or in groups of four:
// country code, two check digits, then the account (BBAN). Upper case only:
// lower-case strings of this shape are usually identifiers.
var refIbanPattern = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)

func refFindIBANs(text string) []refSpan {
	var out []refSpan
	for _, m := range refIbanPattern.FindAllStringIndex(text, -1) {
		if refValidIBAN(text[m[0]:m[1]]) {
			out = append(out, refSpan{start: m[0], end: m[1], kind: BankAccount})
		}
	}
	return out
}

// refValidIBAN checks length (15-34) and the ISO 7064 mod-97-10 checksum: move
// the first four characters to the end, read letters as 10..35, and the
// number must be 1 mod 97.
func refValidIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// --- password.go

// refStatedPassword matches a password stated in prose: a keyword, optionally
// what it is for ("password for my bank account"), a verb or separator, then
// the value (refGroup 1). Only the first whitespace-delimited word is taken;
// quoted values may not contain the quote. Values never contain square
// brackets, so a secret can never straddle a placeholder's edge.
//
//	my password is hunter2        pw: hunter2
//	the passcode to the gate was 4417
//	wifi password = "s3cret pass" (redacts s3cret)
var refStatedPassword = regexp.MustCompile(`(?i)\b(?:password|passwd|passcode|passphrase|pass code|pwd|pw|pin|pin code)s?\b` +
	`(?:\s+(?:for|to|on|of)\s+(?:my\s+|the\s+|our\s+)?[\w.@-]+(?:\s+(?:account|app|wifi|router|phone|laptop|door))?)?` +
	`\s*(?:[:=]|\bis\b|\bwas\b|'s\b)\s*(?:(?:now|still|currently|just|set to|changed to)\s+)?` +
	"[\"'`“‘]?" + "([^\\s\"'`“”‘’\\[\\]]{3,})")

// refNotPasswords are words that follow "password is" in ordinary talk about
// passwords rather than stating one.
var refNotPasswords = map[string]bool{
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

func refFindPasswords(text string) []refSpan {
	var out []refSpan
	for _, m := range refStatedPassword.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[2], m[3]
		v := text[start:end]
		// Sentence punctuation after the value is not part of it.
		trimmed := strings.TrimRight(v, ".,;:?)!")
		if len(trimmed) >= 3 {
			end = start + len(trimmed)
			v = trimmed
		}
		if refNotPasswords[strings.ToLower(v)] {
			continue
		}
		out = append(out, refSpan{start: start, end: end, kind: Password})
	}
	return out
}

// --- pem.go

// refPemPrivateKey matches a PEM private key block (PKCS#1, PKCS#8, SEC 1,
// OpenSSH, PGP). A block pasted without its END line is redacted to the end
// of the text, since everything after BEGIN is key material.
var refPemPrivateKey = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)

func refFindPrivateKeys(text string) []refSpan {
	var out []refSpan
	for _, m := range refPemPrivateKey.FindAllStringIndex(text, -1) {
		out = append(out, refSpan{start: m[0], end: m[1], kind: PrivateKey})
	}
	return out
}

// --- refRedact.go

// refDetectors run in this order; on overlap the earliest-starting, longest
// refSpan wins, so the order only matters for ties.
var refDetectors = []refDetector{
	refFindPrivateKeys,
	refFindTokens,
	refFindGenericTokens,
	refFindPasswords,
	refFindCards,
	refFindGovernmentIDs,
	refFindIBANs,
}

// refMaxPasses bounds the fixpoint loop in Redact. Each pass replaces at least
// one secret or stops, and in practice the second pass finds nothing; the
// bound keeps work linear in the text on adversarial input.
const refMaxPasses = 4

// refMaxRescans is how many distinct secrets per pass are searched for again
// elsewhere in the text.
const refMaxRescans = 64

// refRedact is Redact that also returns the secret strings it removed, for
// tests.
func refRedact(text string) (string, []Kind, []string) {
	var found []Kind
	var removed []string
	for pass := 0; pass < refMaxPasses; pass++ {
		spans := refDetect(text)
		if len(spans) == 0 {
			break
		}
		var b strings.Builder
		b.Grow(len(text))
		last := 0
		for _, s := range spans {
			b.WriteString(text[last:s.start])
			b.WriteString(s.kind.Placeholder())
			found = append(found, s.kind)
			removed = append(removed, text[s.start:s.end])
			last = s.end
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text, found, removed
}

// refDetect runs all refDetectors, drops candidates that touch an existing
// placeholder, adds every other occurrence of each secret, and merges.
func refDetect(text string) []refSpan {
	held := refMerge(refPlaceholderSpans(text))
	free := func(s refSpan) bool {
		// held is sorted and disjoint: find the first placeholder ending
		// after s starts; s is free unless that one also starts before s ends.
		i := sort.Search(len(held), func(i int) bool { return held[i].end > s.start })
		if i < len(held) && held[i].start < s.end {
			return false
		}
		return s.end > s.start && !refInPlaceholder(text[s.start:s.end])
	}
	var spans []refSpan
	for _, d := range refDetectors {
		for _, s := range d(text) {
			if free(s) {
				spans = append(spans, s)
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	// A secret repeated elsewhere in the message must not survive there.
	// Each distinct secret costs one scan of the text; refMaxRescans bounds
	// that on adversarial input (a real message holds a handful).
	seen := map[string]bool{}
	for _, s := range spans[:len(spans):len(spans)] {
		secret := text[s.start:s.end]
		if seen[secret] || len(seen) >= refMaxRescans {
			continue
		}
		seen[secret] = true
		for i := 0; ; {
			j := strings.Index(text[i:], secret)
			if j < 0 {
				break
			}
			o := refSpan{start: i + j, end: i + j + len(secret), kind: s.kind}
			if free(o) {
				spans = append(spans, o)
			}
			i = o.end
		}
	}
	return refMerge(spans)
}

// --- tokens.go

// refTokenPatterns match API keys and tokens by their vendor prefix. The whole
// match is the secret.
var refTokenPatterns = []*regexp.Regexp{
	// OpenAI (sk-, sk-proj-, ...) and Anthropic (sk-ant-...) keys.
	regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
	// Stripe-style live/test keys.
	regexp.MustCompile(`\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}`),
	// GitHub classic and fine-grained tokens.
	regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{30,}`),
	regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`),
	// AWS access key ids.
	regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`),
	// Slack tokens.
	regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`),
	// Google API keys.
	regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`),
	// JSON Web Tokens: base64url header and payload (both JSON objects, so
	// both start "eyJ"), then a signature.
	regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}`),
}

func refFindTokens(text string) []refSpan {
	var out []refSpan
	for _, re := range refTokenPatterns {
		for _, m := range re.FindAllStringIndex(text, -1) {
			out = append(out, refSpan{start: m[0], end: m[1], kind: APIKey})
		}
	}
	return out
}

// refGenericToken matches "api key: <value>", "token = <value>", "client secret
// is <value>" and the like; refGroup 1 is the value.
var refGenericToken = regexp.MustCompile(`(?i)\b(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|access[ _-]?token|auth[ _-]?token|refresh[ _-]?token|client[ _-]?secret|token|secret|bearer)s?\b["']?\s*(?:[:=]|\bis\b|\bbearer\b)?\s*["']?([A-Za-z0-9_\-./+=~]{16,})`)

// Thresholds for a generic token value to count as a secret: random keys
// mix letters and digits and have high per-character entropy, unlike words
// ("authentication") or ordinary numbers.
const (
	refMinTokenEntropy = 3.0 // bits per character
)

func refFindGenericTokens(text string) []refSpan {
	var out []refSpan
	for _, m := range refGenericToken.FindAllStringSubmatchIndex(text, -1) {
		v := text[m[2]:m[3]]
		if refHighEntropy(v) {
			out = append(out, refSpan{start: m[2], end: m[3], kind: APIKey})
		}
	}
	return out
}

// refHighEntropy reports whether s looks like a random key: it has letters
// and digits and at least refMinTokenEntropy bits of entropy per character.
func refHighEntropy(s string) bool {
	var letters, digits bool
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters = true
		}
	}
	if !letters || !digits {
		return false
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h >= refMinTokenEntropy
}

// --- kind.go

// refInPlaceholder reports whether s occurs inside some placeholder, so that
// redacting it would make the output still "contain" it (e.g. a stated
// password "redacted"). Such strings are words, not secrets.
func refInPlaceholder(s string) bool {
	for _, k := range Kinds {
		if strings.Contains(k.Placeholder(), s) {
			return true
		}
	}
	return false
}

// refPlaceholderSpans returns the byte ranges of placeholders already in text.
func refPlaceholderSpans(text string) []refSpan {
	var out []refSpan
	for _, k := range Kinds {
		p := k.Placeholder()
		for i := 0; ; {
			j := strings.Index(text[i:], p)
			if j < 0 {
				break
			}
			out = append(out, refSpan{start: i + j, end: i + j + len(p), kind: k})
			i += j + len(p)
		}
	}
	return out
}

// --- refSpan.go

// refSpan is a detected secret: text[start:end] is the secret itself (not the
// words around it).
type refSpan struct {
	start, end int
	kind       Kind
}

func (s refSpan) overlaps(o refSpan) bool { return s.start < o.end && o.start < s.end }

// refDetector finds candidate secrets in text.
type refDetector func(text string) []refSpan

// refMerge sorts spans and joins overlapping ones; the earlier (then longer)
// refSpan's kind wins.
func refMerge(spans []refSpan) []refSpan {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var out []refSpan
	for _, s := range spans {
		if n := len(out); n > 0 && s.start < out[n-1].end {
			if s.end > out[n-1].end {
				out[n-1].end = s.end
			}
			continue
		}
		out = append(out, s)
	}
	return out
}
