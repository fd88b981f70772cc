package when

import (
	"sync"
	"time"
	"unicode/utf8"
)

// Range is a half-open UTC interval [Start, End) that a phrase in the text
// refers to.
type Range struct {
	Start, End time.Time
	Phrase     string // the phrase exactly as written: text[Pos:Pos+len(Phrase)]
	Pos        int    // byte offset of Phrase in the text
}

// Limits that keep Find's work and output bounded on any input.
const (
	// maxRanges caps the result. A prompt is about a handful of times; past
	// 64 the text is a log or a calendar dump, and more ranges would only
	// dilute recall.
	maxRanges = 64
	// maxChunk is how much text is tokenized at once, so memory stays
	// bounded on huge inputs. Chunks end at a line or sentence break (or a
	// space) in their second half, which no phrase spans.
	maxChunk = 4096
	// maxDepth bounds nesting ("the end of the first week of ...").
	maxDepth = 3
)

// scanner holds the state of one Find call.
type scanner struct {
	text  string
	toks  []token
	now   time.Time      // the prompt's time, in its own location
	today time.Time      // local midnight of now
	loc   *time.Location // now's location; all calendar arithmetic is local
	depth int
}

// Find returns the time ranges referred to in text, resolved against now
// (the prompt's time), in text order. Calendar arithmetic happens in now's
// location, so "yesterday" is the user's yesterday; the ranges are returned
// in UTC. See the package documentation for every supported form.
func Find(text string, now time.Time) []Range {
	if text == "" {
		return nil
	}
	y, m, d := now.Date()
	s := scanner{text: text, now: now, loc: now.Location(), today: time.Date(y, m, d, 0, 0, 0, 0, now.Location())}
	bp := tokPool.Get().(*[]token)
	toks := (*bp)[:0]
	var out []Range
	for off := 0; off < len(text) && len(out) < maxRanges; {
		end := chunkEnd(text, off)
		toks = lex(text, off, end, toks)
		s.toks = toks
		out = s.scan(out)
		off = end
	}
	if cap(toks) <= maxPooledToks {
		*bp = toks[:0]
		tokPool.Put(bp)
	}
	return out
}

// tokPool recycles token buffers between calls (escape analysis cannot keep
// one on the stack, because ranges carry pointers out of the scanner).
var tokPool = sync.Pool{New: func() any { b := make([]token, 0, 64); return &b }}

// maxPooledToks keeps buffers grown by a huge input out of the pool.
const maxPooledToks = 1024

// chunkEnd returns where the chunk starting at off ends.
func chunkEnd(text string, off int) int {
	if len(text)-off <= maxChunk {
		return len(text)
	}
	lim, low := off+maxChunk, off+maxChunk/2
	for i := lim - 1; i > low; i-- {
		if c := text[i]; c == '\n' || (c == '.' || c == '?' || c == '!') && isSpace(text[i+1]) {
			return i + 1
		}
	}
	for i := lim - 1; i > low; i-- {
		if isSpace(text[i]) {
			return i + 1
		}
	}
	i := lim
	for i > low && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// scan appends the ranges in the current chunk's tokens to out.
func (s *scanner) scan(out []Range) []Range {
	for i := 0; i < len(s.toks) && len(out) < maxRanges; {
		sp, next, ok := s.at(i)
		if next <= i {
			next = i + 1
		}
		if next > len(s.toks) {
			next = len(s.toks)
		}
		if ok && sp.start.Before(sp.end) {
			if out == nil {
				out = make([]Range, 0, 4)
			}
			a, b := s.toks[i].start, s.toks[next-1].end
			out = append(out, Range{Start: sp.start.UTC(), End: sp.end.UTC(), Phrase: s.text[a:b], Pos: a})
		}
		i = next
	}
	return out
}

// at matches a phrase starting at token i. It returns the span, the token
// after the phrase, and whether the phrase is a range to report. A phrase
// that is matched but not reported (every Monday) still advances the scan.
func (s *scanner) at(i int) (span, int, bool) {
	t := &s.toks[i]
	if t.kind == tNum {
		return s.finish(i, kwNone, i)
	}
	if t.kind != tWord || t.cls == cNone {
		return span{}, i + 1, false
	}
	if t.cls == cKw && isPrep(t.val) {
		return s.finish(i, t.val, i+1)
	}
	return s.finish(i, kwNone, i)
}

// finish matches the anchor at token j (after an optional preposition at
// token i) and applies what may follow or surround it.
func (s *scanner) finish(i, prep, j int) (span, int, bool) {
	sp, next, ok := s.core(j, prep)
	if !ok {
		return span{}, i + 1, false
	}
	// yesterday morning, Monday night
	if p := s.t(next); p.kind == tWord && p.cls == cPart && isDay(sp) {
		sp, next = s.partOf(sp.start, part(p.val)), next+1
	}
	// since May: from the anchor to the end of today
	if end := s.today.AddDate(0, 0, 1); prep == kwSince && sp.start.Before(end) {
		sp.end = end
	}
	// every Monday, each May, every other week: recurrences, not anchors
	if s.kw(i-1, kwEvery) || s.kw(i-1, kwEach) || s.kw(i-1, kwPer) || s.kw(i-1, kwOther) && s.kw(i-2, kwEvery) {
		return span{}, next, false
	}
	return sp, next, true
}

// core matches an anchor at token j. prep is the preposition before it
// (kwNone, a preposition, or kwCtx when the caller supplies context), which
// lets ambiguous words through: "in May", "in 2022", "in the fall".
func (s *scanner) core(j, prep int) (span, int, bool) {
	t := s.t(j)
	if t.kind == tNum {
		return s.number(j, prep)
	}
	if t.kind != tWord {
		return fail()
	}
	switch t.cls {
	case cKw:
		return s.keyword(j, prep)
	case cMonth:
		return s.month(j, prep, relNone)
	case cWeekday:
		return s.weekday(j, relNone)
	case cSeason:
		return s.season(j, prep, relNone)
	case cHoliday:
		return s.holiday(j, relNone)
	case cCard:
		if _, _, ok := s.ordinalAt(j); ok {
			return s.ordinal(j, prep) // twenty-first of May
		}
		return s.ago(j)
	case cOrd:
		return s.ordinal(j, prep)
	case cUnit:
		if u, plural, _ := s.unitAt(j); u == uDay && !plural {
			if s.kw(j+1, kwBefore) && s.kw(j+2, kwYesterday) {
				return s.day(-2), j + 3, true
			}
			if s.kw(j+1, kwAfter) && s.kw(j+2, kwTomorrow) {
				return s.day(2), j + 3, true
			}
		}
	}
	return fail()
}
