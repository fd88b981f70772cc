package when

import (
	"math"
	"time"
)

// span is a half-open interval [start, end) in the prompt's location.
type span struct{ start, end time.Time }

// unit is a calendar unit.
type unit uint8

const (
	uMinute unit = iota
	uHour
	uDay
	uWeek // ISO 8601: Monday to Sunday
	uMonth
	uYear
	uWeekend // Saturday 00:00 to Monday 00:00
)

// part is a part of a day.
type part uint8

const (
	pMorning part = iota
	pAfternoon
	pEvening
	pNight
)

// Parts of a day, as local hours. The boundaries follow common usage:
// morning from waking (05:00) to noon, afternoon to 17:00, evening to
// midnight, night from 18:00 to 06:00 the next day (so "last night" holds
// both a late dinner and a 2 a.m. message). Evening and night overlap on
// purpose: either word may describe 20:00.
const (
	morningStart   = 5
	afternoonStart = 12
	eveningStart   = 17
	nightStart     = 18
	nightEnd       = 6 // on the following day
)

// The subdivisions of "early/mid/late <month>": days 1–10, 11–20 and 21 to
// the end, the way people split a month in speech (and how dekads split it).
const (
	earlyMonthDays = 10
	midMonthDays   = 20
)

// date returns local midnight of y-m-d (normalizing out-of-range values).
func (s *scanner) date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// day returns the whole local day n days from today.
func (s *scanner) day(n int) span { return daySpan(s.today.AddDate(0, 0, n)) }

// daySpan returns the day starting at local midnight d.
func daySpan(d time.Time) span { return span{d, d.AddDate(0, 0, 1)} }

// isDay reports whether sp is exactly one whole local day.
func isDay(sp span) bool {
	return isMidnight(sp.start) && sp.end.Equal(sp.start.AddDate(0, 0, 1))
}

// partOf returns part p of the day starting at local midnight d.
func (s *scanner) partOf(d time.Time, p part) span {
	y, m, dd := d.Date()
	at := func(day, h int) time.Time { return time.Date(y, m, dd+day, h, 0, 0, 0, s.loc) }
	switch p {
	case pMorning:
		return span{at(0, morningStart), at(0, afternoonStart)}
	case pAfternoon:
		return span{at(0, afternoonStart), at(0, eveningStart)}
	case pEvening:
		return span{at(0, eveningStart), at(1, 0)}
	}
	return span{at(0, nightStart), at(1, nightEnd)}
}

// mondayIndex numbers weekdays from Monday = 0 to Sunday = 6.
func mondayIndex(wd time.Weekday) int { return (int(wd) + 6) % 7 }

// startOf returns the start of the unit u containing now.
func (s *scanner) startOf(u unit) time.Time {
	y, m, d := s.now.Date()
	switch u {
	case uMinute:
		return time.Date(y, m, d, s.now.Hour(), s.now.Minute(), 0, 0, s.loc)
	case uHour:
		return time.Date(y, m, d, s.now.Hour(), 0, 0, 0, s.loc)
	case uWeek, uWeekend:
		return s.today.AddDate(0, 0, -mondayIndex(s.today.Weekday()))
	case uMonth:
		return s.date(y, m, 1)
	case uYear:
		return s.date(y, 1, 1)
	}
	return s.today
}

// shift moves t, the start of a unit u, by n units.
func shift(t time.Time, u unit, n int) time.Time {
	switch u {
	case uMinute:
		return t.Add(time.Duration(n) * time.Minute)
	case uHour:
		return t.Add(time.Duration(n) * time.Hour)
	case uDay:
		return t.AddDate(0, 0, n)
	case uWeek, uWeekend:
		return t.AddDate(0, 0, 7*n)
	case uMonth:
		return t.AddDate(0, n, 0)
	case uYear:
		return t.AddDate(n, 0, 0)
	}
	return t
}

// move moves the local midnight t by n units of at least a day, clamping the
// day of the month: a month before May 31 is April 30, not May 1.
func move(t time.Time, u unit, n int) time.Time {
	switch u {
	case uMonth:
		return addMonths(t, n)
	case uYear:
		return addMonths(t, 12*n)
	}
	return shift(t, u, n)
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	ny, nm, _ := first.Date()
	if last := daysIn(ny, nm); d > last {
		d = last
	}
	return time.Date(ny, nm, d, 0, 0, 0, 0, t.Location())
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// validDate reports whether y-m-d exists.
func validDate(y int, m time.Month, d int) bool {
	return m >= time.January && m <= time.December && d >= 1 && d <= daysIn(y, m)
}

// thirds returns the early (0), middle (1) or late (2) third of sp.
// A single month splits at days 10 and 20; a whole number of months that is
// a multiple of three (a season, a year) splits by months; anything else of
// at least three days splits by whole days, the last third taking the
// remainder; shorter spans split by time.
func thirds(sp span, which int) span {
	s, e := sp.start, sp.end
	if isMidnight(s) && isMidnight(e) && s.Day() == 1 && e.Day() == 1 {
		months := (e.Year()-s.Year())*12 + int(e.Month()) - int(s.Month())
		if months == 1 {
			cuts := [4]time.Time{s, s.AddDate(0, 0, earlyMonthDays), s.AddDate(0, 0, midMonthDays), e}
			return span{cuts[which], cuts[which+1]}
		}
		if months > 0 && months%3 == 0 {
			k := months / 3
			a := s.AddDate(0, k*which, 0)
			b := e
			if which < 2 {
				b = s.AddDate(0, k*(which+1), 0)
			}
			return span{a, b}
		}
	}
	if isMidnight(s) && isMidnight(e) {
		days := int(math.Round(e.Sub(s).Hours() / 24))
		if days >= 3 {
			k := days / 3
			a := s.AddDate(0, 0, k*which)
			b := e
			if which < 2 {
				b = s.AddDate(0, 0, k*(which+1))
			}
			return span{a, b}
		}
	}
	d := e.Sub(s) / 3
	a := s.Add(d * time.Duration(which))
	b := e
	if which < 2 {
		b = s.Add(d * time.Duration(which+1))
	}
	return span{a, b}
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}
