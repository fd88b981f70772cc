package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chatTexts is a realistic mix of user turns: every turn of the extraction
// corpora, assistant-style paragraphs without facts pasted as user turns,
// and one long pasted text made of all of them.
func chatTexts(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, path := range []string{corpusPath, heldoutPath, blindPath} {
		for _, ex := range loadFile(tb, path) {
			out = append(out, ex.Text)
			if ex.Then != nil {
				out = append(out, ex.Then.Text)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "extraction", "assistant.txt"))
	require.NoError(tb, err)
	paras := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	out = append(out, paras...)
	out = append(out, strings.Join(paras, "\n\n"))
	return out
}

func BenchmarkExtractChat(b *testing.B) {
	texts := chatTexts(b)
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			Extract(t, at)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/turn")
}
