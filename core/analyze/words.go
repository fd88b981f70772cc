package analyze

// IsStopword reports whether a lower-cased token carries no retrieval
// signal on its own.
func IsStopword(tok string) bool {
	_, ok := stopwords[tok]
	return ok
}

// stopwords is a conventional English function-word list (articles,
// pronouns, auxiliaries, prepositions, conjunctions and their contractions),
// plus the question words and chat filler that every prompt contains.
// Content words are never listed, and neither are month names (a query's
// "in May" matters) or negations (handled by extraction, kept for ranking).
var stopwords = setOf(`
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't my myself nor of off on once only or other ought our ours ourselves out over
own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs
them themselves then there there's these they they'd they'll they're they've this those through to too
under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves also just really would could shall might must yes yeah ok okay
hi hello hey thanks thank please sure anyway got get gets getting lot lots thing things
something anything everything tell know let us`)

// numberWords maps spelled-out numbers to digits, so "two weeks" and
// "2 weeks" share a term.
var numberWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
	"eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
	"fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
	"hundred": "100", "thousand": "1000",
	"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
}

func setOf(words string) map[string]struct{} {
	m := make(map[string]struct{})
	start := -1
	for i := 0; i <= len(words); i++ {
		if i == len(words) || words[i] == ' ' || words[i] == '\n' {
			if start >= 0 {
				m[words[start:i]] = struct{}{}
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return m
}
