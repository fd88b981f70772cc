package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Beliefs are beliefs.religion and beliefs.politics; the category is
// sensitive.

const beliefAdverbs = `(?:(?:an? |devout |practicing |practising |non-practicing |lapsed |proud |lifelong |registered |pretty |very |fairly |quite |staunch |strongly |somewhat |now |also |raised |born |card-carrying )*)`

func beliefRules() []rule {
	return []rule{
		{rx(`^I'm ` + beliefAdverbs + `(` + religions + `)\b`), func(m *match) []Candidate {
			r := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatBeliefs, "beliefs.religion", r, "Is "+r)}
		}},
		{rx(`^I'm (?:not religious|not a believer)\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatBeliefs, "beliefs.religion", "not religious", "Is not religious")}
		}},
		{rx(`^I'm ` + beliefAdverbs + `(` + politics + `)\b(?:\s+politically)?`), func(m *match) []Candidate {
			p := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatBeliefs, "beliefs.politics", p, "Is politically "+p)}
		}},
		{rx(`^I (?:always |usually )?vote (?:for (?:the )?)?(democrat|democratic|republican|labour|conservative|green|liberal|libertarian|tory|left|right)\b`), func(m *match) []Candidate {
			p := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatBeliefs, "beliefs.politics", p, "Votes "+p)}
		}},
	}
}
