package engine

import (
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// domainCues are words that put a prompt in a life domain, so that the
// profile facts of that domain are offered even when the prompt shares no
// word with them ("suggest a dinner recipe" → diet facts such as a peanut
// allergy). They are analysed with the same analyzer as the prompt. Likes
// and preferences have no cue list: "recommend" or "suggest" fit every
// domain, so preference facts come in by their own words instead
// (matchingFacts).
var domainCues = map[model.Category]string{
	model.CatDiet: "food eat eating dinner lunch breakfast meal meals snack recipe recipes cook cooking " +
		"restaurant restaurants menu dish dishes bake baking grocery groceries diet vegan vegetarian allergy allergic",
	model.CatLocation: "near nearby local city town neighborhood weather travel trip commute move moving " +
		"visit place places area around",
	model.CatWork: "work job career office boss manager colleague colleagues coworker interview resume cv " +
		"salary promotion project meeting company team",
	model.CatEducation: "school university college class course degree study studying exam homework thesis",
	model.CatFamily: "family kid kids child children son daughter wife husband partner parents mom dad " +
		"mother father brother sister birthday anniversary gift",
	model.CatPets: "pet pets dog dogs cat cats puppy kitten vet",
	model.CatHealth: "health doctor symptom symptoms medicine medication sick pain exercise workout " +
		"sleep allergy allergic diet",
	model.CatPlan:  "plan plans trip weekend vacation holiday schedule upcoming soon tomorrow next",
	model.CatHabit: "routine usually habit morning evening daily",
	model.CatGoal:  "goal goals want trying improve learn learning",
}

// domainTerm is an analysed cue term and the domains it cues.
type domainTerm struct {
	term string
	cats []model.Category
}

// domainTerms is domainCues analysed, sorted by term; each term's domains
// are in model.Categories order. It is written out rather than built at
// start: stemming the cues' 140 words cost the Go start 7–10 ms under V8
// (RATIONALE.md: "Why are the load's loops in functions of their own?"). TestDomainTermsAreTheCuesAnalysed checks it against the analyzer
// and, when the cues or the analyzer change, prints the table to paste here.
var domainTerms = [...]domainTerm{
	{"allerg", []model.Category{model.CatDiet, model.CatHealth}},
	{"allergi", []model.Category{model.CatDiet, model.CatHealth}},
	{"anniversari", []model.Category{model.CatFamily}},
	{"area", []model.Category{model.CatLocation}},
	{"around", []model.Category{model.CatLocation}},
	{"bake", []model.Category{model.CatDiet}},
	{"birthday", []model.Category{model.CatFamily}},
	{"boss", []model.Category{model.CatWork}},
	{"breakfast", []model.Category{model.CatDiet}},
	{"brother", []model.Category{model.CatFamily}},
	{"career", []model.Category{model.CatWork}},
	{"cat", []model.Category{model.CatPets}},
	{"child", []model.Category{model.CatFamily}},
	{"children", []model.Category{model.CatFamily}},
	{"citi", []model.Category{model.CatLocation}},
	{"class", []model.Category{model.CatEducation}},
	{"colleagu", []model.Category{model.CatWork}},
	{"colleg", []model.Category{model.CatEducation}},
	{"commut", []model.Category{model.CatLocation}},
	{"compani", []model.Category{model.CatWork}},
	{"cook", []model.Category{model.CatDiet}},
	{"cours", []model.Category{model.CatEducation}},
	{"cowork", []model.Category{model.CatWork}},
	{"cv", []model.Category{model.CatWork}},
	{"dad", []model.Category{model.CatFamily}},
	{"daili", []model.Category{model.CatHabit}},
	{"daughter", []model.Category{model.CatFamily}},
	{"degre", []model.Category{model.CatEducation}},
	{"diet", []model.Category{model.CatDiet, model.CatHealth}},
	{"dinner", []model.Category{model.CatDiet}},
	{"dish", []model.Category{model.CatDiet}},
	{"doctor", []model.Category{model.CatHealth}},
	{"dog", []model.Category{model.CatPets}},
	{"eat", []model.Category{model.CatDiet}},
	{"even", []model.Category{model.CatHabit}},
	{"exam", []model.Category{model.CatEducation}},
	{"exercis", []model.Category{model.CatHealth}},
	{"famili", []model.Category{model.CatFamily}},
	{"father", []model.Category{model.CatFamily}},
	{"food", []model.Category{model.CatDiet}},
	{"gift", []model.Category{model.CatFamily}},
	{"goal", []model.Category{model.CatGoal}},
	{"groceri", []model.Category{model.CatDiet}},
	{"habit", []model.Category{model.CatHabit}},
	{"health", []model.Category{model.CatHealth}},
	{"holiday", []model.Category{model.CatPlan}},
	{"homework", []model.Category{model.CatEducation}},
	{"husband", []model.Category{model.CatFamily}},
	{"improv", []model.Category{model.CatGoal}},
	{"interview", []model.Category{model.CatWork}},
	{"job", []model.Category{model.CatWork}},
	{"kid", []model.Category{model.CatFamily}},
	{"kitten", []model.Category{model.CatPets}},
	{"learn", []model.Category{model.CatGoal}},
	{"local", []model.Category{model.CatLocation}},
	{"lunch", []model.Category{model.CatDiet}},
	{"manag", []model.Category{model.CatWork}},
	{"meal", []model.Category{model.CatDiet}},
	{"medic", []model.Category{model.CatHealth}},
	{"medicin", []model.Category{model.CatHealth}},
	{"meet", []model.Category{model.CatWork}},
	{"menu", []model.Category{model.CatDiet}},
	{"mom", []model.Category{model.CatFamily}},
	{"morn", []model.Category{model.CatHabit}},
	{"mother", []model.Category{model.CatFamily}},
	{"move", []model.Category{model.CatLocation}},
	{"near", []model.Category{model.CatLocation}},
	{"nearbi", []model.Category{model.CatLocation}},
	{"neighborhood", []model.Category{model.CatLocation}},
	{"next", []model.Category{model.CatPlan}},
	{"offic", []model.Category{model.CatWork}},
	{"pain", []model.Category{model.CatHealth}},
	{"parent", []model.Category{model.CatFamily}},
	{"partner", []model.Category{model.CatFamily}},
	{"pet", []model.Category{model.CatPets}},
	{"place", []model.Category{model.CatLocation}},
	{"plan", []model.Category{model.CatPlan}},
	{"project", []model.Category{model.CatWork}},
	{"promot", []model.Category{model.CatWork}},
	{"puppi", []model.Category{model.CatPets}},
	{"recip", []model.Category{model.CatDiet}},
	{"restaur", []model.Category{model.CatDiet}},
	{"resum", []model.Category{model.CatWork}},
	{"routin", []model.Category{model.CatHabit}},
	{"salari", []model.Category{model.CatWork}},
	{"schedul", []model.Category{model.CatPlan}},
	{"school", []model.Category{model.CatEducation}},
	{"sick", []model.Category{model.CatHealth}},
	{"sister", []model.Category{model.CatFamily}},
	{"sleep", []model.Category{model.CatHealth}},
	{"snack", []model.Category{model.CatDiet}},
	{"son", []model.Category{model.CatFamily}},
	{"soon", []model.Category{model.CatPlan}},
	{"studi", []model.Category{model.CatEducation}},
	{"symptom", []model.Category{model.CatHealth}},
	{"team", []model.Category{model.CatWork}},
	{"thesi", []model.Category{model.CatEducation}},
	{"tomorrow", []model.Category{model.CatPlan}},
	{"town", []model.Category{model.CatLocation}},
	{"travel", []model.Category{model.CatLocation}},
	{"tri", []model.Category{model.CatGoal}},
	{"trip", []model.Category{model.CatLocation, model.CatPlan}},
	{"univers", []model.Category{model.CatEducation}},
	{"upcom", []model.Category{model.CatPlan}},
	{"usual", []model.Category{model.CatHabit}},
	{"vacat", []model.Category{model.CatPlan}},
	{"vegan", []model.Category{model.CatDiet}},
	{"vegetarian", []model.Category{model.CatDiet}},
	{"vet", []model.Category{model.CatPets}},
	{"visit", []model.Category{model.CatLocation}},
	{"want", []model.Category{model.CatGoal}},
	{"weather", []model.Category{model.CatLocation}},
	{"weekend", []model.Category{model.CatPlan}},
	{"wife", []model.Category{model.CatFamily}},
	{"work", []model.Category{model.CatWork}},
	{"workout", []model.Category{model.CatHealth}},
}

// domainsOf returns the domains an analysed term cues (nil for most terms).
func domainsOf(term string) []model.Category {
	i, found := slices.BinarySearchFunc(domainTerms[:], term, func(d domainTerm, t string) int { return strings.Compare(d.term, t) })
	if !found {
		return nil
	}
	return domainTerms[i].cats
}

// domains returns the life domains a query touches.
func (e *Engine) domains(q *query) map[model.Category]bool {
	out := make(map[model.Category]bool)
	for _, t := range q.terms {
		for _, c := range domainsOf(t) {
			out[c] = true
		}
	}
	return out
}
