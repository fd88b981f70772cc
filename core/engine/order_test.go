package engine

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/require"
)

// TestConversationOrder checks the grouped sort against one sort of all
// turns by (session, time, id), on random turns with shared times, sessions
// in any order and turns listed in any order.
func TestConversationOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 300 {
		n := r.IntN(60)
		turns := make([]model.Turn, n)
		for i := range turns {
			turns[i] = model.Turn{
				ID:      fmt.Sprintf("t%03d", r.IntN(1000)),
				Session: fmt.Sprintf("s%d", r.IntN(1+round%9)),
				Time:    t0.Add(time.Duration(r.IntN(5)) * time.Minute),
			}
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int {
			x, y := &turns[a], &turns[b]
			return cmp.Or(cmp.Compare(x.Session, y.Session), x.Time.Compare(y.Time), cmp.Compare(x.ID, y.ID))
		})
		// Sessions numbered by the caller, as a snapshot does: any
		// numbering, with numbers no turn uses.
		num := map[string]uint32{}
		for _, k := range r.Perm(10) {
			num[fmt.Sprintf("s%d", k)] = uint32(2 * k)
		}
		refs := make([]uint32, n)
		for i := range turns {
			refs[i] = num[turns[i].Session]
		}
		for _, refs := range [][]uint32{nil, refs} {
			got, bucket, buckets := conversationOrder(turns, refs)
			// Equal keys (a repeated id at the same time) may come in either
			// order; compare the keys, not the indexes.
			key := func(i int) string { return turns[i].Session + "|" + turns[i].Time.String() + "|" + turns[i].ID }
			wantKeys, gotKeys := make([]string, n), make([]string, n)
			for i := range n {
				wantKeys[i], gotKeys[i] = key(want[i]), key(got[i])
			}
			require.Equal(t, wantKeys, gotKeys, "round %d", round)
			require.ElementsMatch(t, want, got, "round %d: a permutation", round)
			for i := range turns {
				require.Less(t, int(bucket[i]), buckets, "round %d", round)
				for j := range turns {
					require.Equal(t, turns[i].Session == turns[j].Session, bucket[i] == bucket[j], "round %d: buckets are sessions", round)
				}
			}
		}
	}
}
