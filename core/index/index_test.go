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

// TestBuildEqualsAdd: the bulk builder gives the same index as adding the
// documents one by one.
func TestBuildEqualsAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	docs := make([][][]uint32, 300)
	for d := range docs {
		for p := 0; p < 1+r.IntN(3); p++ {
			part := make([]uint32, r.IntN(15))
			for i := range part {
				part[i] = uint32(r.IntN(40))
			}
			docs[d] = append(docs[d], part)
		}
	}
	x := New()
	for _, parts := range docs {
		d := x.NewDoc()
		for _, p := range parts {
			x.Add(d, p)
		}
	}
	y := Build(len(docs), func(d int32, add func([]uint32)) {
		for _, p := range docs[d] {
			add(p)
		}
	})
	assert.Equal(t, x.Len(), y.Len())
	assert.Equal(t, x.Vocabulary(), y.Vocabulary())
	assert.InDelta(t, x.AvgLen(), y.AvgLen(), 1e-9)
	for term := uint32(0); term < 40; term++ {
		assert.Equal(t, x.Postings(term), y.Postings(term), "term %d", term)
	}
	for d := int32(0); int(d) < len(docs); d++ {
		assert.ElementsMatch(t, x.Terms(d), y.Terms(d))
	}
	// A built index stays fully updatable.
	y.Delete(3)
	z := y.NewDoc()
	assert.Equal(t, int32(3), z)
	y.Add(z, []uint32{1, 2})
	assert.Equal(t, len(docs), y.Len())
}
