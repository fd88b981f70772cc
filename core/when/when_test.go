package when

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// may24 is a Wednesday afternoon; jan15 is a Monday in January, for year
// wrap-around.
var (
	may24 = time.Date(2023, 5, 24, 15, 0, 0, 0, time.UTC)
	jan15 = time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)
)

// want is one expected range: the phrase and its bounds, written as
// "2006-01-02" or "2006-01-02 15:04" (UTC).
type want struct{ phrase, start, end string }

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	layout := "2006-01-02"
	if len(s) > len(layout) {
		layout = "2006-01-02 15:04"
	}
	v, err := time.Parse(layout, s)
	require.NoError(t, err)
	return v
}

func check(t *testing.T, now time.Time, in string, ws ...want) {
	t.Helper()
	got := Find(in, now)
	require.Len(t, got, len(ws), "Find(%q) = %v", in, got)
	for i, w := range ws {
		g := got[i]
		assert.Equal(t, w.phrase, g.Phrase, "phrase of %q", in)
		assert.Equal(t, ts(t, w.start), g.Start, "start of %q in %q", w.phrase, in)
		assert.Equal(t, ts(t, w.end), g.End, "end of %q in %q", w.phrase, in)
		assert.Equal(t, g.Phrase, in[g.Pos:g.Pos+len(g.Phrase)])
	}
}

type tcase struct {
	in string
	w  []want
}

func runCases(t *testing.T, now time.Time, cases []tcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) { check(t, now, c.in, c.w...) })
	}
}

func w(phrase, start, end string) []want { return []want{{phrase, start, end}} }

func TestRelativeDays(t *testing.T) {
	runCases(t, may24, []tcase{
		{"what did I do today?", w("today", "2023-05-24", "2023-05-25")},
		{"Yesterday I went running", w("Yesterday", "2023-05-23", "2023-05-24")},
		{"the day before yesterday", w("the day before yesterday", "2023-05-22", "2023-05-23")},
		{"day before yesterday", w("day before yesterday", "2023-05-22", "2023-05-23")},
		{"what's on tomorrow", w("on tomorrow", "2023-05-25", "2023-05-26")},
		{"the day after tomorrow", w("the day after tomorrow", "2023-05-26", "2023-05-27")},
		{"today's plan", w("today's", "2023-05-24", "2023-05-25")},
		{"3 days ago", w("3 days ago", "2023-05-21", "2023-05-22")},
		{"two days ago", w("two days ago", "2023-05-22", "2023-05-23")},
		{"1 day ago", w("1 day ago", "2023-05-23", "2023-05-24")},
		{"a day ago", w("a day ago", "2023-05-23", "2023-05-24")},
		// fuzzy counts: couple = 2–3 units back, few = 2–5, several = 3–7
		{"a couple of days ago", w("a couple of days ago", "2023-05-21", "2023-05-23")},
		{"a couple days ago", w("a couple days ago", "2023-05-21", "2023-05-23")},
		{"a few days ago", w("a few days ago", "2023-05-19", "2023-05-23")},
		{"several days ago", w("several days ago", "2023-05-17", "2023-05-22")},
		// N >= 4 widens by N/4 units each side
		{"10 days ago", w("10 days ago", "2023-05-12", "2023-05-17")},
		{"twenty-one days ago", w("twenty-one days ago", "2023-04-28", "2023-05-09")},
		{"recently", w("recently", "2023-04-24", "2023-05-25")},
		{"have I been sleeping badly lately?", w("lately", "2023-04-24", "2023-05-25")},
		{"the other day", w("the other day", "2023-05-17", "2023-05-23")},
		{"this morning", w("this morning", "2023-05-24 05:00", "2023-05-24 12:00")},
		{"this afternoon", w("this afternoon", "2023-05-24 12:00", "2023-05-24 17:00")},
		{"this evening", w("this evening", "2023-05-24 17:00", "2023-05-25")},
		{"tonight", w("tonight", "2023-05-24 18:00", "2023-05-25 06:00")},
		{"last night", w("last night", "2023-05-23 18:00", "2023-05-24 06:00")},
		{"yesterday morning", w("yesterday morning", "2023-05-23 05:00", "2023-05-23 12:00")},
		{"tomorrow night", w("tomorrow night", "2023-05-25 18:00", "2023-05-26 06:00")},
		{"3 hours ago", w("3 hours ago", "2023-05-24 12:00", "2023-05-24 13:00")},
		{"an hour ago", w("an hour ago", "2023-05-24 14:00", "2023-05-24 15:00")},
		{"10 minutes ago", w("10 minutes ago", "2023-05-24 14:48", "2023-05-24 14:53")},
	})
}

func TestRelativeUnits(t *testing.T) {
	runCases(t, may24, []tcase{
		{"a week ago", w("a week ago", "2023-05-15", "2023-05-22")},
		{"2 weeks ago", w("2 weeks ago", "2023-05-08", "2023-05-15")},
		{"a few weeks ago", w("a few weeks ago", "2023-04-17", "2023-05-15")},
		{"two months ago", w("two months ago", "2023-03-01", "2023-04-01")},
		{"a month ago", w("a month ago", "2023-04-01", "2023-05-01")},
		{"a couple of months ago", w("a couple of months ago", "2023-02-01", "2023-04-01")},
		{"a year ago", w("a year ago", "2022-01-01", "2023-01-01")},
		{"three years ago", w("three years ago", "2020-01-01", "2021-01-01")},
		{"8 years ago", w("8 years ago", "2013-01-01", "2018-01-01")},
		{"in the past 3 days", w("in the past 3 days", "2023-05-21", "2023-05-25")},
		{"in the last two weeks", w("in the last two weeks", "2023-05-10", "2023-05-25")},
		{"over the past week", w("over the past week", "2023-05-17", "2023-05-25")},
		{"the past month", w("the past month", "2023-04-24", "2023-05-25")},
		{"in the last few days", w("in the last few days", "2023-05-19", "2023-05-25")},
		{"past 6 months", w("past 6 months", "2022-11-24", "2023-05-25")},
		{"the last year", w("the last year", "2022-05-24", "2023-05-25")},
		{"last 3 days", w("last 3 days", "2023-05-21", "2023-05-25")},
		{"the past 24 hours", w("the past 24 hours", "2023-05-23 15:00", "2023-05-24 16:00")},
		{"in the next 2 days", w("in the next 2 days", "2023-05-24", "2023-05-27")},
		{"last week", w("last week", "2023-05-15", "2023-05-22")},
		{"this week", w("this week", "2023-05-22", "2023-05-29")},
		{"next week", w("next week", "2023-05-29", "2023-06-05")},
		{"previous week", w("previous week", "2023-05-15", "2023-05-22")},
		{"last month", w("last month", "2023-04-01", "2023-05-01")},
		{"this month", w("this month", "2023-05-01", "2023-06-01")},
		{"next month", w("next month", "2023-06-01", "2023-07-01")},
		{"last year", w("last year", "2022-01-01", "2023-01-01")},
		{"this year", w("this year", "2023-01-01", "2024-01-01")},
		{"next year", w("next year", "2024-01-01", "2025-01-01")},
		{"last weekend", w("last weekend", "2023-05-20", "2023-05-22")},
		{"this weekend", w("this weekend", "2023-05-27", "2023-05-29")},
		{"next weekend", w("next weekend", "2023-06-03", "2023-06-05")},
		{"this past weekend", w("this past weekend", "2023-05-20", "2023-05-22")},
		{"over the weekend", w("over the weekend", "2023-05-20", "2023-05-22")},
		{"last Tuesday", w("last Tuesday", "2023-05-23", "2023-05-24")},
		{"last Wednesday", w("last Wednesday", "2023-05-17", "2023-05-18")},
		{"on Monday", w("on Monday", "2023-05-22", "2023-05-23")},
		{"on Wednesday", w("on Wednesday", "2023-05-17", "2023-05-18")},
		{"Friday", w("Friday", "2023-05-19", "2023-05-20")},
		{"next Friday", w("next Friday", "2023-05-26", "2023-05-27")},
		{"next Wednesday", w("next Wednesday", "2023-05-31", "2023-06-01")},
		{"this Monday", w("this Monday", "2023-05-22", "2023-05-23")},
		{"this coming Sunday", w("this coming Sunday", "2023-05-28", "2023-05-29")},
		{"Monday night", w("Monday night", "2023-05-22 18:00", "2023-05-23 06:00")},
		{"Tuesday, May 2", w("Tuesday, May 2", "2023-05-02", "2023-05-03")},
		{"since last week", w("since last week", "2023-05-15", "2023-05-25")},
	})
}

func TestAbsolute(t *testing.T) {
	runCases(t, may24, []tcase{
		{"in May", w("in May", "2023-05-01", "2023-06-01")},
		{"in June", w("in June", "2022-06-01", "2022-07-01")},
		{"January", w("January", "2023-01-01", "2023-02-01")},
		{"during march", w("during march", "2023-03-01", "2023-04-01")},
		{"May 2023", w("May 2023", "2023-05-01", "2023-06-01")},
		{"in May of 2021", w("in May of 2021", "2021-05-01", "2021-06-01")},
		{"last May", w("last May", "2022-05-01", "2022-06-01")},
		{"last April", w("last April", "2023-04-01", "2023-05-01")},
		{"next May", w("next May", "2024-05-01", "2024-06-01")},
		{"next June", w("next June", "2023-06-01", "2023-07-01")},
		{"this May", w("this May", "2023-05-01", "2023-06-01")},
		{"May 3", w("May 3", "2023-05-03", "2023-05-04")},
		{"May 30", w("May 30", "2022-05-30", "2022-05-31")},
		{"3 May", w("3 May", "2023-05-03", "2023-05-04")},
		{"May 3rd, 2023", w("May 3rd, 2023", "2023-05-03", "2023-05-04")},
		{"on May 3 2021", w("on May 3 2021", "2021-05-03", "2021-05-04")},
		{"the 3rd of May", w("the 3rd of May", "2023-05-03", "2023-05-04")},
		{"May the 3rd", w("May the 3rd", "2023-05-03", "2023-05-04")},
		{"the first of May", w("the first of May", "2023-05-01", "2023-05-02")},
		{"July twenty-first", w("July twenty-first", "2022-07-21", "2022-07-22")},
		{"Dec. 3", w("Dec. 3", "2022-12-03", "2022-12-04")},
		{"in Dec. 2021", w("in Dec. 2021", "2021-12-01", "2022-01-01")},
		{"May first", w("May first", "2023-05-01", "2023-05-02")},
		{"May 3 evening", w("May 3 evening", "2023-05-03 17:00", "2023-05-04")},
		{"5-3-2023", w("5-3-2023", "2023-05-03", "2023-05-04")},
		{"winter 2022", w("winter 2022", "2022-12-01", "2023-03-01")},
		{"the first week of last month", w("the first week of last month", "2023-04-01", "2023-04-08")},
		{"at the weekend", w("at the weekend", "2023-05-20", "2023-05-22")},
		{"Feb 29", w("Feb 29", "2020-02-29", "2020-03-01")},
		{"on the 5th", w("on the 5th", "2023-05-05", "2023-05-06")},
		{"on the 30th", w("on the 30th", "2023-04-30", "2023-05-01")},
		{"on the 31st", w("on the 31st", "2023-03-31", "2023-04-01")},
		{"on the 5th we met", w("on the 5th", "2023-05-05", "2023-05-06")},
		{"since the 20th, I", w("since the 20th", "2023-05-20", "2023-05-25")},
		{"2023-05-03", w("2023-05-03", "2023-05-03", "2023-05-04")},
		{"2023/05/03", w("2023/05/03", "2023-05-03", "2023-05-04")},
		{"5/3/2023", w("5/3/2023", "2023-05-03", "2023-05-04")},
		{"25/12/2022", w("25/12/2022", "2022-12-25", "2022-12-26")},
		{"on 2023-05-03T10:00:00Z", w("on 2023-05-03", "2023-05-03", "2023-05-04")},
		{"2023-04", w("2023-04", "2023-04-01", "2023-05-01")},
		{"in 2022", w("in 2022", "2022-01-01", "2023-01-01")},
		{"during 2019.", w("during 2019", "2019-01-01", "2020-01-01")},
		{"since 2021", w("since 2021", "2021-01-01", "2023-05-25")},
		{"since May", w("since May", "2023-05-01", "2023-05-25")},
		{"last summer", w("last summer", "2022-06-01", "2022-09-01")},
		{"this spring", w("this spring", "2023-03-01", "2023-06-01")},
		{"this summer", w("this summer", "2023-06-01", "2023-09-01")},
		{"in the fall", w("in the fall", "2022-09-01", "2022-12-01")},
		{"last autumn", w("last autumn", "2022-09-01", "2022-12-01")},
		{"this winter", w("this winter", "2023-12-01", "2024-03-01")},
		{"last winter", w("last winter", "2022-12-01", "2023-03-01")},
		{"next spring", w("next spring", "2024-03-01", "2024-06-01")},
		{"summer 2021", w("summer 2021", "2021-06-01", "2021-09-01")},
		{"the summer of 2021", w("the summer of 2021", "2021-06-01", "2021-09-01")},
		{"early May", w("early May", "2023-05-01", "2023-05-11")},
		{"mid-May", w("mid-May", "2023-05-11", "2023-05-21")},
		{"late May", w("late May", "2023-05-21", "2023-06-01")},
		{"late February", w("late February", "2023-02-21", "2023-03-01")},
		{"early 2022", w("early 2022", "2022-01-01", "2022-05-01")},
		{"mid-2022", w("mid-2022", "2022-05-01", "2022-09-01")},
		{"the end of last year", w("the end of last year", "2022-09-01", "2023-01-01")},
		{"at the beginning of March", w("at the beginning of March", "2023-03-01", "2023-03-11")},
		{"early last summer", w("early last summer", "2022-06-01", "2022-07-01")},
		{"the end of the month", w("the end of the month", "2023-05-21", "2023-06-01")},
		{"late last week", w("late last week", "2023-05-19", "2023-05-22")},
		{"the first week of March", w("the first week of March", "2023-03-01", "2023-03-08")},
		{"the second week of April 2022", w("the second week of April 2022", "2022-04-08", "2022-04-15")},
		{"the last week of April", w("the last week of April", "2023-04-24", "2023-05-01")},
		{"last week of April", w("last week of April", "2023-04-24", "2023-05-01")},
	})
}

func TestHolidays(t *testing.T) {
	runCases(t, may24, []tcase{
		{"Christmas", w("Christmas", "2022-12-25", "2022-12-26")},
		{"christmas day", w("christmas day", "2022-12-25", "2022-12-26")},
		{"Christmas Eve", w("Christmas Eve", "2022-12-24", "2022-12-25")},
		{"Christmas 2020", w("Christmas 2020", "2020-12-25", "2020-12-26")},
		{"last Christmas", w("last Christmas", "2022-12-25", "2022-12-26")},
		{"next Christmas", w("next Christmas", "2023-12-25", "2023-12-26")},
		{"New Year's Eve", w("New Year's Eve", "2022-12-31", "2023-01-01")},
		{"new years eve", w("new years eve", "2022-12-31", "2023-01-01")},
		{"New Year’s Day", w("New Year’s Day", "2023-01-01", "2023-01-02")},
		{"over New Year", w("over New Year", "2023-01-01", "2023-01-02")},
		{"Valentine's Day", w("Valentine's Day", "2023-02-14", "2023-02-15")},
		{"valentines", w("valentines", "2023-02-14", "2023-02-15")},
		{"Thanksgiving", w("Thanksgiving", "2022-11-24", "2022-11-25")},
		{"Thanksgiving 2023", w("Thanksgiving 2023", "2023-11-23", "2023-11-24")},
		{"Easter", w("Easter", "2023-04-09", "2023-04-10")},
		{"next Easter", w("next Easter", "2024-03-31", "2024-04-01")},
		{"Easter Sunday 2019", w("Easter Sunday 2019", "2019-04-21", "2019-04-22")},
		{"Halloween", w("Halloween", "2022-10-31", "2022-11-01")},
	})
}

func TestYearWrap(t *testing.T) {
	runCases(t, jan15, []tcase{
		{"last December", w("last December", "2023-12-01", "2024-01-01")},
		{"in December", w("in December", "2023-12-01", "2024-01-01")},
		{"next December", w("next December", "2024-12-01", "2025-01-01")},
		{"in January", w("in January", "2024-01-01", "2024-02-01")},
		{"Dec 28", w("Dec 28", "2023-12-28", "2023-12-29")},
		{"last month", w("last month", "2023-12-01", "2024-01-01")},
		{"two months ago", w("two months ago", "2023-11-01", "2023-12-01")},
		{"last week", w("last week", "2024-01-08", "2024-01-15")},
		{"last weekend", w("last weekend", "2024-01-13", "2024-01-15")},
		{"over the weekend", w("over the weekend", "2024-01-13", "2024-01-15")},
		{"this winter", w("this winter", "2023-12-01", "2024-03-01")},
		{"last winter", w("last winter", "2022-12-01", "2023-03-01")},
		{"in the winter", w("in the winter", "2023-12-01", "2024-03-01")},
		{"last summer", w("last summer", "2023-06-01", "2023-09-01")},
		{"Christmas", w("Christmas", "2023-12-25", "2023-12-26")},
		{"New Year's Day", w("New Year's Day", "2024-01-01", "2024-01-02")},
		{"New Year's Eve", w("New Year's Eve", "2023-12-31", "2024-01-01")},
		{"on the 20th", w("on the 20th", "2023-12-20", "2023-12-21")},
		{"on Monday", w("on Monday", "2024-01-08", "2024-01-09")},
		{"the past week", w("the past week", "2024-01-08", "2024-01-16")},
	})
}

func TestNotRanges(t *testing.T) {
	for _, in := range []string{
		"", "hello there", "for two weeks", "I ran for 3 days straight", "every Monday", "each May we go",
		"every other Monday", "on Mondays", "5 minutes", "it takes 5 minutes", "3 cats", "version 2.1", "v2.1.3",
		"room 1204", "$2023", "costs $2023.50", "2023 was great", "in 2000 steps", "in 1500 years", "in 2000 days",
		"may I ask", "you may be right", "march on", "the fall of Rome", "I love summer", "spring cleaning",
		"the first try", "on the first try", "on the 2nd floor", "on the second floor", "the 5th element", "12:30", "3/4 of a cup", "1/2", "in 3 days",
		"two weeks", "the past", "in the past", "last time", "this is it", "next one", "a new year resolution",
		"I was late", "I woke up early", "the end of the story", "phone 415-555-2671", "50%", "page 2023-",
		"13/45/2023", "2023-13-01", "2023-02-30", "Feb 30", "a few", "several", "couple", "ago",
	} {
		assert.Empty(t, Find(in, may24), "Find(%q)", in)
	}
}

func TestMultipleAndOrder(t *testing.T) {
	check(t, may24, "Did I call mom yesterday or last Tuesday? Also what about May 3rd and 2023-01-02.",
		want{"yesterday", "2023-05-23", "2023-05-24"},
		want{"last Tuesday", "2023-05-23", "2023-05-24"},
		want{"May 3rd", "2023-05-03", "2023-05-04"},
		want{"2023-01-02", "2023-01-02", "2023-01-03"},
	)
	// case and punctuation tolerance
	check(t, may24, "LAST WEEK!!! (yesterday), **Christmas**",
		want{"LAST WEEK", "2023-05-15", "2023-05-22"},
		want{"yesterday", "2023-05-23", "2023-05-24"},
		want{"Christmas", "2022-12-25", "2022-12-26"},
	)
	// every blocks only its own phrase
	check(t, may24, "every Monday last week", want{"last week", "2023-05-15", "2023-05-22"})
}

func TestLocation(t *testing.T) {
	// 2023-05-24 02:00 in Tokyo is still the 23rd in UTC; "yesterday" is
	// the Tokyo day, returned in UTC.
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2023, 5, 24, 2, 0, 0, 0, tokyo)
	got := Find("yesterday", now)
	require.Len(t, got, 1)
	assert.Equal(t, time.Date(2023, 5, 22, 15, 0, 0, 0, time.UTC), got[0].Start)
	assert.Equal(t, time.Date(2023, 5, 23, 15, 0, 0, 0, time.UTC), got[0].End)
	assert.Equal(t, time.UTC, got[0].Start.Location())
}

func TestEaster(t *testing.T) {
	// Published dates of Western Easter.
	for y, md := range map[int][2]int{
		1961: {4, 2}, 2000: {4, 23}, 2008: {3, 23}, 2011: {4, 24}, 2019: {4, 21},
		2024: {3, 31}, 2025: {4, 20}, 2038: {4, 25}, 2285: {3, 22},
	} {
		m, d := easter(y)
		assert.Equal(t, md, [2]int{int(m), d}, "Easter %d", y)
	}
}

func TestThanksgiving(t *testing.T) {
	for y, d := range map[int]int{2020: 26, 2021: 25, 2022: 24, 2023: 23, 2024: 28, 2025: 27} {
		assert.Equal(t, d, thanksgiving(y), "Thanksgiving %d", y)
	}
}

func TestStrip(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"what did I do last week?", "what did I do?"},
		{"Yesterday I went running", "I went running"},
		{"what did we talk about in May regarding the trip", "what did we talk about regarding the trip"},
		{"notes from yesterday and today", "notes from and"},
		{"no dates here", "no dates here"},
		{"over the past week, I felt tired", "I felt tired"},
		{"I went, yesterday, home", "I went, home"},
		{"(yesterday) it rained", "() it rained"},
	} {
		assert.Equal(t, c.want, Strip(c.in, Find(c.in, may24)), c.in)
	}
	// Ranges that do not match the text are ignored.
	assert.Equal(t, "abc", Strip("abc", []Range{{Phrase: "x", Pos: 1}, {Phrase: "abcd", Pos: 0}, {Phrase: "b", Pos: -1}, {Phrase: "c", Pos: 99}}))
}

func TestLongInput(t *testing.T) {
	// Phrases on both sides of chunk boundaries are found; the count is capped.
	var b strings.Builder
	for b.Len() < 3*maxChunk {
		b.WriteString("I went out yesterday. ")
	}
	got := Find(b.String(), may24)
	assert.Len(t, got, maxRanges)
	big := strings.Repeat("lorem ipsum dolor ", 10000) + "last week"
	got = Find(big, may24)
	require.Len(t, got, 1)
	assert.Equal(t, "last week", got[0].Phrase)
	// A huge run without spaces.
	got = Find(strings.Repeat("x", 3*maxChunk)+" yesterday", may24)
	require.Len(t, got, 1)
}

func TestInvalidUTF8(t *testing.T) {
	for _, in := range []string{"\xff\xfeyesterday", "yesterday\xc3", "café yesterday", "Mayé 3", "ｙｅｓｔｅｒｄａｙ", "yesterday\u00a0morning"} {
		for _, r := range Find(in, may24) {
			assert.Equal(t, r.Phrase, in[r.Pos:r.Pos+len(r.Phrase)])
			assert.True(t, r.Start.Before(r.End))
		}
	}
	check(t, may24, "\xff\xfe yesterday", want{"yesterday", "2023-05-23", "2023-05-24"})
	check(t, may24, "yesterday\u00a0morning", want{"yesterday\u00a0morning", "2023-05-23 05:00", "2023-05-23 12:00"})
	assert.Empty(t, Find("Mayé 3", may24))
}

const benchPrompt = "Hey, can you remind me what we discussed about the kitchen renovation two weeks ago? " +
	"I think it was around the same time as my sister's visit in May, or maybe last Tuesday. Thanks!"

func BenchmarkFind(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPrompt)))
	for b.Loop() {
		Find(benchPrompt, may24)
	}
}

func BenchmarkFindNone(b *testing.B) {
	text := "Can you help me write a cover letter for a data analyst role at a mid-sized logistics company? " +
		"I have three years of experience with SQL, Python and dashboards, and I led a small migration project."
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Find(text, may24)
	}
}
