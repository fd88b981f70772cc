package main

import (
	"archive/zip"
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/internal/chatgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func importFixture(parts ...string) string {
	return filepath.Join(append([]string{repoRoot(), "testdata", "imports"}, parts...)...)
}

func TestImportChat(t *testing.T) {
	dir := t.TempDir()
	r := cli(t, dir, "import-chat", importFixture("chatgpt", "conversations.json"))
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "imported 5 conversations, 61 turns")
	assert.Contains(t, r.out, "(chatgpt)", "the format is detected")
	assert.Contains(t, r.err, "import: 100%", "plain progress lines when stderr is not a terminal")
	r = cli(t, dir, "import-chat", "--format", "chatgpt", importFixture("chatgpt", "conversations.json"))
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "imported 0 conversations, 0 turns and 0 facts")
	assert.Contains(t, r.out, "61 already present skipped")

	// A Claude export in its zip.
	zipPath := filepath.Join(dir, "claude-export.zip")
	zf, err := os.Create(zipPath)
	require.NoError(t, err)
	zw := zip.NewWriter(zf)
	for _, name := range []string{"users.json", "conversations.json"} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		if name == "conversations.json" {
			data, err := os.ReadFile(importFixture("claude", "conversations.json"))
			require.NoError(t, err)
			_, err = w.Write(data)
			require.NoError(t, err)
		} else {
			_, err = w.Write([]byte(`[{"uuid":"x"}]`))
			require.NoError(t, err)
		}
	}
	require.NoError(t, zw.Close())
	require.NoError(t, zf.Close())
	r = cli(t, dir, "import-chat", zipPath)
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "(claude)")
	assert.Contains(t, r.out, "claude-export.zip:conversations.json")

	r = cli(t, dir, "import-chat", importFixture("chatgpt", "memories.txt"))
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, "0 turns and 9 facts")
	r = cli(t, dir, "facts", "--category", "other")
	assert.Contains(t, r.out, "Uses Linux at home and a Mac at work.")

	r = cli(t, dir, "sessions", "--site", "claude.ai", "--json")
	require.Equal(t, 0, r.code, r.err)
	assert.Contains(t, r.out, `"total": 5`)
}

func TestImportChatBadFilesChangeNothing(t *testing.T) {
	dir := t.TempDir()
	require.Equal(t, 0, cli(t, dir, "import-chat", importFixture("claude", "conversations.json")).code)
	stats := cli(t, dir, "stats").out

	data, err := os.ReadFile(importFixture("chatgpt", "conversations.json"))
	require.NoError(t, err)
	bad := filepath.Join(dir, "conversations.json")
	require.NoError(t, os.WriteFile(bad, append(data[:len(data)-2:len(data)-2], []byte(`, 42]`)...), 0o600))
	r := cli(t, dir, "import-chat", bad)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "conversation 5 (byte ")
	assert.Contains(t, r.err, "expected a JSON object, found '4'")
	assert.Contains(t, r.err, "the profile was not changed")

	require.NoError(t, os.WriteFile(bad, data[:len(data)/2], 0o600))
	r = cli(t, dir, "import-chat", bad)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "it is truncated")

	notes := filepath.Join(dir, "notes.md")
	require.NoError(t, os.WriteFile(notes, []byte("# Notes\nhello\n"), 0o600))
	r = cli(t, dir, "import-chat", notes)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "pass --format memories")

	emptyZip := filepath.Join(dir, "x.zip")
	zf, err := os.Create(emptyZip)
	require.NoError(t, err)
	zw := zip.NewWriter(zf)
	_, err = zw.Create("chat.html")
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, zf.Close())
	r = cli(t, dir, "import-chat", emptyZip)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "no conversations.json (it holds chat.html)")

	r = cli(t, dir, "import-chat", "--format", "bard", bad)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.err, "unknown import format")

	assert.Equal(t, stats, cli(t, dir, "stats").out, "the profile is unchanged")
}

func TestImportChatCtrlCLeavesProfileUntouched(t *testing.T) {
	dir := t.TempDir()
	require.Equal(t, 0, cli(t, dir, "import-chat", importFixture("claude", "conversations.json")).code)
	profile := filepath.Join(dir, "profile.cfds")
	before, err := os.ReadFile(profile)
	require.NoError(t, err)

	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	require.NoError(t, err)
	_, err = chatgen.ChatGPT(f, chatgen.Options{Seed: 3, TargetBytes: 40 << 20})
	require.NoError(t, err)
	require.NoError(t, f.Close())

	cmd := exec.Command(cliBin, "import-chat", big)
	cmd.Env = append(os.Environ(), "CONFIDANT_STORE="+profile, "XDG_CACHE_HOME="+filepath.Join(os.TempDir(), "confidant-cli-test-cache"))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stderr)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "import: ") {
			require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
			break
		}
	}
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		done <- cmd.Wait()
	}()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("import-chat did not stop on Ctrl-C")
	}
	require.Error(t, err)
	assert.Contains(t, strings.Join(lines, "\n"), "cancelled: the profile was not changed")
	after, err := os.ReadFile(profile)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}
