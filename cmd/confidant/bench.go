package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/internal/bench"
)

// benchFlags are shared by every bench mode.
type benchFlags struct {
	common
	out      string
	parallel int
	disable  string
	baseline bool
}

func (b *benchFlags) register(fs *flag.FlagSet) {
	b.common.register(fs)
	fs.IntVar(&b.parallel, "parallel", 2, "engine instances run in parallel (one per core)")
	fs.StringVar(&b.disable, "disable", "", "comma-separated ranking features to switch off (ablation)")
	fs.BoolVar(&b.baseline, "baseline", true, "also run the plain BM25 baseline")
}

func (b *benchFlags) options(method string) bench.Options {
	o := bench.Options{Method: method}
	if b.disable != "" && method == "" {
		o.Disable = strings.Split(b.disable, ",")
	}
	if isTerminal(os.Stderr) {
		o.Progress = func(done, total int) {
			fmt.Fprintf(os.Stderr, "\r  %s %d/%d scopes", orDefault(method, "full"), done, total)
			if done == total {
				fmt.Fprint(os.Stderr, "\r\033[K")
			}
		}
	}
	return o
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func cmdBench(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "longmemeval":
			return benchLME(ctx, args[1:])
		case "locomo":
			return benchLoCoMo(ctx, args[1:])
		case "perf":
			return benchPerf(ctx, args[1:])
		default:
			return fmt.Errorf("unknown bench %q (longmemeval, locomo, perf, or generic flags --corpus/--queries/--out)", args[0])
		}
	}
	return benchGeneric(ctx, args)
}

// runMethods runs the full method (and the baseline) on a dataset's queries
// of one unit, writing run files into dir.
func runMethods(ctx context.Context, b *benchFlags, cls []host.Client, c *bench.Corpus, qs []bench.QueryLine, dir, name string) (full, base []bench.RunLine, err error) {
	t0 := time.Now()
	full, err = bench.Run(ctx, cls, c, qs, b.options(""))
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "  %s: %d queries in %.1fs\n", name, len(qs), time.Since(t0).Seconds())
	if err := bench.WriteRun(filepath.Join(dir, name+".jsonl"), full); err != nil {
		return nil, nil, err
	}
	if b.baseline {
		base, err = bench.Run(ctx, cls, c, qs, b.options("bm25"))
		if err != nil {
			return nil, nil, err
		}
		if err := bench.WriteRun(filepath.Join(dir, name+"-bm25.jsonl"), base); err != nil {
			return nil, nil, err
		}
	}
	return full, base, nil
}

func benchLME(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench longmemeval", "")
	b.register(fs)
	data := fs.String("data", "../shared/bench/longmemeval/longmemeval_s_dev.json.gz", "LongMemEval file (.json or .json.gz)")
	fs.StringVar(&b.out, "out", "bench-out/longmemeval", "directory for run files")
	if err := parse(fs, args); err != nil {
		return err
	}
	ds, err := bench.LoadLongMemEval(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	cls, closeFn, err := b.engines(ctx, b.parallel)
	if err != nil {
		return err
	}
	defer closeFn()
	fmt.Printf("LongMemEval %s: %d questions, %d turns, engine %s\n", *data, len(ds.QIDOrder), countTurns(ds.Corpus), b.engineName())
	for _, unit := range []string{"session", "turn"} {
		full, base, err := runMethods(ctx, &b, cls, ds.Corpus, ds.Queries[unit], b.out, "lme-"+unit)
		if err != nil {
			return err
		}
		s := bench.ScoreLME(ds, full, unit, false)
		s.Print(os.Stdout, "LongMemEval "+unit+" (full)", "recall_all", bench.LMEKs)
		s.Print(os.Stdout, "LongMemEval "+unit+" (full)", "ndcg_any", bench.LMEKs)
		if unit == "turn" {
			bench.ScoreLME(ds, full, unit, true).Print(os.Stdout, "LongMemEval turn run scored as sessions (full)", "recall_all", bench.LMEKs)
		}
		if base != nil {
			bench.ScoreLME(ds, base, unit, false).Print(os.Stdout, "LongMemEval "+unit+" (bm25 baseline)", "recall_all", bench.LMEKs)
		}
	}
	fmt.Printf("run files in %s (score independently with shared/evals/score.py)\n", b.out)
	return nil
}

func benchLoCoMo(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench locomo", "")
	b.register(fs)
	data := fs.String("data", "../shared/bench/locomo/locomo10.json", "LoCoMo file")
	fs.StringVar(&b.out, "out", "bench-out/locomo", "directory for run files")
	if err := parse(fs, args); err != nil {
		return err
	}
	ds, err := bench.LoadLoCoMo(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	cls, closeFn, err := b.engines(ctx, b.parallel)
	if err != nil {
		return err
	}
	defer closeFn()
	fmt.Printf("LoCoMo %s: %d questions, %d turns, engine %s\n", *data, len(ds.QIDOrder), countTurns(ds.Corpus), b.engineName())
	full, base, err := runMethods(ctx, &b, cls, ds.Corpus, ds.Queries["turn"], b.out, "locomo")
	if err != nil {
		return err
	}
	bench.ScoreLoCoMo(ds, full).Print(os.Stdout, "LoCoMo (full)", "recall", bench.LoCoMoKs)
	if base != nil {
		bench.ScoreLoCoMo(ds, base).Print(os.Stdout, "LoCoMo (bm25 baseline)", "recall", bench.LoCoMoKs)
	}
	fmt.Printf("run files in %s (score independently with shared/evals/score.py)\n", b.out)
	return nil
}

func benchGeneric(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench", "--corpus corpus.jsonl --queries queries.jsonl --out run.jsonl")
	b.register(fs)
	corpus := fs.String("corpus", "", "generic corpus (JSONL)")
	queries := fs.String("queries", "", "generic queries (JSONL)")
	fs.StringVar(&b.out, "out", "", "run file to write")
	method := fs.String("method", "", `ranking method: "" (full) or "bm25"`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *corpus == "" || *queries == "" || b.out == "" {
		fs.Usage()
		return errUsage
	}
	c, err := bench.ReadCorpus(*corpus)
	if err != nil {
		return err
	}
	qs, err := bench.ReadQueries(*queries)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if _, ok := c.Turns[q.Scope]; !ok {
			return fmt.Errorf("query %s: scope %q has no turns in %s", q.QID, q.Scope, *corpus)
		}
	}
	cls, closeFn, err := b.engines(ctx, b.parallel)
	if err != nil {
		return err
	}
	defer closeFn()
	t0 := time.Now()
	run, err := bench.Run(ctx, cls, c, qs, b.options(*method))
	if err != nil {
		return err
	}
	if err := bench.WriteRun(b.out, run); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d queries over %d scopes in %.1fs → %s\n", len(qs), len(c.Scopes), time.Since(t0).Seconds(), b.out)
	return nil
}

func (c *common) engineName() string {
	if c.native {
		return "native"
	}
	p, _ := c.wasmPath()
	return "wasm (" + p + ")"
}

func countTurns(c *bench.Corpus) int {
	n := 0
	for _, ts := range c.Turns {
		n += len(ts)
	}
	return n
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
