package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/internal/turnfile"
)

// cmdDemo ingests the sample conversations in testdata/demo into a fresh
// profile (a temporary file unless --store is given) and prints, for each
// sample prompt, the block Confidant would inject and why.
func cmdDemo(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("demo", "")
	c.register(fs)
	dir := fs.String("data", filepath.Join("testdata", "demo"), "folder with conversations.jsonl and prompts.txt")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	storeSet := false
	fs.Visit(func(f *flag.Flag) { storeSet = storeSet || f.Name == "store" })
	if !storeSet {
		tmp, err := os.MkdirTemp("", "confidant-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		c.store = filepath.Join(tmp, "profile.cfds")
	} else if _, err := os.Stat(c.store); err == nil {
		return fmt.Errorf("--store %s already exists; the demo starts from a fresh profile", c.store)
	}
	f, err := os.Open(filepath.Join(*dir, "conversations.jsonl"))
	if err != nil {
		return fmt.Errorf("sample conversations: %w (run from the repository root or pass --data)", err)
	}
	defer f.Close()
	sessions, turns, err := turnfile.Read(f, f.Name())
	if err != nil {
		return err
	}
	fmt.Printf("Confidant demo — engine: %s\n\n", c.engineName())
	cl, closeFn, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	t0 := time.Now()
	res, err := cl.Ingest(ctx, sessions, turns)
	if err != nil {
		return err
	}
	if err := c.save(ctx, cl); err != nil {
		return err
	}
	fmt.Printf("Ingested %d turns from %d conversations in %s; learned %d facts.\n\n", res.Added, len(sessions),
		time.Since(t0).Round(time.Millisecond), res.Facts)
	facts, err := cl.Facts(ctx, engine.FactFilter{Superseded: true})
	if err != nil {
		return err
	}
	fmt.Println("Profile (facts learned from what the user said):")
	printFacts(facts)
	prompts, err := readPrompts(filepath.Join(*dir, "prompts.txt"))
	if err != nil {
		return err
	}
	for _, p := range prompts {
		fmt.Printf("\nPrompt (%s): %s\n", p.at.Format("2006-01-02"), p.text)
		reply, err := cl.Context(ctx, engine.ContextRequest{Text: p.text, Time: p.at})
		if err != nil {
			return err
		}
		printContext(reply)
	}
	return nil
}

type prompt struct {
	at   time.Time
	text string
}

// readPrompts reads "RFC3339-time<TAB>prompt" lines; # starts a comment.
func readPrompts(path string) ([]prompt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []prompt
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at, text, ok := strings.Cut(line, "\t")
		t, err := time.Parse(time.RFC3339, at)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s:%d: want RFC3339-time<TAB>prompt", path, n)
		}
		out = append(out, prompt{t, strings.TrimSpace(text)})
	}
	return out, sc.Err()
}
