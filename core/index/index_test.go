package index

import (
	"math/rand/v2"
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
