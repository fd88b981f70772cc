package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/internal/bench"
)

// benchFlags are shared by every bench mode.
type benchFlags struct {
	common
	out      string
	parallel int
	disable  string
	baseline bool
	ablation bool
	markdown string
}

func (b *benchFlags) register(fs *flag.FlagSet) {
	b.common.register(fs)
	fs.IntVar(&b.parallel, "parallel", 2, "engine instances run in parallel (one per core)")
	fs.StringVar(&b.disable, "disable", "", "comma-separated ranking features to switch off in the full method")
	fs.BoolVar(&b.baseline, "baseline", true, "also run the plain BM25 baseline")
	fs.BoolVar(&b.ablation, "ablation", false, "also run the full method with each feature switched off ("+strings.Join(engine.Features, ", ")+")")
	fs.StringVar(&b.markdown, "markdown", "", "append a Markdown results table to this file")
}

// variants lists the ranking configurations to run: the full method first.
func (b *benchFlags) variants() []bench.Variant {
	full := bench.Variant{Name: "full"}
	if b.disable != "" {
		full.Disable = strings.Split(b.disable, ",")
		full.Name = "full -" + strings.Join(full.Disable, " -")
	}
	vs := []bench.Variant{full}
	if b.ablation {
		for _, f := range engine.Features {
			vs = append(vs, bench.Variant{Name: "without " + f, Disable: append(append([]string{}, full.Disable...), f)})
		}
	}
	if b.baseline {
		vs = append(vs, bench.Variant{Name: "bm25", Method: "bm25"})
	}
	return vs
}

// gatedVariant is the full method with the product's relevance gate on; it
// measures how often the gate abstains.
func (b *benchFlags) gatedVariant() bench.Variant {
	return bench.Variant{Name: "gated", Disable: b.variants()[0].Disable, Gated: true}
}

func (b *benchFlags) options() bench.Options {
	var o bench.Options
	if isTerminal(os.Stderr) {
		o.Progress = func(done, total int) {
			fmt.Fprintf(os.Stderr, "\r  %d/%d scopes", done, total)
			if done == total {
				fmt.Fprint(os.Stderr, "\r\033[K")
			}
		}
	}
	return o
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
		case "import":
			return benchImport(ctx, args[1:])
		default:
			return fmt.Errorf("unknown bench %q (longmemeval, locomo, perf, import, or generic flags --corpus/--queries/--out)", args[0])
		}
	}
	return benchGeneric(ctx, args)
}

// runAll ingests each scope once and runs every variant, writing one run
// file per variant into dir as <name>-<variant>.jsonl.
func runAll(ctx context.Context, b *benchFlags, c *bench.Corpus, qs []bench.QueryLine, vs []bench.Variant) ([][]bench.RunLine, error) {
	cls, closeFn, err := b.engines(ctx, b.parallel)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	t0 := time.Now()
	runs, err := bench.Run(ctx, cls, c, qs, vs, b.options())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "  %d queries × %d variants over %d scopes in %.1fs (%s)\n", len(qs), len(vs), len(c.Scopes),
		time.Since(t0).Seconds(), b.engineName())
	return runs, nil
}

func fileName(v bench.Variant) string {
	return strings.NewReplacer(" ", "-", ",", "+").Replace(v.Name)
}

func benchLME(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench longmemeval", "")
	b.register(fs)
	data := fs.String("data", "../shared/bench/longmemeval/longmemeval_s_dev.json.gz", "LongMemEval file (.json or .json.gz)")
	fs.StringVar(&b.out, "out", "bench-out/longmemeval", "directory for run files")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ds, err := bench.LoadLongMemEval(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	fmt.Printf("LongMemEval %s: %d questions, %d turns, engine %s\n", *data, len(ds.QIDOrder), countTurns(ds.Corpus), b.engineName())
	sq, tq := ds.Queries["session"], ds.Queries["turn"]
	vs := append(b.variants(), b.gatedVariant())
	runs, err := runAll(ctx, &b, ds.Corpus, append(append([]bench.QueryLine{}, sq...), tq...), vs)
	if err != nil {
		return err
	}
	var rows []resultRow
	for i, v := range vs {
		sess, turn := runs[i][:len(sq)], runs[i][len(sq):]
		if v.Gated {
			fmt.Printf("LongMemEval, turn unit: %s\n", bench.Abstentions(ds, turn))
			continue
		}
		for unit, run := range map[string][]bench.RunLine{"session": sess, "turn": turn} {
			if err := bench.WriteRun(filepath.Join(b.out, "lme-"+unit+"-"+fileName(v)+".jsonl"), run); err != nil {
				return err
			}
		}
		s, t := bench.ScoreLME(ds, sess, "session", false), bench.ScoreLME(ds, turn, "turn", false)
		if i == 0 || v.Method == "bm25" {
			s.Print(os.Stdout, "LongMemEval session, "+v.Name, "recall_all", bench.LMEKs)
			t.Print(os.Stdout, "LongMemEval turn, "+v.Name, "recall_all", bench.LMEKs)
		}
		if i == 0 {
			s.Print(os.Stdout, "LongMemEval session, "+v.Name, "ndcg_any", bench.LMEKs)
			t.Print(os.Stdout, "LongMemEval turn, "+v.Name, "ndcg_any", bench.LMEKs)
		}
		rows = append(rows, resultRow{v.Name, []float64{s.Get("recall_all", 5), s.Get("recall_all", 10),
			t.Get("recall_all", 5), t.Get("recall_all", 10), s.Get("ndcg_any", 10)}})
	}
	header := []string{"session R_all@5", "session R_all@10", "turn R_all@5", "turn R_all@10", "session NDCG@10"}
	printRows(os.Stdout, "LongMemEval summary", header, rows)
	fmt.Printf("run files in %s (score independently with shared/evals/score.py)\n", b.out)
	return appendMarkdown(b.markdown, "LongMemEval_S dev ("+filepath.Base(*data)+")", header, rows)
}

func benchLoCoMo(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench locomo", "")
	b.register(fs)
	data := fs.String("data", "../shared/bench/locomo/locomo10.json", "LoCoMo file")
	fs.StringVar(&b.out, "out", "bench-out/locomo", "directory for run files")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ds, err := bench.LoadLoCoMo(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	fmt.Printf("LoCoMo %s: %d questions, %d turns, engine %s\n", *data, len(ds.QIDOrder), countTurns(ds.Corpus), b.engineName())
	vs := append(b.variants(), b.gatedVariant())
	runs, err := runAll(ctx, &b, ds.Corpus, ds.Queries["turn"], vs)
	if err != nil {
		return err
	}
	var rows []resultRow
	for i, v := range vs {
		if v.Gated {
			fmt.Printf("LoCoMo: %s\n", bench.Abstentions(ds, runs[i]))
			continue
		}
		if err := bench.WriteRun(filepath.Join(b.out, "locomo-"+fileName(v)+".jsonl"), runs[i]); err != nil {
			return err
		}
		if i == 0 {
			bench.ScoreLoCoMoAdversarial(ds, runs[i]).Print(os.Stdout, "LoCoMo category 5 (adversarial, reported apart), "+v.Name, "recall", bench.LoCoMoKs)
		}
		s := bench.ScoreLoCoMo(ds, runs[i])
		if i == 0 || v.Method == "bm25" {
			s.Print(os.Stdout, "LoCoMo, "+v.Name, "recall", bench.LoCoMoKs)
		}
		mh := s.ByType["multi-hop"]
		if mh == nil {
			mh = &bench.Scores{}
		}
		rows = append(rows, resultRow{v.Name, []float64{s.Get("recall", 5), s.Get("recall", 10), s.Get("recall", 25), mh.Get("recall", 10)}})
	}
	header := []string{"R@5", "R@10", "R@25", "multi-hop R@10"}
	printRows(os.Stdout, "LoCoMo summary (categories 1-4)", header, rows)
	fmt.Printf("run files in %s (score independently with shared/evals/score.py)\n", b.out)
	return appendMarkdown(b.markdown, "LoCoMo ("+filepath.Base(*data)+")", header, rows)
}

func benchGeneric(ctx context.Context, args []string) error {
	var b benchFlags
	fs := newFlags("bench", "--corpus corpus.jsonl --queries queries.jsonl --out run.jsonl")
	b.register(fs)
	corpus := fs.String("corpus", "", "generic corpus (JSONL)")
	queries := fs.String("queries", "", "generic queries (JSONL)")
	fs.StringVar(&b.out, "out", "", "run file to write (the full method; other variants go beside it)")
	if err := parse(fs, args, 0); err != nil {
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
	if !flagSet(fs, "baseline") {
		b.baseline = false // the generic mode writes only what was asked for
	}
	vs := b.variants()
	runs, err := runAll(ctx, &b, c, qs, vs)
	if err != nil {
		return err
	}
	for i, v := range vs {
		path := b.out
		if i > 0 {
			path = strings.TrimSuffix(b.out, ".jsonl") + "-" + fileName(v) + ".jsonl"
		}
		if err := bench.WriteRun(path, runs[i]); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  %s → %s\n", v.Name, path)
	}
	return nil
}

// flagSet reports whether the user set the named flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

type resultRow struct {
	name string
	vals []float64
}

func printRows(w io.Writer, title string, header []string, rows []resultRow) {
	fmt.Fprintf(w, "%s\n  %-28s", title, "")
	for _, h := range header {
		fmt.Fprintf(w, " %16s", h)
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-28s", r.name)
		for _, v := range r.vals {
			fmt.Fprintf(w, " %16.3f", v)
		}
		fmt.Fprintln(w)
	}
}

func appendMarkdown(path, title string, header []string, rows []resultRow) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(f, "\n%s\n\n| method | %s |\n|---|%s\n", title, strings.Join(header, " | "), strings.Repeat("---|", len(header)))
	for _, r := range rows {
		fmt.Fprintf(f, "| %s |", r.name)
		for _, v := range r.vals {
			fmt.Fprintf(f, " %.3f |", v)
		}
		fmt.Fprintln(f)
	}
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
