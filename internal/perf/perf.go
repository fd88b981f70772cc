package perf

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
)

// Engine opens fresh engines of one kind.
type Engine struct {
	Name string
	// Open starts a fresh, empty engine.
	Open func(ctx context.Context) (*Instance, error)
}

// Instance is one open engine.
type Instance struct {
	Client host.Client
	// LinearMemory reports the wasm module's linear memory in bytes; nil
	// for a native engine.
	LinearMemory func() uint64
	Close        func()
}

// Native returns the in-process engine.
func Native() Engine {
	return Engine{Name: "native", Open: func(context.Context) (*Instance, error) {
		return &Instance{Client: host.Client{C: host.NewNative()}, Close: func() {}}, nil
	}}
}

// Wasm returns engines run as instances of rt's module under wazero.
func Wasm(rt *host.Runtime) Engine {
	return Engine{Name: "wasm", Open: func(ctx context.Context) (*Instance, error) {
		inst, err := rt.Instance(ctx)
		if err != nil {
			return nil, err
		}
		return &Instance{
			Client:       host.Client{C: inst},
			LinearMemory: inst.MemoryBytes,
			Close:        func() { inst.Close(ctx) },
		}, nil
	}}
}

// Options configure a run. Zero fields take the defaults.
type Options struct {
	Sizes []int // turns; default 1000, 10000, 100000
	// Queries is the number of recall (and context) queries per size;
	// default 200. QueriesFor, if set, overrides it per engine and size.
	Queries    int
	QueriesFor func(engine string, size int) int
	Loads      int // snapshot loads timed per size; default 5
	// LoadsFor, if set, overrides Loads per engine and size.
	LoadsFor func(engine string, size int) int
	Batch    int    // turns per ingest call; default 1000
	K        int    // recall depth; default 10
	Warmup   int    // untimed recall and context calls before timing; default 5, <0 for none
	Seed     uint64 // data and query seed; default 1
	// Progress, if set, receives phase names as they start.
	Progress func(format string, args ...any)
}

func (o *Options) defaults() {
	if len(o.Sizes) == 0 {
		o.Sizes = []int{1000, 10000, 100000}
	}
	if o.Queries <= 0 {
		o.Queries = 200
	}
	if o.Loads <= 0 {
		o.Loads = 5
	}
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.K <= 0 {
		o.K = 10
	}
	if o.Warmup == 0 {
		o.Warmup = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
}

// Result is what one engine measured at one size.
type Result struct {
	Engine       string  `json:"engine"`
	Turns        int     `json:"turns"`
	Sessions     int     `json:"sessions"`
	RawTextBytes int64   `json:"raw_text_bytes"`
	FactsLearned int     `json:"facts_learned"`
	Ingest       Ingest  `json:"ingest"`
	Recall       Latency `json:"recall"`
	// RecallFound is the share of phrase queries whose source turn was
	// among the top K hits (a sanity check that recall did real work).
	RecallFound float64  `json:"recall_found_source"`
	Context     Latency  `json:"context"`
	Snapshot    Snapshot `json:"snapshot"`
	Memory      Memory   `json:"memory"`
	Seconds     float64  `json:"seconds"` // wall time of the whole run
}

// Ingest is the ingest phase.
type Ingest struct {
	Seconds     float64 `json:"seconds"`
	TurnsPerSec float64 `json:"turns_per_sec"`
	BatchSize   int     `json:"batch_size"`
	Batches     Latency `json:"batches"`
}

// Snapshot is the export and load phase.
type Snapshot struct {
	Bytes      int64     `json:"bytes"`
	RatioToRaw float64   `json:"ratio_to_raw"`
	ExportMs   float64   `json:"export_ms"`
	LoadMs     float64   `json:"load_ms"` // median of the loads
	LoadsMs    []float64 `json:"loads_ms"`
}

// Memory is the memory used. For wasm, the module's linear memory (which
// never shrinks, so its final size is the peak); for native, the Go heap
// of the whole process sampled after each phase, which also holds the
// generated data (HeapBaseline is the heap in use just before the engine
// was opened).
type Memory struct {
	WasmLinearBytes          uint64 `json:"wasm_linear_bytes,omitempty"`
	WasmLinearAfterLoadBytes uint64 `json:"wasm_linear_after_load_bytes,omitempty"`
	HeapBaselineBytes        uint64 `json:"heap_baseline_bytes,omitempty"`
	HeapInusePeakBytes       uint64 `json:"heap_inuse_peak_bytes,omitempty"`
	SysPeakBytes             uint64 `json:"sys_peak_bytes,omitempty"`
}

// Run measures every engine at every size, one engine after the other (so
// one engine's garbage does not count against the next native run). Each
// size's data is generated once and shared by the engines.
func Run(ctx context.Context, engines []Engine, o Options) ([]Result, error) {
	o.defaults()
	var out []Result
	data := make(map[int]*Dataset)
	for _, e := range engines {
		for _, n := range o.Sizes {
			d := data[n]
			if d == nil {
				o.Progress("generating %d turns (seed %d)", n, o.Seed)
				d = Generate(o.Seed, n)
				data[n] = d
			}
			q := o.Queries
			if o.QueriesFor != nil {
				q = o.QueriesFor(e.Name, n)
			}
			oo := o
			if o.LoadsFor != nil {
				oo.Loads = o.LoadsFor(e.Name, n)
			}
			r, err := RunOne(ctx, e, d, d.Queries(o.Seed, q), oo)
			if err != nil {
				return out, fmt.Errorf("%s at %d turns: %w", e.Name, n, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// memSampler tracks the peak Go heap over phases.
type memSampler struct{ inuse, sys uint64 }

func (m *memSampler) sample() {
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	m.inuse = max(m.inuse, st.HeapInuse)
	m.sys = max(m.sys, st.Sys)
}

// RunOne measures one engine on one dataset.
func RunOne(ctx context.Context, e Engine, d *Dataset, qs []Query, o Options) (Result, error) {
	o.defaults()
	t0 := time.Now()
	res := Result{Engine: e.Name, Turns: len(d.Turns), Sessions: len(d.Sessions), RawTextBytes: d.RawBytes}
	tag := fmt.Sprintf("%-6s %6d turns:", e.Name, len(d.Turns))

	runtime.GC()
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	res.Memory.HeapBaselineBytes = st.HeapInuse
	var mem memSampler
	mem.sample()

	inst, err := e.Open(ctx)
	if err != nil {
		return res, err
	}
	closed := false
	defer func() {
		if !closed {
			inst.Close()
		}
	}()

	// Ingest.
	o.Progress("%s ingest in batches of %d", tag, o.Batch)
	var batches []time.Duration
	var ingest time.Duration
	firstTurn := sessionsByFirstTurn(d)
	for at := 0; at < len(d.Turns); at += o.Batch {
		turns := d.Turns[at:min(at+o.Batch, len(d.Turns))]
		var sessions []model.Session
		for i := range turns {
			if si, ok := firstTurn[at+i]; ok {
				sessions = append(sessions, d.Sessions[si])
			}
		}
		s := time.Now()
		ir, err := inst.Client.Ingest(ctx, sessions, turns)
		el := time.Since(s)
		if err != nil {
			return res, fmt.Errorf("ingest batch at turn %d: %w", at, err)
		}
		if ir.Added != len(turns) {
			return res, fmt.Errorf("ingest batch at turn %d: added %d of %d turns", at, ir.Added, len(turns))
		}
		res.FactsLearned += ir.Facts
		batches = append(batches, el)
		ingest += el
	}
	res.Ingest = Ingest{Seconds: ingest.Seconds(), BatchSize: o.Batch, Batches: Summarize(batches)}
	if ingest > 0 {
		res.Ingest.TurnsPerSec = float64(len(d.Turns)) / ingest.Seconds()
	}
	o.Progress("%s ingested at %.0f turns/s (%.1fs)", tag, res.Ingest.TurnsPerSec, ingest.Seconds())
	mem.sample()

	// Recall.
	o.Progress("%s recall, %d queries (k=%d)", tag, len(qs), o.K)
	recallReq := func(q Query) engine.RecallRequest {
		return engine.RecallRequest{Text: q.Text, Time: d.End, Unit: engine.UnitTurn, K: o.K}
	}
	for _, q := range qs[:max(0, min(o.Warmup, len(qs)))] {
		if _, err := inst.Client.Recall(ctx, recallReq(q)); err != nil {
			return res, fmt.Errorf("recall: %w", err)
		}
	}
	lat := make([]time.Duration, 0, len(qs))
	related, found := 0, 0
	for _, q := range qs {
		s := time.Now()
		hits, err := inst.Client.Recall(ctx, recallReq(q))
		lat = append(lat, time.Since(s))
		if err != nil {
			return res, fmt.Errorf("recall %q: %w", q.Text, err)
		}
		if q.Source != "" {
			related++
			if slices.ContainsFunc(hits, func(h engine.Hit) bool { return h.ID == q.Source }) {
				found++
			}
		}
	}
	res.Recall = Summarize(lat)
	if related > 0 {
		res.RecallFound = float64(found) / float64(related)
	}
	mem.sample()

	// Context.
	o.Progress("%s context, %d queries", tag, len(qs))
	ctxReq := func(q Query) engine.ContextRequest { return engine.ContextRequest{Text: q.Text, Time: d.End} }
	for _, q := range qs[:max(0, min(o.Warmup, len(qs)))] {
		if _, err := inst.Client.Context(ctx, ctxReq(q)); err != nil {
			return res, fmt.Errorf("context: %w", err)
		}
	}
	lat = lat[:0]
	for _, q := range qs {
		s := time.Now()
		_, err := inst.Client.Context(ctx, ctxReq(q))
		lat = append(lat, time.Since(s))
		if err != nil {
			return res, fmt.Errorf("context %q: %w", q.Text, err)
		}
	}
	res.Context = Summarize(lat)
	mem.sample()

	// Export.
	o.Progress("%s snapshot export", tag)
	s := time.Now()
	snap, err := inst.Client.Export(ctx)
	res.Snapshot.ExportMs = ms(time.Since(s))
	o.Progress("%s exported %d bytes in %.2fs; loading into fresh engines", tag, len(snap), res.Snapshot.ExportMs/1000)
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	res.Snapshot.Bytes = int64(len(snap))
	if d.RawBytes > 0 {
		res.Snapshot.RatioToRaw = float64(len(snap)) / float64(d.RawBytes)
	}
	mem.sample()
	if inst.LinearMemory != nil {
		res.Memory.WasmLinearBytes = inst.LinearMemory()
	}
	inst.Close()
	closed = true
	inst = nil

	// Loads into fresh engines.
	var loads []time.Duration
	for i := range o.Loads {
		fresh, err := e.Open(ctx)
		if err != nil {
			return res, err
		}
		s := time.Now()
		stats, err := fresh.Client.Import(ctx, snap)
		el := time.Since(s)
		if err != nil {
			fresh.Close()
			return res, fmt.Errorf("import: %w", err)
		}
		if stats.Turns != len(d.Turns) {
			fresh.Close()
			return res, fmt.Errorf("import: loaded %d turns, want %d", stats.Turns, len(d.Turns))
		}
		o.Progress("%s snapshot load %d/%d took %.2fs", tag, i+1, o.Loads, el.Seconds())
		loads = append(loads, el)
		res.Snapshot.LoadsMs = append(res.Snapshot.LoadsMs, ms(el))
		mem.sample()
		if fresh.LinearMemory != nil {
			res.Memory.WasmLinearAfterLoadBytes = fresh.LinearMemory()
		}
		fresh.Close()
	}
	res.Snapshot.LoadMs = ms(Median(loads))
	if res.Memory.WasmLinearBytes == 0 {
		res.Memory.HeapInusePeakBytes, res.Memory.SysPeakBytes = mem.inuse, mem.sys
	} else {
		res.Memory.HeapBaselineBytes = 0
	}
	res.Seconds = time.Since(t0).Seconds()
	o.Progress("%s done in %.1fs", tag, res.Seconds)
	return res, nil
}

// sessionsByFirstTurn maps the index of each session's first turn to the
// session's index, so an ingest batch carries the metadata of the sessions
// it starts.
func sessionsByFirstTurn(d *Dataset) map[int]int {
	idx := make(map[string]int, len(d.Sessions))
	for i, s := range d.Sessions {
		idx[s.ID] = i
	}
	out := make(map[int]int, len(d.Sessions))
	for i, t := range d.Turns {
		if si, ok := idx[t.Session]; ok {
			out[i] = si
			delete(idx, t.Session)
		}
	}
	return out
}
