package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddScoreDelete(t *testing.T) {
	x := New()
	a, b, c := x.NewDoc(), x.NewDoc(), x.NewDoc()
	const dog, walk, park, cat, food = 0, 1, 2, 3, 4
	x.Add(a, []uint32{dog, walk, park})
	x.Add(b, []uint32{cat, food})
	x.Add(c, []uint32{dog, dog, food})
	assert.Equal(t, 3, x.Len())
	assert.Equal(t, 2, x.DF(dog))
	sc := make([]float64, x.Slots())
	touched := x.Score([]Term{{dog, 1}}, sc, nil)
	assert.ElementsMatch(t, []int32{a, c}, touched)
	assert.Greater(t, sc[c], sc[a], "higher tf scores higher")
	assert.Zero(t, sc[b])

	x.Delete(c)
	assert.Equal(t, 1, x.DF(dog))
	assert.Equal(t, 1, x.DF(food))
	assert.False(t, x.Live(c))
	d := x.NewDoc()
	assert.Equal(t, c, d, "freed slots are reused")
	assert.Empty(t, x.Terms(d))
}

func TestAddAppendsToExistingDoc(t *testing.T) {
	x := New()
	a := x.NewDoc()
	x.Add(a, []uint32{7})
	x.Add(a, []uint32{7, 9})
	assert.Equal(t, 3, x.DocLen(a))
	assert.Equal(t, []Posting{{Doc: a, TF: 2}}, x.Postings(7))
}

// TestDeleteLeavesNoTrace: after random adds and deletes of every document,
// the index is empty in every structure.
func TestDeleteLeavesNoTrace(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := New()
	var docs []int32
	for i := 0; i < 500; i++ {
		d := x.NewDoc()
		docs = append(docs, d)
		terms := make([]uint32, 1+r.IntN(20))
		for j := range terms {
			terms[j] = uint32(r.IntN(26))
		}
		x.Add(d, terms)
		if r.IntN(3) == 0 {
			k := r.IntN(len(docs))
			x.Delete(docs[k])
			docs = append(docs[:k], docs[k+1:]...)
		}
	}
	for _, d := range docs {
		x.Delete(d)
	}
	require.Zero(t, x.Len())
	for term := range x.postings {
		assert.Empty(t, x.postings[term])
	}
	assert.Zero(t, x.Vocabulary())
	assert.Zero(t, x.AvgLen())
}

func TestIDFPositive(t *testing.T) {
	x := New()
	for i := 0; i < 10; i++ {
		x.Add(x.NewDoc(), []uint32{1})
	}
	assert.Greater(t, x.IDF(1), 0.0)
	assert.Greater(t, x.IDF(99), x.IDF(1))
}

// TestBuildEqualsAdd: the bulk builder gives the same index as adding the
// documents one by one (in parts), whether or not it was told the
// vocabulary's size, and the two stay equal through the same later adds and
// deletes — which must leave the builder's input slices unchanged.
func TestBuildEqualsAdd(t *testing.T) {
	const vocab = 40
	for _, hint := range []int{0, 7, vocab} {
		r := rand.New(rand.NewPCG(5, uint64(hint)))
		parts := make([][][]uint32, 300)
		bags := make([][]uint32, len(parts))
		for d := range parts {
			for range r.IntN(4) { // some documents are empty
				part := make([]uint32, r.IntN(15))
				for i := range part {
					part[i] = uint32(r.IntN(vocab))
				}
				parts[d] = append(parts[d], part)
				bags[d] = append(bags[d], part...)
			}
		}
		// As in a load, the bags share one array: an append to one
		// would overwrite the next.
		var flat []uint32
		for _, b := range bags {
			flat = append(flat, b...)
		}
		for d, at := range bags {
			bags[d], flat = flat[:len(at)], flat[len(at):]
		}
		saved := make([][]uint32, len(bags))
		for d := range bags {
			saved[d] = slices.Clone(bags[d])
		}
		x := New()
		for _, ps := range parts {
			d := x.NewDoc()
			for _, p := range ps {
				x.Add(d, p)
			}
		}
		y := Build(len(bags), hint, func(d int32) []uint32 { return bags[d] })
		same := func(when string) {
			require.Equal(t, x.Len(), y.Len(), when)
			require.Equal(t, x.Vocabulary(), y.Vocabulary(), when)
			require.Equal(t, x.TotalLen(), y.TotalLen(), when)
			for term := uint32(0); term < vocab; term++ {
				require.Equal(t, x.Postings(term), y.Postings(term), "%s: term %d", when, term)
			}
			for d := int32(0); int(d) < x.Slots(); d++ {
				require.Equal(t, x.Live(d), y.Live(d), when)
				if x.Live(d) {
					require.Equal(t, x.DocLen(d), y.DocLen(d), when)
					require.ElementsMatch(t, x.Terms(d), y.Terms(d), "%s: doc %d", when, d)
				}
			}
		}
		same(fmt.Sprintf("hint %d, built", hint))
		// A built index stays fully updatable.
		for op := range 200 {
			if d := int32(r.IntN(x.Slots())); r.IntN(2) == 0 {
				x.Delete(d)
				y.Delete(d)
			} else {
				if !x.Live(d) || r.IntN(2) == 0 {
					d = x.NewDoc()
					require.Equal(t, d, y.NewDoc())
				}
				add := []uint32{uint32(r.IntN(vocab)), uint32(r.IntN(vocab)), uint32(r.IntN(vocab))}
				x.Add(d, add)
				y.Add(d, add)
			}
			same(fmt.Sprintf("hint %d, op %d", hint, op))
		}
		require.Equal(t, saved, bags, "the builder's input was changed")
	}
}
