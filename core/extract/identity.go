package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// notNames are capitalised words that follow "I'm" without being a name.
var notNames = map[string]bool{
	"sorry": true, "not": true, "so": true, "just": true, "also": true, "really": true, "very": true,
	"here": true, "back": true, "fine": true, "good": true, "ok": true, "okay": true, "done": true,
	"still": true, "now": true, "going": true, "trying": true, "looking": true, "working": true,
	"currently": true, "from": true, "in": true, "at": true, "on": true, "the": true, "a": true,
	"an": true, "married": true, "single": true, "allergic": true, "new": true, "learning": true,
	"moving": true, "flying": true, "always": true, "never": true, "usually": true, "glad": true,
	"happy": true, "sure": true, "tired": true, "curious": true, "wondering": true, "thinking": true,
	"planning": true, "pregnant": true, "retired": true, "unemployed": true, "based": true, "originally": true,
}

var (
	nameIntro   = rx(`^(?:my name is|my name's|call me|people call me|everyone calls me|I go by|I'm|this is)\s+(\p{L}[\p{L}'\-]+)(?:\s+(\p{L}[\p{L}'\-]+))?(.*)$`)
	lexiconWord = rx(`^(?:` + demonyms + `|` + religions + `|` + politics + `|` + dietStyles + `|` + sexualities + `|` + genders + `)$`)
)

func identityRules() []rule {
	return []rule{
		{nameIntro, func(m *match) []Candidate {
			first, second, rest := m.g[1], m.g[2], m.g[3]
			intro := strings.ToLower(strings.Fields(m.g[0])[0])
			named := strings.HasPrefix(strings.ToLower(m.g[0]), "my name") || strings.Contains(strings.ToLower(m.g[0]), "call me") || strings.HasPrefix(strings.ToLower(m.g[0]), "i go by")
			if !named {
				// "I'm X" / "this is X": only a capitalised word that is not a
				// nationality, belief, diet or ordinary adjective.
				if !capitalized(first) || notNames[strings.ToLower(first)] || inLexicon(first) {
					return nil
				}
				rest = second + rest
				second = ""
				r := strings.TrimSpace(rest)
				if r != "" && !strings.HasPrefix(r, ",") && !strings.HasPrefix(strings.ToLower(r), "and") &&
					!strings.HasPrefix(strings.ToLower(r), "from") && !strings.HasPrefix(strings.ToLower(r), "btw") &&
					!strings.HasPrefix(strings.ToLower(r), "here") {
					return nil
				}
				_ = intro
			}
			if notNames[strings.ToLower(first)] {
				return nil
			}
			name := first
			if second != "" && capitalized(second) {
				name += " " + second
			}
			return []Candidate{fact(model.CatIdentity, "identity.name", name, "Is called "+name)}
		}},
		{rx(`^I'm (\d{1,3})(?:\s*(?:years old|year old|yrs old|yo|y/o))?(?:\s+(?:now|already|today|lol|haha))?(?:$|\s*(?:,|and\b|but\b|so\b))`), age},
		{rx(`^I'm\b.*?\b(\d{1,3})[- ]?(?:years?|yrs?|yo)[- ]old\b`), age},
		{rx(`^I'm [^,]+, (\d{1,3})(?:,|$)`), age},
		{rx(`^I (?:just )?turned (\d{1,3})\b`), age},
		{rx(`^my birthday is (?:on )?(.+)$`), birthday},
		{rx(`^I was born on (.+)$`), birthday},
		{rx(`^I was born in (\d{4})\b`), func(m *match) []Candidate {
			return []Candidate{fact(model.CatIdentity, "identity.birthyear", m.g[1], "Was born in "+m.g[1])}
		}},
		{rx(`^my pronouns are (\w+/\w+(?:/\w+)?)`), func(m *match) []Candidate {
			p := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatIdentity, "identity.pronouns", p, "Uses "+p+" pronouns")}
		}},
		{rx(`^I'm (?:an? )?(` + genders + `)\b`), func(m *match) []Candidate {
			g := strings.ToLower(m.g[1])
			if n, ok := genderNorm[g]; ok {
				g = n
			}
			return []Candidate{fact(model.CatIdentity, "identity.gender", g, "Is a "+g)}
		}},
		{rx(`^I'm (?:an? )?((?:` + demonyms + `)(?:-(?:` + demonyms + `))?)(?: citizen| national)?\b`), func(m *match) []Candidate {
			n := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatIdentity, "identity.nationality", n, "Is "+title(n))}
		}},
		{rx(`^I'm (?:a |an )?(?:proud |openly )?(` + sexualities + `)\b(?:\s+(up|with|forward|ahead|away))?`), func(m *match) []Candidate {
			if m.g[2] != "" {
				return nil // "straight up", "straight ahead"
			}
			s := strings.ToLower(m.g[1])
			return []Candidate{fact(model.CatIdentity, "identity.sexuality", s, "Is "+s)}
		}},
	}
}

// inLexicon reports whether w, or a part of a hyphenated w, is a known
// nationality, belief, diet, sexuality or gender word.
func inLexicon(w string) bool {
	for _, p := range strings.Split(w, "-") {
		if lexiconWord.MatchString(p) {
			return true
		}
	}
	return false
}

func age(m *match) []Candidate {
	n := atoi(m.g[1])
	if n < 5 || n > 120 {
		return nil
	}
	return []Candidate{fact(model.CatIdentity, "identity.age", m.g[1], "Is "+m.g[1]+" years old")}
}

func birthday(m *match) []Candidate {
	md, ok := monthDay(m.g[1])
	if !ok {
		return nil
	}
	return []Candidate{fact(model.CatIdentity, "identity.birthday", md, "Has a birthday on "+md+" (MM-DD)")}
}
