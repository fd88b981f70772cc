package host_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
)

// coldWords and coldTurns make the data of the extension's cold-start test
// (extension/test/coldstart.test.mjs): short turns over a small vocabulary,
// each with one unique code word.
var coldWords = []string{"garden", "recipe", "budget", "meeting", "guitar", "travel", "museum", "coffee",
	"bicycle", "project", "deadline", "doctor", "concert", "library", "weekend", "sister", "kitchen", "laptop",
	"invoice", "hiking", "camera", "painting", "marathon", "podcast", "vacation", "apartment", "puppy",
	"chemistry", "novel", "football"}

func coldTurns(n int) []model.Turn {
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]model.Turn, n)
	for i := range out {
		w := func(k int) string { return coldWords[(i*7+k*13)%len(coldWords)] }
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		out[i] = model.Turn{ID: fmt.Sprintf("t%d", i), Session: fmt.Sprintf("s%d", i/20), Role: role,
			Time: t0.Add(time.Duration(i) * time.Hour),
			Text: fmt.Sprintf("Turn %d: about my %s and the %s, then the %s near the %s; code word zq%d.", i, w(1), w(2), w(3), w(4), i)}
	}
	return out
}

// BenchmarkColdLoad10k is the engine's share of the extension's cold start
// through the .wasm: a fresh instance, the local snapshot of 10,000 turns
// imported, and the first recall. (Chromium adds compiling the module and
// reading IndexedDB; see the README.)
func BenchmarkColdLoad10k(b *testing.B) {
	ctx := context.Background()
	r := runtimeForTests(b)
	src, err := r.Instance(ctx)
	if err != nil {
		b.Fatal(err)
	}
	c := host.Client{C: src}
	turns := coldTurns(10000)
	for at := 0; at < len(turns); at += 1000 {
		if _, err := c.Ingest(ctx, nil, turns[at:at+1000]); err != nil {
			b.Fatal(err)
		}
	}
	snap, err := src.ExportSnapshot(ctx, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(snap)), "snapshot-bytes")
	var start, load, recall time.Duration
	for b.Loop() {
		t0 := time.Now()
		in, err := r.Instance(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := in.ImportSnapshot(ctx, snap); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		hits, err := host.Client{C: in}.Recall(ctx, engine.RecallRequest{Text: "code word zq7777", Unit: engine.UnitTurn, K: 10})
		if err != nil || len(hits) == 0 || hits[0].ID != "t7777" {
			b.Fatalf("first recall: %v %v", hits, err)
		}
		t3 := time.Now()
		start, load, recall = start+t1.Sub(t0), load+t2.Sub(t1), recall+t3.Sub(t2)
		in.Close(ctx)
	}
	n := float64(b.N)
	b.ReportMetric(float64(start.Milliseconds())/n, "start-ms")
	b.ReportMetric(float64(load.Microseconds())/n/1000, "import-ms")
	b.ReportMetric(float64(recall.Microseconds())/n/1000, "recall-ms")
}
