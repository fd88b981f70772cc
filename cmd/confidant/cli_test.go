package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var cliBin string

// TestMain builds the engine module (build.sh, the one place that sets
// GOOS/GOARCH) and the CLI, so the tests drive the real binary through the
// real .wasm.
func TestMain(m *testing.M) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if out, err := exec.Command(filepath.Join(root, "build.sh")).CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	cliBin = filepath.Join(root, "dist", "confidant")
	os.Exit(m.Run())
}

type result struct {
	out, err string
	code     int
}

func cli(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(cliBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CONFIDANT_STORE="+filepath.Join(dir, "profile.cfds"), "XDG_CACHE_HOME="+filepath.Join(os.TempDir(), "confidant-cli-test-cache"))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func TestDemoRunsThroughTheWasm(t *testing.T) {
	r := cli(t, repoRoot(), "demo")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "engine: wasm")
	assert.Contains(t, r.out, "Lives in Lisbon")
	assert.Contains(t, r.out, "[confidant:memory]")
	assert.Contains(t, r.out, "nothing relevant", "the unrelated prompt gets nothing")
	assert.NotContains(t, r.out, "sk-proj-", "the demo's API key was redacted")
}

func TestProfileLifecycle(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "chats.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(
		`{"session":"s1","site":"claude","id":"t1","role":"user","text":"I adopted a greyhound named Comet.","time":"2024-05-01T10:00:00Z"}
{"session":"s1","id":"t2","role":"assistant","text":"Greyhounds love short sprints.","time":"2024-05-01T10:00:05Z"}
{"session":"s2","id":"t3","role":"user","text":"I live in Porto and I work as a pharmacist.","time":"2024-05-02T10:00:00Z"}
`), 0o600))
	r := cli(t, dir, "ingest", in)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "added 3 turns")
	r = cli(t, dir, "ingest", in)
	assert.Contains(t, r.out, "added 0 turns, updated 0 (3 already present)")

	r = cli(t, dir, "recall", "--json", "--time", "2024-06-01T00:00:00Z", "what is my greyhound called?")
	require.Equal(t, 0, r.code, r.err)
	var hits []struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(r.out), &hits))
	require.NotEmpty(t, hits)
	assert.Equal(t, "t1", hits[0].ID)

	r = cli(t, dir, "facts", "--json")
	require.Equal(t, 0, r.code, r.err)
	var facts []struct{ ID, Slot, Text string }
	require.NoError(t, json.Unmarshal([]byte(r.out), &facts))
	require.NotEmpty(t, facts)
	r = cli(t, dir, "facts", "pin", facts[0].ID)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "[pinned]")

	r = cli(t, dir, "export", filepath.Join(dir, "backup.cfds"))
	require.Equal(t, 0, r.code, r.err)
	r = cli(t, dir, "forget", "--all")
	require.Equal(t, 0, r.code, r.err)
	r = cli(t, dir, "stats")
	assert.Contains(t, r.out, `"turns": 0`)
	r = cli(t, dir, "import", filepath.Join(dir, "backup.cfds"))
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "imported 2 sessions, 3 turns")
	r = cli(t, dir, "context", "--time", "2024-06-01T00:00:00Z", "where can I take my greyhound for a run?")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "Comet")
}

func TestBadInputIsExplainedAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	require.NoError(t, os.WriteFile(good, []byte(`{"session":"s","id":"a","role":"user","text":"I love jazz.","time":"2024-01-01T00:00:00Z"}`+"\n"), 0o600))
	require.Equal(t, 0, cli(t, dir, "ingest", good).code)
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"session":"s","id":"b","role":"user","text":"x","time":"2024-01-01T00:00:00Z"}
{"session":"s","id":"c","role":"robot","text":"x","time":"2024-01-01T00:00:00Z"}
`), 0o600))
	r := cli(t, dir, "ingest", bad)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "bad.jsonl:2")
	assert.Contains(t, r.err, "role")
	garbage := filepath.Join(dir, "garbage.cfds")
	require.NoError(t, os.WriteFile(garbage, []byte("CFDS\x09junk"), 0o600))
	r = cli(t, dir, "import", garbage)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "--replace", "a profile with data is never overwritten silently")
	r = cli(t, dir, "import", "--replace", garbage)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "the profile was not changed")
	assert.Contains(t, cli(t, dir, "stats").out, `"turns": 1`)
	r = cli(t, dir, "recall")
	assert.Equal(t, 2, r.code, "a missing prompt is a usage error")
	r = cli(t, dir, "frobnicate")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.err, "unknown command")
}

func TestGenericBenchWritesARunFile(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus.jsonl")
	queries := filepath.Join(dir, "queries.jsonl")
	require.NoError(t, os.WriteFile(corpus, []byte(`{"scope":"A","session":"s1","id":"a1","role":"user","text":"I bought a red kayak","time":"2024-01-01T00:00:00Z"}
{"scope":"A","session":"s1","id":"a2","role":"assistant","text":"Kayaks are fun","time":"2024-01-01T00:00:01Z"}
{"scope":"A","session":"s2","id":"a3","role":"user","text":"My sister lives in Oslo","time":"2024-02-01T00:00:00Z"}
{"scope":"B","session":"t1","id":"b1","role":"user","text":"I bought a red kayak too","time":"2024-01-01T00:00:00Z"}
`), 0o600))
	require.NoError(t, os.WriteFile(queries, []byte(`{"qid":"q1","scope":"A","text":"which kayak did I buy?","time":"2024-03-01T00:00:00Z","unit":"turn"}
{"qid":"q2","scope":"A","text":"where does my sister live","time":"2024-03-01T00:00:00Z","unit":"session"}
{"qid":"q3","scope":"B","text":"kayak","time":"2024-03-01T00:00:00Z","unit":"turn"}
`), 0o600))
	out := filepath.Join(dir, "run.jsonl")
	r := cli(t, dir, "bench", "--corpus", corpus, "--queries", queries, "--out", out)
	require.Equal(t, 0, r.code, r.err)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	runs := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct {
			QID    string
			Ranked []string
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		runs[l.QID] = l.Ranked
	}
	require.Len(t, runs, 3, "a line for every query")
	assert.Equal(t, "a1", runs["q1"][0])
	assert.NotContains(t, runs["q1"], "a2", "assistant turns are never returned for unit turn")
	assert.Equal(t, "s2", runs["q2"][0])
	assert.Equal(t, []string{"b1"}, runs["q3"], "scopes are independent stores")
}

func TestSettingsCommand(t *testing.T) {
	dir := t.TempDir()
	r := cli(t, dir, "settings", "--budget", "500", "--consent", "health,finance")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, `"token_budget": 500`)
	assert.Contains(t, r.out, `"health"`)
	r = cli(t, dir, "settings")
	assert.Contains(t, r.out, `"token_budget": 500`, "settings persist")
	r = cli(t, dir, "settings", "--consent", "astrology")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "unknown category")
	r = cli(t, dir, "settings", "--budget", "10")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "token_budget")
}

func TestSessionsCommands(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "chats.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(
		`{"session":"s1","site":"claude","id":"t1","role":"user","text":"I adopted a greyhound named Comet.","time":"2024-05-01T10:00:00Z"}
{"session":"s1","id":"t2","role":"assistant","text":"Greyhounds love short sprints.","time":"2024-05-01T10:00:05Z"}
{"session":"s2","site":"chatgpt","id":"t3","role":"user","text":"I live in Porto and I work as a pharmacist.","time":"2024-05-02T10:00:00Z"}
`), 0o600))
	require.Equal(t, 0, cli(t, dir, "ingest", in).code)

	r := cli(t, dir, "sessions", "--json")
	require.Equal(t, 0, r.code, r.err)
	var l struct {
		Sessions []struct {
			ID, Site, Title string
			Turns           int
		}
		Total int
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &l))
	require.Equal(t, 2, l.Total)
	assert.Equal(t, "s2", l.Sessions[0].ID, "newest first")
	assert.Equal(t, "I adopted a greyhound named Comet.", l.Sessions[1].Title)

	r = cli(t, dir, "sessions", "--site", "claude", "--query", "comet")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "s1")
	assert.NotContains(t, r.out, "s2")
	r = cli(t, dir, "sessions", "--from", "2024-05-02T00:00:00Z", "--limit", "1")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "Porto")
	assert.Contains(t, r.out, "1–1 of 1")

	r = cli(t, dir, "session", "s1")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "2 turns (1 yours)")
	assert.Less(t, strings.Index(r.out, "greyhound named Comet"), strings.Index(r.out, "short sprints"), "turns in time order")

	r = cli(t, dir, "session", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, `"nope"`)
	r = cli(t, dir, "sessions", "--limit", "0")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "limit must be between 1 and 500")
	r = cli(t, dir, "sessions", "--from", "yesterday")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "--from")
	assert.Equal(t, 2, cli(t, dir, "session").code, "a missing id is a usage error")
}
