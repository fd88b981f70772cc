package secrets

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var extractionDir = filepath.Join("..", "..", "testdata", "extraction")

// chatTexts is a realistic mix of turns: every user turn of the extraction
// corpora, assistant-style paragraphs without secrets (the common case),
// and one long pasted text made of all of them.
func chatTexts(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, name := range []string{"corpus.jsonl", "heldout.jsonl", "blind.jsonl"} {
		f, err := os.Open(filepath.Join(extractionDir, name))
		require.NoError(tb, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if len(sc.Bytes()) == 0 {
				continue
			}
			var ex struct {
				Text string `json:"text"`
				Then *struct {
					Text string `json:"text"`
				} `json:"then"`
			}
			require.NoError(tb, json.Unmarshal(sc.Bytes(), &ex))
			out = append(out, ex.Text)
			if ex.Then != nil {
				out = append(out, ex.Then.Text)
			}
		}
		require.NoError(tb, sc.Err())
		f.Close()
	}
	b, err := os.ReadFile(filepath.Join(extractionDir, "assistant.txt"))
	require.NoError(tb, err)
	paras := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	out = append(out, paras...)
	out = append(out, strings.Join(paras, "\n\n"))
	return out
}

func BenchmarkRedactChat(b *testing.B) {
	texts := chatTexts(b)
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			Redact(t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/turn")
}
