package host_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
	"github.com/confidant-dev/confidant/host"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func factBySlot(facts []model.Fact, slot string) []model.Fact {
	var out []model.Fact
	for _, f := range facts {
		if f.Slot == slot {
			out = append(out, f)
		}
	}
	return out
}

func TestNewerFactSupersedesOlder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, nil, []model.Turn{
			turn("a", "a1", model.RoleUser, "I live in Berlin and I work as a nurse.", t0),
			turn("b", "b1", model.RoleUser, "Big news: I moved to Lisbon last month!", t0.AddDate(0, 3, 0)),
		})
		require.NoError(t, err)
		all, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
		require.NoError(t, err)
		home := factBySlot(all, "location.home")
		require.Len(t, home, 2, "the old fact is kept, not deleted")
		var cur, old model.Fact
		for _, f := range home {
			if f.Current() {
				cur = f
			} else {
				old = f
			}
		}
		assert.Contains(t, strings.ToLower(cur.Value), "lisbon")
		assert.Contains(t, strings.ToLower(old.Value), "berlin")
		assert.Equal(t, cur.ID, old.SupersededBy)
		current, err := c.Facts(ctx, engine.FactFilter{})
		require.NoError(t, err)
		assert.Len(t, factBySlot(current, "location.home"), 1, "listing hides superseded facts by default")
	})
}

func TestNoFactsFromQuestionsOrHypotheticals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		res, err := c.Ingest(ctx, nil, []model.Turn{
			turn("q", "q1", model.RoleUser, "Do I need a visa if I live in Canada?", t0),
			turn("q", "q2", model.RoleUser, "If I were a doctor, I would work nights.", t0.Add(time.Minute)),
			turn("q", "q3", model.RoleAssistant, "I love sushi and I live in Tokyo.", t0.Add(2*time.Minute)),
		})
		require.NoError(t, err)
		assert.Zero(t, res.Facts)
		facts, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
		require.NoError(t, err)
		assert.Empty(t, facts, "assistant turns, questions and hypotheticals teach nothing")
	})
}

func TestSecretsAreNeverStored(t *testing.T) {
	const key = "sk-proj-AbC123xYz987LmNoPqRsTuVwXyZ0123456789"
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		res, err := c.Ingest(ctx, nil, []model.Turn{
			turn("k", "k1", model.RoleUser, "My API key is "+key+" and my password is hunter2xyz, why does the call fail?", t0),
		})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Redacted)
		hits, err := c.Recall(ctx, engine.RecallRequest{Text: "why does the call fail", All: true})
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.NotContains(t, hits[0].Text, key)
		assert.NotContains(t, hits[0].Text, "hunter2xyz")
		data, err := c.ExportCompact(ctx)
		require.NoError(t, err)
		st, err := snapshot.Unmarshal(data)
		require.NoError(t, err)
		for _, tr := range st.Turns {
			assert.NotContains(t, tr.Text, key)
			assert.NotContains(t, tr.Text, "hunter2xyz")
		}
		for _, f := range st.Facts {
			assert.NotContains(t, f.Value+f.Text, "hunter2xyz")
		}
		hits, err = c.Recall(ctx, engine.RecallRequest{Text: key, All: true})
		require.NoError(t, err)
		assert.Empty(t, hits, "the secret is not even a search term")
	})
}

func TestEditedTurnReplacesTheOld(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, nil, []model.Turn{turn("e", "e1", model.RoleUser, "I live in Berlin.", t0)})
		require.NoError(t, err)
		res, err := c.Ingest(ctx, nil, []model.Turn{turn("e", "e1", model.RoleUser, "I live in Madrid.", t0)})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Updated)
		hits, err := c.Recall(ctx, engine.RecallRequest{Text: "Berlin", All: true})
		require.NoError(t, err)
		assert.Empty(t, hits)
		facts, err := c.Facts(ctx, engine.FactFilter{Superseded: true})
		require.NoError(t, err)
		home := factBySlot(facts, "location.home")
		require.Len(t, home, 1, "the fact learned from the old text goes with it")
		assert.Contains(t, strings.ToLower(home[0].Value), "madrid")
	})
}

func TestFactEditPinDeleteAndConsent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, nil, []model.Turn{
			turn("h", "h1", model.RoleUser, "I have type 1 diabetes and I'm vegetarian.", t0),
		})
		require.NoError(t, err)
		facts, err := c.Facts(ctx, engine.FactFilter{})
		require.NoError(t, err)
		var health, diet *model.Fact
		for i := range facts {
			switch facts[i].Category {
			case model.CatHealth:
				health = &facts[i]
			case model.CatDiet:
				diet = &facts[i]
			}
		}
		require.NotNil(t, health, "facts: %+v", facts)
		require.NotNil(t, diet)
		assert.Equal(t, model.Sensitive, health.Sensitivity)

		prompt := engine.ContextRequest{Text: "plan my meals and snacks for a hiking trip", Time: t0.AddDate(0, 1, 0)}
		ctxText := func() string {
			r, err := c.Context(ctx, prompt)
			require.NoError(t, err)
			return r.Text
		}
		pinned, err := c.PinFact(ctx, health.ID, true)
		require.NoError(t, err)
		assert.True(t, pinned.Pinned)
		assert.NotContains(t, ctxText(), health.Text, "sensitive facts need consent, even pinned")
		s, err := c.Settings(ctx)
		require.NoError(t, err)
		s.Consent = []model.Category{model.CatHealth}
		_, err = c.SetSettings(ctx, s)
		require.NoError(t, err)
		assert.Contains(t, ctxText(), health.Text, "with consent a pinned health fact is injected")

		text := "Is vegan on weekdays"
		edited, err := c.EditFact(ctx, engine.FactEdit{ID: diet.ID, Text: &text})
		require.NoError(t, err)
		assert.True(t, edited.UserEdited)
		assert.Contains(t, ctxText(), text)
		require.NoError(t, c.DeleteFact(ctx, diet.ID))
		assert.NotContains(t, ctxText(), text)
		assert.Error(t, c.DeleteFact(ctx, diet.ID))
	})
}

func TestGateInjectsNothingUnrelated(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		ingestSample(t, c)
		for _, p := range []string{"Explain how TCP congestion control works.", "What is the capital of Australia?"} {
			r, err := c.Context(ctx, engine.ContextRequest{Text: p})
			require.NoError(t, err)
			assert.Empty(t, r.Text, p)
			assert.Empty(t, r.Items, p)
		}
	})
}

func TestSensitiveTurnIsNotInjectedWithoutConsent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, nil, []model.Turn{
			turn("d", "d1", model.RoleUser, "I was diagnosed with diabetes last year and I take insulin every morning.", t0),
		})
		require.NoError(t, err)
		prompt := engine.ContextRequest{Text: "any tips for managing my diabetes and insulin in the morning?", Time: t0.AddDate(0, 1, 0)}
		r, err := c.Context(ctx, prompt)
		require.NoError(t, err)
		assert.NotContains(t, r.Text, "insulin", "neither the facts nor the turn that disclosed them")
		s, err := c.Settings(ctx)
		require.NoError(t, err)
		s.Consent = []model.Category{model.CatHealth, model.CatHabit}
		_, err = c.SetSettings(ctx, s)
		require.NoError(t, err)
		r, err = c.Context(ctx, prompt)
		require.NoError(t, err)
		assert.Contains(t, r.Text, "insulin", "with consent it is injected")
	})
}

func TestSessionMetadataValidatedAndRedacted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, []model.Session{{ID: "s", Site: strings.Repeat("x", 200)}}, nil)
		assert.ErrorContains(t, err, "too long")
		_, err = c.Ingest(ctx, []model.Session{{ID: "s", Title: "card 4111 1111 1111 1111 for the trip"}},
			[]model.Turn{turn("s", "s1", model.RoleUser, "booking the trip", t0)})
		require.NoError(t, err)
		data, err := c.ExportCompact(ctx)
		require.NoError(t, err)
		st, err := snapshot.Unmarshal(data)
		require.NoError(t, err)
		require.Len(t, st.Sessions, 1)
		assert.NotContains(t, st.Sessions[0].Title, "4111")
	})
}

func TestReingestAfterReloadIsIdempotentAndKeepsPins(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		at := t0.Add(123456789 * time.Nanosecond) // sub-millisecond part
		turns := []model.Turn{turn("p", "p1", model.RoleUser, "I live in Lyon.", at)}
		_, err := c.Ingest(ctx, nil, turns)
		require.NoError(t, err)
		facts, err := c.Facts(ctx, engine.FactFilter{})
		require.NoError(t, err)
		require.NotEmpty(t, facts)
		_, err = c.PinFact(ctx, facts[0].ID, true)
		require.NoError(t, err)
		data, err := c.Export(ctx)
		require.NoError(t, err)
		_, err = c.Import(ctx, data)
		require.NoError(t, err)
		res, err := c.Ingest(ctx, nil, turns)
		require.NoError(t, err)
		assert.Equal(t, 1, res.Skipped, "unchanged after a reload")
		after, err := c.Facts(ctx, engine.FactFilter{})
		require.NoError(t, err)
		require.NotEmpty(t, after)
		assert.True(t, after[0].Pinned)
	})
}

func TestFactVouchesForItsTurn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		_, err := c.Ingest(ctx, nil, []model.Turn{
			turn("m", "m1", model.RoleUser, "Big news: I moved to Lisbon!", t0),
			turn("n", "n1", model.RoleUser, "What should I cook now that it is getting cold?", t0.AddDate(0, 0, 1)),
		})
		require.NoError(t, err)
		hits, err := c.Recall(ctx, engine.RecallRequest{Text: "where do I live?", Time: t0.AddDate(0, 1, 0)})
		require.NoError(t, err)
		require.NotEmpty(t, hits, "the turn says nothing of living; its fact \"Lives in Lisbon\" vouches for it at the gate")
		assert.Equal(t, "m1", hits[0].ID)
	})
}
