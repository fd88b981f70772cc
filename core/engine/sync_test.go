package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
)

// exchange merges from's compact export into to.
func exchange(t *testing.T, from, to *Engine) {
	t.Helper()
	data, err := from.ExportSync()
	require.NoError(t, err)
	_, err = to.MergeSnapshot(data, MergeOptions{})
	require.NoError(t, err)
}

// TestMergeConverges: 2-3 engines make random edits (ingest, edit a turn,
// edit/pin/delete a fact, forget a turn or session, settings) and exchange
// snapshots in random orders, duplicates included; once everyone has seen
// everyone, all have the same state hash, state and recall results.
func TestMergeConverges(t *testing.T) {
	words := []string{"lisbon", "berlin", "dog", "cat", "sushi", "tea", "coffee", "guitar", "piano", "marathon",
		"garden", "tomatoes", "kayak", "budget", "flight", "tokyo", "sister", "wedding", "vegan", "peanuts"}
	sentences := []string{"I live in %s.", "I love %s and %s.", "My %s is great.", "I moved to %s last week.",
		"We talked about %s with my %s.", "I'm allergic to %s.", "I prefer %s over %s."}
	t0 := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for seed := uint64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		n := 2 + int(seed%2)
		es := make([]*Engine, n)
		for i := range es {
			es[i] = New()
		}
		text := func() string {
			return fmt.Sprintf(sentences[r.IntN(len(sentences))], words[r.IntN(len(words))], words[r.IntN(len(words))])
		}
		for op := 0; op < 150; op++ {
			e := es[r.IntN(n)]
			var ids []string
			for id := range e.turns {
				ids = append(ids, id)
			}
			switch k := r.IntN(14); {
			case k < 6 || len(ids) == 0:
				_, err := e.Ingest(nil, []model.Turn{{ID: fmt.Sprintf("t%d", op), Session: fmt.Sprintf("s%d", r.IntN(5)),
					Role: model.RoleUser, Text: text(), Time: t0.Add(time.Duration(op) * time.Hour)}})
				require.NoError(t, err)
			case k == 6:
				id := ids[r.IntN(len(ids))]
				old := e.turns[id]
				_, err := e.Ingest(nil, []model.Turn{{ID: id, Session: old.Session, Role: old.Role, Text: text(), Time: old.Time}})
				require.NoError(t, err)
			case k == 7:
				require.NoError(t, e.ForgetTurn(ids[r.IntN(len(ids))]))
			case k == 8:
				_ = e.ForgetSession(fmt.Sprintf("s%d", r.IntN(5)))
			case k == 9:
				for _, f := range e.Facts(FactFilter{Superseded: true}) {
					pin, txt := r.IntN(2) == 0, "user says: "+text()
					_, err := e.EditFact(FactEdit{ID: f.ID, Pinned: &pin, Text: &txt})
					require.NoError(t, err)
					break
				}
			case k == 10:
				for _, f := range e.Facts(FactFilter{Superseded: true}) {
					require.NoError(t, e.DeleteFact(f.ID))
					break
				}
			case k == 11:
				s := e.Settings()
				s.TokenBudget = 100 + r.IntN(500)
				if r.IntN(2) == 0 {
					s.Consent = []model.Category{model.CatHealth}
				}
				require.NoError(t, e.SetSettings(s))
			default:
				a, b := r.IntN(n), r.IntN(n)
				exchange(t, es[a], es[b])
			}
		}
		// Everyone hears from everyone, in a random order, twice (the
		// second round carries the local fixes made while merging).
		for round := 0; round < 3; round++ {
			for _, p := range r.Perm(n * n) {
				exchange(t, es[p/n], es[p%n])
			}
		}
		h := es[0].StateHash()
		for i, e := range es[1:] {
			require.Equal(t, h, e.StateHash(), "seed %d engine %d", seed, i+1)
			require.Equal(t, es[0].State(), e.State(), "seed %d engine %d", seed, i+1)
		}
		for _, w := range words[:8] {
			req := RecallRequest{Text: "what about my " + w, Time: t0.AddDate(0, 1, 0), K: 10}
			want, err := es[0].Recall(req)
			require.NoError(t, err)
			for _, e := range es[1:] {
				got, err := e.Recall(req)
				require.NoError(t, err)
				require.Equal(t, mergeHitIDs(want), mergeHitIDs(got), "seed %d %q", seed, w)
			}
		}
	}
}

// TestMergeLaws: merge(a, a) changes nothing; a session deleted on one
// device takes the turns another device added to it meanwhile; an edit
// beats the legacy version; a snapshot without sync metadata loads with
// legacy stamps and exports as version 3.
func TestMergeLaws(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	a, b := New(), New()
	_, err := a.Ingest(nil, []model.Turn{{ID: "t1", Session: "s1", Role: model.RoleUser, Text: "I live in Lisbon.", Time: t0}})
	require.NoError(t, err)
	exchange(t, a, b)
	h := a.StateHash()
	res, err := a.MergeSnapshot(mustExport(t, a), MergeOptions{})
	require.NoError(t, err)
	require.Zero(t, res.Changed)
	require.Equal(t, h, a.StateHash(), "merge(a, a) = a")

	// Offline: a deletes the session, b adds a turn to it.
	require.NoError(t, a.ForgetSession("s1"))
	_, err = b.Ingest(nil, []model.Turn{{ID: "t2", Session: "s1", Role: model.RoleUser, Text: "My dog is Rex.", Time: t0.Add(time.Hour)}})
	require.NoError(t, err)
	exchange(t, a, b)
	exchange(t, b, a)
	require.Equal(t, a.StateHash(), b.StateHash())
	require.Zero(t, b.Stats().Turns, "the orphaned turn is deleted")

	// Legacy: a version-1 snapshot.
	c := New()
	_, err = c.Ingest(nil, []model.Turn{{ID: "t3", Session: "s3", Role: model.RoleUser, Text: "I love tea.", Time: t0}})
	require.NoError(t, err)
	st := c.State()
	d := New()
	require.NoError(t, d.Load(st))
	require.Equal(t, hlc.Stamp{Device: LegacyDevice}, d.SyncState().Turns[0].Stamp, "legacy stamp")
	data := mustExport(t, d)
	require.Equal(t, byte(3), data[4])
	// c's real stamps beat d's legacy ones; d's legacy copy changes nothing in c.
	exchange(t, d, c)
	require.Equal(t, c.State(), d.State())
}

func mustExport(t *testing.T, e *Engine) []byte {
	t.Helper()
	b, err := e.ExportSync()
	require.NoError(t, err)
	return b
}

func mergeHitIDs(hs []Hit) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}
