package extract

import (
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// subj is the user, alone or as a household ("we", "my wife and I").
const subj = `(?:I|we|my \w+ and I)`

// placeTail ends a place phrase: "in Lisbon for work", "in Spain for 10 years".
var placeTail = rx(`(?:\s*,?\s+(?:for|since|with|because|cause|now|until|where|which|who|and|but|so|to|at the moment|right now|these days|anymore|again|lol|haha|though|too|already|last|this|next|in \d{4}|a few|about|around|after|before|when|while|on|from|by|originally|in ` + monthRe + `)\b.*)$`)

// notPlaces begin phrases that follow "in"/"from" without being places.
var notPlaces = map[string]bool{
	"my": true, "his": true, "her": true, "their": true, "our": true, "your": true, "it": true,
	"this": true, "that": true, "a": false, "the": false, "work": true, "home": true, "school": true,
	"vacation": true, "holiday": true, "trip": true, "there": true, "here": true, "bed": true,
	"fear": true, "love": true, "debt": true, "hell": true, "peace": true, "denial": true, "pain": true,
	"hope": true, "shock": true, "college": true, "uni": true, "the gym": true, "gym": true, "charge": true,
}

// place cleans a captured place phrase; ok is false for what is not one.
func place(s string) (string, bool) {
	s = strings.TrimSpace(placeTail.ReplaceAllString(s, ""))
	s = strings.TrimRight(s, ".,!?;: ")
	lower := strings.ToLower(s)
	first, _, _ := strings.Cut(lower, " ")
	if s == "" || notPlaces[first] || notPlaces[lower] || words(s) > 6 || strings.ContainsAny(s, "0123456789<>") {
		return "", false
	}
	if n := norm(s); n == "" || notPlaces[n] {
		return "", false
	}
	return strings.TrimPrefix(strings.TrimPrefix(s, "the "), "The "), true
}

func home(m *match) []Candidate {
	p, ok := place(m.g[1])
	if !ok {
		return nil
	}
	return []Candidate{fact(model.CatLocation, "location.home", p, "Lives in "+p)}
}

func origin(m *match) []Candidate {
	p, ok := place(m.g[1])
	if !ok {
		return nil
	}
	return []Candidate{fact(model.CatLocation, "location.origin", p, "Is from "+p)}
}

func locationRules() []rule {
	return []rule{
		{rx(`^` + subj + ` (?:currently |now |still |also )?(?:live|have lived|have been living|reside|are living|stay) (?:in|near|outside of|outside|just outside|on) (.+)$`), home},
		{rx(`^(?:I'm|we are|I'm living|we are living) (?:currently |now )?(?:based|located|settled|living) (?:in|near|out of) (.+)$`), home},
		{rx(`^` + subj + ` (?:just |recently |finally |also )?(?:moved|relocated|have moved|have relocated|moved back|emigrated|have just moved) (?:back )?(?:to|into) (.+)$`), home},
		{rx(`^I work (?:remotely|from home) (?:from|in) (.+)$`), home},
		{rx(`^I(?:'m| am| come) (?:originally )?from (.+)$`), origin},
		{rx(`^I'm originally from (.+)$`), origin},
		{rx(`^I'm .*?\bfrom (.+)$`), func(m *match) []Candidate {
			if !capitalized(m.g[1]) {
				return nil // "I'm back from vacation"
			}
			return origin(m)
		}},
		{rx(`^I (?:grew up|was born and raised|was raised) in (.+)$`), origin},
	}
}
