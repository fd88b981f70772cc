package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/require"
)

// TestRandomOpsMatchAFreshLoad: after any mix of ingest, edit (re-ingest
// with new text), forget turn, forget session, fact edits and deletes, the
// engine ranks exactly like an engine freshly loaded from its own state —
// so incremental index maintenance leaves nothing stale behind.
func TestRandomOpsMatchAFreshLoad(t *testing.T) {
	words := []string{"lisbon", "berlin", "dog", "cat", "sushi", "tea", "coffee", "guitar", "piano", "marathon",
		"garden", "tomatoes", "kayak", "budget", "flight", "tokyo", "sister", "wedding", "vegan", "peanuts"}
	sentences := []string{"I live in %s.", "I love %s and %s.", "My %s is great.", "I moved to %s last week.",
		"We talked about %s with my %s.", "I'm allergic to %s.", "Can you tell me about %s?", "I prefer %s over %s."}
	t0 := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		e := New()
		text := func() string {
			s := sentences[r.IntN(len(sentences))]
			return fmt.Sprintf(s, words[r.IntN(len(words))], words[r.IntN(len(words))])
		}
		var ids []string
		for op := 0; op < 120; op++ {
			switch k := r.IntN(10); {
			case k < 5 || len(ids) == 0: // ingest a new turn
				id := fmt.Sprintf("t%d", op)
				role := model.RoleUser
				if r.IntN(3) == 0 {
					role = model.RoleAssistant
				}
				_, err := e.Ingest(nil, []model.Turn{{ID: id, Session: fmt.Sprintf("s%d", r.IntN(6)), Role: role,
					Text: text(), Time: t0.Add(time.Duration(op) * time.Hour)}})
				require.NoError(t, err)
				ids = append(ids, id)
			case k == 5: // edit a turn
				id := ids[r.IntN(len(ids))]
				if old, ok := e.turns[id]; ok {
					_, err := e.Ingest(nil, []model.Turn{{ID: id, Session: old.Session, Role: old.Role, Text: text(), Time: old.Time}})
					require.NoError(t, err)
				}
			case k == 6: // forget a turn
				_ = e.ForgetTurn(ids[r.IntN(len(ids))])
			case k == 7: // forget a session
				_ = e.ForgetSession(fmt.Sprintf("s%d", r.IntN(6)))
			case k == 8: // pin or edit a fact
				for _, f := range e.Facts(FactFilter{Superseded: true}) {
					pin := r.IntN(2) == 0
					txt := "user says: " + text()
					_, err := e.EditFact(FactEdit{ID: f.ID, Pinned: &pin, Text: &txt})
					require.NoError(t, err)
					break
				}
			default: // delete a fact
				for _, f := range e.Facts(FactFilter{Superseded: true}) {
					require.NoError(t, e.DeleteFact(f.ID))
					break
				}
			}
		}
		fresh := New()
		require.NoError(t, fresh.Load(e.State()), "seed %d", seed)
		// The local snapshot's load: terms, and sessions numbered by the
		// snapshot rather than looked up.
		local, err := e.ExportLocal()
		require.NoError(t, err)
		imported := New()
		require.NoError(t, imported.Import(local), "seed %d", seed)
		for _, fresh := range []*Engine{fresh, imported} {
			require.Equal(t, e.State(), fresh.State(), "seed %d", seed)
			require.Equal(t, e.Stats(), fresh.Stats(), "seed %d", seed)
			for _, w := range words {
				for _, unit := range []Unit{UnitTurn, UnitSession} {
					req := RecallRequest{Text: "what about my " + w, Time: t0.AddDate(0, 1, 0), Unit: unit, K: 20, All: true}
					a, err := e.Recall(req)
					require.NoError(t, err)
					b, err := fresh.Recall(req)
					require.NoError(t, err)
					require.Equal(t, hitIDs(a), hitIDs(b), "seed %d, %s %q", seed, unit, req.Text)
				}
			}
		}
	}
}

func hitIDs(hs []Hit) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}
