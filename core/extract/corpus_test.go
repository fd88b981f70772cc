package extract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	corpusPath  = filepath.Join("..", "..", "testdata", "extraction", "corpus.jsonl")
	heldoutPath = filepath.Join("..", "..", "testdata", "extraction", "heldout.jsonl")
	blindPath   = filepath.Join("..", "..", "testdata", "extraction", "blind.jsonl")
)

func loadCorpus(tb testing.TB) []Example { return loadFile(tb, corpusPath) }

func loadFile(tb testing.TB, path string) []Example {
	tb.Helper()
	f, err := os.Open(path)
	require.NoError(tb, err)
	defer f.Close()
	c, err := LoadCorpus(f)
	require.NoError(tb, err)
	return c
}

func TestCorpusShape(t *testing.T) {
	c := loadCorpus(t)
	require.GreaterOrEqual(t, len(c), 200, "corpus lines")
	neg, changes := 0, 0
	for _, ex := range c {
		if len(ex.Facts) == 0 && ex.Then == nil {
			neg++
		}
		if ex.Then != nil {
			changes++
		}
	}
	require.GreaterOrEqual(t, float64(neg)/float64(len(c)), 0.30, "share of lines expecting no facts")
	require.GreaterOrEqual(t, changes, 15, "change cases")
}

// TestCorpusReport prints the evaluation (no threshold: see
// BenchmarkExtract). Run with -v to read it, EXTRACT_MISSES=1 for misses.
func TestCorpusReport(t *testing.T) {
	for _, path := range []string{corpusPath, heldoutPath, blindPath} {
		r := Evaluate(loadFile(t, path))
		t.Log(path + "\n" + r.String())
		if os.Getenv("EXTRACT_MISSES") != "" {
			for _, m := range r.Misses {
				t.Log(m)
			}
		}
	}
}
