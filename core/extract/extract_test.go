package extract

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/secrets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var at = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC) // a Tuesday

// slots renders candidates as "slot=value" for compact assertions.
func slots(cs []Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Slot+"="+strings.ToLower(c.Value))
	}
	return out
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"home", "I live in Berlin.", []string{"location.home=berlin"}},
		{"several facts", "hi! i'm Priya and I live in Pune", []string{"identity.name=priya", "location.home=pune"}},
		{"like", "I love sushi", []string{"like:sushi=likes"}},
		{"dislike same slot", "I no longer like sushi", []string{"like:sushi=dislikes"}},
		{"hate same slot", "i hate sushi", []string{"like:sushi=dislikes"}},
		{"negated diet", "I don't eat meat", []string{"diet:meat=avoids"}},
		{"diet no longer", "I'm not vegan anymore", []string{"diet.style=not vegan"}},
		{"diet style", "im vegetarian", []string{"diet.style=vegetarian"}},
		{"allergy list", "I'm allergic to cats and pollen", []string{"allergy:cats=allergic", "allergy:pollen=allergic"}},
		{"moved", "We just moved to Lisbon", []string{"location.home=lisbon"}},
		{"quit", "I quit my job at Amazon", []string{"work.employer=none"}},
		{"job", "I'm a software engineer at Spotify", []string{"work.title=software engineer", "work.employer=spotify"}},
		{"prefer pair", "I prefer tea over coffee", []string{"prefer:coffee|tea=tea"}},
		{"pet", "I have a dog named Max", []string{"pet:dog:max=has"}},
		{"plan next friday", "I'm flying to Tokyo next Friday", []string{"plan:trip:tokyo=2026-03-20"}},
		{"plan month day", "my wedding is on June 3", []string{"plan:wedding=2026-06-03"}},
		{"habit", "I run every morning", []string{"habit:run=every morning"}},
		{"parent of", "I'm a mom of two", []string{"family.children=2"}},
		{"goal", "I want to learn Japanese", []string{"goal:learn japanese=wants"}},
		{"title at employer", "I work as a data engineer at a fintech here.", []string{"work.employer=a fintech", "work.title=data engineer"}},
		{"title for a duration", "I've been working as a UX designer for 5 years", []string{"work.title=ux designer"}},
		{"new job as title at", "I started a new job as a staff engineer at Feedzai this week.", []string{"work.employer=feedzai", "work.title=staff engineer"}},
		{"statement before question", "i'm vegan, any protein ideas?", []string{"diet.style=vegan"}},
		{"buried", "ok so for context I work as a nurse. can you help me with a schedule?", []string{"work.title=nurse"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, slots(Extract(tt.text, at)))
		})
	}
}

func TestExtractNothing(t *testing.T) {
	for _, text := range []string{
		// questions
		"Do I like sushi?", "what should I eat if I'm vegan?", "Should I move to Lisbon",
		// hypotheticals
		"If I were a doctor, I would work in pediatrics.", "Suppose I lived in Paris, how much is rent?",
		"imagine I'm a pirate", "I would love to live in Japan",
		// quotes and reported speech
		`My friend said "I love cats"`, "she told me she is vegan", "translate 'I am a teacher' into French",
		"“I live in Rome” is the first line of my novel",
		// third parties
		"my brother lives in Rome", "My boss hates long emails.", "My wife works at a hospital",
		// requests
		"write me a poem about dogs", "I want to know how photosynthesis works", "I love this answer!",
		"I'm going to ask you some questions",
	} {
		t.Run(text, func(t *testing.T) {
			assert.Empty(t, Extract(text, at))
		})
	}
}

func TestExtractChangeSharesSlot(t *testing.T) {
	pairs := [][2]string{
		{"I live in Berlin", "I moved to Lisbon"},
		{"I love sushi", "I can't stand sushi anymore"},
		{"I'm vegan", "I'm not vegan anymore"},
		{"I work at Stripe", "I quit my job"},
		{"I don't eat meat", "I started eating meat again"},
		{"I'm single", "I got married"},
	}
	for _, p := range pairs {
		t.Run(p[1], func(t *testing.T) {
			a, b := Extract(p[0], at), Extract(p[1], at.Add(24*time.Hour))
			require.Len(t, a, 1)
			require.Len(t, b, 1)
			assert.Equal(t, a[0].Slot, b[0].Slot)
			assert.NotEqual(t, a[0].Value, b[0].Value)
		})
	}
}

func TestExtractSecretsNeverAppear(t *testing.T) {
	for _, text := range []string{
		"my password is hunter2 and I live in Berlin",
		"I work at sk-proj-4fJ9x2LmQ8vR7tY1zW3nB6cK0pD5sA",
		"I love 4111 1111 1111 1111",
		"I live in GB82 WEST 1234 5698 7654 32",
		"my name is AKIAIOSFODNN7EXAMPLE",
	} {
		for _, c := range Extract(text, at) {
			for _, s := range []string{c.Slot, c.Value, c.Text} {
				assert.NotContains(t, s, "hunter2")
				assert.NotContains(t, s, "redacted")
				_, found := secrets.Redact(s)
				assert.Empty(t, found, "%q in %q", s, text)
			}
		}
	}
	assert.Equal(t, []string{"location.home=berlin"}, slots(Extract("my password is hunter2 and I live in Berlin", at)))
}

func TestExtractFields(t *testing.T) {
	cs := Extract("I think I'm allergic to kiwi. I have asthma.", at)
	require.Len(t, cs, 2)
	assert.Equal(t, ConfHedged, cs[0].Confidence)
	assert.Equal(t, model.Normal, cs[0].Sensitivity)
	assert.Equal(t, "Is allergic to kiwi", cs[0].Text)
	assert.Equal(t, ConfDirect, cs[1].Confidence)
	assert.Equal(t, model.Sensitive, cs[1].Sensitivity)
	assert.Equal(t, model.CatHealth, cs[1].Category)
	assert.Equal(t, at, cs[1].ValidFrom)
}

func TestResolveDate(t *testing.T) {
	tests := map[string]string{
		"tomorrow": "2026-03-11", "on Friday": "2026-03-13", "next Friday": "2026-03-20",
		"on Tuesday": "2026-03-17", "this weekend": "2026-03-14", "next week": "week of 2026-03-16",
		"next month": "2026-04", "in two weeks": "2026-03-24", "June 3": "2026-06-03",
		"3rd of June": "2026-06-03", "March 1": "2027-03-01", "in January": "2027-01",
		"on the 21st": "2026-03-21", "on the 2nd": "2026-04-02", "2026-12-24": "2026-12-24",
	}
	for in, want := range tests {
		got, ok := resolveDate(in, at)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := resolveDate("I like cake", at)
	assert.False(t, ok)
}

func FuzzExtract(f *testing.F) {
	seeds := []string{
		"I live in Berlin", "hi! i'm Priya and I live in Pune", "I'm flying to Tokyo next Friday",
		"my password is hunter2 and I love sushi", "If I were a doctor", `she said "I'm vegan"`,
		"I have 2 dogs, Bruno and Kiki", "my daughter Mia is 5", "", "I'm", "I have a",
		"I prefer tea over coffee", "I usually go to bed around midnight", "\xff\xfeI live in \xff",
	}
	require.NotEmpty(f, seeds)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, c := range Extract(text, at) {
			require.True(t, model.ValidCategory(c.Category), "category %q", c.Category)
			require.NotEmpty(t, strings.TrimSpace(c.Slot))
			require.NotEmpty(t, strings.TrimSpace(c.Value))
			require.True(t, c.Sensitivity == model.Normal || c.Sensitivity == model.Sensitive)
			require.True(t, c.Confidence > 0 && c.Confidence <= 1)
			for _, s := range []string{c.Slot, c.Value, c.Text} {
				require.True(t, utf8.ValidString(s), "invalid UTF-8 %q", s)
				_, found := secrets.Redact(s)
				require.Empty(t, found, "secret in %q", s)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	corpus := loadCorpus(b)
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		ex := corpus[i%len(corpus)]
		n += len(Extract(ex.Text, ex.At))
	}
	b.StopTimer()
	r := Evaluate(corpus)
	b.ReportMetric(r.Precision, "precision")
	b.ReportMetric(r.Recall, "recall")
	b.ReportMetric(r.F1, "F1")
	blind := Evaluate(loadFile(b, blindPath))
	b.ReportMetric(blind.Precision, "blind-precision")
	b.ReportMetric(blind.Recall, "blind-recall")
	if r.Precision < 0.9 || r.Recall < 0.75 {
		b.Errorf("quality below target (precision ≥ 0.9, recall ≥ 0.75):\n%s", r)
	}
	_ = n
}
