// Command confidant is the command-line face of Confidant's engine. It runs
// the same confidant.wasm the browser extension ships (under wazero), or
// the engine natively with --native, and keeps the profile in one local
// file.
//
// Usage: confidant <command> [flags]; `confidant help` lists commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"demo":        {"ingest the sample conversations into a fresh profile and show what would be injected", cmdDemo},
		"ingest":      {"add turns from a JSONL file (or - for stdin)", cmdIngest},
		"recall":      {"rank memories for a prompt, with reasons", cmdRecall},
		"context":     {"print the block Confidant would inject before a prompt", cmdContext},
		"facts":       {"list, edit, pin or delete learned facts", cmdFacts},
		"sessions":    {"list conversations, newest first, by site, time or text", cmdSessions},
		"session":     {"show one conversation's turns", cmdSession},
		"forget":      {"forget a turn, a session, or everything", cmdForget},
		"export":      {"write the profile as JSON, Markdown, an age file (passphrase) or a snapshot", cmdExport},
		"import":      {"merge a JSON or age export into the profile, or replace it with a snapshot", cmdImport},
		"import-chat": {"add conversations from a ChatGPT or Claude data export (.zip or conversations.json) or a memories list", cmdImportChat},
		"stats":       {"show what is stored", cmdStats},
		"settings":    {"show or change the token budget, memories per prompt and consent for sensitive categories", cmdSettings},
		"sync":        {"sync the profile through a sync server (end-to-end encrypted): --setup, --join CODE, --server URL", cmdSync},
		"sync-server": {"serve the sync protocol from a local directory (self-hosted sync; see worker/README.md)", cmdSyncServer},
		"bench":       {"run benchmarks (longmemeval, locomo, generic, perf, import, extraction)", cmdBench},
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: confidant <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-11s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun `confidant <command> -h` for a command's flags.")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "confidant: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := c.run(context.Background(), os.Args[2:]); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "confidant %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")
