package extract

import (
	"github.com/confidant-dev/confidant/core/model"
)

var languageQualifier = rx(`^(?:a little|a bit of|a bit|some|basic|decent|conversational|fluent|broken|native)\s+`)

var languageWord = rx(`^(` + languages + `)$`)

// languageFacts yields language:<lang> for each language named in list.
func languageFacts(list, level string) []Candidate {
	var out []Candidate
	for _, item := range splitList(cutTail(list)) {
		l := norm(languageQualifier.ReplaceAllString(item, ""))
		if !languageWord.MatchString(l) {
			continue
		}
		text := map[string]string{
			"speaks": "Speaks ", "fluent": "Is fluent in ", "native": "Is a native speaker of ",
			"learning": "Is learning ",
		}[level] + title(l)
		out = append(out, fact(model.CatIdentity, "language:"+l, level, text))
	}
	return out
}

func languageRules() []rule {
	return []rule{
		{rx(`^I (?:can )?speak (?:a little |a bit of |some |basic |decent |conversational |(fluent) )?(.+)$`), func(m *match) []Candidate {
			if m.g[1] != "" {
				return languageFacts(m.g[2], "fluent")
			}
			return languageFacts(m.g[2], "speaks")
		}},
		{rx(`^I'm (?:fluent|bilingual) in (.+)$`), func(m *match) []Candidate { return languageFacts(m.g[1], "fluent") }},
		{rx(`^I'm (?:currently )?(?:learning|studying) (` + languages + `)\b`), func(m *match) []Candidate {
			return languageFacts(m.g[1], "learning")
		}},
		{rx(`^my (?:native|first|mother) (?:language|tongue) is (.+)$`), func(m *match) []Candidate { return languageFacts(m.g[1], "native") }},
		{rx(`^(` + languages + `) is my (?:native|first|mother) (?:language|tongue)`), func(m *match) []Candidate {
			return languageFacts(m.g[1], "native")
		}},
		{rx(`^(` + languages + `) is my (?:second|third) language`), func(m *match) []Candidate { return languageFacts(m.g[1], "speaks") }},
		{rx(`^I'm a native (` + languages + `) speaker`), func(m *match) []Candidate { return languageFacts(m.g[1], "native") }},
	}
}
