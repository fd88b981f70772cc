package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/importer"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/internal/chatgen"
)

// benchImport measures importing a generated ChatGPT export through the
// engine (the .wasm by default): the import ops against the engine's own
// ingest of the same turns, so the cost of parsing shows as the
// difference.
func benchImport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("bench import", "")
	c.register(fs)
	sizeMB := fs.Int("size", 50, "size of the generated export in MB")
	seed := fs.Uint64("seed", 1, "generator seed")
	chunk := fs.Int("chunk", importChunk, "bytes per import.feed")
	batch := fs.Int("batch", 1000, "turns per ingest call for the ingest-only run")
	runs := fs.Int("runs", 3, "runs of each (the fastest by CPU time is reported)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	engineName := "wasm"
	if c.native {
		engineName = "native"
	}
	t0 := time.Now()
	var buf bytes.Buffer
	gen, err := chatgen.ChatGPT(&buf, chatgen.Options{Seed: *seed, TargetBytes: int64(*sizeMB) * 1e6})
	if err != nil {
		return err
	}
	data := buf.Bytes()
	fmt.Printf("generated a ChatGPT export: %.1f MB, %d conversations, %d turns to import (%.1fs)\n",
		float64(len(data))/1e6, gen.Conversations, gen.Turns, time.Since(t0).Seconds())

	// Parse alone, natively in this process (no engine).
	m0 := measureStart()
	sessions, turns, err := parseExport(data, *chunk)
	if err != nil {
		return err
	}
	parseM := m0.stop()

	byID := map[string]model.Session{}
	for _, s := range sessions {
		byID[s.ID] = s
	}
	var ingestM, feedM, endM, checkM measurement
	var ingestMem, importMem string
	var tot engine.ImportTotals
	for run := 0; run < *runs; run++ {
		r, err := importRun(ctx, &c, data, sessions, turns, byID, *batch, *chunk)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "run %d: ingest %.2fs CPU, import %.2fs CPU, parse %.2fs CPU\n", run+1, r.ingest.cpu.Seconds(),
			r.feed.cpu.Seconds()+r.end.cpu.Seconds(), r.check.cpu.Seconds())
		if r.tot.Turns != len(turns) || r.tot.Turns != gen.Turns {
			return fmt.Errorf("import stored %d turns, expected %d", r.tot.Turns, gen.Turns)
		}
		if run == 0 || r.check.cpu < checkM.cpu {
			checkM = r.check
		}
		if run == 0 || r.ingest.cpu < ingestM.cpu {
			ingestM, ingestMem = r.ingest, r.ingestMem
		}
		if run == 0 || r.feed.cpu+r.end.cpu < feedM.cpu+endM.cpu {
			feedM, endM, importMem, tot = r.feed, r.end, r.importMem, r.tot
		}
	}
	importM := measurement{wall: feedM.wall + endM.wall, cpu: feedM.cpu + endM.cpu}

	mb := float64(len(data)) / 1e6
	n := float64(len(turns))
	fmt.Printf("\nengine: %s; %d turns, %d sessions; times are wall (process CPU), best of %d runs by CPU\n", engineName, len(turns), len(sessions), *runs)
	row := func(name string, m measurement, extra string) {
		fmt.Printf("  %-34s %7.2fs (%6.2fs)  %6.1f MB/s  %7.0f turns/s%s\n", name, m.wall.Seconds(), m.cpu.Seconds(),
			mb/m.wall.Seconds(), n/m.wall.Seconds(), extra)
	}
	row("parse only (native, no engine)", parseM, "")
	row("parse only (import with check)", checkM, "")
	row(fmt.Sprintf("ingest only (ingest op, %d/call)", *batch), ingestM, ingestMem)
	row("import (parse + stage + apply)", importM, importMem)
	fmt.Printf("    of which feeding (parse, clean, extract, dedup) %.2fs (%.2fs), applying (import.end) %.2fs (%.2fs)\n",
		feedM.wall.Seconds(), feedM.cpu.Seconds(), endM.wall.Seconds(), endM.cpu.Seconds())
	engineOnly := importM.cpu - checkM.cpu
	fmt.Printf("parsing is %.0f%% of the ingest op's CPU time and %.0f%% of the import's own engine work (import − parse) (target: at most 20%%)\n",
		100*checkM.cpu.Seconds()/ingestM.cpu.Seconds(), 100*checkM.cpu.Seconds()/engineOnly.Seconds())
	fmt.Printf("import vs ingest op of the same turns: %+.0f%% wall, %+.0f%% CPU\n",
		100*(importM.wall.Seconds()/ingestM.wall.Seconds()-1), 100*(importM.cpu.Seconds()/ingestM.cpu.Seconds()-1))
	fmt.Printf("import totals: %d sessions, %d turns, %d facts, %d duplicates\n", tot.Sessions, tot.Turns, tot.Facts, tot.Duplicates)
	return nil
}

type runResult struct {
	ingest, feed, end, check measurement
	ingestMem, importMem     string
	tot                      engine.ImportTotals
}

// importRun ingests the parsed turns into one fresh engine and imports the
// export into another.
func importRun(ctx context.Context, c *common, data []byte, sessions []model.Session, turns []model.Turn,
	byID map[string]model.Session, batch, chunk int) (runResult, error) {
	var r runResult
	cls, closeFn, err := c.engines(ctx, 3)
	if err != nil {
		return r, err
	}
	defer closeFn()
	mem := func(cl host.Client) string {
		if in, ok := cl.C.(*host.Instance); ok {
			return fmt.Sprintf("  peak wasm memory %d MB", in.MemoryBytes()>>20)
		}
		return ""
	}
	runtime.GC()
	m1 := measureStart()
	for rest := turns; len(rest) > 0; {
		n := min(batch, len(rest))
		var ss []model.Session
		seen := map[string]bool{}
		for _, t := range rest[:n] {
			if !seen[t.Session] {
				seen[t.Session] = true
				ss = append(ss, byID[t.Session])
			}
		}
		if _, err := cls[0].Ingest(ctx, ss, rest[:n]); err != nil {
			return r, err
		}
		rest = rest[n:]
	}
	r.ingest, r.ingestMem = m1.stop(), mem(cls[0])

	runtime.GC()
	m2 := measureStart()
	id, err := cls[1].ImportBegin(ctx, "chatgpt")
	if err != nil {
		return r, err
	}
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		if _, err := cls[1].ImportFeed(ctx, id, rest[:n]); err != nil {
			return r, err
		}
		rest = rest[n:]
	}
	r.feed = m2.stop()
	m3 := measureStart()
	r.tot, err = cls[1].ImportEnd(ctx, id)
	if err != nil {
		return r, err
	}
	r.end, r.importMem = m3.stop(), mem(cls[1])

	runtime.GC()
	m4 := measureStart()
	if id, err = cls[2].ImportCheck(ctx, "chatgpt"); err != nil {
		return r, err
	}
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		if _, err := cls[2].ImportFeed(ctx, id, rest[:n]); err != nil {
			return r, err
		}
		rest = rest[n:]
	}
	if _, err := cls[2].ImportEnd(ctx, id); err != nil {
		return r, err
	}
	r.check = m4.stop()
	return r, nil
}

func parseExport(data []byte, chunk int) ([]model.Session, []model.Turn, error) {
	p := importer.New(importer.ChatGPT)
	var ss []model.Session
	var ts []model.Turn
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		b, err := p.Feed(rest[:n])
		if err != nil {
			return nil, nil, err
		}
		ss, ts = append(ss, b.Sessions...), append(ts, b.Turns...)
		rest = rest[n:]
	}
	_, err := p.Close()
	return ss, ts, err
}

// measurement is a wall-clock and process-CPU interval. On a busy machine
// the CPU time is the steadier number: the engine runs on one goroutine.
type measurement struct {
	wall, cpu time.Duration
}

type meter struct {
	t   time.Time
	cpu time.Duration
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func measureStart() meter { return meter{time.Now(), cpuTime()} }

func (m meter) stop() measurement {
	return measurement{time.Since(m.t), cpuTime() - m.cpu}
}
