package extract

import "strings"

// firstPerson: the clause is about the user (or the user's household).
var firstPerson = rx(`^(?:I|I'm|we|my \w+ and I)\b`)

// discourse strips openers that carry no content ("ok so", "btw", "for
// context") so patterns can anchor at the subject.
var discourse = anchored(`^(?:(?:ok(?:ay)?|so|well|also|and|but|oh|btw|by the way|fyi|ps|hey|hi|hello|hola|honestly|actually|anyway|anyways|just so you know|for context|for reference|for the record|quick background|background|context|plus|yeah|yes|um|uh|lol|haha|currently|lately|recently|these days|nowadays|today|then|otherwise|sadly|luckily|fortunately|unfortunately|oh and)\b[,:!.]?\s*)+`)

// hedge marks an uncertain statement; it is stripped and lowers confidence.
var hedge = anchored(`^(?:I think|I guess|I believe|I suppose|I feel like|I'm pretty sure|pretty sure|probably|maybe|perhaps|apparently|I reckon)\b,?\s*(?:that\s+)?`)

// hypothetical opens a clause that is not a statement of fact. A sentence
// that opens with one is dropped whole; a clause that does is dropped with
// everything after it (its consequent).
var hypothetical = anchored(`^(?:if|suppose|supposing|imagine|pretend|let's say|lets say|say|what if|assuming|assume|hypothetically|in a world|unless|whether|even if|as if|when I was|once I|wish)\b`)

// irrealis: a first-person modal or wish inside a clause ("I would",
// "I'd love to", "I wish I"). It implements
// \b(?:I|we)(?: would|'d| could| might| wish| were| may)\b.
var irrealis = newWordSet("i would", "i'd", "i could", "i might", "i wish", "i were", "i may",
	"we would", "we'd", "we could", "we might", "we wish", "we were", "we may")

// question opens an interrogative clause.
var question = anchored(`^(?:what|what's|whats|how|how's|why|where|which|who|whom|whose|can|could|should|would|will|do|does|did|is|are|am|was|were|has|have you|any|anyone|is it|isn't|aren't|don't you|shall)\b`)

// reported marks reported speech; the clause and the rest of the sentence
// are someone else's words. It implements \b(?:said|says|...)\b.
var reported = newWordSet("said", "says", "say", "told", "tells", "tell me", "asked", "asks", "thinks",
	"believes", "claims", "claimed", "mentioned", "wrote", "texted", "insists", "keeps saying", "according to")

// clause is one clause ready for the domain rules.
type clause struct {
	text   string // canonical spelling, original case
	hedged bool
}

// clausesOf turns a message into the clauses that may state facts about the
// user: questions, hypotheticals, reported speech and quoted text are gone.
func clausesOf(text string, fast bool) []clause {
	var out []clause
	for _, s := range splitSentences(canonical(stripQuotes(text), fast)) {
		parts := splitClauses(strip(s.text, fast))
		if len(parts) > 0 && hypothetical.match(strip(parts[0], fast), fast) {
			continue
		}
		for i, p := range parts {
			p = strip(p, fast)
			hedged := false
			if h := hedge.find(p, fast); h != "" {
				hedged, p = true, strip(p[len(h):], fast)
			}
			if hypothetical.match(p, fast) || reported.within(p) {
				break // this clause and its consequents
			}
			if p == "" || question.match(p, fast) || irrealis.within(p) || strings.Contains(p, quoteMark) {
				continue
			}
			if s.question && i == len(parts)-1 {
				continue // the asked part of a question
			}
			out = append(out, clause{text: p, hedged: hedged})
		}
	}
	return out
}

func strip(s string, fast bool) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(s[len(discourse.find(s, fast)):])
	return strings.TrimRight(s, " .!?,;:")
}
