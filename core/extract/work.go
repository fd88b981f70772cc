package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// jobTitle is a noun phrase of up to four words ending in a job head noun:
// "software engineer", "high school teacher", "ER nurse".
var jobTitle = `((?:[\p{L}\-/']+ ){0,3}?` + jobHeads + `s?)`

// employerTail ends an employer phrase.
var employerTail = rx(`(?:\s*,?\s+(?:as|in|since|for|and|but|now|here|there|where|which|who|because|so|right now|at the moment|these days|last|this|next|a few|\d+)\b.*)$`)

func employer(s string) (string, bool) {
	s = strings.TrimSpace(employerTail.ReplaceAllString(s, ""))
	s = strings.TrimRight(s, ".,!?;: ")
	l := strings.ToLower(s)
	if s == "" || words(s) > 5 || strings.HasPrefix(l, "home") || strings.HasPrefix(l, "the moment") ||
		strings.HasPrefix(l, "night") || strings.HasPrefix(l, "it") || strings.HasPrefix(l, "this") {
		return "", false
	}
	return s, true
}

func titleFact(t string) Candidate {
	t = norm(t)
	return fact(model.CatWork, "work.title", t, "Works as "+article(t)+t)
}

func employerFact(e string) Candidate {
	return fact(model.CatWork, "work.employer", e, "Works at "+e)
}

// article picks "a " or "an " for readable Text.
func article(s string) string {
	if s == "" || s == "retired" {
		return ""
	}
	if strings.ContainsRune("aeiou", rune(strings.ToLower(s)[0])) {
		return "an "
	}
	return "a "
}

// atEmployer extracts "at|for <employer>" (and optional "as <title>") from
// the rest of a work clause.
func atEmployer(rest string) []Candidate {
	var out []Candidate
	if m := asTitle.FindStringSubmatch(rest); m != nil {
		out = append(out, titleFact(m[1]))
	}
	if e, ok := employer(rest); ok {
		out = append([]Candidate{employerFact(e)}, out...)
	}
	return out
}

var asTitle = rx(`\bas (?:an? |the )?` + jobTitle + `\b`)

func workRules() []rule {
	return []rule{
		// I work as a nurse / I work nights as an ER nurse
		// I work as a data engineer at a fintech
		{rx(`^I(?:'m working| have been working|(?: \w+)? work)(?: \w+)? as (?:an? |the )?(.+?)(?:\s+(?:at|with) (.+))?$`), func(m *match) []Candidate {
			t := cutTail(employerTail.ReplaceAllString(m.g[1], ""))
			if t == "" || words(t) > 4 {
				return nil
			}
			out := []Candidate{titleFact(t)}
			if m.g[2] != "" {
				if e, ok := employer(m.g[2]); ok {
					out = append([]Candidate{employerFact(e)}, out...)
				}
			}
			return out
		}},
		// I work at Google (as a PM) / I work for the city council
		{rx(`^I(?:'m working| have been working| (?:currently |still |now )?work) (?:at|for|with) (.+)$`), func(m *match) []Candidate {
			return atEmployer(m.g[1])
		}},
		// I'm a software engineer (at Spotify)
		{rx(`^I'm (?:now |currently |still )?(?:an? |the )` + jobTitle + `(?:\s+(?:at|for|with|of) (.+))?$`), jobAt},
		{rx(`^I'm (?:now |currently |still )?(?:an? |the )` + jobTitle + `\b(.*)$`), func(m *match) []Candidate {
			return jobAt(&match{g: []string{m.g[0], m.g[1], ""}})
		}},
		{rx(`^I (?:have been|was) (?:an? |the )` + jobTitle + `\b`), jobAt},
		{rx(`^I teach ((?:[\p{L}\-]+ ){0,2}?[\p{L}\-]+)(?:\s+(?:at|in|to|for|since)\b.*)?$`), func(m *match) []Candidate {
			return []Candidate{titleFact(m.g[1] + " teacher")}
		}},
		// I just started a new job at Deloitte (as a ...)
		{rx(`^I (?:just |recently |finally )?(?:started|got|landed|accepted|took|begin|began) (?:an? |my )?(?:new )?(?:job|position|role|gig|internship) (?:at|with) (.+)$`), func(m *match) []Candidate {
			return atEmployer(m.g[1])
		}},
		// I started a new job as a staff engineer at Feedzai
		{rx(`^I (?:just |recently |finally )?(?:started|got|landed|accepted|took|begin|began) (?:an? |my )?(?:new )?(?:job|position|role|gig|internship) as (?:an? |the )?` + jobTitle + `(?:\s+(?:at|with) (.+))?`), func(m *match) []Candidate {
			out := []Candidate{titleFact(m.g[1])}
			if m.g[2] != "" {
				if e, ok := employer(m.g[2]); ok {
					out = append([]Candidate{employerFact(e)}, out...)
				}
			}
			return out
		}},
		{rx(`^I'm now (?:working )?(?:at|with) (.+)$`), func(m *match) []Candidate {
			if !capitalized(m.g[1]) {
				return nil // "I'm now at the gym"
			}
			return atEmployer(m.g[1])
		}},
		// I quit my job (at X) / I got laid off / I'm unemployed
		{rx(`^I (?:just |recently )?(?:quit|left|lost|got fired from|was fired from|got laid off from|was laid off from) my (?:job|position|role)\b`), noEmployer},
		{rx(`^I (?:just |recently )?(?:got|was) (?:laid off|fired|let go)\b`), noEmployer},
		{rx(`^I'm (?:currently |now )?(?:unemployed|jobless|between jobs|out of work|looking for work)\b`), noEmployer},
		{rx(`^I'm (?:now |happily )?retired\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatWork, "work.title", "retired", "Is retired")}
		}},
		{rx(`^I (?:just )?(?:got|was) promoted to (?:an? |the )?(.+)$`), func(m *match) []Candidate {
			t := cutTail(m.g[1])
			if t == "" || words(t) > 4 {
				return nil
			}
			return []Candidate{titleFact(t)}
		}},
	}
}

func jobAt(m *match) []Candidate {
	t := norm(m.g[1])
	if studentTitle.MatchString(t) {
		return nil
	}
	out := []Candidate{titleFact(t)}
	if len(m.g) > 2 && m.g[2] != "" {
		if e, ok := employer(m.g[2]); ok {
			out = append(out, employerFact(e))
		}
	}
	return out
}

var studentTitle = lazy(`student`)

func noEmployer(m *match) []Candidate {
	return []Candidate{fact(model.CatWork, "work.employer", "none", "Is not employed")}
}
