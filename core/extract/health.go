package extract

import (
	"sort"
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// Health facts are health:<condition>; the category is sensitive.

var conditionRe = rx(`^(?:a |an |severe |mild |chronic |bad |diagnosed )*(` + conditions + `)$`)

func condition(s, value string) []Candidate {
	var out []Candidate
	for _, item := range splitList(cutTail(s)) {
		out = append(out, oneCondition(item, value)...)
	}
	return out
}

func oneCondition(s, value string) []Candidate {
	c := strings.ToLower(strings.TrimSpace(s))
	m := conditionRe.FindStringSubmatch(c)
	if m == nil {
		return nil
	}
	c = norm(m[1])
	text := "Has " + c
	if value == "had" {
		text = "Had " + c
	}
	return []Candidate{fact(model.CatHealth, "health:"+c, value, text)}
}

func healthRules() []rule {
	return []rule{
		{rx(`^I (?:have|suffer from|struggle with|live with|deal with|was diagnosed with|got diagnosed with|have been diagnosed with|am being treated for|'m being treated for) (.+)$`), func(m *match) []Candidate {
			return condition(m.g[1], "has")
		}},
		{rx(`^I'm (?:also )?(` + strings.Join(keys(conditionAdjectives), "|") + `)\b`), func(m *match) []Candidate {
			return condition(conditionAdjectives[strings.ToLower(m.g[1])], "has")
		}},
		{rx(`^I (?:recovered from|beat|no longer have) (.+?)(?: anymore)?$`), func(m *match) []Candidate {
			return condition(m.g[1], "had")
		}},
		{rx(`^I'm (?:\w+ )?(pregnant)\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatHealth, "health:pregnancy", "pregnant", "Is pregnant")}
		}},
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}
