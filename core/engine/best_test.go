package engine

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBestMatchesFullSort: the heap selection returns exactly the first k
// of a full sort, for random scores with ties and filters.
func TestBestMatchesFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := r.IntN(300)
		sc := make([]float64, n)
		var cands []int32
		for i := range sc {
			sc[i] = float64(r.IntN(20)) / 4 // ties and zeros
			if r.IntN(4) > 0 {
				cands = append(cands, int32(i))
			}
		}
		keep := func(d int32) bool { return d%7 != 0 }
		k := 1 + r.IntN(30)
		var want []scored
		for _, d := range cands {
			if sc[d] > 0 && keep(d) {
				want = append(want, scored{d, sc[d]})
			}
		}
		slices.SortFunc(want, func(a, b scored) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.slot, b.slot))
		})
		want = want[:min(k, len(want))]
		got := best(sc, cands, k, keep)
		if len(want) == 0 {
			require.Empty(t, got)
			continue
		}
		require.Equal(t, want, got)
	}
}
