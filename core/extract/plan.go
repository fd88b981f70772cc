package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Plans are plan:trip:<place>, plan:move:<place> and plan:<event>, valued
// with the resolved date (see dates.go) or "planned" when a trip has none.
// An event needs a date: "I have an interview" alone is too vague to keep.

var planTail = rx(`(?:\s*,?\s+(?:for|with|to|on|this|next|in|tomorrow|today|tonight|and|but|so|because|since|at|after|before|until|from|the day)\b.*)$`)

func planPlace(s string) (string, bool) {
	s = strings.TrimSpace(planTail.ReplaceAllString(s, ""))
	return place(s)
}

func planDate(m *match) string {
	if d, ok := resolveDate(m.clause.text, m.at); ok {
		return d
	}
	return "planned"
}

func planRules() []rule {
	return []rule{
		{rx(`^(?:I'm|we are|I will be|we will be) (?:\w+ )?(?:flying|traveling|travelling|heading|driving|going|off|taking a trip|visiting|leaving|sailing|headed) (?:back )?(?:to |for )?(.+)$`), func(m *match) []Candidate {
			p, ok := planPlace(m.g[1])
			if !ok || !capitalized(p) {
				return nil // "I'm going to ask", "I'm going home"
			}
			d := planDate(m)
			return withConf(ConfPlan, fact(model.CatPlan, "plan:trip:"+norm(p), d, "Is travelling to "+p+" ("+d+")"))
		}},
		{rx(`^(?:I'm|we are) (?:\w+ )?(?:moving|relocating) (?:back )?to (.+)$`), func(m *match) []Candidate {
			p, ok := planPlace(m.g[1])
			if !ok {
				return nil
			}
			d := planDate(m)
			return withConf(ConfPlan, fact(model.CatPlan, "plan:move:"+norm(p), d, "Is moving to "+p+" ("+d+")"))
		}},
		// my wedding is on June 3 / our trip is next week
		{rx(`^(?:my|our) ((?:[\p{L}'\-]+ ){0,3}?[\p{L}'\-]+) is (.+)$`), func(m *match) []Candidate {
			return event(m, m.g[1], m.g[2])
		}},
		// I have a job interview tomorrow / I've got surgery on Monday
		{rx(`^(?:I|we) (?:have|got) (?:an? |my |the |our )?((?:[\p{L}'\-]+ ){0,3}?[\p{L}'\-]+) ((?:on |this |next |tomorrow|today|tonight|in \w+ (?:days|weeks)|the day after).*)$`), func(m *match) []Candidate {
			return event(m, m.g[1], m.g[2])
		}},
	}
}

// dateStart: the words right after the event must be its date, so "my
// friend Jake is moving next week" is not an event called "friend jake".
var dateStart = rx(`^(?:(?:on|this|next|in|coming up|scheduled for|the|at the end of) )*(?:today|tonight|tomorrow|next|this|the day after|` + weekdayRe + `|` + monthRe + `|\d|\w+ (?:days?|weeks?|months?))`)

// notEvents are nouns that take a date without being a plan.
var notEvents = rx(`^(?:birthday|name|job|age|time|phone|number|order|password|question|problem|issue|favorite|favourite|life|day|week|son|daughter|wife|husband|kid|kids|mom|dad|family|house|flat|car|dog|cat|goal|dream|plan|budget|salary|birthday is)$`)

func event(m *match, what, rest string) []Candidate {
	d, ok := resolveDate(m.clause.text, m.at)
	e := norm(what)
	if !ok || !dateStart.MatchString(rest) || e == "" || notEvents.MatchString(e) {
		return nil
	}
	return withConf(ConfPlan, fact(model.CatPlan, "plan:"+e, d, "Has "+article(e)+e+" on "+d))
}
