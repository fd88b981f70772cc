// Package when finds the time expressions in a chat prompt and resolves them
// against the prompt's own time, so memory recall knows which period a
// question is about ("what did I cook last Tuesday?").
//
// Find returns one Range per phrase, in text order, as a half-open UTC
// interval [Start, End). Strip removes the phrases from the text so that
// "last week" does not also become query keywords.
//
// # Conventions
//
//   - Calendar arithmetic happens in now's location, so "yesterday" is the
//     user's yesterday; results are converted to UTC.
//   - Matching is case-insensitive, whitespace-insensitive (any Unicode
//     space), and tolerant of surrounding punctuation and markdown.
//   - Weeks are ISO 8601 weeks, Monday to Sunday. A weekend is Saturday
//     00:00 to Monday 00:00.
//   - Questions to a memory are mostly about the past, so a bare anchor
//     resolves to its most recent occurrence that is not in the future,
//     unless "next" or "this" says otherwise.
//   - A window of the right granularity is preferred to a point: every
//     result covers at least a whole minute, hour or day.
//   - The Phrase includes a leading preposition that was read with it: in,
//     on, during, over, since, throughout, at, around, for ("in May",
//     "on Monday", "over the past week").
//   - A phrase right after every, each or per (or "every other") is a
//     recurrence, not an anchor, and yields nothing: "every Monday".
//
// Examples below use now = Wednesday 2023-05-24 15:00.
//
// # Relative days and parts of days
//
//	today, today's                 the local day                          05-24
//	yesterday / tomorrow           the day before / after                 05-23 / 05-25
//	[the] day before yesterday     two days back                          05-22
//	[the] day after tomorrow       two days ahead                         05-26
//	this morning / afternoon /     05:00–12:00 / 12:00–17:00 /            (today)
//	  evening                      17:00–24:00
//	tonight                        18:00 today to 06:00 tomorrow
//	last night / last evening      the same windows, yesterday
//	<day> morning|afternoon|       any single-day phrase narrowed to that part:
//	  evening|night                "yesterday morning", "Monday night",
//	                               "May 3 evening"
//	recently, lately               the last 30 days and today             04-24 .. 05-24
//	the other day                  2 to 7 days back                       05-17 .. 05-22
//
// # N units ago
//
// "N units ago" is the whole unit N units back: days, ISO weeks, calendar
// months or years, also hours and minutes. N is digits (1–9999), a number
// word (one … ninety-nine, "twenty-one"), or a/an (1).
//
//	3 days ago                     05-21
//	two months ago                 March 2023
//	a week ago                     the ISO week before this one           05-15 .. 05-21
//	a year ago                     2022
//	3 hours ago                    12:00–13:00 today
//
// From N = 4 the window widens by N/4 units on each side, because people
// round and the error grows with the number: "10 days ago" is 05-12 .. 05-16,
// "8 years ago" is 2013 .. 2017. Counts 1–3 are exact.
//
// Fuzzy counts cover a range of units back: "a couple (of)" 2–3, "a few"
// 2–5, "several" 3–7. "A few days ago" is 05-19 .. 05-22.
//
// # Rolling windows
//
// "[in|over|for] the past|last N units", "past N units", "last N units"
// (with a count), "the past week" (no count = 1): from N units before today
// to the end of today, whole days. Fuzzy counts use their upper bound.
//
//	in the past 3 days             05-21 .. 05-24
//	over the past week             05-17 .. 05-24
//	the past month                 04-24 .. 05-24 (the day clamped: a month before 05-31 is 04-30)
//	the past 24 hours              hour-aligned: 05-23 15:00 .. 05-24 16:00
//	[in] the next N units          today to N units after the end of today
//
// "The last week" (with "the") is this rolling window; "last week" (without)
// is the calendar week.
//
// # Calendar units
//
//	last / this / next week        the ISO week before / containing / after today
//	last / this / next month       calendar month
//	last / this / next year        calendar year
//	last / this / next weekend     Sat–Sun of the previous / current / next ISO week
//	this past weekend              = last weekend
//	over|on|at the weekend         the weekend in progress on Sat/Sun, else the last one
//	previous week|month|year       = last ...
//
// # Weekdays
//
//	Monday, on Monday,             the most recent Monday strictly before today
//	  last Monday                  (on a Monday, "on Monday" is a week ago)
//	next Monday                    the first Monday strictly after today
//	this [coming] Monday           the Monday of the current ISO week; "coming" = next
//	Tuesday, May 2                 a weekday followed by a date is that date
//
// # Months and dates
//
//	May, in May                    the most recent May that has begun: this year's
//	                               if May is not after the current month, else last year's
//	last May                       the most recent May before the current month
//	next May                       the first May after the current month
//	this May                       this year's May
//	May 2023, May of 2023          that month
//	May 3, May 3rd, 3 May,         that day; without a year, the most recent one that
//	  May the 3rd, the 3rd of        is not after today ("May 30" on 05-24 is 2022-05-30;
//	  May, May first               a Feb 29 looks back to the last leap year)
//	May 3rd, 2023, 3 May 2023      that day
//	on the 5th, since the 20th     the most recent 5th not after today (this month or
//	                               earlier); not before a noun ("on the 2nd floor")
//	2023-05-03, 2023/05/03         ISO dates; a trailing T10:00 time is ignored
//	5/3/2023, 5-3-2023             US month-first (May 3), since the prompts are
//	                               English; 25/12/2023 is day-first because 25
//	                               cannot be a month
//	2023-05                        that month
//	in|during|since|throughout|    that calendar year, 1900–2199; not before a plural
//	  for 2022                     noun ("in 2000 steps")
//
// "may", "march", "fall" and month abbreviations (jan, mar, dec …) are also
// ordinary words, so alone they need a preposition, a relation word, a day or
// a year: "in May", "last March", "may 3", "Dec. 2021"; "may I ask" is nothing.
// Seasons likewise need one ("in the summer", "last fall", "summer 2022").
//
// # Parts of periods
//
//	early / mid / late May         days 1–10 / 11–20 / 21–end
//	early / mid / late 2022        Jan–Apr / May–Aug / Sep–Dec
//	early last summer              the season's first / middle / last month
//	the beginning / middle / end   the same thirds; "start of" = beginning;
//	  of X                         "the end of the month" = this month's last third
//	late last week                 other spans of 3+ days split into whole-day thirds
//	                               (7 days: 2 / 2 / 3)
//	the first … fifth week of      days 1–7, 8–14, 15–21, 22–28, 29–end
//	  March (also "of last month")
//	the last week of April         the month's last seven days
//
// Early/mid/late only apply to periods longer than a day: "I was late
// yesterday" is about yesterday, not its evening.
//
// # Seasons
//
// Northern-hemisphere meteorological seasons: spring March–May, summer
// June–August, autumn/fall September–November, winter December–February.
// Winter Y starts in December of Y ("winter 2022" = Dec 2022 – Feb 2023).
//
//	in [the] summer                the most recent summer that has begun
//	last summer                    the most recent summer that has ended (2022)
//	this summer                    the one in progress, else this year's (2023)
//	next summer                    the first one that has not begun
//	summer 2021, the summer of     that season
//	  2021
//
// # Holidays
//
// Each is the single local day. Bare: the most recent occurrence not after
// today; last: the most recent before today; next: the first after today;
// this: this calendar year's; a following year picks that year.
//
//	Christmas, Christmas Day, Xmas December 25
//	Christmas Eve                  December 24
//	New Year's Eve                 December 31
//	New Year's Day, (over|on|…)    January 1 ("New Year" alone needs a
//	  New Year                     preposition or relation word)
//	Valentine's Day, Valentines    February 14
//	Thanksgiving                   US: the fourth Thursday of November
//	Easter, Easter Sunday          Western Easter, by the anonymous Gregorian
//	                               (Meeus/Jones/Butcher) algorithm
//	Halloween                      October 31
//
// # Since
//
// "since X" runs from the start of X to the end of today ("since May" =
// 05-01 .. 05-24), when X starts before then.
//
// # Not ranges
//
// Durations and quantities are not anchors and yield nothing: "for two
// weeks", "5 minutes", "in 3 days" (future offset, see gaps), "3 cats",
// "version 2.1", "room 1204", "$2023", "12:30", "3/4", "2023 was great"
// (a bare year needs a preposition), "every Monday", "on Mondays".
//
// # Robustness and limits
//
// Find never panics, on any bytes: invalid UTF-8 and non-ASCII text are
// separators (a word glued to a non-ASCII letter, "Mayé", is not a time
// word). Work is linear in the text: the text is tokenized in chunks of at
// most 4096 bytes (maxChunk) cut at a line or sentence break, matching looks
// ahead a bounded number of tokens, and nesting ("the end of the first week
// of …") is bounded at depth 3 (maxDepth). At most 64 ranges (maxRanges) are
// returned: a prompt is about a handful of times, and past that the text is
// a log or a calendar dump. On a 200-byte prompt Find takes about 2–3 µs and
// allocates only its result.
//
// # Known gaps
//
// Future offsets ("in 3 days", "3 days from now"), clock times ("at 5pm"),
// bounds other than since ("before May", "until Friday", "between May and
// June"), ranges ("May 3–5", "from Monday to Wednesday"), M/D without a year
// ("12/25"), two-digit years, dotted D.M.Y dates, decades ("the 90s"),
// weekday abbreviations, holidays other than those listed, and languages
// other than English.
package when
