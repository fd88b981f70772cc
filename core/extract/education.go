package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// degrees name academic degrees; degreeNorm folds spellings.
var degrees = alt("bachelor's", "bachelors", "bachelor", "master's", "masters", "master", "phd", "ph.d.",
	"doctorate", "mba", "ba", "bs", "bsc", "ma", "ms", "msc", "associate's", "associate degree", "md", "jd",
	"undergrad", "undergraduate degree")

var degreeNorm = map[string]string{
	"bachelors": "bachelor's", "bachelor": "bachelor's", "masters": "master's", "master": "master's",
	"ph.d.": "phd", "doctorate": "phd", "undergraduate degree": "bachelor's", "undergrad": "bachelor's",
}

var schoolWord = rx(`\b(?:school|university|univ|college|academy|institute|polytechnic|uni|tu|mit|ucla|nyu|eth|epfl|sciences po|lse|kcl|ucl|oxford|cambridge|harvard|stanford|yale|princeton)\b`)

var fieldTail = rx(`(?:\s*,?\s+(?:at|in|since|for|and|but|now|because|so|right now|this|next|last)\b.*)$`)

func field(s string) (string, bool) {
	s = norm(cutTail(fieldTail.ReplaceAllString(s, "")))
	if s == "" || words(s) > 4 || languageWord.MatchString(s) {
		return "", false
	}
	return s, true
}

func degree(s string) string {
	d := strings.ToLower(s)
	if n, ok := degreeNorm[d]; ok {
		return n
	}
	return d
}

func school(s string) (string, bool) {
	s = strings.TrimRight(strings.TrimSpace(placeTail.ReplaceAllString(s, "")), ".,!? ")
	if s == "" || words(s) > 6 {
		return "", false
	}
	return s, true
}

// studyFacts reads "<field> (at <school>)".
func studyFacts(rest string) []Candidate {
	var out []Candidate
	if f, ok := field(rest); ok {
		out = append(out, fact(model.CatEducation, "education.field", f, "Studies "+f))
	}
	if i := strings.Index(strings.ToLower(rest), " at "); i >= 0 {
		if s, ok := school(rest[i+4:]); ok {
			out = append(out, fact(model.CatEducation, "education.school", s, "Studies at "+s))
		}
	}
	return out
}

func educationRules() []rule {
	return []rule{
		{rx(`^I(?:'m)? (?:currently |now )?(?:study|studying|major in|majoring in|'m majoring in|read) (.+)$`), func(m *match) []Candidate {
			return studyFacts(m.g[1])
		}},
		{rx(`^I (?:changed|switched) my major to (.+)$`), func(m *match) []Candidate { return studyFacts(m.g[1]) }},
		{rx(`^I(?: have| hold| got| earned| finished| completed|'m doing|'m pursuing|'m working on|'m getting|'m studying for) (?:an? |my )?(` + degrees + `)(?: degree)? in (.+)$`), func(m *match) []Candidate {
			d := degree(m.g[1])
			out := []Candidate{fact(model.CatEducation, "education.degree", d, "Has or is studying for a "+d)}
			return append(out, studyFacts(m.g[2])...)
		}},
		{rx(`^I'm an? (?:(?:first|second|third|fourth|final|\d+(?:st|nd|rd|th))[- ]year )?(` + degrees + ` )?(?:student|candidate)(?: (?:in|of) (.+))?$`), func(m *match) []Candidate {
			var out []Candidate
			if d := strings.TrimSpace(m.g[1]); d != "" {
				out = append(out, fact(model.CatEducation, "education.degree", degree(d), "Is studying for a "+degree(d)))
			}
			if m.g[2] != "" {
				out = append(out, studyFacts(m.g[2])...)
			}
			return out
		}},
		{rx(`^I (?:graduated|graduate) from (.+)$`), func(m *match) []Candidate {
			if s, ok := school(m.g[1]); ok {
				return []Candidate{fact(model.CatEducation, "education.school", s, "Graduated from "+s)}
			}
			return nil
		}},
		{rx(`^I (?:go to|attend|'m at|'m enrolled at|'m enrolled in) (.+)$`), func(m *match) []Candidate {
			s, ok := school(m.g[1])
			if !ok || !schoolWord.MatchString(s) {
				return nil
			}
			return []Candidate{fact(model.CatEducation, "education.school", s, "Studies at "+s)}
		}},
		{rx(`^I (?:dropped out of|quit) (?:college|school|uni|university|high school)\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatEducation, "education.status", "dropped out", "Dropped out of school")}
		}},
	}
}
