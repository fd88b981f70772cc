package when

// Number words. Cardinals compose as "twenty-one" / "twenty one"; ordinals
// as "twenty-first". Larger words (hundred, thousand) are not needed: a
// spelled-out count of a hundred days is not something people ask about.
var (
	cardinals = []string{"one", "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
		"seventeen", "eighteen", "nineteen"}
	tens     = []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	ordinals = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh",
		"eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
		"fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"}
)

// Fuzzy counts, as inclusive [lo, hi] ranges of units. "A couple" is two in
// arithmetic but often three in speech; "a few" is rarely one and rarely more
// than five; "several" starts above "a couple" and stops around a week's
// worth. A phrase "N units ago" with a fuzzy count covers every unit in the
// range; "the past N units" uses hi so the window holds all of them.
const (
	coupleLo, coupleHi   = 2, 3
	fewLo, fewHi         = 2, 5
	severalLo, severalHi = 3, 7
)

// maxCount bounds a digit count ("9999 days ago"); beyond that it is not a
// count of calendar units anyone means, and four digits keep every date
// computation far from time.Time's limits.
const maxCount = 9999

// Year bounds. A bare "in 2022" must look like a year people talk about
// (1900–2199), because "in 1500 steps" is far likelier than a question about
// the year 1500. A year that is part of a date ("May 3, 1875", 1875-05-03)
// only needs four digits.
const (
	minBareYear, maxBareYear = 1900, 2199
	minYear, maxYear         = 1000, 9999
)

// count parses a count at token k: digits (1..maxCount), a number word
// (one..ninety-nine), "a"/"an" (1), or a fuzzy count (a couple, a few,
// several). It returns the inclusive range lo..hi and the next token.
// A trailing "of" ("a couple of") is left to the caller.
func (s *scanner) count(k int) (lo, hi, next int, ok bool) {
	t := s.t(k)
	switch t.kind {
	case tNum:
		if t.flag&fOrd != 0 || t.val < 1 || t.val > maxCount || s.gluedBefore(k) || s.gluedAfter(k) {
			return 0, 0, 0, false
		}
		return t.val, t.val, k + 1, true
	case tWord:
	default:
		return 0, 0, 0, false
	}
	switch t.cls {
	case cCard:
		v, n := t.val, k+1
		if t.flag&fTens != 0 {
			u := n
			if s.punct(u, '-') && s.touches(u) && s.touches(u+1) {
				u++
			}
			if w := s.t(u); s.is(u, cCard) && w.flag&fTens == 0 && w.val < 10 {
				v, n = v+w.val, u+1
			}
		}
		return v, v, n, true
	case cKw:
		switch t.val {
		case kwA:
			switch {
			case s.kw(k+1, kwCouple):
				return coupleLo, coupleHi, k + 2, true
			case s.kw(k+1, kwFew):
				return fewLo, fewHi, k + 2, true
			}
			return 1, 1, k + 1, true
		case kwCouple:
			return coupleLo, coupleHi, k + 1, true
		case kwFew:
			return fewLo, fewHi, k + 1, true
		case kwSeveral:
			return severalLo, severalHi, k + 1, true
		}
	}
	return 0, 0, 0, false
}

// ordinalAt parses an ordinal at token k: 3rd, 21st, third, twenty-first.
func (s *scanner) ordinalAt(k int) (v, next int, ok bool) {
	t := s.t(k)
	switch {
	case t.kind == tNum && t.flag&fOrd != 0:
		if t.val < 1 || t.ndig > 2 {
			return 0, 0, false
		}
		return t.val, k + 1, true
	case s.is(k, cOrd):
		return t.val, k + 1, true
	case s.is(k, cCard) && t.flag&fTens != 0:
		u := k + 1
		if s.punct(u, '-') && s.touches(u) && s.touches(u+1) {
			u++
		}
		if w := s.t(u); s.is(u, cOrd) && w.val < 10 {
			return t.val + w.val, u + 1, true
		}
	}
	return 0, 0, false
}

// dayAt parses a day of the month at token k: 3, 03, 3rd, third,
// twenty-first. Plain digits must stand alone (not 3:30, 3.5 or 3-5);
// needOrd rejects them altogether ("May the 3rd").
func (s *scanner) dayAt(k int, needOrd bool) (d, next int, ok bool) {
	if v, n, ok := s.ordinalAt(k); ok {
		return v, n, v <= 31
	}
	t := s.t(k)
	if needOrd || t.kind != tNum || t.ndig > 2 || t.val < 1 || t.val > 31 || s.gluedAfter(k) {
		return 0, 0, false
	}
	return t.val, k + 1, true
}

// yearAt parses a standalone four-digit year in [lo, hi] at token k.
func (s *scanner) yearAt(k, lo, hi int) (int, bool) {
	t := s.t(k)
	if t.kind != tNum || t.ndig != 4 || t.flag&fOrd != 0 || t.val < lo || t.val > hi ||
		s.gluedBefore(k) || s.gluedAfter(k) {
		return 0, false
	}
	return t.val, true
}

// trailingYear parses an optional year after a month or date: "2023",
// ", 2023", "of 2023". It returns the token after the year.
func (s *scanner) trailingYear(k int) (y, next int, ok bool) {
	if s.punct(k, ',') || s.kw(k, kwOf) {
		k++
	}
	y, ok = s.yearAt(k, minYear, maxYear)
	return y, k + 1, ok
}

// pluralNoun reports whether token k is an unknown word that looks like a
// plural noun, so that "in 2000 steps" is a quantity, not a year. Common
// words ending in s that follow a year ("in 2022 was", "in 2019 his") are
// exempt.
func (s *scanner) pluralNoun(k int) bool {
	t := s.t(k)
	if t.kind == tWord && t.cls == cUnit && t.flag&fPlural != 0 {
		return true // in 2000 days
	}
	if t.kind != tWord || t.cls != cNone || t.flag&fPoss != 0 || t.end-t.start < 2 {
		return false
	}
	w := s.text[t.start:t.end]
	if lower(w[len(w)-1]) != 's' {
		return false
	}
	for _, x := range notPlural {
		if len(x) == len(w) && equalFold(x, w) {
			return false
		}
	}
	return true
}

var notPlural = []string{"was", "is", "has", "does", "as", "its", "his", "us", "yes",
	"plus", "always", "perhaps", "unless", "whereas", "across", "thus"}

// equalFold compares an ASCII lower-case word with text case-insensitively.
func equalFold(lowerWord, text string) bool {
	for i := 0; i < len(lowerWord); i++ {
		if lower(text[i]) != lowerWord[i] {
			return false
		}
	}
	return true
}
