package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// benchVocab is the number of made-up words beside the common ones; the
// perf bench (internal/perf) uses a 20k-word Zipf vocabulary.
var benchVocab = 2000

// benchState builds n turns of English-like chat (fixed seed).
func benchState(n int) []model.Turn {
	r := rand.New(rand.NewPCG(1, 1))
	words := strings.Fields("the a I my we you it dog cat trip home work coffee tea garden lake city friend family " +
		"weekend plan book movie music dinner recipe bike run hike camera phone budget school class project meeting " +
		"doctor visit flight hotel beach museum concert game team coach season painting guitar piano birthday gift")
	for i := 0; i < benchVocab; i++ {
		words = append(words, fmt.Sprintf("w%dx%d", i, r.IntN(1000)))
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	turns := make([]model.Turn, n)
	for i := range turns {
		var b strings.Builder
		for j := 0; j < 20+r.IntN(60); j++ {
			b.WriteString(words[int(r.ExpFloat64()*float64(len(words))/8)%len(words)])
			b.WriteByte(' ')
		}
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		turns[i] = model.Turn{ID: fmt.Sprintf("t%06d", i), Session: fmt.Sprintf("s%05d", i/12), Role: role, Text: b.String(),
			Time: t0.Add(time.Duration(i) * time.Minute)}
	}
	return turns
}

// BenchmarkImport10k splits a 10k-turn snapshot load into its two parts:
// decoding and building the engine (run it under wazero too: see README).
func BenchmarkImport10k(b *testing.B) {
	e := New()
	if _, err := e.Ingest(nil, benchState(10000)); err != nil {
		b.Fatal(err)
	}
	data, err := e.ExportLocal()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := snapshot.UnmarshalTerms(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			if err := New().Import(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkImport10kLargeVocab is BenchmarkImport10k over a 20k-word
// vocabulary, the shape of the perf bench's data.
func BenchmarkImport10kLargeVocab(b *testing.B) {
	defer func(v int) { benchVocab = v }(benchVocab)
	benchVocab = 20000
	BenchmarkImport10k(b)
}
