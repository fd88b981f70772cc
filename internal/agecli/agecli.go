// Package agecli runs the age command-line tool for tests that check our age
// files against the reference implementation. age reads a passphrase only
// from a terminal, so it runs under script(1), which gives it one.
package agecli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Find returns the paths of age and script, or skips the test (naming the
// Debian packages) when either is missing.
func Find(t testing.TB) (ageBin, scriptBin string) {
	t.Helper()
	ageBin, err := exec.LookPath("age")
	if err != nil {
		t.Skip("SKIPPED: no age binary on PATH (Debian package age): the age command-line cross-check did not run")
	}
	scriptBin, err = exec.LookPath("script")
	if err != nil {
		t.Skip("SKIPPED: no script binary (Debian package util-linux) to give age a terminal: the age command-line cross-check did not run")
	}
	return ageBin, scriptBin
}

// Decrypt runs `age -d` on blob with passphrase and returns the plaintext.
func Decrypt(t testing.TB, blob []byte, passphrase string) []byte {
	t.Helper()
	return run(t, blob, "-d", passphrase+"\n")
}

// Encrypt runs `age -p` on plain with passphrase and returns the age file.
func Encrypt(t testing.TB, plain []byte, passphrase string) []byte {
	t.Helper()
	return run(t, plain, "-p", passphrase+"\n"+passphrase+"\n")
}

func run(t testing.TB, input []byte, flag, typed string) []byte {
	t.Helper()
	ageBin, scriptBin := Find(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, input, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(scriptBin, "-qec", ageBin+" "+flag+" -o "+out+" "+in, "/dev/null")
	cmd.Stdin = strings.NewReader(typed)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("age %s: %v: %s", flag, err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
