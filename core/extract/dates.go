package extract

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Relative dates are resolved against the time the user spoke, in UTC.
//
//	today, tonight            -> that day
//	tomorrow                  -> the next day; "the day after tomorrow" -> +2
//	(on|this) Friday, Friday  -> the next Friday strictly after today
//	next Friday               -> Friday of next week (weeks start on Monday)
//	this weekend              -> the coming Saturday (today if Saturday)
//	next week / next weekend  -> "week of <Monday>" / Saturday of next week
//	in N days|weeks           -> that day
//	next month, in April      -> "YYYY-MM" (the next such month, this one included)
//	June 3, 3 June, the 21st  -> the next such day, today included
//
// Day-precise results are "YYYY-MM-DD"; the others say what they mean.

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

const (
	monthRe   = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`
	weekdayRe = `(sunday|monday|tuesday|wednesday|thursday|friday|saturday)`
	dayRe     = `(\d{1,2})(?:st|nd|rd|th)?`
)

var (
	reDayAfter  = rx(`\bthe day after tomorrow\b`)
	reTomorrow  = rx(`\btomorrow\b`)
	reToday     = rx(`\b(?:today|tonight|this evening|this afternoon)\b`)
	reNextWday  = rx(`\bnext ` + weekdayRe + `\b`)
	reWday      = rx(`\b(?:on |this |coming )?` + weekdayRe + `\b`)
	reWeekend   = rx(`\b(this|next) weekend\b`)
	reNextWeek  = rx(`\bnext week\b`)
	reNextMonth = rx(`\bnext month\b`)
	reInN       = rx(`\bin (\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten) (day|week)s?\b`)
	reMonthDay  = rx(`\b` + monthRe + `\.? ` + dayRe + `\b`)
	reDayMonth  = rx(`\b` + dayRe + ` (?:of )?` + monthRe + `\b`)
	reInMonth   = rx(`\b(?:in|this|next|by) ` + monthRe + `\b`)
	reTheNth    = rx(`\bon the ` + dayRe + `\b`)
	reISODate   = rx(`\b(\d{4})-(\d{2})-(\d{2})\b`)
)

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }

// mondayOf returns the Monday starting t's week.
func mondayOf(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back)
}

// nextMonthDay is the next date with this month and day, today included.
func nextMonthDay(now time.Time, m time.Month, d int) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for y := now.Year(); y <= now.Year()+1; y++ {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if t.Month() != m {
			return time.Time{}, false // e.g. February 30
		}
		if !t.Before(now) {
			return t, true
		}
	}
	return time.Time{}, false
}

// resolveDate finds the first date expression in s and resolves it against
// at. ok is false when s has none.
func resolveDate(s string, at time.Time) (string, bool) {
	now := day(at)
	if m := reISODate.FindStringSubmatch(s); m != nil {
		if t, err := time.Parse("2006-01-02", m[0]); err == nil {
			return ymd(t), true
		}
	}
	if reDayAfter.MatchString(s) {
		return ymd(now.AddDate(0, 0, 2)), true
	}
	if reTomorrow.MatchString(s) {
		return ymd(now.AddDate(0, 0, 1)), true
	}
	if reToday.MatchString(s) {
		return ymd(now), true
	}
	if m := reNextWday.FindStringSubmatch(s); m != nil {
		wd := weekdays[strings.ToLower(m[1])]
		next := mondayOf(now).AddDate(0, 0, 7+(int(wd)+6)%7)
		return ymd(next), true
	}
	if m := reWeekend.FindStringSubmatch(s); m != nil {
		sat := mondayOf(now).AddDate(0, 0, 5)
		if strings.EqualFold(m[1], "next") {
			sat = sat.AddDate(0, 0, 7)
		}
		return ymd(sat), true
	}
	if reNextWeek.MatchString(s) {
		return "week of " + ymd(mondayOf(now).AddDate(0, 0, 7)), true
	}
	if reNextMonth.MatchString(s) {
		return now.AddDate(0, 0, 1-now.Day()).AddDate(0, 1, 0).Format("2006-01"), true
	}
	if m := reInN.FindStringSubmatch(s); m != nil {
		n, ok := count(m[1])
		k, _ := strconv.Atoi(n)
		if ok {
			if strings.EqualFold(m[2], "week") {
				k *= 7
			}
			return ymd(now.AddDate(0, 0, k)), true
		}
	}
	if m := reMonthDay.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[2])
		if t, ok := nextMonthDay(now, months[strings.ToLower(m[1])], d); ok {
			return ymd(t), true
		}
	}
	if m := reDayMonth.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		if t, ok := nextMonthDay(now, months[strings.ToLower(m[2])], d); ok {
			return ymd(t), true
		}
	}
	if m := reTheNth.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		for i := 0; i < 2; i++ {
			t := time.Date(now.Year(), now.Month()+time.Month(i), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d && !t.Before(now) {
				return ymd(t), true
			}
		}
	}
	if m := reInMonth.FindStringSubmatch(s); m != nil {
		mo := months[strings.ToLower(m[1])]
		y := now.Year()
		if mo < now.Month() {
			y++
		}
		return fmt.Sprintf("%04d-%02d", y, int(mo)), true
	}
	if m := reWday.FindStringSubmatch(s); m != nil {
		wd := weekdays[strings.ToLower(m[1])]
		ahead := (int(wd) - int(now.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		return ymd(now.AddDate(0, 0, ahead)), true
	}
	return "", false
}

// monthDay reads a birthday-style date ("March 14", "2 July 1990") as
// "MM-DD".
func monthDay(s string) (string, bool) {
	var mo time.Month
	var d int
	if m := reMonthDay.FindStringSubmatch(s); m != nil {
		mo, d = months[strings.ToLower(m[1])], atoi(m[2])
	} else if m := reDayMonth.FindStringSubmatch(s); m != nil {
		mo, d = months[strings.ToLower(m[2])], atoi(m[1])
	} else {
		return "", false
	}
	if d < 1 || d > 31 {
		return "", false
	}
	return fmt.Sprintf("%02d-%02d", int(mo), d), true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
