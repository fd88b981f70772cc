package when

import "time"

// holiday is a named day. Each resolves to the single local day; "over
// Christmas" is not widened to the holiday season.
type holiday uint8

const (
	hChristmas    holiday = iota // December 25
	hChristmasEve                // December 24
	hNewYear                     // January 1
	hNewYearsEve                 // December 31
	hValentine                   // February 14
	hThanksgiving                // US: fourth Thursday of November
	hEaster                      // Western (Gregorian) Easter Sunday
	hHalloween                   // October 31
)

// holidayOn returns local midnight of holiday h in year y.
func (s *scanner) holidayOn(h holiday, y int) time.Time {
	var m time.Month
	var d int
	switch h {
	case hChristmas:
		m, d = time.December, 25
	case hChristmasEve:
		m, d = time.December, 24
	case hNewYear:
		m, d = time.January, 1
	case hNewYearsEve:
		m, d = time.December, 31
	case hValentine:
		m, d = time.February, 14
	case hThanksgiving:
		m, d = time.November, thanksgiving(y)
	case hEaster:
		m, d = easter(y)
	default:
		m, d = time.October, 31
	}
	return s.date(y, m, d)
}

// thanksgiving returns the day in November of the fourth Thursday.
func thanksgiving(y int) int {
	first := time.Date(y, time.November, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(time.Thursday)-int(first)+7)%7 + 21
}

// easter returns the date of Western Easter Sunday in year y, using the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easter(y int) (time.Month, int) {
	a := y % 19          // position in the 19-year Metonic cycle
	b, c := y/100, y%100 // century and year within it
	d, e := b/4, b%4     // Gregorian leap-century correction
	f := (b + 8) / 25
	g := (b - f + 1) / 3              // lunar orbit correction
	h := (19*a + b - d - g + 15) % 30 // epact: days from the new moon
	i, k := c/4, c%4                  // leap years within the century
	l := (32 + 2*e + 2*i - h - k) % 7 // days to the next Sunday
	m := (a + 11*h + 22*l) / 451      // correction for late full moons
	month := (h + l - 7*m + 114) / 31 // 3 = March, 4 = April
	day := (h+l-7*m+114)%31 + 1       // day of that month
	return time.Month(month), day
}

// holiday handles a holiday name at token k: Christmas [Eve|Day],
// Valentine's [Day], Thanksgiving [Day], Easter [Sunday], Halloween.
func (s *scanner) holiday(k int, r rel) (span, int, bool) {
	h, n := holiday(s.t(k).val), k+1
	isDayWord := func(n int) bool {
		u, plural, ok := s.unitAt(n)
		return ok && u == uDay && !plural
	}
	switch h {
	case hChristmas:
		if s.kw(n, kwEve) {
			h, n = hChristmasEve, n+1
		} else if isDayWord(n) {
			n++
		}
	case hValentine, hThanksgiving:
		if isDayWord(n) {
			n++
		}
	case hEaster:
		if s.is(n, cWeekday) && s.t(n).val == int(time.Sunday) {
			n++
		}
	}
	return s.holidayAt(h, r, n)
}

// newYear handles "New Year's Eve", "New Year's Day" and, after a
// preposition or relation word, "New Year" (token k is "new").
func (s *scanner) newYear(k, prep int, r rel) (span, int, bool) {
	if u, _, ok := s.unitAt(k + 1); !ok || u != uYear {
		return fail()
	}
	n := k + 2
	if s.kw(n, kwEve) {
		return s.holidayAt(hNewYearsEve, r, n+1)
	}
	if u, plural, ok := s.unitAt(n); ok && u == uDay && !plural {
		return s.holidayAt(hNewYear, r, n+1)
	}
	if prep != kwNone || r != relNone {
		return s.holidayAt(hNewYear, r, n)
	}
	return fail()
}

// holidayAt resolves holiday h, with an optional year at token n. Without
// one: bare = the most recent not after today, last = the most recent
// before today, next = the first after today, this = this calendar year's.
func (s *scanner) holidayAt(h holiday, r rel, n int) (span, int, bool) {
	if r == relNone {
		if y, ok := s.yearAt(n, minYear, maxYear); ok {
			return daySpan(s.holidayOn(h, y)), n + 1, true
		}
	}
	y := s.now.Year()
	d := s.holidayOn(h, y)
	switch r {
	case relNone:
		if d.After(s.today) {
			d = s.holidayOn(h, y-1)
		}
	case relLast:
		if !d.Before(s.today) {
			d = s.holidayOn(h, y-1)
		}
	case relNext:
		if !d.After(s.today) {
			d = s.holidayOn(h, y+1)
		}
	}
	return daySpan(d), n, true
}
