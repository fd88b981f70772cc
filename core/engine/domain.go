package engine

import (
	"github.com/confidant-dev/confidant/core/analyze"
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

var domainTerms map[string][]model.Category

func init() {
	an := analyze.New()
	domainTerms = make(map[string][]model.Category)
	for c, words := range domainCues {
		for _, t := range an.Terms(words) {
			domainTerms[t] = append(domainTerms[t], c)
		}
	}
}

// domains returns the life domains a query touches.
func (e *Engine) domains(q *query) map[model.Category]bool {
	out := make(map[model.Category]bool)
	for _, t := range q.terms {
		for _, c := range domainTerms[t] {
			out[c] = true
		}
	}
	return out
}
