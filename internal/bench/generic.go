// Package bench runs retrieval benchmarks against an engine through the
// generic format of shared/design/benchmarks.md: a corpus of turns grouped
// into scopes (independent memory stores) and queries that rank a scope's
// turns or sessions. LongMemEval and LoCoMo are converted into this format
// first, so the ranking code never knows which benchmark it runs.
package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
)

// CorpusLine is one turn of the generic corpus.
type CorpusLine struct {
	Scope   string    `json:"scope"`
	Session string    `json:"session"`
	ID      string    `json:"id"`
	Role    string    `json:"role"`
	Text    string    `json:"text"`
	Time    time.Time `json:"time"`
}

// QueryLine is one query of the generic format.
type QueryLine struct {
	QID   string    `json:"qid"`
	Scope string    `json:"scope"`
	Text  string    `json:"text"`
	Time  time.Time `json:"time"`
	Unit  string    `json:"unit"`
}

// RunLine is one line of a run file: ids best first.
type RunLine struct {
	QID    string   `json:"qid"`
	Ranked []string `json:"ranked"`
}

// Corpus is a generic corpus: scopes in first-seen order, each with its
// turns in conversation order.
type Corpus struct {
	Scopes []string
	Turns  map[string][]CorpusLine
}

// Add appends a turn to its scope.
func (c *Corpus) Add(l CorpusLine) {
	if c.Turns == nil {
		c.Turns = make(map[string][]CorpusLine)
	}
	if _, ok := c.Turns[l.Scope]; !ok {
		c.Scopes = append(c.Scopes, l.Scope)
	}
	c.Turns[l.Scope] = append(c.Turns[l.Scope], l)
}

// ReadCorpus reads corpus.jsonl.
func ReadCorpus(path string) (*Corpus, error) {
	c := &Corpus{}
	err := readJSONL(path, func(line int, b []byte) error { return parseCorpusLine(c, b) })
	return c, err
}

func parseCorpusLine(c *Corpus, b []byte) error {
	var l CorpusLine
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if l.Scope == "" || l.ID == "" || l.Session == "" {
		return fmt.Errorf("scope, session and id are required")
	}
	if l.Role != "user" && l.Role != "assistant" {
		return fmt.Errorf(`role must be "user" or "assistant", got %q`, l.Role)
	}
	if l.Time.IsZero() {
		return fmt.Errorf("time is required (RFC 3339)")
	}
	c.Add(l)
	return nil
}

// ReadQueries reads queries.jsonl.
func ReadQueries(path string) ([]QueryLine, error) {
	var qs []QueryLine
	err := readJSONL(path, func(line int, b []byte) error {
		q, err := parseQueryLine(b)
		if err == nil {
			qs = append(qs, q)
		}
		return err
	})
	return qs, err
}

func parseQueryLine(b []byte) (QueryLine, error) {
	var q QueryLine
	if err := json.Unmarshal(b, &q); err != nil {
		return q, err
	}
	if q.QID == "" || q.Scope == "" {
		return q, fmt.Errorf("qid and scope are required")
	}
	if q.Unit != "turn" && q.Unit != "session" {
		return q, fmt.Errorf(`unit must be "turn" or "session", got %q`, q.Unit)
	}
	return q, nil
}

func readJSONL(path string, fn func(line int, b []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanJSONL(f, path, fn)
}

func scanJSONL(r io.Reader, path string, fn func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", path, n+1, err)
	}
	return nil
}

// WriteRun writes a run file.
func WriteRun(path string, run []RunLine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := writeRun(w, run); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeRun(w io.Writer, run []RunLine) error {
	enc := json.NewEncoder(w)
	for _, l := range run {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

// Variant is one ranking configuration: a method and the features it
// switches off.
type Variant struct {
	Name    string
	Method  string   // "" (full) or "bm25"
	Disable []string // ranking features to switch off (ablation)
	Gated   bool     // apply the relevance gate, as the product does (may return nothing)
}

// Options control a run.
type Options struct {
	Depth int // ids per query (default 50)
	// Progress, if set, is called after each scope.
	Progress func(done, total int)
}

// batch is how many turns go into one ingest call: large enough to amortise
// the JSON round trip, small enough to keep a request a few MB.
const batch = 1000

// Run answers every query from its scope's memory store under every
// variant; a scope is ingested once and then queried by all variants. The
// result holds one run per variant, in query order. Engines come from
// clients; each handles whole scopes (forget-all between them), so scopes
// run in parallel on len(clients) instances.
func Run(ctx context.Context, clients []host.Client, c *Corpus, qs []QueryLine, vs []Variant, o Options) ([][]RunLine, error) {
	if o.Depth == 0 {
		o.Depth = 50
	}
	byScope := make(map[string][]int)
	var order []string
	for i, q := range qs {
		if _, ok := byScope[q.Scope]; !ok {
			order = append(order, q.Scope)
		}
		byScope[q.Scope] = append(byScope[q.Scope], i)
	}
	runs := make([][]RunLine, len(vs))
	for i := range runs {
		runs[i] = make([]RunLine, len(qs))
	}
	jobs := make(chan string)
	errs := make(chan error, len(clients))
	done := make(chan struct{}, len(order))
	for _, cl := range clients {
		go func(cl host.Client) {
			for scope := range jobs {
				if err := runScope(ctx, cl, c.Turns[scope], qs, byScope[scope], vs, runs, o); err != nil {
					errs <- fmt.Errorf("scope %s: %w", scope, err)
					for range jobs {
					}
					return
				}
				done <- struct{}{}
			}
			errs <- nil
		}(cl)
	}
	go func() {
		for _, s := range order {
			jobs <- s
		}
		close(jobs)
	}()
	finished := 0
	var firstErr error
	for pending := len(clients); pending > 0; {
		select {
		case err := <-errs:
			pending--
			if err != nil && firstErr == nil {
				firstErr = err
			}
		case <-done:
			finished++
			if o.Progress != nil {
				o.Progress(finished, len(order))
			}
		}
	}
	return runs, firstErr
}

func runScope(ctx context.Context, cl host.Client, turns []CorpusLine, qs []QueryLine, idx []int, vs []Variant, runs [][]RunLine, o Options) error {
	if err := cl.Forget(ctx, wasm.ForgetRequest{All: true}); err != nil {
		return err
	}
	for i := 0; i < len(turns); i += batch {
		var ts []model.Turn
		for _, l := range turns[i:min(i+batch, len(turns))] {
			ts = append(ts, model.Turn{ID: l.ID, Session: l.Session, Role: model.Role(l.Role), Text: l.Text, Time: l.Time})
		}
		if _, err := cl.Ingest(ctx, nil, ts); err != nil {
			return err
		}
	}
	for vi, v := range vs {
		for _, i := range idx {
			q := qs[i]
			req := engine.RecallRequest{Text: q.Text, Time: q.Time, Unit: engine.Unit(q.Unit), K: o.Depth,
				Method: v.Method, Disable: v.Disable, All: !v.Gated}
			if q.Unit == "turn" {
				req.Role = model.RoleUser
			}
			hits, err := cl.Recall(ctx, req)
			if err != nil {
				return fmt.Errorf("query %s: %w", q.QID, err)
			}
			ids := make([]string, 0, len(hits))
			for _, h := range hits {
				ids = append(ids, h.ID)
			}
			runs[vi][i] = RunLine{QID: q.QID, Ranked: ids}
		}
	}
	return nil
}
