package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Unit is what a recall ranks.
type Unit string

// Units a recall can rank.
const (
	UnitTurn    Unit = "turn"
	UnitSession Unit = "session"
)

// MaxK bounds the number of hits a recall returns.
const MaxK = 200

// RecallRequest asks for the memories most relevant to a prompt.
type RecallRequest struct {
	Text string    `json:"text"`
	Time time.Time `json:"time,omitempty"` // the prompt's own time; default now
	Unit Unit      `json:"unit,omitempty"` // default turn
	K    int       `json:"k,omitempty"`    // default 10
	// Role restricts turn hits to one role ("user" or "assistant"); empty
	// means both.
	Role model.Role `json:"role,omitempty"`
	// Method selects the ranking: "" (full) or "bm25" (the plain baseline).
	Method string `json:"method,omitempty"`
	// Disable switches off named ranking features (for ablation).
	Disable []string `json:"disable,omitempty"`
	// All returns the full ranking, including hits below the relevance gate
	// (benchmarks rank every unit; a prompt only wants relevant memories).
	All bool `json:"all,omitempty"`
}

// Hit is one recalled memory with the reasons it was chosen.
type Hit struct {
	ID      string    `json:"id"`
	Session string    `json:"session,omitempty"`
	Role    string    `json:"role,omitempty"`
	Time    time.Time `json:"time"`
	Score   float64   `json:"score"`
	Text    string    `json:"text,omitempty"`
	Why     []string  `json:"why,omitempty"`
}

func (r *RecallRequest) normalize() error {
	if r.Time.IsZero() {
		r.Time = now()
	}
	switch r.Unit {
	case "":
		r.Unit = UnitTurn
	case UnitTurn, UnitSession:
	default:
		return fmt.Errorf("%w: unit must be \"turn\" or \"session\", got %q", ErrInvalid, r.Unit)
	}
	switch r.Role {
	case "", model.RoleUser, model.RoleAssistant:
	default:
		return fmt.Errorf("%w: role must be \"user\", \"assistant\" or empty, got %q", ErrInvalid, r.Role)
	}
	if r.K == 0 {
		r.K = 10
	}
	if r.K < 0 || r.K > MaxK {
		return fmt.Errorf("%w: k must be between 1 and %d, got %d", ErrInvalid, MaxK, r.K)
	}
	for _, f := range r.Disable {
		if !slices.Contains(Features, f) {
			return fmt.Errorf("%w: unknown ranking feature %q (known: %s)", ErrInvalid, f, strings.Join(Features, ", "))
		}
	}
	switch r.Method {
	case "", "bm25":
	default:
		return fmt.Errorf("%w: method must be empty or \"bm25\", got %q", ErrInvalid, r.Method)
	}
	return nil
}

// Recall ranks stored memories for a prompt.
func (e *Engine) Recall(req RecallRequest) ([]Hit, error) {
	if err := req.normalize(); err != nil {
		return nil, err
	}
	q := e.parseQuery(req)
	if len(q.weights) == 0 {
		return []Hit{}, nil
	}
	var hits []Hit
	if req.Method == "bm25" {
		hits = e.rankBaseline(q, req)
	} else {
		hits = e.rank(q, req)
	}
	if hits == nil {
		hits = []Hit{}
	}
	return hits, nil
}

// rankBaseline is plain BM25 over the unit's documents: the same analyzer,
// no extras. The bench reports it beside the full method.
func (e *Engine) rankBaseline(q *query, req RecallRequest) []Hit {
	if req.Unit == UnitSession {
		sc := e.buf.get(bufSession, len(e.sessBySlot))
		touched := e.sessionScores(q.weights, sc, nil)
		return e.topSessions(sc, touched, req.K, nil)
	}
	sc := e.buf.get(bufTurn, e.turnIdx.Slots())
	touched := e.turnIdx.Score(q.weights, sc, nil)
	return e.topTurns(sc, touched, req, nil, nil)
}

// buffers are dense per-slot score arrays reused across recalls, so a
// recall allocates in proportion to its matches, not to the store.
type buffers struct {
	arrays [numBuffers][]float64
}

// get returns scratch array i with n zeroed entries.
func (b *buffers) get(i, n int) []float64 {
	if cap(b.arrays[i]) < n {
		b.arrays[i] = make([]float64, n+n/4)
	}
	s := b.arrays[i][:n]
	clear(s)
	return s
}

type scored struct {
	slot  int32
	score float64
}

// best returns the k candidates with the highest positive scores that keep
// accepts, best first, ties broken by slot so results are deterministic.
// It keeps a min-heap of size k: O(n log k) for n candidates.
func best(sc []float64, cands []int32, k int, keep func(int32) bool) []scored {
	less := func(a, b scored) bool { // a ranks below b
		return a.score < b.score || a.score == b.score && a.slot > b.slot
	}
	h := make([]scored, 0, k)
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(h) && less(h[l], h[m]) {
				m = l
			}
			if r := l + 1; r < len(h) && less(h[r], h[m]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for _, d := range cands {
		s := scored{d, sc[d]}
		if s.score <= 0 || (len(h) == k && !less(h[0], s)) || (keep != nil && !keep(d)) {
			continue
		}
		if len(h) < k {
			h = append(h, s)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		h[0] = s
		down(0)
	}
	slices.SortFunc(h, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.slot, b.slot)
	})
	return h
}

// topTurns returns the k best turns among cands; pass, if set, is the
// relevance gate each hit must clear.
func (e *Engine) topTurns(sc []float64, cands []int32, req RecallRequest, pass func(*turn) bool, why func(*turn) []string) []Hit {
	keep := func(d int32) bool {
		t := e.turnBySlot[d]
		return t != nil && (req.Role == "" || t.Role == req.Role) && (pass == nil || pass(t))
	}
	var hits []Hit
	for _, s := range best(sc, cands, req.K, keep) {
		t := e.turnBySlot[s.slot]
		h := Hit{ID: t.ID, Session: t.Session, Role: string(t.Role), Time: t.Time, Score: s.score, Text: t.Text}
		if why != nil {
			h.Why = why(t)
		}
		hits = append(hits, h)
	}
	return hits
}

func (e *Engine) topSessions(sc []float64, cands []int32, k int, why func(*session) []string) []Hit {
	keep := func(d int32) bool { return int(d) < len(e.sessBySlot) && e.sessBySlot[d] != nil }
	var hits []Hit
	for _, s := range best(sc, cands, k, keep) {
		ss := e.sessBySlot[s.slot]
		h := Hit{ID: ss.ID, Time: ss.Start, Score: s.score, Text: ss.Title}
		if why != nil {
			h.Why = why(ss)
		}
		hits = append(hits, h)
	}
	return hits
}
