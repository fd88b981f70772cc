package extract

import (
	"sort"
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Preferences are like:<object> = likes | dislikes | prefers, so loving and
// later hating the same thing share a slot. A choice between two things is
// prefer:<a>|<b> (a, b sorted) = the preferred one.

// notObjects begin phrases after "I love" that are not a stable preference:
// reactions ("I love this answer"), events ("I hate when..."), people.
var notObjects = rx(`^(?:this|that|these|those|it|you|your|him|her|them|when|how|the way|what|where|why|if|being|to be|the idea|the fact|the result|the answer|my life|myself|u|ya|everything|everyone|nothing|anything|lots|so much|a lot|him|people|ppl)\b`)

func preferenceFacts(list, value string) []Candidate {
	var out []Candidate
	for _, item := range splitList(cutTail(list)) {
		o := norm(item)
		if o == "" || words(o) > 6 || notObjects.MatchString(o) || strings.Contains(o, "<") {
			continue
		}
		text := map[string]string{"likes": "Likes ", "dislikes": "Dislikes ", "prefers": "Prefers "}[value] + o
		out = append(out, fact(model.CatPreference, "like:"+o, value, text))
	}
	return out
}

const intensifiers = `(?:(?:really|absolutely|just|honestly|totally|kinda|kind of|also|truly|genuinely|seriously|generally|still|actually|do|super|so) )*`

var likeVerbs = map[string]string{
	"love": "likes", "like": "likes", "enjoy": "likes", "adore": "likes", "am obsessed with": "likes",
	"hate": "dislikes", "dislike": "dislikes", "detest": "dislikes", "loathe": "dislikes",
	"can't stand": "dislikes", "can't bear": "dislikes", "don't like": "dislikes", "don't enjoy": "dislikes",
	"don't love": "dislikes", "no longer like": "dislikes", "no longer enjoy": "dislikes",
	"don't care for": "dislikes", "am not a fan of": "dislikes", "don't really like": "dislikes",
}

func preferenceRules() []rule {
	return []rule{
		{rx(`^I ` + intensifiers + `(love|like|enjoy|adore|hate|dislike|detest|loathe|can't stand|can't bear|don't like|don't enjoy|don't love|no longer like|no longer enjoy|don't care for|don't really like)(?: to)? (.+)$`), func(m *match) []Candidate {
			return preferenceFacts(m.g[2], likeVerbs[strings.ToLower(m.g[1])])
		}},
		{rx(`^I'm (?:an? )?(?:huge |big |massive |great |die-hard |diehard |longtime |lifelong )?fan of (.+)$`), func(m *match) []Candidate {
			return preferenceFacts(m.g[1], "likes")
		}},
		{rx(`^I'm (?:an? )?(?:huge |big |massive |die-hard |diehard )?((?:\p{L}[\p{L}\-]* ){0,2}\p{L}[\p{L}\-]*) fan\b`), func(m *match) []Candidate {
			if fanAdjectives.MatchString(m.g[1]) {
				return nil // "a huge fan of X": the rule above
			}
			return preferenceFacts(m.g[1], "likes")
		}},
		{rx(`^I'm not (?:really )?(?:an? )?(?:big |huge )?fan of (.+)$`), func(m *match) []Candidate {
			return preferenceFacts(m.g[1], "dislikes")
		}},
		{rx(`^I'm (?:really |very |super |so |pretty |totally )?(?:into|obsessed with|passionate about) (.+)$`), func(m *match) []Candidate {
			return preferenceFacts(m.g[1], "likes")
		}},
		{rx(`^I ` + intensifiers + `(?:much |definitely |usually |always )?prefer (.+?) (?:over|to|rather than|instead of|more than) (.+)$`), func(m *match) []Candidate {
			a, b := norm(cutTail(m.g[1])), norm(cutTail(m.g[2]))
			if a == "" || b == "" || a == b || words(a) > 4 || words(b) > 4 || notObjects.MatchString(a) {
				return nil
			}
			pair := []string{a, b}
			sort.Strings(pair)
			return []Candidate{fact(model.CatPreference, "prefer:"+pair[0]+"|"+pair[1], a, "Prefers "+a+" over "+b)}
		}},
		{rx(`^I ` + intensifiers + `(?:much |definitely |usually |always )?prefer (.+)$`), func(m *match) []Candidate {
			if rx2Over.MatchString(m.g[1]) {
				return nil // handled by the pair rule
			}
			return preferenceFacts(m.g[1], "prefers")
		}},
	}
}

var fanAdjectives = rx(`^(?:huge|big|massive|great|die-hard|diehard|longtime|lifelong|real|true|fair-weather)$`)

var rx2Over = rx(`\b(?:over|to|rather than|instead of|more than)\b`)
