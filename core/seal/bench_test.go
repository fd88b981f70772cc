package seal

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// benchState returns a 10,000-turn state of random-ish chat text: sessions
// of 20 turns, 40 to 80 words a turn drawn from a Zipf distribution over
// vocab words (common English words, then made-up ones), a minute or two
// apart. Random draws lack real prose's phrase structure, so this text
// compresses worse than real chat. It returns the state and its raw text
// size.
func benchState(turns, vocab int) (*model.State, int) {
	r := rand.New(rand.NewPCG(42, 7))
	common := strings.Fields(`the be to of and a in that have I it for not on with he as you do at this
		but his by from they we say her she or an will my one all would there their what so up out if about
		who get which go me when make can like time no just him know take people into year your good some
		could them see other than then now look only come its over think also back after use two how our
		work first well way even new want because any these give day most us move city cat dog dinner
		sister brother job code test plan trip week month weekend morning recipe garden book music Lisbon`)
	words := common
	words = words[:min(len(words), vocab)]
	for len(words) < vocab {
		w := make([]byte, 3+r.IntN(8))
		for i := range w {
			w[i] = byte('a' + r.IntN(26))
		}
		words = append(words, string(w))
	}
	z := rand.NewZipf(r, 1.07, 2, uint64(len(words)-1))
	s := &model.State{Settings: model.DefaultSettings()}
	now := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	raw := 0
	var session model.Session
	for i := range turns {
		if i%20 == 0 {
			now = now.Add(time.Duration(r.IntN(72)) * time.Hour)
			session = model.Session{ID: fmt.Sprintf("s%016x", r.Uint64()), Site: "chatgpt.com", Title: "A conversation", Start: now}
			s.Sessions = append(s.Sessions, session)
		}
		now = now.Add(time.Duration(30+r.IntN(120)) * time.Second)
		var b strings.Builder
		for j := range 40 + r.IntN(41) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[z.Uint64()])
			if r.IntN(10) == 0 {
				b.WriteByte('.')
			}
		}
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		s.Turns = append(s.Turns, model.Turn{ID: fmt.Sprintf("t%016x", r.Uint64()), Session: session.ID, Role: role, Time: now, Text: b.String()})
		raw += b.Len()
	}
	return s, raw
}

// benchVocab is the word list of the benchmarks: 250 words as in
// core/snapshot's benchmarks, or 2,000 for a harder case (SEAL_BENCH_VOCAB).
func benchVocab() int {
	if v, err := strconv.Atoi(os.Getenv("SEAL_BENCH_VOCAB")); err == nil && v > 0 {
		return v
	}
	return 250
}

func bench10k(b *testing.B) (snap []byte, raw int) {
	s, raw := benchState(10_000, benchVocab())
	snap, err := snapshot.Marshal(s)
	require.NoError(b, err)
	return snap, raw
}

func report(b *testing.B, snap, blob []byte, raw int) {
	b.SetBytes(int64(raw))
	b.ReportMetric(float64(raw), "raw-text-bytes")
	b.ReportMetric(float64(len(snap)), "snapshot-bytes")
	b.ReportMetric(float64(len(blob)), "sealed-bytes")
	b.ReportMetric(float64(len(blob))/float64(raw), "sealed/raw")
	b.ReportMetric(float64(len(blob))/float64(len(snap)), "sealed/snapshot")
}

// BenchmarkSealOpen10k seals and opens a 10,000-turn snapshot (core/snapshot,
// zstd) and reports sizes against the raw text.
func BenchmarkSealOpen10k(b *testing.B) {
	snap, raw := bench10k(b)
	k := fixedKey(1)
	h := hdr(k, 1, [32]byte{})
	var blob []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		blob, err = Seal(k, h, snap)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Open(k, blob, Expect{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, snap, blob, raw)
}

func BenchmarkSeal10k(b *testing.B) {
	snap, raw := bench10k(b)
	k := fixedKey(1)
	h := hdr(k, 1, [32]byte{})
	var blob []byte
	for b.Loop() {
		blob, _ = Seal(k, h, snap)
	}
	report(b, snap, blob, raw)
}

func BenchmarkOpen10k(b *testing.B) {
	snap, raw := bench10k(b)
	k := fixedKey(1)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), snap)
	require.NoError(b, err)
	for b.Loop() {
		if _, _, err := Open(k, blob, Expect{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, snap, blob, raw)
}
