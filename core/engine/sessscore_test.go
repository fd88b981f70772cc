package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/index"
	"github.com/confidant-dev/confidant/core/model"
)

// sessionIndex is the reference sessionScores stands for: an index with
// one document per session slot, holding all its turns' terms.
func sessionIndex(t *testing.T, e *Engine) *index.Index {
	x := index.New()
	for d, ss := range e.sessBySlot {
		require.Equal(t, int32(d), x.NewDoc())
		if ss != nil {
			for _, t := range ss.turns {
				x.Add(int32(d), t.terms)
			}
		}
	}
	for d, ss := range e.sessBySlot {
		if ss == nil {
			x.Delete(int32(d))
		}
	}
	return x
}

// TestSessionScoresMatchAnIndex: through ingests (some of sessions with no
// turns yet), edits that move a turn to another session, and forgotten
// turns and sessions, and after a reload, sessionScores gives every
// session the score an index of sessions would, bit for bit, and touches
// the same sessions; the matched terms the why-reasons name are the
// session's own.
func TestSessionScoresMatchAnIndex(t *testing.T) {
	words := []string{"lisbon", "dog", "sushi", "tea", "guitar", "kayak", "tokyo", "sister", "vegan", "budget", "the", "my"}
	t0 := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for seed := uint64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		text := func() string {
			n := 1 + r.IntN(8)
			s := ""
			for range n {
				s += words[r.IntN(len(words))] + " "
			}
			return s
		}
		check := func(e *Engine, when string) {
			ref := sessionIndex(t, e)
			for range 8 {
				var q []index.Term
				for range 1 + r.IntN(4) {
					ids := e.an.AppendIDs(nil, words[r.IntN(len(words))])
					if len(ids) == 0 { // a stop word: a term no turn has
						ids = []uint32{e.an.Intern("zz-unseen")}
					}
					q = append(q, index.Term{ID: ids[0], Weight: 0.5 + r.Float64()})
				}
				want := make([]float64, len(e.sessBySlot))
				got := make([]float64, len(e.sessBySlot))
				wantTouched := ref.Score(q, want, nil)
				gotTouched := e.sessionScores(q, got, nil)
				require.Equal(t, want, got, "seed %d %s: scores", seed, when)
				slices.Sort(wantTouched)
				slices.Sort(gotTouched)
				require.Equal(t, wantTouched, gotTouched, "seed %d %s: touched", seed, when)
				qq := &query{weights: q}
				for _, ss := range e.sessBySlot {
					if ss != nil {
						require.Equal(t, e.matched(qq, ref.Terms(ss.doc)), e.sessionMatched(qq, ss), "seed %d %s", seed, when)
					}
				}
			}
		}
		e := New()
		var ids []string
		for op := range 150 {
			sess := fmt.Sprintf("s%d", r.IntN(8))
			switch k := r.IntN(10); {
			case k < 5 || len(ids) == 0:
				id := fmt.Sprintf("t%d", op)
				_, err := e.Ingest(nil, []model.Turn{{ID: id, Session: sess, Role: model.RoleAssistant, Text: text(), Time: t0.Add(time.Duration(op) * time.Hour)}})
				require.NoError(t, err)
				ids = append(ids, id)
			case k == 5: // a session record before any of its turns
				_, err := e.Ingest([]model.Session{{ID: fmt.Sprintf("empty%d", op), Title: "later", Start: t0}}, nil)
				require.NoError(t, err)
			case k == 6: // an edit, possibly into another session
				id := ids[r.IntN(len(ids))]
				if old, ok := e.turns[id]; ok {
					_, err := e.Ingest(nil, []model.Turn{{ID: id, Session: sess, Role: old.Role, Text: text(), Time: old.Time}})
					require.NoError(t, err)
				}
			case k < 9:
				_ = e.ForgetTurn(ids[r.IntN(len(ids))])
			default:
				_ = e.ForgetSession(sess)
			}
			if op%10 == 9 {
				check(e, fmt.Sprintf("after op %d", op))
			}
		}
		fresh := New()
		require.NoError(t, fresh.Load(e.State()))
		check(fresh, "after a load")
		local, err := e.ExportLocal()
		require.NoError(t, err)
		imported := New()
		require.NoError(t, imported.Import(local))
		check(imported, "after an import")
		// And the imported engine stays exact as it changes.
		for op := range 40 {
			id := ids[r.IntN(len(ids))]
			if r.IntN(2) == 0 {
				_ = imported.ForgetTurn(id)
			} else {
				_, err := imported.Ingest(nil, []model.Turn{{ID: id + "x", Session: fmt.Sprintf("s%d", r.IntN(10)), Role: model.RoleUser, Text: text(), Time: t0}})
				require.NoError(t, err)
			}
			if op%10 == 9 {
				check(imported, fmt.Sprintf("after import and op %d", op))
			}
		}
	}
}

// TestSessionSlotsAsAnIndex: session slots are handed out as an index hands
// out document slots (a freed one is the next reused), since slots break
// ties between equal scores.
func TestSessionSlotsAsAnIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	e, x := New(), index.New()
	var live []*session
	for range 500 {
		if len(live) > 0 && r.IntN(3) == 0 {
			k := r.IntN(len(live))
			ss := live[k]
			live = slices.Delete(live, k, k+1)
			e.freeSessionSlot(ss)
			x.Delete(ss.doc)
			continue
		}
		ss := &session{}
		e.newSessionSlot(ss)
		require.Equal(t, x.NewDoc(), ss.doc)
		require.Same(t, ss, e.sessBySlot[ss.doc])
		live = append(live, ss)
	}
}
