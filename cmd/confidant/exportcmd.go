package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	cfexport "github.com/confidant-dev/confidant/core/export"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
)

// exportFormats maps a file extension to the export format it implies.
var exportFormats = map[string]string{".json": "json", ".md": "markdown", ".markdown": "markdown", ".age": "age"}

func cmdExport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("export", "FILE")
	c.register(fs)
	format := fs.String("format", "", "json (complete, versioned; importable), markdown (for reading), age (the JSON, passphrase-protected) or snapshot (default: from FILE's extension .json, .md, .age, else snapshot)")
	passFile := fs.String("passphrase-file", "", "age: read the passphrase from this file's first line (default: ask on the terminal)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	out := fs.Arg(0)
	if *format == "" {
		*format = exportFormats[strings.ToLower(filepath.Ext(out))]
		if *format == "" {
			*format = "snapshot"
		}
	}
	var pass string
	switch *format {
	case "json", "markdown", "snapshot":
	case "age":
		var err error
		if pass, err = passphrase(*passFile, true); err != nil {
			return err
		}
	default:
		return fmt.Errorf("--format %q: want json, markdown, age or snapshot", *format)
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		var data []byte
		var err error
		switch *format {
		case "json":
			data, err = cl.ExportJSON(ctx)
		case "markdown":
			var md string
			md, err = cl.ExportMarkdown(ctx)
			data = []byte(md)
		case "age":
			data, err = cl.ExportAge(ctx, pass)
		default:
			data, err = cl.ExportCompact(ctx)
		}
		if err != nil {
			return false, err
		}
		if err := writeAtomic(out, data); err != nil {
			return false, err
		}
		fmt.Printf("wrote %d bytes to %s (%s)\n", len(data), out, *format)
		return false, nil
	})
}

func cmdImport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("import", "FILE")
	c.register(fs)
	replace := fs.Bool("replace", false, "snapshot: replace a profile that is not empty")
	passFile := fs.String("passphrase-file", "", "age: read the passphrase from this file's first line (default: ask on the terminal)")
	restore := fs.Bool("restore-deleted", false, "json/age: bring back the file's records that were deleted here after the file was made (as new edits of this device)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	name := fs.Arg(0)
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	kind := "snapshot"
	switch {
	case cfexport.IsAge(data):
		kind = "age"
	case cfexport.IsJSON(data):
		kind = "json"
	case bytes.HasPrefix(data, []byte("# Confidant profile")):
		return fmt.Errorf("%s is a Markdown export, which is for reading and cannot be imported: import the JSON or age export", name)
	}
	var pass string
	if kind == "age" {
		if pass, err = passphrase(*passFile, false); err != nil {
			return err
		}
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		if kind != "snapshot" {
			var rep wasm.ImportExportReply
			switch {
			case kind == "age" && *restore:
				rep, err = cl.ImportAgeRestore(ctx, data, pass)
			case kind == "age":
				rep, err = cl.ImportAge(ctx, data, pass)
			case *restore:
				rep, err = cl.ImportJSONRestore(ctx, data)
			default:
				rep, err = cl.ImportJSON(ctx, data)
			}
			if err != nil {
				return false, fmt.Errorf("%s: %w (the profile was not changed)", name, err)
			}
			fmt.Printf("imported %d sessions, %d turns, %d facts from the %s export (%d records were already in the profile and were kept as they are)",
				rep.Sessions, rep.Turns, rep.Facts, kind, rep.Duplicates)
			if rep.Settings {
				fmt.Print("; settings taken from the file")
			}
			fmt.Println()
			if n := rep.Restored; n.Total() > 0 {
				fmt.Printf("brought back %d deleted records (%s)\n", n.Total(), kinds(n))
			}
			if n := rep.DeletedSince; n.Total() > 0 {
				fmt.Printf("%d of the file's records (%s) were deleted here after the file was made and stay deleted; to bring them back: confidant import --restore-deleted %s\n", n.Total(), kinds(n), name)
			}
			fmt.Printf("the profile now holds %d sessions, %d turns, %d facts\n", rep.Stats.Sessions, rep.Stats.Turns, rep.Stats.Facts)
			return rep.Sessions+rep.Turns+rep.Facts+rep.Updated+rep.Deleted+rep.Restored.Total() > 0 || rep.Settings, nil
		}
		cur, err := cl.Stats(ctx)
		if err != nil {
			return false, err
		}
		if cur.Turns+cur.Facts > 0 && !*replace {
			return false, fmt.Errorf("the profile %s already holds %d turns and %d facts; importing a snapshot replaces them: pass --replace (export it first to keep a copy), or import a JSON or age export, which merges", c.store, cur.Turns, cur.Facts)
		}
		st, err := cl.ImportFile(ctx, data)
		if err != nil {
			return false, fmt.Errorf("%s: %w (the profile was not changed)", name, err)
		}
		fmt.Printf("imported %d sessions, %d turns, %d facts\n", st.Sessions, st.Turns, st.Facts)
		return true, nil
	})
}

// kinds says counts by kind in words: "2 sessions, 3 turns, 1 fact".
func kinds(k cfexport.Kinds) string {
	var parts []string
	for _, p := range []struct {
		n          int
		one, other string
	}{{k.Sessions, "session", "sessions"}, {k.Turns, "turn", "turns"}, {k.Facts, "fact", "facts"}} {
		switch {
		case p.n == 1:
			parts = append(parts, "1 "+p.one)
		case p.n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.other))
		}
	}
	return strings.Join(parts, ", ")
}

// passphrase reads an age passphrase from file (its first line), or asks on
// the terminal without echo (twice when confirm).
func passphrase(file string, confirm bool) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		p, _, _ := strings.Cut(string(b), "\n")
		p = strings.TrimSuffix(p, "\r")
		if p == "" {
			return "", fmt.Errorf("--passphrase-file %s: the first line is empty", file)
		}
		return p, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil || !term.IsTerminal(int(tty.Fd())) {
		return "", errors.New("no terminal to ask for the passphrase: pass --passphrase-file")
	}
	defer tty.Close()
	ask := func(prompt string) (string, error) {
		fmt.Fprint(tty, prompt)
		b, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(tty)
		return string(b), err
	}
	p, err := ask("Passphrase: ")
	if err != nil {
		return "", err
	}
	if p == "" {
		return "", errors.New("empty passphrase")
	}
	if confirm {
		again, err := ask("Passphrase again: ")
		if err != nil {
			return "", err
		}
		if again != p {
			return "", errors.New("the passphrases differ")
		}
	}
	return p, nil
}
