package when

import "time"

// rel is an explicit relation word before an anchor: last, this, next.
type rel uint8

const (
	relNone rel = iota
	relLast
	relThis
	relNext
)

// Windows of vague relative phrases.
const (
	// recentDays: "recently" and "lately" cover the last 30 days and today.
	// A month is how far back people mean in chat ("I've been sleeping badly
	// lately"), and memory recall prefers a window that is too wide to one
	// that misses.
	recentDays = 30
	// "the other day" means a few days ago but not yesterday: days 2 to 7
	// back.
	otherDayFrom, otherDayTo = 7, 2
	// agoSlackDiv: "N units ago" widens by N/4 units on each side. People
	// round: "ten days ago" is rarely exactly ten, and the error grows with
	// the number. Counts 1–3 stay exact ("two months ago" is one month).
	agoSlackDiv = 4
)

func fail() (span, int, bool) { return span{}, 0, false }

// keyword handles a phrase that starts with keyword token j.
func (s *scanner) keyword(j, prep int) (span, int, bool) {
	switch s.t(j).val {
	case kwToday:
		return s.day(0), j + 1, true
	case kwTonight:
		return s.partOf(s.today, pNight), j + 1, true
	case kwYesterday:
		return s.day(-1), j + 1, true
	case kwTomorrow:
		return s.day(1), j + 1, true
	case kwRecently, kwLately:
		return span{s.today.AddDate(0, 0, -recentDays), s.today.AddDate(0, 0, 1)}, j + 1, true
	case kwThe:
		return s.the(j+1, prep)
	case kwLast, kwPrevious:
		return s.rel(j+1, relLast, prep)
	case kwThis:
		return s.rel(j+1, relThis, prep)
	case kwNext, kwComing:
		return s.rel(j+1, relNext, prep)
	case kwPast:
		return s.rolling(j+1, -1, true)
	case kwEarly, kwMid, kwMiddle, kwLate, kwBeginning, kwStart, kwEnd:
		return s.part(j)
	case kwA, kwCouple, kwFew, kwSeveral:
		return s.ago(j)
	case kwNew:
		return s.newYear(j, prep, relNone)
	}
	return fail()
}

// the handles a phrase after "the" at token k.
func (s *scanner) the(k, prep int) (span, int, bool) {
	t := s.t(k)
	if t.kind == tWord {
		switch t.cls {
		case cUnit:
			u, plural := unit(t.val), t.flag&fPlural != 0
			switch {
			case plural:
			case u == uDay:
				return s.core(k, prep) // the day before yesterday
			case u == uWeekend && prep != kwNone:
				// "over the weekend": the one in progress, else the last one.
				if mondayIndex(s.today.Weekday()) >= 5 {
					return s.calendar(uWeekend, 0), k + 1, true
				}
				return s.calendar(uWeekend, -1), k + 1, true
			case prep == kwCtx && (u == uWeek || u == uMonth || u == uYear):
				return s.calendar(u, 0), k + 1, true // the end of the month
			}
		case cSeason:
			return s.season(k, prep, relNone)
		case cKw:
			switch t.val {
			case kwOther:
				if u, plural, ok := s.unitAt(k + 1); ok && u == uDay && !plural {
					return span{s.today.AddDate(0, 0, -otherDayFrom), s.today.AddDate(0, 0, -otherDayTo+1)}, k + 2, true
				}
			case kwLast:
				if u, plural, ok := s.unitAt(k + 1); ok && u == uWeek && !plural && s.kw(k+2, kwOf) {
					return s.weekOf(k+3, -1)
				}
				return s.rolling(k+1, -1, true)
			case kwPast:
				return s.rolling(k+1, -1, true)
			case kwNext, kwComing:
				return s.rolling(k+1, 1, true)
			case kwPrevious:
				return s.rel(k+1, relLast, prep)
			case kwBeginning, kwStart, kwMiddle, kwEnd, kwEarly, kwMid, kwLate:
				return s.part(k)
			}
		}
	}
	if _, _, ok := s.ordinalAt(k); ok {
		return s.ordinal(k, prep)
	}
	return fail()
}

// rel handles the anchor at token k after last (relLast), this or next.
func (s *scanner) rel(k int, r rel, prep int) (span, int, bool) {
	t := s.t(k)
	if t.kind == tWord {
		switch t.cls {
		case cUnit:
			u := unit(t.val)
			if t.flag&fPlural != 0 || u < uWeek {
				break
			}
			if u == uWeek && r == relLast && s.kw(k+1, kwOf) {
				return s.weekOf(k+2, -1) // last week of March
			}
			return s.calendar(u, int(r)-int(relThis)), k + 1, true
		case cPart:
			p := part(t.val)
			switch {
			case r == relThis:
				return s.partOf(s.today, p), k + 1, true
			case r == relLast && (p == pNight || p == pEvening):
				return s.partOf(s.today.AddDate(0, 0, -1), p), k + 1, true
			}
			return fail()
		case cWeekday:
			return s.weekday(k, r)
		case cMonth:
			return s.month(k, prep, r)
		case cSeason:
			return s.season(k, prep, r)
		case cHoliday:
			return s.holiday(k, r)
		case cKw:
			switch {
			case t.val == kwNew:
				return s.newYear(k, prep, r)
			case t.val == kwPast && r == relThis:
				return s.rel(k+1, relLast, prep) // this past weekend
			case t.val == kwComing && r == relThis:
				return s.rel(k+1, relNext, prep) // this coming Monday
			}
		}
	}
	switch r {
	case relLast:
		return s.rolling(k, -1, false) // last 3 days
	case relNext:
		return s.rolling(k, 1, false) // next two weeks
	}
	return fail()
}

// calendar returns the calendar unit containing now, moved by delta units.
func (s *scanner) calendar(u unit, delta int) span {
	st := shift(s.startOf(u), u, delta)
	if u == uWeekend {
		st = st.AddDate(0, 0, 5)
		return span{st, st.AddDate(0, 0, 2)}
	}
	return span{st, shift(st, u, 1)}
}

// rolling handles "[the] past/last/next [N] units" from token k. singular
// allows a bare unit ("the past week" = one week).
func (s *scanner) rolling(k, dir int, singular bool) (span, int, bool) {
	if u, plural, ok := s.unitAt(k); ok {
		if !singular || plural || u == uWeekend {
			return fail()
		}
		return s.window(u, 1, dir), k + 1, true
	}
	_, hi, n, ok := s.count(k)
	if !ok {
		return fail()
	}
	if s.kw(n, kwOf) {
		n++
	}
	u, _, ok := s.unitAt(n)
	if !ok || u == uWeekend {
		return fail()
	}
	return s.window(u, hi, dir), n + 1, true
}

// window is the rolling window of n units before (dir < 0) or after now.
// Units of a day or more count whole days and include today: "the past 3
// days" on the 24th is the 21st through the 24th.
func (s *scanner) window(u unit, n, dir int) span {
	if u <= uHour {
		b := s.startOf(u)
		if dir < 0 {
			return span{shift(b, u, -n), shift(b, u, 1)}
		}
		return span{b, shift(b, u, n+1)}
	}
	end := s.today.AddDate(0, 0, 1)
	if dir < 0 {
		return span{move(s.today, u, -n), end}
	}
	return span{s.today, move(end, u, n)}
}

// ago handles "N units ago" from token j.
func (s *scanner) ago(j int) (span, int, bool) {
	lo, hi, k, ok := s.count(j)
	if !ok {
		return fail()
	}
	if s.kw(k, kwOf) {
		k++
	}
	u, _, ok := s.unitAt(k)
	if !ok || u == uWeekend || !s.kw(k+1, kwAgo) {
		return fail()
	}
	b := s.startOf(u)
	if lo == hi {
		slack := lo / agoSlackDiv
		return span{shift(b, u, -lo-slack), shift(b, u, -lo+slack+1)}, k + 2, true
	}
	return span{shift(b, u, -hi), shift(b, u, -lo+1)}, k + 2, true
}

// weekday handles a weekday at token k. Without "next" or "this" it is the
// most recent one strictly before today.
func (s *scanner) weekday(k int, r rel) (span, int, bool) {
	wd := s.t(k).val
	if r == relNone {
		n := k + 1
		if s.punct(n, ',') {
			n++
		}
		if sp, n2, ok := s.dateOnly(n); ok {
			return sp, n2, true // Tuesday, May 2
		}
	}
	cur := int(s.today.Weekday())
	switch r {
	case relNext:
		d := (wd - cur + 7) % 7
		if d == 0 {
			d = 7
		}
		return s.day(d), k + 1, true
	case relThis:
		return s.day(mondayIndex(time.Weekday(wd)) - mondayIndex(time.Weekday(cur))), k + 1, true
	}
	d := (cur - wd + 7) % 7
	if d == 0 {
		d = 7
	}
	return s.day(-d), k + 1, true
}

// part handles early/mid/late X and the beginning/middle/end of X, from
// token j. X must be longer than a day: "early today" and "late yesterday"
// are usually about being early or late, so they resolve to the day alone.
func (s *scanner) part(j int) (span, int, bool) {
	which, k := 0, j+1
	switch s.t(j).val {
	case kwEarly, kwMid, kwLate:
		which = map3(s.t(j).val, kwEarly, kwMid)
		if s.punct(k, '-') && s.touches(k) && s.touches(k+1) {
			k++ // mid-May
		}
	case kwBeginning, kwStart, kwMiddle, kwEnd:
		which = map3(s.t(j).val, kwBeginning, kwMiddle)
		if s.t(j).val == kwStart {
			which = 0
		}
		if !s.kw(k, kwOf) {
			return fail()
		}
		k++
	default:
		return fail()
	}
	sub, n, ok := s.sub(k, kwCtx)
	if !ok || !sub.end.After(sub.start.AddDate(0, 0, 1)) {
		return fail()
	}
	return thirds(sub, which), n, true
}

// map3 maps a keyword to 0 (first), 1 (middle) or 2 (anything else).
func map3(v, first, middle int) int {
	switch v {
	case first:
		return 0
	case middle:
		return 1
	}
	return 2
}

// sub parses a nested anchor at token k, bounding the nesting depth.
func (s *scanner) sub(k, prep int) (span, int, bool) {
	if s.depth >= maxDepth {
		return fail()
	}
	s.depth++
	sp, n, ok := s.core(k, prep)
	s.depth--
	return sp, n, ok
}

// weekOf handles "the Nth/last week of <month>" with the month at token k:
// days 1–7, 8–14, 15–21, 22–28, 29–end, or the month's last 7 days.
func (s *scanner) weekOf(k, n int) (span, int, bool) {
	m, next, ok := s.sub(k, kwCtx)
	if !ok || m.start.Day() != 1 || !isMidnight(m.start) || !m.end.Equal(m.start.AddDate(0, 1, 0)) {
		return fail()
	}
	st := m.end.AddDate(0, 0, -7)
	if n > 0 {
		st = m.start.AddDate(0, 0, 7*(n-1))
	}
	if !st.Before(m.end) {
		return fail()
	}
	end := st.AddDate(0, 0, 7)
	if end.After(m.end) {
		end = m.end
	}
	return span{st, end}, next, true
}
