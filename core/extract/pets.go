package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// petNorm folds young-animal and pet-name words into the species.
var petNorm = map[string]string{
	"puppy": "dog", "pup": "dog", "kitten": "cat", "kitty": "cat", "bunny": "rabbit", "frenchie": "french bulldog",
	"lab": "labrador", "pit bull": "pitbull",
}

func speciesOf(s string) string {
	s = strings.ToLower(s)
	if n, ok := petNorm[s]; ok {
		return n
	}
	return s
}

// petNames reads "named Max", "called Max", "Bruno and Kiki".
var petNamed = rx(`^(?:named|called)\s+(\p{L}[\p{L}\-']+)`)

func namedPet(sp, name, value string, conf float64) []Candidate {
	if !capitalized(name) || notNameWords[strings.ToLower(name)] {
		return nil
	}
	n := strings.ToLower(name)
	text := "Has a " + sp + " named " + name
	if value == "had" {
		text = "Had a " + sp + " named " + name
	}
	return withConf(conf, fact(model.CatPets, "pet:"+sp+":"+n, value, text))
}

func petRules() []rule {
	return []rule{
		// I have a dog (named Max) / we adopted a rescue greyhound called Pepper / I have 2 cats
		{rx(`^` + subj + ` (?:also |just |recently )?(?:have|own|got|adopted|rescued|have had) (an?|one|two|three|four|five|\d+) (?:\w+ )??(` + species + `)(?:s|es)?\b,?\s*(.*)$`), func(m *match) []Candidate {
			sp := speciesOf(m.g[2])
			if mm := petNamed.FindStringSubmatch(m.g[3]); mm != nil {
				return namedPet(sp, mm[1], "has", ConfDirect)
			}
			c, ok := count(m.g[1])
			if !ok {
				return nil
			}
			return []Candidate{fact(model.CatPets, "pet:"+sp, c, "Has "+c+" "+sp+"(s)")}
		}},
		// my dog Max (passed away)
		{rx(`\bmy (?:\w+ )??(` + species + `) (\p{L}[\p{L}\-']+)(?:\s+(?:just |recently )?(passed away|died|was put down|is gone|ran away))?`), func(m *match) []Candidate {
			conf := ConfIndirect
			if strings.HasPrefix(strings.ToLower(m.clause.text), "my") {
				conf = ConfDirect
			}
			value := "has"
			if m.g[3] != "" {
				value = "had"
			}
			return namedPet(speciesOf(m.g[1]), m.g[2], value, conf)
		}},
	}
}
