package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// notNameWords follow a relative ("my son Lucas") without being a name.
var notNameWords = map[string]bool{
	"is": true, "was": true, "and": true, "has": true, "had": true, "lives": true, "just": true,
	"works": true, "said": true, "who": true, "will": true, "can": true, "the": true, "also": true,
	"always": true, "never": true, "i": true, "me": true, "to": true, "in": true, "on": true, "at": true,
	"are": true, "were": true, "keeps": true, "loves": true, "hates": true, "thinks": true,
}

func relation(r string) string {
	r = strings.ToLower(r)
	if n, ok := relativeNorm[r]; ok {
		return n
	}
	return r
}

// relativeFacts yields family:<name> = relation, plus an age if given.
func relativeFacts(rel, name, age string, conf float64) []Candidate {
	if !capitalized(name) || notNameWords[strings.ToLower(name)] || inLexicon(name) {
		return nil
	}
	n := strings.ToLower(name)
	r := relation(rel)
	out := []Candidate{fact(model.CatFamily, "family:"+n, r, "Has a "+r+" named "+name)}
	if a := atoi(age); a > 0 && a < 120 {
		out = append(out, fact(model.CatFamily, "family:"+n+".age", age, name+" is "+age))
	}
	return withConf(conf, out...)
}

var familyStatuses = `(married|single|divorced|engaged|widowed|separated|in a relationship|dating someone|seeing someone)`

func status(s string) []Candidate {
	s = strings.ToLower(s)
	if s == "dating someone" || s == "seeing someone" {
		s = "in a relationship"
	}
	return []Candidate{fact(model.CatFamily, "family.status", s, "Is "+s)}
}

var childNouns = `(kids|children|sons|daughters|boys|girls|kid|child|son|daughter|boy|girl|twins|baby|babies|stepkids)`

func children(n string) []Candidate {
	c, ok := count(n)
	if !ok || c == "0" {
		return nil
	}
	return []Candidate{fact(model.CatFamily, "family.children", c, "Has "+c+" children")}
}

func familyRules() []rule {
	return []rule{
		{rx(`^I'm (?:(?:happily|recently|newly|just|now|still|currently|also) )?` + familyStatuses + `\b`), func(m *match) []Candidate { return status(m.g[1]) }},
		{rx(`^` + subj + ` (?:just |recently |finally )?got (married|engaged|divorced)\b`), func(m *match) []Candidate { return status(m.g[1]) }},
		{rx(`^` + subj + ` (?:also )?have (\w+) (?:young |little |small |grown |grown-up |adult |teenage )?` + childNouns + `\b( on the way)?`), func(m *match) []Candidate {
			if m.g[3] != "" {
				return nil // expecting, not yet a child
			}
			if m.g[2] == "twins" {
				return children("2")
			}
			return children(m.g[1])
		}},
		{rx(`^my (?:kids|children) are (\d+(?:\s*(?:,|and)\s*\d+)+)\b`), func(m *match) []Candidate {
			return withConf(ConfIndirect, children(strings.TrimSpace(itoa(len(splitList(m.g[1])))))...)
		}},
		{rx(`^I'm an? (single )?(?:mom|mum|dad|mother|father|parent) (?:of|to) (\w+)\b`), func(m *match) []Candidate {
			n := m.g[2]
			if _, ok := count(n); !ok {
				n = "1" // "of a 3 year old"
			}
			out := withConf(ConfIndirect, children(n)...)
			if m.g[1] != "" {
				out = append(status("single"), out...)
			}
			return out
		}},
		// my daughter Mia (is 5) / my wife's name is Anna / my husband Kenji
		{rx(`\bmy (?:younger |older |little |big |baby |twin |step-?)?(` + relatives + `)(?:'s name is|,| named| called)? (\p{L}[\p{L}\-']+)(?:,? (?:is|just turned|turned|who is) (\d{1,3})\b)?`), func(m *match) []Candidate {
			conf := ConfDirect
			if !strings.HasPrefix(strings.ToLower(m.clause.text), "my") {
				conf = ConfIndirect
			}
			return relativeFacts(m.g[1], m.g[2], m.g[3], conf)
		}},
		// I have a (twin) brother named Ravi
		{rx(`^` + subj + ` have (?:an? |one )(?:younger |older |little |big |twin |step-?)?(` + relatives + `) (?:named|called) (\p{L}[\p{L}\-']+)`), func(m *match) []Candidate {
			return relativeFacts(m.g[1], m.g[2], "", ConfDirect)
		}},
		// I have two sisters / a younger brother
		{rx(`^I (?:also )?have (\w+) (?:younger |older |little |big |twin |step-?|half-)?(brother|sister|sibling)s?(?:\s+(named|called))?\b`), func(m *match) []Candidate {
			if m.g[3] != "" {
				return nil // named: the rule above
			}
			c, ok := count(m.g[1])
			if !ok {
				return nil
			}
			k := strings.ToLower(m.g[2]) + "s"
			return []Candidate{fact(model.CatFamily, "family."+k, c, "Has "+c+" "+k)}
		}},
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
