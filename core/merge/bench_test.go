package merge

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/confidant-dev/confidant/core/hlc"
)

// syncPair builds a typical sync: two devices share n turns; since their
// last sync each added 100 turns, and the remote edited 100 and deleted 50
// of the shared ones. Payloads are 200 bytes, a typical chat turn.
func syncPair(n int) (local, remote Set[Bytes]) {
	r := rand.New(rand.NewPCG(1, 2))
	text := make(Bytes, 200)
	base := int64(1_764_000_000_000)
	var l, m []Record[Bytes]
	for i := range n {
		v := Record[Bytes]{Key: Key{KindTurn, fmt.Sprintf("turn-%08d", i)}, Stamp: hlc.Stamp{Wall: base + int64(i), Device: "laptop"}, Payload: text}
		l = append(l, v)
		switch {
		case i%100 == 0:
			v.Stamp = hlc.Stamp{Wall: base + int64(n) + int64(i), Device: "phone"}
			v.Payload = Bytes("edited")
		case i%200 == 1:
			v.Stamp = hlc.Stamp{Wall: base + int64(n) + int64(i), Device: "phone"}
			v.Deleted, v.Payload = true, nil
		}
		m = append(m, v)
	}
	for i := range 100 {
		l = append(l, Record[Bytes]{Key: Key{KindTurn, fmt.Sprintf("new-l-%04d", r.IntN(1e4))}, Stamp: hlc.Stamp{Wall: base + 2*int64(n) + int64(i), Device: "laptop"}, Payload: text})
		m = append(m, Record[Bytes]{Key: Key{KindTurn, fmt.Sprintf("new-m-%04d", r.IntN(1e4))}, Stamp: hlc.Stamp{Wall: base + 2*int64(n) + int64(i), Device: "phone"}, Payload: text})
	}
	return FromRecords(l...), FromRecords(m...)
}

func BenchmarkMerge10k(b *testing.B) {
	l, m := syncPair(10_000)
	b.ReportAllocs()
	for b.Loop() {
		Merge(l, m)
	}
}

func BenchmarkChanged10k(b *testing.B) {
	l, m := syncPair(10_000)
	merged := Merge(l, m)
	b.ReportAllocs()
	for b.Loop() {
		for range Changed(l, merged) {
		}
	}
}

func BenchmarkFromRecords10k(b *testing.B) {
	l, _ := syncPair(10_000)
	recs := records(l)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	b.ReportAllocs()
	for b.Loop() {
		FromRecords(recs...)
	}
}

func BenchmarkHash10k(b *testing.B) {
	l, _ := syncPair(10_000)
	b.ReportAllocs()
	for b.Loop() {
		Hash(l)
	}
}

// BenchmarkFromSorted10k is the engine's case: records built from a State
// whose slices are already sorted by id.
func BenchmarkFromSorted10k(b *testing.B) {
	l, _ := syncPair(10_000)
	recs := records(l)
	b.ReportAllocs()
	for b.Loop() {
		FromRecords(recs...)
	}
}
