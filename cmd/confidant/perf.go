package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/internal/perf"
)

// benchPerf measures speed, size and memory on generated data, natively
// and under wazero.
func benchPerf(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("bench perf", "")
	c.register(fs)
	engines := fs.String("engines", "native,wasm", "comma-separated engines to measure: native, wasm (--native alone means native)")
	sizes := fs.String("sizes", "1000,10000,100000", "comma-separated dataset sizes in turns")
	queries := fs.Int("queries", 200, "recall and context queries per size")
	loads := fs.Int("loads", 5, "snapshot loads timed per size (the median is reported)")
	large := fs.Int("large", 100000, "size from which wasm runs use --large-queries and --large-loads (a 100k-turn wasm load takes ~30 s)")
	largeQueries := fs.Int("large-queries", 100, "recall and context queries for wasm at --large turns and above (0: --queries)")
	largeLoads := fs.Int("large-loads", 1, "snapshot loads for wasm at --large turns and above (0: --loads)")
	batch := fs.Int("batch", 1000, "turns per ingest call")
	seed := fs.Uint64("seed", 1, "data and query seed")
	jsonOut := fs.String("json", "", "also write every number as JSON to this file")
	mdOut := fs.String("markdown", "", "also write a Markdown table to this file")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	names := strings.Split(*engines, ",")
	if c.native && !set["engines"] {
		names = []string{"native"}
	}
	ns, err := perf.ParseSizes(*sizes)
	if err != nil {
		return err
	}

	start := time.Now()
	progress := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
	}
	o := perf.Options{Sizes: ns, Queries: *queries, Loads: *loads, Batch: *batch, Seed: *seed, Progress: progress}
	isLarge := func(engine string, n int) bool { return engine == "wasm" && n >= *large }
	var reduced []string
	if *largeQueries > 0 && *largeQueries != *queries {
		o.QueriesFor = func(engine string, n int) int {
			if isLarge(engine, n) {
				return *largeQueries
			}
			return *queries
		}
		reduced = append(reduced, fmt.Sprintf("%d queries instead of %d", *largeQueries, *queries))
	}
	if *largeLoads > 0 && *largeLoads != *loads {
		o.LoadsFor = func(engine string, n int) int {
			if isLarge(engine, n) {
				return *largeLoads
			}
			return *loads
		}
		reduced = append(reduced, fmt.Sprintf("%d snapshot load(s) instead of %d", *largeLoads, *loads))
	}
	rep := perf.NewReport(o)
	rep.SampleLoadAvg()

	var es []perf.Engine
	var modPath string
	var modBytes []byte
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "native":
			es = append(es, perf.Native())
		case "wasm":
			p, err := c.wasmPath()
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			modPath, modBytes = p, b
			progress("compiling %s with wazero", p)
			t0 := time.Now()
			rt, err := host.NewRuntime(ctx, b, cacheDir())
			if err != nil {
				return err
			}
			defer rt.Close(ctx)
			rep.WasmCompileMs = float64(time.Since(t0)) / float64(time.Millisecond)
			es = append(es, perf.Wasm(rt))
		default:
			return fmt.Errorf("unknown engine %q (native, wasm)", n)
		}
	}
	if len(es) == 0 {
		return fmt.Errorf("no engines to measure")
	}
	res, err := perf.Run(ctx, es, o)
	rep.Results = res
	rep.SampleLoadAvg()
	for _, x := range res {
		if len(reduced) > 0 && isLarge(x.Engine, x.Turns) {
			rep.Notes = append(rep.Notes, fmt.Sprintf("To keep the run short, wasm at %d turns and above ran %s (--large-queries, --large-loads).",
				*large, strings.Join(reduced, " and ")))
			break
		}
	}
	if err != nil {
		// Report what was measured before the failure.
		rep.Notes = append(rep.Notes, "incomplete: "+err.Error())
	}
	if modBytes != nil {
		// Measured after the runs so its garbage does not count against
		// a native run's memory.
		progress("module %s: gzip -9 and brotli q11 sizes (brotli q11 takes a while the first time)", modPath)
		m, cached, merr := perf.MeasureModuleCached(modPath, modBytes, cacheDir())
		if merr != nil {
			return merr
		}
		if cached {
			progress("module sizes from cache")
		}
		rep.Module = &m
	}
	if werr := rep.WriteTable(os.Stdout); werr != nil {
		return werr
	}
	if *jsonOut != "" {
		if werr := rep.WriteJSON(*jsonOut); werr != nil {
			return werr
		}
	}
	if *mdOut != "" {
		f, werr := os.Create(*mdOut)
		if werr != nil {
			return werr
		}
		if werr := rep.WriteMarkdown(f); werr != nil {
			f.Close()
			return werr
		}
		if werr := f.Close(); werr != nil {
			return werr
		}
	}
	progress("finished")
	return err
}
