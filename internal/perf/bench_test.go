package perf

import (
	"context"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/host"
)

// ingestAll loads d into c in batches of 1000 turns.
func ingestAll(b *testing.B, c host.Client, d *Dataset) {
	b.Helper()
	first := sessionsByFirstTurn(d)
	for at := 0; at < len(d.Turns); at += 1000 {
		turns := d.Turns[at:min(at+1000, len(d.Turns))]
		var ss = d.Sessions[:0:0]
		for i := range turns {
			if si, ok := first[at+i]; ok {
				ss = append(ss, d.Sessions[si])
			}
		}
		if _, err := c.Ingest(context.Background(), ss, turns); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecall10k is one recall (unit turn, k=10) over a native engine
// holding 10k generated turns, through the JSON client.
func BenchmarkRecall10k(b *testing.B) {
	d := Generate(1, 10000)
	c := host.Client{C: host.NewNative()}
	ingestAll(b, c, d)
	qs := d.Queries(1, 200)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		if _, err := c.Recall(ctx, engine.RecallRequest{Text: q.Text, Time: d.End, Unit: engine.UnitTurn, K: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngest ingests 10k generated turns in batches of 1000 into a
// fresh native engine per iteration; it reports turns/s.
func BenchmarkIngest(b *testing.B) {
	d := Generate(1, 10000)
	b.SetBytes(d.RawBytes)
	b.ReportAllocs()
	for b.Loop() {
		ingestAll(b, host.Client{C: host.NewNative()}, d)
	}
	b.ReportMetric(float64(len(d.Turns)*b.N)/b.Elapsed().Seconds(), "turns/s")
}
