package when

import "time"

// season is a northern-hemisphere meteorological season.
type season uint8

const (
	spring season = iota // March–May
	summer               // June–August
	autumn               // September–November
	winter               // December–February; winter Y starts in December of Y
)

// seasonStart is the first month of each season. Meteorological seasons
// (whole months) are used rather than astronomical ones (solstices and
// equinoxes, around the 21st) because people mean months, and whole months
// make "early summer" and "late winter" split cleanly.
var seasonStart = [4]time.Month{time.March, time.June, time.September, time.December}

// number handles a phrase that starts with digits at token j.
func (s *scanner) number(j, prep int) (span, int, bool) {
	t := s.t(j)
	if t.flag&fOrd != 0 {
		return s.ordinal(j, prep)
	}
	if sp, n, ok := s.numericDate(j); ok {
		return sp, n, true
	}
	if sp, n, ok := s.dayFirst(j); ok {
		return sp, n, true
	}
	if sp, n, ok := s.ago(j); ok {
		return sp, n, true
	}
	switch prep {
	case kwIn, kwDuring, kwThroughout, kwSince, kwFor, kwCtx:
		if y, ok := s.yearAt(j, minBareYear, maxBareYear); ok && !s.pluralNoun(j+1) {
			st := s.date(y, time.January, 1)
			return span{st, st.AddDate(1, 0, 0)}, j + 1, true
		}
	}
	return fail()
}

// numericDate handles 2023-05-03, 2023/05/03, 5/3/2023 (US: month first),
// 25/12/2023 (day first, only when the first number cannot be a month) and
// 2023-05 (a month). The parts must touch; 2023-05-03T10:00 keeps its date.
func (s *scanner) numericDate(j int) (span, int, bool) {
	sep := s.t(j + 1)
	if sep.kind != tPunct || sep.val != '-' && sep.val != '/' || !s.touches(j+1) || !s.touches(j+2) ||
		s.t(j+2).kind != tNum || s.gluedBefore(j) {
		return fail()
	}
	a, b := s.t(j), s.t(j+2)
	if s.punct(j+3, byte(sep.val)) && s.touches(j+3) && s.touches(j+4) && s.t(j+4).kind == tNum {
		c := s.t(j + 4)
		if s.gluedAfter(j+4) && !s.timeAt(j+5) {
			return fail()
		}
		var y, m, d int
		switch {
		case a.ndig == 4 && b.ndig <= 2 && c.ndig <= 2:
			y, m, d = a.val, b.val, c.val
		case a.ndig <= 2 && b.ndig <= 2 && c.ndig == 4:
			y, m, d = c.val, a.val, b.val
			if m > 12 {
				m, d = d, m // 25/12/2023 can only be day first
			}
		default:
			return fail()
		}
		if y < minYear || !validDate(y, time.Month(m), d) {
			return fail()
		}
		return daySpan(s.date(y, time.Month(m), d)), j + 5, true
	}
	if a.ndig == 4 && b.ndig == 2 && a.val >= minYear && b.val >= 1 && b.val <= 12 && !s.gluedAfter(j+2) {
		return s.monthSpan(a.val, time.Month(b.val)), j + 3, true
	}
	return fail()
}

// timeAt reports whether token k is the T10:00 of an ISO 8601 timestamp.
func (s *scanner) timeAt(k int) bool {
	t := s.t(k)
	return t.kind == tOther && s.touches(k) && (s.text[t.start] == 'T' || s.text[t.start] == 't')
}

func (s *scanner) monthSpan(y int, m time.Month) span {
	st := s.date(y, m, 1)
	return span{st, st.AddDate(0, 1, 0)}
}

// dateSpan returns the day y-m-d. Without a year it is the most recent such
// day not after today (a Feb 29 looks back to the last leap year).
func (s *scanner) dateSpan(y int, hasYear bool, m time.Month, d int) (span, bool) {
	if hasYear {
		if !validDate(y, m, d) {
			return span{}, false
		}
		return daySpan(s.date(y, m, d)), true
	}
	y = s.now.Year()
	for i := 0; i < 8; i++ {
		if validDate(y, m, d) && !s.date(y, m, d).After(s.today) {
			return daySpan(s.date(y, m, d)), true
		}
		y--
	}
	return span{}, false
}

// dayFirst handles "3 May", "3rd of May", "the 3rd of May 2023" from the
// day at token j.
func (s *scanner) dayFirst(j int) (span, int, bool) {
	d, k, ok := s.dayAt(j, false)
	if !ok {
		return fail()
	}
	if s.kw(k, kwOf) {
		k++
	}
	if !s.is(k, cMonth) {
		return fail()
	}
	m := time.Month(s.t(k).val)
	k = s.skipAbbrDot(k)
	y, n, hasYear := s.trailingYear(k)
	if !hasYear {
		n = k
	}
	sp, ok := s.dateSpan(y, hasYear, m, d)
	return sp, n, ok
}

// skipAbbrDot returns the token after month token k, skipping the period of
// an abbreviation ("Dec. 3").
func (s *scanner) skipAbbrDot(k int) int {
	if s.t(k).flag&fAbbr != 0 && s.punct(k+1, '.') && s.touches(k+1) {
		return k + 2
	}
	return k + 1
}

// ordinal handles a phrase that starts with an ordinal at token k: "the
// first week of March", "3rd of May", "on the 5th".
func (s *scanner) ordinal(k, prep int) (span, int, bool) {
	d, n, ok := s.ordinalAt(k)
	if !ok {
		return fail()
	}
	if u, plural, ok := s.unitAt(n); ok && u == uWeek && !plural && s.kw(n+1, kwOf) && d <= 5 {
		return s.weekOf(n+2, d)
	}
	if sp, next, ok := s.dayFirst(k); ok {
		return sp, next, true
	}
	// "on the 5th": the most recent 5th not after today, unless a noun
	// follows ("on the 2nd floor", "on the first try").
	if (prep == kwOn || prep == kwSince) && d <= 31 && s.clauseEnd(n) {
		y, m := s.now.Year(), s.now.Month()
		for i := 0; i < 3; i++ {
			if validDate(y, m, d) && !s.date(y, m, d).After(s.today) {
				return daySpan(s.date(y, m, d)), n, true
			}
			if m--; m < time.January {
				m, y = time.December, y-1
			}
		}
	}
	return fail()
}

// month handles a month name at token k: "May 3", "May 3rd, 2023", "May the
// 3rd", "May 2023", "May of 2023", and the month alone. may, march and the
// abbreviations are also ordinary words, so alone they need a preposition or
// a relation word: "in May", "last March".
func (s *scanner) month(k, prep int, r rel) (span, int, bool) {
	t := s.t(k)
	m := time.Month(t.val)
	n := s.skipAbbrDot(k)
	if r == relNone {
		dk, needOrd := n, false
		if s.kw(dk, kwThe) {
			dk, needOrd = dk+1, true
		}
		if d, k2, ok := s.dayAt(dk, needOrd); ok {
			y, k3, hasYear := s.trailingYear(k2)
			if !hasYear {
				k3 = k2
			}
			if sp, ok := s.dateSpan(y, hasYear, m, d); ok {
				return sp, k3, true
			}
		}
		if y, k2, ok := s.trailingYear(n); ok {
			return s.monthSpan(y, m), k2, true
		}
	}
	if t.flag&fAmbig != 0 && prep == kwNone && r == relNone {
		return fail()
	}
	y, cur := s.now.Year(), s.now.Month()
	switch r {
	case relNone: // the most recent one that has begun
		if m > cur {
			y--
		}
	case relLast: // the most recent one before this month
		if m >= cur {
			y--
		}
	case relNext: // the first one after this month
		if m <= cur {
			y++
		}
	}
	return s.monthSpan(y, m), k + 1, true
}

// dateOnly parses a single-day date at token n (after a weekday).
func (s *scanner) dateOnly(n int) (span, int, bool) {
	var sp span
	var next int
	var ok bool
	switch t := s.t(n); {
	case t.kind == tNum:
		if sp, next, ok = s.numericDate(n); !ok {
			sp, next, ok = s.dayFirst(n)
		}
	case s.is(n, cMonth):
		sp, next, ok = s.month(n, kwCtx, relNone)
	}
	if !ok || !isDay(sp) {
		return fail()
	}
	return sp, next, true
}

// season handles a season name at token k. Alone it needs a preposition or
// relation word ("in the fall", "last summer") or a year ("summer 2022",
// "the summer of 2022").
func (s *scanner) season(k, prep int, r rel) (span, int, bool) {
	se := season(s.t(k).val)
	if r == relNone {
		if y, n, ok := s.trailingYear(k + 1); ok {
			return s.seasonSpan(y, se), n, true
		}
		if prep == kwNone {
			return fail()
		}
	}
	y := s.now.Year()
	cur := s.seasonSpan(y, se)
	switch r {
	case relNone: // the most recent one that has begun
		for i := 0; i < 2 && cur.start.After(s.today); i++ {
			y--
			cur = s.seasonSpan(y, se)
		}
	case relLast: // the most recent one that has ended
		for i := 0; i < 2 && cur.end.After(s.today); i++ {
			y--
			cur = s.seasonSpan(y, se)
		}
	case relThis: // the one in progress, else this year's
		if prev := s.seasonSpan(y-1, se); s.today.Before(prev.end) {
			cur = prev
		}
	case relNext: // the first one that has not begun
		for i := 0; i < 2 && !cur.start.After(s.today); i++ {
			y++
			cur = s.seasonSpan(y, se)
		}
	}
	return cur, k + 1, true
}

func (s *scanner) seasonSpan(y int, se season) span {
	st := s.date(y, seasonStart[se], 1)
	return span{st, st.AddDate(0, 3, 0)}
}

// clauseEnd reports whether token k can follow a bare day ordinal: the end
// of the text, punctuation, a time word, or a word that starts a new clause
// ("on the 5th we met"). Any other word is taken as the noun the ordinal
// counts.
func (s *scanner) clauseEnd(k int) bool {
	t := s.t(k)
	if t.kind == tEOF || t.kind == tPunct || t.kind == tWord && t.cls != cNone {
		return true
	}
	if t.kind != tWord {
		return false
	}
	w := s.text[t.start:t.end]
	for _, x := range clauseStarters {
		if len(x) == len(w) && equalFold(x, w) {
			return true
		}
	}
	return false
}

var clauseStarters = []string{"i", "we", "you", "he", "she", "they", "it", "my", "our", "your",
	"his", "her", "their", "and", "or", "but", "when", "what", "did", "was", "were", "is", "so", "then"}
