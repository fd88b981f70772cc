package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seedProfile(t *testing.T, dir string) {
	in := filepath.Join(dir, "chats.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(
		`{"session":"s1","site":"claude","id":"t1","role":"user","text":"I adopted a greyhound named Comet.","time":"2024-05-01T10:00:00Z"}
{"session":"s1","id":"t2","role":"assistant","text":"# Greyhounds love *short* sprints <b>!</b>","time":"2024-05-01T10:00:05Z"}
{"session":"s2","id":"t3","role":"user","text":"I live in Porto and I work as a pharmacist.","time":"2024-05-02T10:00:00Z"}
`), 0o600))
	r := cli(t, dir, "ingest", in)
	require.Equal(t, 0, r.code, r.err)
}

var stampRE = regexp.MustCompile(`"exported_at": "[^"]*"`)

func TestExportFormatsAndImportAutoDetect(t *testing.T) {
	dir := t.TempDir()
	seedProfile(t, dir)
	js, md, ag := filepath.Join(dir, "p.json"), filepath.Join(dir, "p.md"), filepath.Join(dir, "p.age")
	pass := filepath.Join(dir, "pass.txt")
	require.NoError(t, os.WriteFile(pass, []byte("correct horse\n"), 0o600))

	r := cli(t, dir, "export", js)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "(json)")
	r = cli(t, dir, "export", "--format", "markdown", md)
	require.Equal(t, 0, r.code, r.err)
	r = cli(t, dir, "export", "--passphrase-file", pass, ag)
	require.Equal(t, 0, r.code, r.err)
	data, err := os.ReadFile(js)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "{\n  \"format\": \"confidant-export\",\n  \"version\": 1,"))
	text, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(text), `\# Greyhounds love \*short\* sprints \<b\>\!\</b\>`)
	blob, err := os.ReadFile(ag)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(blob), "age-encryption.org/v1\n"))

	// Into an empty profile, each importable export restores it exactly.
	for _, f := range []string{js, ag} {
		other := t.TempDir()
		r = cli(t, other, "import", "--passphrase-file", pass, f)
		require.Equal(t, 0, r.code, r.err)
		assert.Contains(t, r.out, "imported 2 sessions, 3 turns")
		assert.Contains(t, r.out, "settings taken from the file")
		again := filepath.Join(other, "again.json")
		require.Equal(t, 0, cli(t, other, "export", again).code)
		b, err := os.ReadFile(again)
		require.NoError(t, err)
		assert.Equal(t, stampRE.ReplaceAllString(string(data), ""), stampRE.ReplaceAllString(string(b), ""))
	}

	// Into the profile it came from, it merges: nothing new.
	r = cli(t, dir, "import", js)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "imported 0 sessions, 0 turns, 0 facts")

	r = cli(t, dir, "import", md)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "cannot be imported")

	r = cli(t, dir, "import", "--passphrase-file", filepath.Join(dir, "chats.jsonl"), ag)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "wrong passphrase")
	assert.Contains(t, r.err, "the profile was not changed")
}

func TestImportMalformedJSONChangesNothing(t *testing.T) {
	dir := t.TempDir()
	seedProfile(t, dir)
	js := filepath.Join(dir, "p.json")
	require.Equal(t, 0, cli(t, dir, "export", js).code)
	data, err := os.ReadFile(js)
	require.NoError(t, err)
	before, err := os.ReadFile(filepath.Join(dir, "profile.cfds"))
	require.NoError(t, err)
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(string(data), `"role": "assistant"`, `"role": "robot"`, 1)), 0o600))
	r := cli(t, dir, "import", bad)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, `sessions[0].turns[1]: turn "t2": role must be "user" or "assistant"`)
	assert.Contains(t, r.err, "the profile was not changed")
	after, err := os.ReadFile(filepath.Join(dir, "profile.cfds"))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// TestAgePassphraseFromTerminal: without --passphrase-file the passphrase
// is asked on the terminal (twice for an export) and the age CLI opens the
// file with it.
func TestAgePassphraseFromTerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("SKIPPED: no script binary (util-linux) to give the CLI a terminal")
	}
	dir := t.TempDir()
	seedProfile(t, dir)
	ag := filepath.Join(dir, "p.age")
	cmd := exec.Command(scriptBin, "-qec", cliBin+" export --format age "+ag, "/dev/null")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CONFIDANT_STORE="+filepath.Join(dir, "profile.cfds"), "XDG_CACHE_HOME="+filepath.Join(os.TempDir(), "confidant-cli-test-cache"))
	cmd.Stdin = strings.NewReader("tty secret\ntty secret\n")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "Passphrase again:")
	ageBin, err := exec.LookPath("age")
	if err != nil {
		t.Skip("SKIPPED: no age binary: the age command-line check did not run")
	}
	plain := filepath.Join(dir, "p.json")
	cmd = exec.Command(scriptBin, "-qec", ageBin+" -d -o "+plain+" "+ag, "/dev/null")
	cmd.Stdin = strings.NewReader("tty secret\n")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(plain)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"format": "confidant-export"`)
}

// TestImportRestoreDeleted: after forget --all, importing the older export
// says how many of its records were deleted since and adds nothing; with
// --restore-deleted they come back, and stay in the saved profile.
func TestImportRestoreDeleted(t *testing.T) {
	dir := t.TempDir()
	seedProfile(t, dir)
	js := filepath.Join(dir, "p.json")
	require.Equal(t, 0, cli(t, dir, "export", js).code)
	r := cli(t, dir, "forget", "--all")
	require.Equal(t, 0, r.code, r.err)

	r = cli(t, dir, "import", js)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "imported 0 sessions, 0 turns, 0 facts")
	assert.Regexp(t, `\d+ of the file's records \(2 sessions, 3 turns, \d+ facts\) were deleted here after the file was made and stay deleted; to bring them back: confidant import --restore-deleted `, r.out)
	assert.Contains(t, r.out, "the profile now holds 0 sessions, 0 turns, 0 facts")

	r = cli(t, dir, "import", "--restore-deleted", js)
	require.Equal(t, 0, r.code, r.err)
	assert.Regexp(t, `brought back \d+ deleted records \(2 sessions, 3 turns, \d+ facts\)`, r.out)
	assert.NotContains(t, r.out, "stay deleted")
	assert.Contains(t, r.out, "the profile now holds 2 sessions, 3 turns")

	// A new process reads the saved profile: the records are back.
	r = cli(t, dir, "recall", "what is my greyhound called?")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "Comet")
}
