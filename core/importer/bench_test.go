package importer

import (
	"bytes"
	"sync"
	"testing"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/internal/chatgen"
)

// benchExport is a generated ChatGPT export of about 8 MB and what it
// parses to.
var benchExport = sync.OnceValues(func() ([]byte, Batch) {
	var buf bytes.Buffer
	if _, err := chatgen.ChatGPT(&buf, chatgen.Options{Seed: 1, TargetBytes: 8 << 20}); err != nil {
		panic(err)
	}
	b, err := parseAll(ChatGPT, buf.Bytes(), 1<<20)
	if err != nil {
		panic(err)
	}
	return buf.Bytes(), b
})

// BenchmarkParse is parsing alone: 1 MiB chunks to sessions and turns.
func BenchmarkParse(b *testing.B) {
	data, want := benchExport()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseAll(ChatGPT, data, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(want.Turns)*b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkIngest is the engine's own ingest of the same turns, in batches
// of 1000 as the extension and the CLI send them.
func BenchmarkIngest(b *testing.B) {
	data, batch := benchExport()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		e := engine.New()
		ts := batch.Turns
		for len(ts) > 0 {
			n := min(1000, len(ts))
			if _, err := e.Ingest(batch.Sessions, ts[:n]); err != nil {
				b.Fatal(err)
			}
			ts = ts[n:]
		}
	}
	b.ReportMetric(float64(len(batch.Turns)*b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkImport is both: parse, stage (dedup included) and commit.
func BenchmarkImport(b *testing.B) {
	data, batch := benchExport()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		e := engine.New()
		im := e.NewImport()
		p := New(ChatGPT)
		for rest := data; len(rest) > 0; {
			n := min(1<<20, len(rest))
			bt, err := p.Feed(rest[:n])
			if err == nil {
				err = e.Stage(im, bt.Sessions, bt.Turns, bt.Facts)
			}
			if err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
		if _, err := p.Close(); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Commit(im); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(batch.Turns)*b.N)/b.Elapsed().Seconds(), "turns/s")
}
