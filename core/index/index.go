// Package index is an incremental inverted index with BM25 scoring over
// term ids (see analyze.Analyzer).
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

// Index is an inverted index over bags of term ids. The zero value is an
// empty index.
type Index struct {
	postings [][]Posting // by term id
	docTerms [][]uint32  // per doc: its terms as added, repeats included (for deletion)
	docLen   []int32     // per doc: number of terms
	live     []bool
	free     []int32
	nDocs    int
	nTerms   int // terms with at least one posting
	totalLen int64
}

// New returns an empty index.
func New() *Index { return &Index{} }

// Len returns the number of live documents.
func (x *Index) Len() int { return x.nDocs }

// Vocabulary returns the number of distinct terms in live documents.
func (x *Index) Vocabulary() int { return x.nTerms }

// AvgLen returns the mean document length in terms.
func (x *Index) AvgLen() float64 {
	if x.nDocs == 0 {
		return 0
	}
	return float64(x.totalLen) / float64(x.nDocs)
}

// DocLen returns the length in terms of document d.
func (x *Index) DocLen(d int32) int { return int(x.docLen[d]) }

// Postings returns the posting list of a term, sorted by document. The
// slice belongs to the index; do not modify it.
func (x *Index) Postings(term uint32) []Posting {
	if int(term) >= len(x.postings) {
		return nil
	}
	return x.postings[term]
}

// DF returns the number of live documents containing term.
func (x *Index) DF(term uint32) int { return len(x.Postings(term)) }

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

func byDoc(p Posting, d int32) int { return int(p.Doc - d) }

// Add appends terms to document d (a bag: order is ignored). Unlike Build,
// it copies them: the caller keeps its slice.
func (x *Index) Add(d int32, terms []uint32) {
	x.docTerms[d] = append(x.docTerms[d], terms...)
	for _, t := range terms {
		if int(t) >= len(x.postings) {
			x.postings = append(x.postings, make([][]Posting, int(t)+1-len(x.postings))...)
		}
		pl := x.postings[t]
		// Documents are mostly added in slot order: try the end first.
		if n := len(pl); n > 0 && pl[n-1].Doc == d {
			pl[n-1].TF++
			continue
		} else if n == 0 || pl[n-1].Doc < d {
			if n == 0 {
				x.nTerms++
			}
			x.postings[t] = append(pl, Posting{Doc: d, TF: 1})
			continue
		}
		i, found := slices.BinarySearchFunc(pl, d, byDoc)
		if found {
			pl[i].TF++
			continue
		}
		x.postings[t] = slices.Insert(pl, i, Posting{Doc: d, TF: 1})
	}
	x.docLen[d] += int32(len(terms))
	x.totalLen += int64(len(terms))
}

// Delete removes document d from every posting list and frees its slot. A
// term its bag repeats is found in its list once, then not again.
func (x *Index) Delete(d int32) {
	if !x.Live(d) {
		return
	}
	for _, t := range x.docTerms[d] {
		pl := x.postings[t]
		i, found := slices.BinarySearchFunc(pl, d, byDoc)
		if !found {
			continue
		}
		x.postings[t] = slices.Delete(pl, i, i+1)
		if len(x.postings[t]) == 0 {
			x.postings[t] = nil
			x.nTerms--
		}
	}
	x.totalLen -= int64(x.docLen[d])
	x.docLen[d] = 0
	x.docTerms[d] = nil
	x.live[d] = false
	x.free = append(x.free, d)
	x.nDocs--
}

// Terms returns the terms of document d as they were added (Add, Build),
// repeats included. The slice belongs to the index; do not modify it.
func (x *Index) Terms(d int32) []uint32 { return x.docTerms[d] }

// BM25 parameters. k1 = 1.2 and b = 0.75 are the values Robertson and
// Zaragoza recommend and that Lucene uses; they were not tuned on our data.
const (
	K1 = 1.2
	B  = 0.75
)

// IDF is the BM25 inverse document frequency (the Lucene variant, always
// positive). An unknown term has the highest IDF.
func (x *Index) IDF(term uint32) float64 { return IDF(x.nDocs, x.DF(term)) }

// IDF is the BM25 inverse document frequency of a term in df of n
// documents. It and TermScore are the formula in one place, for callers
// that score documents this package does not index (the engine's sessions,
// whose statistics are sums over their turns).
func IDF(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// TermScore is one term's BM25 contribution to a document: idf (already
// weighted) for a term occurring tf times in a document docLen terms long,
// in a collection whose documents are avgLen long on average.
func TermScore(idf float64, tf, docLen int32, avgLen float64) float64 {
	f := float64(tf)
	norm := K1 * (1 - B + B*float64(docLen)/avgLen)
	return idf * f * (K1 + 1) / (f + norm)
}

// TotalLen returns the summed length in terms of the live documents.
func (x *Index) TotalLen() int64 { return x.totalLen }

// Term is one weighted query term.
type Term struct {
	ID     uint32
	Weight float64
}

// Score adds the BM25 score of every document matching the query into
// scores (indexed by slot, len ≥ Slots()) and appends every document that
// went from zero to a positive score to touched, returning it.
func (x *Index) Score(query []Term, scores []float64, touched []int32) []int32 {
	return x.ScoreCoverage(query, scores, nil, touched)
}

// ScoreCoverage is Score that also adds, if cov is not nil, each matched
// term's IDF × query weight into cov: the share of the query's information
// a document contains, for relevance gating.
func (x *Index) ScoreCoverage(query []Term, scores, cov []float64, touched []int32) []int32 {
	avg := x.AvgLen()
	if avg == 0 {
		return touched
	}
	for _, q := range query {
		pl := x.Postings(q.ID)
		if len(pl) == 0 {
			continue
		}
		idf := x.IDF(q.ID) * q.Weight
		for _, p := range pl {
			if scores[p.Doc] == 0 {
				touched = append(touched, p.Doc)
			}
			scores[p.Doc] += TermScore(idf, p.TF, x.docLen[p.Doc], avg)
			if cov != nil {
				cov[p.Doc] += idf
			}
		}
	}
	return touched
}

// Build returns an index of n documents (slots 0..n-1), document d holding
// the bag of term ids terms(d); vocab, the number of term ids if known,
// sizes the per-term tables. It makes two passes: the first counts each
// term's documents, the second puts each posting at its term's cursor in
// one array, so loading a store costs no slice growth and no per-term slice
// headers are rewritten on the way. terms must return the same ids both
// times; the index keeps those slices as its documents' Terms, so the
// caller must not change them afterwards.
func Build(n, vocab int, terms func(d int32) []uint32) *Index {
	x := New()
	x.docLen = make([]int32, n)
	x.docTerms = make([][]uint32, n)
	x.live = make([]bool, n)
	x.nDocs = n
	df := make([]int32, vocab)   // per term: documents containing it
	last := make([]int32, vocab) // per term: last document counted + 1
	total := 0
	for d := int32(0); int(d) < n; d++ {
		ts := terms(d)
		for _, t := range ts {
			if int(t) >= len(df) {
				grow := int(t) + 1 - len(df)
				df = append(df, make([]int32, grow)...)
				last = append(last, make([]int32, grow)...)
			}
			if last[t] != d+1 {
				last[t] = d + 1
				df[t]++
				total++
			}
		}
		x.docLen[d] = int32(len(ts))
		x.totalLen += int64(len(ts))
		x.live[d] = true
	}
	// next[t]: where term t's next posting goes; its list ends there
	// once every posting is placed.
	next := make([]int32, len(df))
	at := int32(0)
	for t, c := range df {
		next[t] = at
		at += c
	}
	clear(last)
	backing := make([]Posting, total)
	for d := int32(0); int(d) < n; d++ {
		ts := terms(d)
		x.docTerms[d] = ts[:len(ts):len(ts)] // Add appends to a copy
		for _, t := range ts {
			if last[t] == d+1 { // a repeat within the document
				backing[next[t]-1].TF++
				continue
			}
			last[t] = d + 1
			backing[next[t]] = Posting{Doc: d, TF: 1}
			next[t]++
		}
	}
	x.postings = make([][]Posting, len(df))
	for t, c := range df {
		if c > 0 {
			end := next[t]
			x.postings[t] = backing[end-c : end : end]
			x.nTerms++
		}
	}
	return x
}
