// Package index is an incremental inverted index with BM25 scoring.
//
// Documents are identified by dense int32 slots handed out by the index;
// callers keep their own id ⇄ slot maps. Postings are kept sorted by slot so
// that adding to, updating and deleting a document are binary searches, and
// a deleted document leaves no trace in any posting list.
package index

import (
	"math"
	"slices"
)

// Posting is one (document, term frequency) pair.
type Posting struct {
	Doc int32
	TF  int32
}

// Index is an inverted index over bags of terms. The zero value is not
// usable; call New.
type Index struct {
	postings map[string][]Posting
	docTerms [][]string // per doc: its distinct terms (for deletion)
	docLen   []int32    // per doc: number of terms, 0 for a free slot
	live     []bool
	free     []int32
	nDocs    int
	totalLen int64
}

// New returns an empty index.
func New() *Index { return &Index{postings: make(map[string][]Posting)} }

// Len returns the number of live documents.
func (x *Index) Len() int { return x.nDocs }

// AvgLen returns the mean document length in terms.
func (x *Index) AvgLen() float64 {
	if x.nDocs == 0 {
		return 0
	}
	return float64(x.totalLen) / float64(x.nDocs)
}

// DocLen returns the length in terms of document d.
func (x *Index) DocLen(d int32) int { return int(x.docLen[d]) }

// DF returns the number of live documents containing term.
func (x *Index) DF(term string) int { return len(x.postings[term]) }

// Postings returns the posting list of term, sorted by document. The slice
// belongs to the index; do not modify it.
func (x *Index) Postings(term string) []Posting { return x.postings[term] }

// NewDoc allocates an empty live document and returns its slot.
func (x *Index) NewDoc() int32 {
	var d int32
	if n := len(x.free); n > 0 {
		d = x.free[n-1]
		x.free = x.free[:n-1]
		x.live[d] = true
	} else {
		d = int32(len(x.docLen))
		x.docLen = append(x.docLen, 0)
		x.docTerms = append(x.docTerms, nil)
		x.live = append(x.live, true)
	}
	x.nDocs++
	return d
}

// Live reports whether slot d holds a document.
func (x *Index) Live(d int32) bool { return d >= 0 && int(d) < len(x.live) && x.live[d] }

// Slots returns the number of slots ever allocated (live or free); slot
// numbers are below it, so it sizes dense score arrays.
func (x *Index) Slots() int { return len(x.docLen) }

// Add appends terms to document d (a bag: order is ignored).
func (x *Index) Add(d int32, terms []string) {
	if len(terms) == 0 {
		return
	}
	for _, t := range terms {
		pl := x.postings[t]
		i, found := slices.BinarySearchFunc(pl, d, func(p Posting, d int32) int { return int(p.Doc - d) })
		if found {
			pl[i].TF++
			continue
		}
		x.postings[t] = slices.Insert(pl, i, Posting{Doc: d, TF: 1})
		x.docTerms[d] = append(x.docTerms[d], t)
	}
	x.docLen[d] += int32(len(terms))
	x.totalLen += int64(len(terms))
}

// Delete removes document d from every posting list and frees its slot.
func (x *Index) Delete(d int32) {
	if !x.Live(d) {
		return
	}
	for _, t := range x.docTerms[d] {
		pl := x.postings[t]
		i, found := slices.BinarySearchFunc(pl, d, func(p Posting, d int32) int { return int(p.Doc - d) })
		if !found {
			continue
		}
		pl = slices.Delete(pl, i, i+1)
		if len(pl) == 0 {
			delete(x.postings, t)
		} else {
			x.postings[t] = pl
		}
	}
	x.totalLen -= int64(x.docLen[d])
	x.docLen[d] = 0
	x.docTerms[d] = nil
	x.live[d] = false
	x.free = append(x.free, d)
	x.nDocs--
}

// Terms returns the distinct terms of document d.
func (x *Index) Terms(d int32) []string { return x.docTerms[d] }

// BM25 parameters. k1 = 1.2 and b = 0.75 are the values Robertson and
// Zaragoza recommend and that Lucene uses; they were not tuned on our data.
const (
	K1 = 1.2
	B  = 0.75
)

// IDF is the BM25 inverse document frequency (the Lucene variant, always
// positive).
func (x *Index) IDF(term string) float64 {
	n := float64(x.nDocs)
	df := float64(len(x.postings[term]))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Score adds the BM25 score of every document matching the weighted query
// terms into scores (indexed by slot, len ≥ Slots()).
func (x *Index) Score(query map[string]float64, scores []float64) {
	avg := x.AvgLen()
	if avg == 0 {
		return
	}
	for t, w := range query {
		pl := x.postings[t]
		if len(pl) == 0 {
			continue
		}
		idf := x.IDF(t) * w
		for _, p := range pl {
			tf := float64(p.TF)
			norm := K1 * (1 - B + B*float64(x.docLen[p.Doc])/avg)
			scores[p.Doc] += idf * tf * (K1 + 1) / (tf + norm)
		}
	}
}

// Vocabulary returns the number of distinct terms.
func (x *Index) Vocabulary() int { return len(x.postings) }
