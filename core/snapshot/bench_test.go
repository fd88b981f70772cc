package snapshot

import (
	"bytes"
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
