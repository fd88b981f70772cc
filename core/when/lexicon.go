package when

// class is the lexicon class of a known word.
type class uint8

const (
	cNone    class = iota // not in the lexicon
	cKw                   // keyword: val is a kw* constant
	cMonth                // val 1..12
	cWeekday              // val is time.Weekday (Sunday = 0)
	cUnit                 // val is a unit
	cCard                 // cardinal number word: val 1..19, or tens (fTens)
	cOrd                  // ordinal number word: val 1..20, 30
	cSeason               // val is a season
	cHoliday              // val is a holiday
	cPart                 // part of a day: val is a part
)

// Keywords. The prepositions come first so isPrep is a range check.
const (
	kwNone = iota
	kwIn
	kwOn
	kwDuring
	kwOver
	kwSince
	kwThroughout
	kwAt
	kwAround
	kwFor
	kwCtx // pseudo-preposition: the caller supplies context ("of", "early")
	kwThe
	kwLast
	kwThis
	kwNext
	kwPast
	kwPrevious
	kwComing
	kwAgo
	kwBefore
	kwAfter
	kwOf
	kwEvery
	kwEach
	kwPer
	kwOther
	kwA
	kwCouple
	kwFew
	kwSeveral
	kwToday
	kwTonight
	kwYesterday
	kwTomorrow
	kwRecently
	kwLately
	kwEarly
	kwMid
	kwMiddle
	kwLate
	kwBeginning
	kwStart
	kwEnd
	kwNew
	kwEve
)

// isPrep reports whether keyword w is a preposition that may lead a phrase.
func isPrep(w int) bool { return w >= kwIn && w <= kwFor }

// entry is one lexicon word.
type entry struct {
	cls  class
	val  int8
	flag flag
}

// lexicon maps every lower-case word the scanner understands to its entry.
// Anything else is an unknown word and never starts or continues a phrase.
var lexicon = buildLexicon()

// lexFilter is a one-hash Bloom filter over the lexicon: most words in a
// prompt are not time words, and the filter rejects them without hashing
// the whole word for a map lookup.
var lexFilter = func() (f [lexFilterWords]uint64) {
	for w := range lexicon {
		h := lexHash(w)
		f[h/64] |= 1 << (h % 64)
	}
	return f
}()

// lexFilterWords sizes the filter at 2048 bits, about ten per lexicon word,
// so roughly nine in ten other words are rejected.
const lexFilterWords = 32

// lexHash mixes a lower-case word's length and first, second and last bytes.
func lexHash(w string) uint {
	h := uint(len(w))*0x9E37 ^ uint(w[0])*0x85EB ^ uint(w[len(w)-1])*0xC2B2
	if len(w) > 1 {
		h ^= uint(w[1]) * 0x27D4
	}
	h ^= h >> 7
	return h % (lexFilterWords * 64)
}

// lookup returns the lexicon entry of a lower-case word.
func lookup(w []byte) (entry, bool) {
	if len(w) == 0 {
		return entry{}, false
	}
	if h := lexHash(string(w)); lexFilter[h/64]&(1<<(h%64)) == 0 {
		return entry{}, false
	}
	e, ok := lexicon[string(w)]
	return e, ok
}

func buildLexicon() map[string]entry {
	m := make(map[string]entry, 192)
	add := func(c class, v int, f flag, words ...string) {
		for _, w := range words {
			m[w] = entry{cls: c, val: int8(v), flag: f}
		}
	}
	kws := []struct {
		v     int
		words []string
	}{
		{kwIn, []string{"in"}}, {kwOn, []string{"on"}}, {kwDuring, []string{"during"}},
		{kwOver, []string{"over"}}, {kwSince, []string{"since"}}, {kwThroughout, []string{"throughout"}},
		{kwAt, []string{"at"}}, {kwAround, []string{"around"}}, {kwFor, []string{"for"}},
		{kwThe, []string{"the"}}, {kwLast, []string{"last"}}, {kwThis, []string{"this"}},
		{kwNext, []string{"next"}}, {kwPast, []string{"past"}}, {kwPrevious, []string{"previous"}},
		{kwComing, []string{"coming"}}, {kwAgo, []string{"ago"}}, {kwBefore, []string{"before"}},
		{kwAfter, []string{"after"}}, {kwOf, []string{"of"}}, {kwEvery, []string{"every"}},
		{kwEach, []string{"each"}}, {kwPer, []string{"per"}}, {kwOther, []string{"other"}},
		{kwA, []string{"a", "an"}}, {kwCouple, []string{"couple"}}, {kwFew, []string{"few"}},
		{kwSeveral, []string{"several"}}, {kwToday, []string{"today"}}, {kwTonight, []string{"tonight"}},
		{kwYesterday, []string{"yesterday"}}, {kwTomorrow, []string{"tomorrow"}},
		{kwRecently, []string{"recently"}}, {kwLately, []string{"lately"}}, {kwEarly, []string{"early"}},
		{kwMid, []string{"mid"}}, {kwMiddle, []string{"middle"}}, {kwLate, []string{"late"}},
		{kwBeginning, []string{"beginning"}}, {kwStart, []string{"start"}}, {kwEnd, []string{"end"}},
		{kwNew, []string{"new"}}, {kwEve, []string{"eve"}},
	}
	for _, k := range kws {
		add(cKw, k.v, 0, k.words...)
	}

	months := []string{"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"}
	for i, w := range months {
		f := flag(0)
		if w == "may" || w == "march" {
			f = fAmbig
		}
		add(cMonth, i+1, f, w)
	}
	// Abbreviations double as names and words (jan, mar, sat), so they need
	// context just like may and march.
	for i, w := range []string{"jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if w != "" {
			add(cMonth, i+1, fAmbig|fAbbr, w)
		}
	}
	add(cMonth, 9, fAmbig|fAbbr, "sept")

	for i, w := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		add(cWeekday, i, 0, w)
	}

	add(cUnit, int(uMinute), 0, "minute", "min")
	add(cUnit, int(uMinute), fPlural, "minutes", "mins")
	add(cUnit, int(uHour), 0, "hour", "hr")
	add(cUnit, int(uHour), fPlural, "hours", "hrs")
	add(cUnit, int(uDay), 0, "day")
	add(cUnit, int(uDay), fPlural, "days")
	add(cUnit, int(uWeek), 0, "week")
	add(cUnit, int(uWeek), fPlural, "weeks")
	add(cUnit, int(uMonth), 0, "month")
	add(cUnit, int(uMonth), fPlural, "months")
	add(cUnit, int(uYear), 0, "year", "yr")
	add(cUnit, int(uYear), fPlural, "years", "yrs")
	add(cUnit, int(uWeekend), 0, "weekend")
	add(cUnit, int(uWeekend), fPlural, "weekends")

	for i, w := range cardinals {
		add(cCard, i+1, 0, w)
	}
	for i, w := range tens {
		add(cCard, (i+2)*10, fTens, w)
	}
	for i, w := range ordinals {
		add(cOrd, i+1, 0, w)
	}
	add(cOrd, 30, 0, "thirtieth")

	add(cSeason, int(spring), 0, "spring")
	add(cSeason, int(summer), 0, "summer")
	add(cSeason, int(autumn), 0, "autumn")
	add(cSeason, int(autumn), fAmbig, "fall")
	add(cSeason, int(winter), 0, "winter")

	add(cHoliday, int(hChristmas), 0, "christmas", "xmas")
	add(cHoliday, int(hValentine), 0, "valentine", "valentines")
	add(cHoliday, int(hThanksgiving), 0, "thanksgiving")
	add(cHoliday, int(hEaster), 0, "easter")
	add(cHoliday, int(hHalloween), 0, "halloween")

	add(cPart, int(pMorning), 0, "morning")
	add(cPart, int(pAfternoon), 0, "afternoon")
	add(cPart, int(pEvening), 0, "evening")
	add(cPart, int(pNight), 0, "night")
	return m
}
