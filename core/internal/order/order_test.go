package order

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

type rec struct {
	key, seq int
	pad      [40]byte
}

// TestSameAsSlices checks SortFunc leaves exactly the order slices.SortFunc
// does, including among equal keys, at lengths either side of the
// insertion-sort cutoff and on patterns pdqsort treats specially.
func TestSameAsSlices(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func(i, n int) int{
		"random":    func(i, n int) int { return r.IntN(n + 1) },
		"few keys":  func(i, n int) int { return r.IntN(3) },
		"sorted":    func(i, n int) int { return i / 2 },
		"reversed":  func(i, n int) int { return (n - i) / 2 },
		"all equal": func(i, n int) int { return 7 },
		"sawtooth":  func(i, n int) int { return i % 5 },
		"almost":    func(i, n int) int { return i ^ 1 },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 11, 12, 13, 50, 51, 200, 1000, 5000} {
			in := make([]rec, n)
			for i := range in {
				in[i] = rec{key: gen(i, n), seq: i}
			}
			want := slices.Clone(in)
			slices.SortFunc(want, func(a, b rec) int { return cmp.Compare(a.key, b.key) })
			got := slices.Clone(in)
			SortFunc(got, func(a, b *rec) int { return cmp.Compare(a.key, b.key) })
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %d elements: order differs from slices.SortFunc", name, n)
			}
		}
	}
}
