// Package testfiles reads committed test vectors for tests and fuzz seeds.
package testfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Read returns the contents of the files matching glob, sorted by name. It
// fails the test if none match: a seed glob that silently matched nothing
// would make a fuzz target test nothing.
func Read(t testing.TB, glob string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no test vectors match %s", glob)
	}
	out := make([][]byte, 0, len(files))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
