// Package perf measures Confidant's engine: ingest rate, recall and context
// latency, snapshot size and load time, and memory, natively and under
// wazero, on synthetic chat data it generates itself.
package perf

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Shape of the generated data.
const (
	MinSessionTurns   = 6
	MaxSessionTurns   = 20
	MinUserWords      = 10
	MaxUserWords      = 80
	MinAssistantWords = 40
	MaxAssistantWords = 200
	// GeneratedWords is the number of made-up words in the vocabulary (real
	// English function and topic words are added to them).
	GeneratedWords = 20000
	// Span is the time the sessions are spread over.
	Span = 2 * 365 * 24 * time.Hour
)

// Epoch is when the generated history starts.
var Epoch = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// Dataset is a generated chat history.
type Dataset struct {
	Seed     uint64
	Sessions []model.Session
	Turns    []model.Turn // sessions in time order, each session's turns in order
	// RawBytes is the total length of the turns' text.
	RawBytes int64
	// End is just after the last turn: the time queries are asked at.
	End time.Time

	vocab *vocabulary
}

// Generate builds a deterministic chat history of n turns from seed:
// sessions of 6–20 turns alternating user and assistant (user first), user
// turns of 10–80 words and assistant turns of 40–200 words drawn from a
// Zipf-distributed vocabulary (real English function words at the head,
// ~20k generated words and a few hundred real topic words below), each
// session leaning towards one topic, spread over two years.
func Generate(seed uint64, n int) *Dataset {
	r := rand.New(rand.NewPCG(seed, 0x636f6e666964616e))
	v := newVocabulary(r)
	d := &Dataset{Seed: seed, vocab: v}
	if n <= 0 {
		d.End = Epoch
		return d
	}
	lengths := sessionLengths(r, n)
	// Session starts are stratified: one uniform draw in each equal slice
	// of the span, so they come in order and spread evenly.
	starts := make([]time.Duration, len(lengths))
	step := Span / time.Duration(len(lengths))
	for i := range starts {
		starts[i] = time.Duration(i)*step + time.Duration(r.Int64N(int64(step)))
	}
	z := rand.NewZipf(r, 1.07, 2.0, uint64(len(v.words)-1))
	d.Turns = make([]model.Turn, 0, n)
	d.Sessions = make([]model.Session, 0, len(lengths))
	var sb strings.Builder
	for si, L := range lengths {
		sid := fmt.Sprintf("s%06d", si)
		topic := v.topics[r.IntN(len(v.topics))]
		start := Epoch.Add(starts[si]).Truncate(time.Second)
		d.Sessions = append(d.Sessions, model.Session{
			ID: sid, Site: sites[r.IntN(len(sites))], Title: titleCase(topic.name), Start: start,
		})
		t := start
		for ti := range L {
			role := model.RoleUser
			lo, hi := MinUserWords, MaxUserWords
			if ti%2 == 1 {
				role = model.RoleAssistant
				lo, hi = MinAssistantWords, MaxAssistantWords
			}
			words := skewedLen(r, lo, hi)
			sb.Reset()
			v.text(&sb, r, z, topic, words, role == model.RoleUser)
			text := sb.String()
			d.Turns = append(d.Turns, model.Turn{
				ID: fmt.Sprintf("%s-t%02d", sid, ti), Session: sid, Role: role, Text: text, Time: t,
			})
			d.RawBytes += int64(len(text))
			// Replies come seconds after the prompt; the next prompt
			// after reading and typing.
			if role == model.RoleUser {
				t = t.Add(time.Duration(3+r.IntN(25)) * time.Second)
			} else {
				t = t.Add(time.Duration(20+r.IntN(400)) * time.Second)
			}
		}
		if t.After(d.End) {
			d.End = t
		}
	}
	return d
}

// sessionLengths splits n turns into sessions of MinSessionTurns to
// MaxSessionTurns turns (a single shorter session when n < MinSessionTurns).
func sessionLengths(r *rand.Rand, n int) []int {
	var out []int
	for n > 0 {
		L := MinSessionTurns + r.IntN(MaxSessionTurns-MinSessionTurns+1)
		switch rest := n - L; {
		case n <= MaxSessionTurns && (rest < MinSessionTurns):
			L = n
		case rest > 0 && rest < MinSessionTurns:
			L = n - MinSessionTurns
		}
		out = append(out, L)
		n -= L
	}
	return out
}

// skewedLen draws a length in [lo, hi], short ones more often (chat
// messages are mostly short with a long tail).
func skewedLen(r *rand.Rand, lo, hi int) int {
	u := r.Float64()
	return lo + int(u*u*float64(hi-lo+1))
}

// Words returns the number of words in the dataset's vocabulary.
func (d *Dataset) Words() int { return len(d.vocab.words) }

// Query is one perf query.
type Query struct {
	Text string
	// Source is the id of the user turn the phrase was taken from; empty
	// for an unrelated query.
	Source string
}

// Queries builds n deterministic queries: about 85% are phrases of 3–8
// words taken from random user turns (sometimes wrapped in a question), the
// rest unrelated questions made of words that never occur in the data.
func (d *Dataset) Queries(seed uint64, n int) []Query {
	r := rand.New(rand.NewPCG(seed, 0x7175657279))
	var users []int
	for i, t := range d.Turns {
		if t.Role == model.RoleUser {
			users = append(users, i)
		}
	}
	out := make([]Query, 0, n)
	for range n {
		if len(users) == 0 || r.IntN(100) < 15 {
			out = append(out, Query{Text: d.vocab.unrelated(r)})
			continue
		}
		src := d.Turns[users[r.IntN(len(users))]]
		ws := strings.Fields(src.Text)
		k := min(len(ws), 3+r.IntN(6))
		at := r.IntN(len(ws) - k + 1)
		phrase := strings.ToLower(strings.Trim(strings.Join(ws[at:at+k], " "), ".,?!"))
		switch r.IntN(4) {
		case 0:
			phrase = "what did I say about " + phrase + "?"
		case 1:
			phrase = "remind me: " + phrase
		}
		out = append(out, Query{Text: phrase, Source: src.ID})
	}
	return out
}

// vocabulary is the ranked word list (rank 0 most frequent) plus topics.
type vocabulary struct {
	words  []string
	topics []topic
	// foreign are generated words that never appear in turns, for
	// unrelated queries.
	foreign []string
}

type topic struct {
	name  string
	words []string
}

func newVocabulary(r *rand.Rand) *vocabulary {
	v := &vocabulary{}
	seen := make(map[string]bool)
	for _, w := range functionWords {
		if !seen[w] {
			seen[w] = true
			v.words = append(v.words, w)
		}
	}
	var topicWords []string
	for _, t := range topicLists {
		ws := strings.Fields(t[1])
		v.topics = append(v.topics, topic{name: t[0], words: ws})
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				topicWords = append(topicWords, w)
			}
		}
	}
	gen := make([]string, 0, GeneratedWords)
	for len(gen) < GeneratedWords {
		w := madeUpWord(r)
		if !seen[w] {
			seen[w] = true
			gen = append(gen, w)
		}
	}
	for len(v.foreign) < 200 {
		w := madeUpWord(r) + "x"
		if !seen[w] {
			seen[w] = true
			v.foreign = append(v.foreign, w)
		}
	}
	// Rank: function words first, then topic words scattered through the
	// first few thousand ranks of the generated words (real topic words
	// are common but not as common as "the").
	body := gen
	for _, w := range topicWords {
		body = slices.Insert(body, r.IntN(min(len(body), 4000)), w)
	}
	v.words = append(v.words, body...)
	return v
}

var (
	onsets = []string{"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
		"br", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr", "ch", "sk", "sp"}
	nuclei = []string{"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"}
	codas  = []string{"", "", "", "n", "r", "s", "t", "l", "m", "nd", "rt", "ck", "st", "ng"}
)

// madeUpWord builds a pronounceable word of one to four syllables.
func madeUpWord(r *rand.Rand) string {
	var b strings.Builder
	syl := 1 + r.IntN(3)
	if r.IntN(5) == 0 {
		syl++
	}
	for range syl {
		b.WriteString(onsets[r.IntN(len(onsets))])
		b.WriteString(nuclei[r.IntN(len(nuclei))])
	}
	b.WriteString(codas[r.IntN(len(codas))])
	return b.String()
}

// text writes a turn of n words: sentences of 4–18 words, about 15% of
// content words from the session's topic; user turns sometimes state a
// personal fact or ask a question.
func (v *vocabulary) text(b *strings.Builder, r *rand.Rand, z *rand.Zipf, t topic, n int, user bool) {
	written := 0
	if user && r.IntN(8) == 0 {
		s := factSentence(r)
		b.WriteString(s)
		written += len(strings.Fields(s))
	}
	for written < n {
		sl := min(n-written, 4+r.IntN(15))
		if written > 0 {
			b.WriteByte(' ')
		}
		for i := range sl {
			var w string
			if r.IntN(100) < 15 {
				w = t.words[r.IntN(len(t.words))]
			} else {
				w = v.words[z.Uint64()]
			}
			if i == 0 {
				w = titleCase(w)
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			if i > 0 && i < sl-1 && r.IntN(12) == 0 {
				b.WriteByte(',')
			}
		}
		if user && r.IntN(4) == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('.')
		}
		written += sl
	}
}

// unrelated builds a question from words that occur nowhere in the data,
// with a few common words around them.
func (v *vocabulary) unrelated(r *rand.Rand) string {
	n := 2 + r.IntN(4)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = v.foreign[r.IntN(len(v.foreign))]
	}
	return "how do I " + strings.Join(ws, " ") + "?"
}

func factSentence(r *rand.Rand) string {
	switch r.IntN(5) {
	case 0:
		return "I live in " + cities[r.IntN(len(cities))] + "."
	case 1:
		return "I work as a " + jobs[r.IntN(len(jobs))] + "."
	case 2:
		return "My name is " + names[r.IntN(len(names))] + "."
	case 3:
		return "My sister " + names[r.IntN(len(names))] + " lives in " + cities[r.IntN(len(cities))] + "."
	default:
		return "I am allergic to " + allergens[r.IntN(len(allergens))] + "."
	}
}

func titleCase(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

var (
	sites     = []string{"chatgpt.com", "claude.ai", "gemini.google.com", "chat.mistral.ai"}
	cities    = []string{"Lisbon", "Berlin", "Toronto", "Osaka", "Nairobi", "Denver", "Lyon", "Porto", "Austin", "Melbourne"}
	jobs      = []string{"nurse", "teacher", "software engineer", "carpenter", "accountant", "pharmacist", "designer", "chef"}
	names     = []string{"Emma", "Liam", "Sofia", "Noah", "Amara", "Kenji", "Lucia", "Mateo", "Priya", "Olga"}
	allergens = []string{"peanuts", "shellfish", "penicillin", "pollen", "gluten", "cats"}
)

// functionWords head the Zipf ranking, roughly in English frequency order.
var functionWords = strings.Fields(`the i to and a of you is it in that for my me with this
on be have do can what how but so not are was if just your or at as we would like about get
from they there will an all one some any know want should could need think make use more also
when which up out then it's i'm don't here time good way them other into than only very
because really much help these those try going see work first new over even most after back
well still same each many where why who our their been being had has did does sure let can't
thanks please yes no maybe`)

// topicLists are real English words by chat topic.
var topicLists = [][2]string{
	{"cooking", "recipe oven garlic onion pasta sauce chicken roast simmer butter flour dough bake salt pepper tomato basil olive vegetarian dinner lunch breakfast spice curry soup"},
	{"travel", "flight hotel passport airport itinerary luggage train ticket visa beach museum booking hostel tour map city island mountain trip vacation layover"},
	{"programming", "function variable compiler database query server client bug error test deploy docker kubernetes python golang javascript api endpoint cache thread memory pointer"},
	{"fitness", "workout running marathon squat deadlift protein stretching cardio gym muscle injury knee recovery sleep steps cycling swim yoga training pace"},
	{"finance", "budget savings mortgage loan interest invoice tax retirement pension stock index fund dividend insurance salary rent expense credit debt account"},
	{"health", "doctor appointment symptoms headache fever prescription dose vitamin blood pressure allergy diet cholesterol clinic therapy anxiety migraine insomnia"},
	{"garden", "tomatoes seedlings compost soil watering pruning roses lawn mulch fertilizer greenhouse weeds harvest shade perennials bulbs irrigation"},
	{"music", "guitar piano chord melody rhythm practice scales lesson concert album song lyrics drums tempo recording microphone band"},
	{"parenting", "toddler school homework bedtime daycare teacher tantrum birthday nap stroller pediatrician lunchbox playground reading screen"},
	{"home", "renovation kitchen bathroom tiles plumber paint furniture sofa shelves landlord lease heating insulation roof window carpet mortgage"},
	{"career", "interview resume promotion manager salary negotiation colleague meeting deadline project presentation feedback team remote offer contract"},
	{"writing", "novel chapter character plot draft editor publisher outline dialogue poem essay manuscript story narrator scene"},
	{"pets", "dog puppy cat kitten vet leash training food litter walk collar vaccine grooming adoption breed"},
	{"cars", "engine tires brakes mileage insurance dealership lease battery electric charging oil service transmission warranty"},
	{"language", "spanish french japanese grammar vocabulary pronunciation verbs conjugation flashcards fluency tutor accent phrases"},
	{"photography", "camera lens aperture shutter exposure portrait landscape lighting tripod editing lightroom sensor focus"},
	{"gaming", "console multiplayer quest level controller strategy boss inventory patch server character speedrun"},
	{"science", "physics chemistry molecule experiment hypothesis telescope galaxy quantum evolution climate carbon energy"},
	{"wedding", "venue guests invitations caterer photographer dress ceremony reception budget florist honeymoon vows"},
	{"moving", "apartment movers boxes neighborhood commute deposit utilities lease packing storage relocation"},
}
