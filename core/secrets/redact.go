package secrets

import (
	"sort"
	"strings"
)

// detectors run in this order; on overlap the earliest-starting, longest
// span wins, so the order only matters for ties.
var detectors = []detector{
	findPrivateKeys,
	findTokens,
	findGenericTokens,
	findPasswords,
	findCards,
	findGovernmentIDs,
	findIBANs,
}

// maxPasses bounds the fixpoint loop in Redact. Each pass replaces at least
// one secret or stops, and in practice the second pass finds nothing; the
// bound keeps work linear in the text on adversarial input.
const maxPasses = 4

// maxRescans is how many distinct secrets per pass are searched for again
// elsewhere in the text.
const maxRescans = 64

// Redact replaces every secret in text with its kind's placeholder (for
// example "[redacted api key]") and returns the kinds found, one per
// redacted occurrence, in text order. Text without secrets is returned
// unchanged. Placeholders already in text are left alone, so
// Redact(Redact(x)) finds nothing.
func Redact(text string) (clean string, found []Kind) {
	clean, found, _ = redact(text)
	return clean, found
}

// redact is Redact that also returns the secret strings it removed, for
// tests.
func redact(text string) (string, []Kind, []string) {
	var found []Kind
	var removed []string
	for pass := 0; pass < maxPasses; pass++ {
		spans := detect(text)
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

// detect runs all detectors, drops candidates that touch an existing
// placeholder, adds every other occurrence of each secret, and merges.
func detect(text string) []span {
	f := scan(text)
	var held []span
	if f.has(hintPlaceholder) {
		held = merge(placeholderSpans(text))
	}
	free := func(s span) bool {
		// held is sorted and disjoint: find the first placeholder ending
		// after s starts; s is free unless that one also starts before s ends.
		i := sort.Search(len(held), func(i int) bool { return held[i].end > s.start })
		if i < len(held) && held[i].start < s.end {
			return false
		}
		return s.end > s.start && !inPlaceholder(text[s.start:s.end])
	}
	var spans []span
	for _, d := range detectors {
		for _, s := range d(text, &f) {
			if free(s) {
				spans = append(spans, s)
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	// A secret repeated elsewhere in the message must not survive there.
	// Each distinct secret costs one scan of the text; maxRescans bounds
	// that on adversarial input (a real message holds a handful).
	seen := map[string]bool{}
	for _, s := range spans[:len(spans):len(spans)] {
		secret := text[s.start:s.end]
		if seen[secret] || len(seen) >= maxRescans {
			continue
		}
		seen[secret] = true
		for i := 0; ; {
			j := strings.Index(text[i:], secret)
			if j < 0 {
				break
			}
			o := span{start: i + j, end: i + j + len(secret), kind: s.kind}
			if free(o) {
				spans = append(spans, o)
			}
			i = o.end
		}
	}
	return merge(spans)
}
