package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Diet facts. A named diet is single-valued (diet.style); individual foods
// are their own slots (diet:<food>), so "I don't eat meat" and "I eat meat
// again" supersede each other without touching diet.style. Allergies and
// intolerances are allergy:<thing>; they live in the diet category because
// food suggestions are where they matter, at normal sensitivity.

func dietStyle(s string) []Candidate {
	s = strings.ReplaceAll(strings.ToLower(s), " ", "-")
	s = strings.Replace(s, "raw-vegan", "raw vegan", 1)
	s = strings.Replace(s, "intermittent-fasting", "intermittent fasting", 1)
	if s == "pescetarian" {
		s = "pescatarian"
	}
	return []Candidate{fact(model.CatDiet, "diet.style", s, "Eats "+s)}
}

func foods(list, value string) []Candidate {
	var out []Candidate
	for _, item := range splitList(cutTail(list)) {
		f := norm(item)
		if f == "" || words(f) > 3 || strings.HasPrefix(f, "it") || strings.HasPrefix(f, "that") || strings.HasPrefix(f, "this") {
			continue
		}
		text := "Avoids " + f
		if value == "eats" {
			text = "Eats " + f
		}
		out = append(out, fact(model.CatDiet, "diet:"+f, value, text))
	}
	return out
}

func allergies(list, value string) []Candidate {
	var out []Candidate
	for _, item := range splitList(cutTail(list)) {
		a := norm(item)
		if a == "" || words(a) > 3 {
			continue
		}
		text := map[string]string{
			"allergic": "Is allergic to ", "not allergic": "Is no longer allergic to ",
			"intolerant": "Is intolerant to ",
		}[value] + a
		out = append(out, fact(model.CatDiet, "allergy:"+a, value, text))
	}
	return out
}

func dietRules() []rule {
	return []rule{
		{rx(`^I'm (?:an? )?(?:strict |mostly |fully |full |now |also |currently |a )?(` + dietStyles + `)\b`), func(m *match) []Candidate {
			return dietStyle(m.g[1])
		}},
		{rx(`^I (?:keep|eat|cook|eat only|only eat|follow an?|do|went|have gone|switched to an?|switched to|became|started eating|am on an?|have been) (` + dietStyles + `)(?: diet| food| only)?\b`), func(m *match) []Candidate {
			return dietStyle(m.g[1])
		}},
		{rx(`^I'm (?:on|doing|following) (?:an? |the )?(` + dietStyles + `)(?: diet)?\b`), func(m *match) []Candidate { return dietStyle(m.g[1]) }},
		{rx(`^I'm (?:not|no longer) (?:an? )?(` + dietStyles + `)(?: anymore| any more)?\b`), func(m *match) []Candidate {
			s := dietStyle(m.g[1])[0]
			return []Candidate{fact(model.CatDiet, "diet.style", "not "+s.Value, "Is no longer "+s.Value)}
		}},
		{rx(`^I (?:stopped being|quit being|gave up being) (` + dietStyles + `)\b`), func(m *match) []Candidate {
			s := dietStyle(m.g[1])[0]
			return []Candidate{fact(model.CatDiet, "diet.style", "not "+s.Value, "Is no longer "+s.Value)}
		}},
		{rx(`^I (?:don't|never|no longer|can't|won't|try not to|don't really) (?:eat|drink|consume|touch|do) (.+)$`), func(m *match) []Candidate {
			return foods(m.g[1], "avoids")
		}},
		{rx(`^I (?:avoid|stopped eating|stopped drinking|quit eating|quit drinking|cut out) (.+)$`), func(m *match) []Candidate {
			return foods(m.g[1], "avoids")
		}},
		{rx(`^I (?:started eating|eat|started drinking|drink) (.+?) again\b`), func(m *match) []Candidate { return foods(m.g[1], "eats") }},
		{rx(`^I'm (?:severely |very |mildly |deathly |slightly |super |also )?allergic to (.+)$`), func(m *match) []Candidate {
			return allergies(m.g[1], "allergic")
		}},
		{rx(`^I have (?:an? )?(?:severe |mild |bad |serious |deadly )?([\p{L} ]{2,30}?) allerg(?:y|ies)\b`), func(m *match) []Candidate {
			return allergies(m.g[1], "allergic")
		}},
		{rx(`^I'm (?:\w+ )?(lactose|gluten|fructose|histamine|dairy) intolerant\b`), func(m *match) []Candidate {
			return allergies(m.g[1], "intolerant")
		}},
		{rx(`^I'm (?:not|no longer) allergic to (.+?)(?: anymore| any more)?$`), func(m *match) []Candidate {
			return allergies(m.g[1], "not allergic")
		}},
	}
}
