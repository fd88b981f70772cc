package snapshot

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

// textBytes is the raw size of a state's turn texts, the baseline of the
// size ratio.
func textBytes(s *model.State) int {
	n := 0
	for i := range s.Turns {
		n += len(s.Turns[i].Text)
	}
	return n
}

func bench10k(b *testing.B) (*model.State, []byte) {
	s := chatState(42, 10_000)
	snap, err := Marshal(s)
	require.NoError(b, err)
	return s, snap
}

func reportSize(b *testing.B, s *model.State, snap []byte) {
	raw := textBytes(s)
	b.SetBytes(int64(raw))
	b.ReportMetric(float64(len(snap)), "snapshot-bytes")
	b.ReportMetric(float64(len(snap))/float64(raw), "ratio")
}

func BenchmarkEncode10k(b *testing.B) {
	s, snap := bench10k(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(s); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, s, snap) // after the loop, which resets metrics
}

func BenchmarkDecode10k(b *testing.B) {
	s, snap := bench10k(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(snap)); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, s, snap)
}

func TestChatStateRoundTrip(t *testing.T) {
	s := chatState(7, 500)
	require.Len(t, s.Turns, 500)
	roundTrip(t, s)
}

// bench10kTerms returns a 10,000-turn state, terms of about 60 per turn,
// and its snapshots without and with the terms. With vocab 0 the terms are
// the analysed text itself (a vocabulary of a few hundred words); otherwise
// each turn gets as many terms as its text has words, drawn from a Zipf
// distribution over vocab made-up terms, closer to a real profile's
// vocabulary of tens of thousands of stems.
func bench10kTerms(b *testing.B, vocab int, c Codec) (s *model.State, t *Terms, v1, v2 []byte) {
	s = chatState(42, 10_000)
	t = analyzeState(s, 1)
	if vocab > 0 {
		r := rand.New(rand.NewPCG(42, 0x7e2))
		z := rand.NewZipf(r, 1.07, 2, uint64(vocab-1))
		seen := map[string]bool{}
		t.Vocab = t.Vocab[:0]
		for len(t.Vocab) < vocab {
			var w []byte
			for range 3 + r.IntN(8) {
				w = append(w, byte('a'+r.IntN(26)))
			}
			if !seen[string(w)] {
				seen[string(w)] = true
				t.Vocab = append(t.Vocab, string(w))
			}
		}
		for _, list := range t.Turns {
			for k := range list {
				list[k] = uint32(z.Uint64())
			}
		}
	}
	var err error
	v1, err = MarshalTermsWith(s, nil, Options{Codec: c})
	require.NoError(b, err)
	v2, err = MarshalTermsWith(s, t, Options{Codec: c})
	require.NoError(b, err)
	return s, t, v1, v2
}

// reportTermsSize reports what the terms section costs: its compressed
// size (the snapshot with terms less the one without), relative to the raw
// text and to the snapshot without terms.
func reportTermsSize(b *testing.B, s *model.State, t *Terms, v1, v2 []byte) {
	raw := textBytes(s)
	n := 0
	for _, list := range t.Turns {
		n += len(list)
	}
	b.SetBytes(int64(raw))
	b.ReportMetric(float64(len(v2)), "snapshot-bytes")
	b.ReportMetric(float64(len(v2))/float64(raw), "ratio")
	b.ReportMetric(float64(len(v2)-len(v1)), "terms-bytes")
	b.ReportMetric(float64(len(v2)-len(v1))/float64(raw), "terms/text")
	b.ReportMetric(float64(len(v2)-len(v1))/float64(len(v1)), "terms/snapshot")
	b.ReportMetric(float64(n)/float64(len(t.Turns)), "terms/turn")
}

var termsBenchVocabs = []struct {
	name  string
	vocab int
}{{"text", 0}, {"zipf30k", 30_000}}

var benchCodecs = []Codec{CodecZstd, CodecS2}

// BenchmarkEncode10kTerms and BenchmarkDecode10kTerms run per vocabulary
// and codec: name/text/zstd, name/zipf30k/s2, ….
func BenchmarkEncode10kTerms(b *testing.B) {
	for _, v := range termsBenchVocabs {
		for _, c := range benchCodecs {
			b.Run(v.name+"/"+c.String(), func(b *testing.B) {
				s, t, v1, v2 := bench10kTerms(b, v.vocab, c)
				o := Options{Codec: c}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := MarshalTermsWith(s, t, o); err != nil {
						b.Fatal(err)
					}
				}
				reportTermsSize(b, s, t, v1, v2)
			})
		}
	}
}

func BenchmarkDecode10kTerms(b *testing.B) {
	for _, v := range termsBenchVocabs {
		for _, c := range benchCodecs {
			b.Run(v.name+"/"+c.String(), func(b *testing.B) {
				s, t, v1, v2 := bench10kTerms(b, v.vocab, c)
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := UnmarshalTerms(v2); err != nil {
						b.Fatal(err)
					}
				}
				reportTermsSize(b, s, t, v1, v2)
			})
		}
	}
}

// BenchmarkDecompress10kTerms isolates the codec: the content of the
// 10k-turn snapshot with terms, decompressed alone.
func BenchmarkDecompress10kTerms(b *testing.B) {
	for _, c := range benchCodecs {
		b.Run(c.String(), func(b *testing.B) {
			s, _, _, v2 := bench10kTerms(b, 0, c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decompress(v2[headerSize:], v2[5]); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(textBytes(s)))
		})
	}
}
