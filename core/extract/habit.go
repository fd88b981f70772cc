package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Habits are habit:<activity> = how often. The activity is the verb phrase
// without its frequency ("I run every morning" -> habit:run = every morning).

const frequency = `((?:every|each) (?:single |other )?(?:\w+day|day|morning|night|evening|afternoon|week|weekend|month|year|summer|winter|spring|fall|autumn|christmas|ramadan|lent|holiday|\w+)(?: and (?:\w+day))*|on (?:weekends|weekdays|the weekends?|(?:mon|tues|wednes|thurs|fri|satur|sun)days)|(?:once|twice|three times|four times|five times|\d+ times|a few times|several times) (?:a|per|every) (?:day|week|month|year)|daily|nightly|weekly|monthly|every now and then)`

const adverbs = `(usually|always|often|normally|generally|typically|regularly|never|rarely|frequently|mostly|constantly|seldom)`

// notHabits begin verb phrases that are not habits: states, modals,
// speech about the conversation.
var notHabits = rx(`^(?:am|was|were|will|would|can|could|should|have to|had|want|need|think|guess|feel like|wonder|get asked|say|said|tell|ask|forget to mention|thought|knew|know|mean)\b`)

var frequencyRe = rx(`(?:^|\s*,\s*|\s+)` + frequency + `\b\s*`)

func habit(vp, freq string) []Candidate {
	vp = strings.TrimSpace(frequencyRe.ReplaceAllString(vp, " "))
	vp = norm(cutTail(vp))
	freq = strings.ToLower(strings.Join(strings.Fields(freq), " "))
	if vp == "" || words(vp) > 7 || notHabits.MatchString(vp) || strings.Contains(vp, "<") {
		return nil
	}
	return []Candidate{fact(model.CatHabit, "habit:"+vp, freq, title(freq)+": "+vp)}
}

func habitRules() []rule {
	return []rule{
		{rx(`^I (?:\w+ )?` + adverbs + ` (.+)$`), func(m *match) []Candidate {
			vp := m.g[2]
			if strings.EqualFold(m.g[1], "never") && dietVerb.MatchString(vp) {
				return nil // "I never eat meat" is a diet fact
			}
			if f := frequencyRe.FindStringSubmatch(vp); f != nil {
				return habit(vp, f[1])
			}
			return habit(vp, m.g[1])
		}},
		{rx(`^I ((?:\w+ ){0,6}?\w+)(?:\s*,\s*|\s+)` + frequency + `\b`), func(m *match) []Candidate {
			if rxAdverbStart.MatchString(m.g[1]) {
				return nil // the adverb rule has it
			}
			return habit(m.g[1], m.g[2])
		}},
		{rx(`^` + frequency + `,? I (.+)$`), func(m *match) []Candidate { return habit(m.g[2], m.g[1]) }},
	}
}

var dietVerb = rx(`^(?:eat|drink|consume|touch)\b`)

var rxAdverbStart = rx(`^(?:\w+ )?` + adverbs + `\b`)
