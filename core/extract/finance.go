package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Finance facts are single-valued: finance.income, finance.debt,
// finance.savings, finance.budget. The category is sensitive.

const amount = `((?:[$€£¥₹]\s?)?\d[\d,.]*\s?(?:k|K|m|M|grand|thousand|million)?(?:\s?(?:dollars|euros|pounds|usd|eur|gbp|bucks|rupees|yen))?)`

func financeRules() []rule {
	return []rule{
		{rx(`^I (?:make|earn|take home|bring in|get paid|gross|net) (?:about |around |roughly |approximately |like |over |under |almost |nearly |just over |just under )?` + amount + `\s?(?:a|per|an|/)\s?(year|month|week|hour|yr|mo|hr)\b`), func(m *match) []Candidate {
			v := strings.TrimSpace(m.g[1]) + " a " + strings.ToLower(m.g[2])
			return []Candidate{fact(model.CatFinance, "finance.income", v, "Earns "+v)}
		}},
		{rx(`^my (?:salary|income|pay) is (?:about |around )?` + amount + `(.*)$`), func(m *match) []Candidate {
			v := strings.TrimSpace(m.g[1] + cutTail(m.g[2]))
			return []Candidate{fact(model.CatFinance, "finance.income", v, "Earns "+v)}
		}},
		{rx(`^I (?:have|owe|still owe|'ve got) (?:about |around |over |almost )?` + amount + ` (?:in|of|on) ((?:student |credit card |car |medical )?(?:loans?|debt|mortgage))\b`), func(m *match) []Candidate {
			v := strings.TrimSpace(m.g[1]) + " in " + strings.ToLower(m.g[2])
			return []Candidate{fact(model.CatFinance, "finance.debt", v, "Owes "+v)}
		}},
		{rx(`^I have (?:about |around |over |almost )?` + amount + ` (?:in|of) (?:savings|my savings account|the bank)\b`), func(m *match) []Candidate {
			v := strings.TrimSpace(m.g[1])
			return []Candidate{fact(model.CatFinance, "finance.savings", v, "Has "+v+" in savings")}
		}},
		{rx(`^I'm (?:deeply |heavily |drowning |really |so )?in (?:a lot of )?debt\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatFinance, "finance.debt", "in debt", "Is in debt")}
		}},
		{rx(`^I'm (?:on|living on) an? (tight|small|limited|strict|low|shoestring|student) budget\b`), func(m *match) []Candidate {
			b := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatFinance, "finance.budget", b, "Is on a "+b+" budget")}
		}},
		{rx(`^I'm (?:completely |totally |really |so )?(broke)\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatFinance, "finance.budget", "broke", "Is broke")}
		}},
	}
}
