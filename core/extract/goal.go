package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Goals are goal:<verb phrase> = wants. Only the user's own aims count:
// "I want to know how X works" and "I'm trying to figure out this bug" are
// requests about the conversation, not goals, and are excluded by their verb.

var taskVerbs = rx(`^(?:know|ask|understand|see|check|make sure|write|say|tell|create|find out|figure out|find|fix|send|print|compare|convert|calculate|translate|talk|explain|describe|summarize|summarise|be sure|thank|show|remind|clarify|confirm|give|share|get this|get it|do this|do that|solve|debug|add|remove|rewrite|edit|reply|respond|answer|cancel|complain|order|book|buy a gift|use|try|decide|choose|pick|go|read this|watch|make this|test|set up|install|sign up|log in|delete|update|generate|draft|plan this|surprise|avoid|keep|stop you|cook|ask you|learn more about|know more|hear|be)\b`)

func goal(vp string) []Candidate {
	vp = norm(cutTail(vp))
	if vp == "" || words(vp) > 8 || taskVerbs.MatchString(vp) || strings.Contains(vp, "<") {
		return nil
	}
	return []Candidate{fact(model.CatGoal, "goal:"+vp, "wants", "Wants to "+vp)}
}

func goalRules() []rule {
	return []rule{
		{rx(`^I (?:really |also |eventually |still )?(?:want|hope|plan|intend|aim|am planning|'m planning|am hoping|'m hoping|am aiming|'m aiming|dream) to (.+)$`), func(m *match) []Candidate {
			return goal(m.g[1])
		}},
		{rx(`^I'm (?:really |also )?(?:trying|working|saving|saving up|saving money|studying|training) (?:hard )?to (.+)$`), func(m *match) []Candidate {
			return goal(m.g[1])
		}},
		{rx(`^my (?:main |big |biggest |long-term |new year's |new years )?(?:goal|dream|aim|ambition|resolution|plan) (?:for (?:this|next) year )?is to (.+)$`), func(m *match) []Candidate {
			return goal(m.g[1])
		}},
		{rx(`^I'm (?:trying|working|aiming) (?:hard )?(?:on|towards|toward) (\w+ing\b.*)$`), func(m *match) []Candidate {
			return goal(m.g[1])
		}},
	}
}
