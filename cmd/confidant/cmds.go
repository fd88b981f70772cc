package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/internal/turnfile"
	"github.com/confidant-dev/confidant/wasm"
)

func newFlags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: confidant %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// Positional-argument counts for parse besides an exact number.
const (
	oneOrMore = -1
	anyNumber = -2
)

// parse parses flags and checks the number of positional arguments: an
// exact count, oneOrMore or anyNumber.
func parse(fs *flag.FlagSet, args []string, want int) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	n := fs.NArg()
	if (want >= 0 && n != want) || (want == oneOrMore && n == 0) {
		fs.Usage()
		return errUsage
	}
	return nil
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// withProfile opens the profile, runs fn and, when fn reports a change,
// writes the profile back (atomically).
func (c *common) withProfile(ctx context.Context, fn func(cl host.Client) (changed bool, err error)) error {
	cl, closeFn, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	changed, err := fn(cl)
	if err != nil || !changed {
		return err
	}
	return c.save(ctx, cl)
}

func cmdIngest(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("ingest", "FILE.jsonl|-")
	c.register(fs)
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	in, name := io.Reader(os.Stdin), "stdin"
	if p := fs.Arg(0); p != "-" {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, p
	}
	sessions, turns, err := turnfile.Read(in, name)
	if err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		res, err := cl.Ingest(ctx, sessions, turns)
		if err != nil {
			return false, err
		}
		fmt.Printf("added %d turns, updated %d (%d already present), learned %d facts, redacted %d secrets → %s\n",
			res.Added, res.Updated, res.Skipped, res.Facts, res.Redacted, c.store)
		return true, nil
	})
}

// promptFlags are shared by recall and context.
type promptFlags struct {
	at   string
	json bool
}

func (p *promptFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.at, "time", "", "the prompt's time, RFC 3339 (default now)")
	fs.BoolVar(&p.json, "json", false, "print JSON")
}

// prompt returns the prompt (the positional arguments) and its time.
func (p *promptFlags) prompt(fs *flag.FlagSet) (string, time.Time, error) {
	if p.at == "" {
		return strings.Join(fs.Args(), " "), time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, p.at)
	if err != nil {
		return "", t, fmt.Errorf("--time: want RFC 3339 like 2024-05-01T10:00:00Z: %v", err)
	}
	return strings.Join(fs.Args(), " "), t, nil
}

func cmdRecall(ctx context.Context, args []string) error {
	var c common
	var p promptFlags
	fs := newFlags("recall", "PROMPT")
	c.register(fs)
	p.register(fs)
	k := fs.Int("k", 10, "number of hits")
	unit := fs.String("unit", "turn", "turn or session")
	if err := parse(fs, args, oneOrMore); err != nil {
		return err
	}
	text, at, err := p.prompt(fs)
	if err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		hits, err := cl.Recall(ctx, engine.RecallRequest{Text: text, Time: at, K: *k, Unit: engine.Unit(*unit)})
		if err != nil || p.json {
			return false, orPrint(err, hits)
		}
		if len(hits) == 0 {
			fmt.Println("nothing relevant")
		}
		for i, h := range hits {
			fmt.Printf("%2d. %s  %s  score %.3f\n    %s\n", i+1, h.Time.Format("2006-01-02"), h.ID, h.Score, oneLine(h.Text, 160))
			if len(h.Why) > 0 {
				fmt.Printf("    why: %s\n", strings.Join(h.Why, "; "))
			}
		}
		return false, nil
	})
}

// orPrint returns err, or prints v as JSON.
func orPrint(err error, v any) error {
	if err != nil {
		return err
	}
	return printJSON(v)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func cmdContext(ctx context.Context, args []string) error {
	var c common
	var p promptFlags
	fs := newFlags("context", "PROMPT")
	c.register(fs)
	p.register(fs)
	budget := fs.Int("budget", 0, "token budget (default: the profile's setting)")
	if err := parse(fs, args, oneOrMore); err != nil {
		return err
	}
	text, at, err := p.prompt(fs)
	if err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		reply, err := cl.Context(ctx, engine.ContextRequest{Text: text, Time: at, Budget: *budget})
		if err != nil || p.json {
			return false, orPrint(err, reply)
		}
		printContext(reply)
		return false, nil
	})
}

func printContext(r engine.ContextReply) {
	if r.Text == "" {
		fmt.Println("  (nothing relevant: no context would be injected)")
		return
	}
	for _, line := range strings.Split(strings.TrimRight(r.Text, "\n"), "\n") {
		fmt.Println("  │ " + line)
	}
	fmt.Printf("  %d items, ~%d tokens. Why:\n", len(r.Items), r.Tokens)
	for _, it := range r.Items {
		fmt.Printf("    - %s %s: %s\n", it.Kind, it.ID, strings.Join(it.Why, "; "))
	}
}

func cmdFacts(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("facts", "[list | edit ID | pin ID | unpin ID | delete ID]")
	c.register(fs)
	cat := fs.String("category", "", "list: only this category")
	all := fs.Bool("all", false, "list: include superseded facts")
	value := fs.String("value", "", "edit: new value")
	text := fs.String("text", "", "edit: new statement")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, anyNumber); err != nil {
		return err
	}
	action := "list"
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if (action == "list") != (fs.NArg() <= 1) || (action != "list" && fs.NArg() != 2) {
		fs.Usage()
		return errUsage
	}
	id := fs.Arg(1)
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		var f model.Fact
		var err error
		switch action {
		case "list":
			facts, err := cl.Facts(ctx, engine.FactFilter{Category: model.Category(*cat), Superseded: *all})
			if err != nil || *asJSON {
				return false, orPrint(err, facts)
			}
			printFacts(facts)
			return false, nil
		case "edit":
			ed := engine.FactEdit{ID: id}
			if *value != "" {
				ed.Value = value
			}
			if *text != "" {
				ed.Text = text
			}
			if ed.Value == nil && ed.Text == nil {
				return false, fmt.Errorf("edit needs --value or --text")
			}
			f, err = cl.EditFact(ctx, ed)
		case "pin", "unpin":
			f, err = cl.PinFact(ctx, id, action == "pin")
		case "delete":
			if err := cl.DeleteFact(ctx, id); err != nil {
				return false, err
			}
			fmt.Println("deleted", id)
			return true, nil
		default:
			fs.Usage()
			return false, errUsage
		}
		if err != nil {
			return false, err
		}
		printFacts([]model.Fact{f})
		return true, nil
	})
}

func printFacts(facts []model.Fact) {
	if len(facts) == 0 {
		fmt.Println("no facts")
	}
	for _, f := range facts {
		flags := ""
		if f.Pinned {
			flags += " [pinned]"
		}
		if f.Sensitivity == model.Sensitive {
			flags += " [sensitive]"
		}
		if !f.Current() {
			flags += " [superseded by " + f.SupersededBy + "]"
		}
		fmt.Printf("%-12s %-10s %s (since %s)%s\n", f.ID, f.Category, f.Text, f.ValidFrom.Format("2006-01-02"), flags)
	}
}

func cmdForget(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("forget", "")
	c.register(fs)
	var r wasm.ForgetRequest
	fs.StringVar(&r.Turn, "turn", "", "turn id")
	fs.StringVar(&r.Session, "session", "", "session id")
	fs.BoolVar(&r.All, "all", false, "forget everything")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		if err := cl.Forget(ctx, r); err != nil {
			return false, err
		}
		fmt.Println("forgotten")
		return true, nil
	})
}

func cmdStats(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("stats", "")
	c.register(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		st, err := cl.Stats(ctx)
		if err != nil {
			return false, err
		}
		fmt.Printf("profile %s\n", c.store)
		return false, printJSON(st)
	})
}

func cmdSettings(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("settings", "")
	c.register(fs)
	budget := fs.Int("budget", 0, "token budget of the injected block")
	memories := fs.Int("max-memories", -1, "memories injected per prompt (0 turns them off)")
	consent := fs.String("consent", "\x00", `sensitive categories that may be injected, comma-separated ("" for none): `+
		"health, finance, beliefs, identity, …")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		s, err := cl.Settings(ctx)
		if err != nil {
			return false, err
		}
		changed := false
		if *budget != 0 {
			s.TokenBudget, changed = *budget, true
		}
		if *memories >= 0 {
			s.MaxMemories, changed = *memories, true
		}
		if *consent != "\x00" {
			s.Consent, changed = nil, true
			for _, cat := range strings.Split(*consent, ",") {
				if cat = strings.TrimSpace(cat); cat != "" {
					s.Consent = append(s.Consent, model.Category(cat))
				}
			}
		}
		if changed {
			if s, err = cl.SetSettings(ctx, s); err != nil {
				return false, err
			}
		}
		return changed, printJSON(s)
	})
}
