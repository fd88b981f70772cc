package extract

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// extractBoth runs Extract with and without the gates.
func extractBoth(t *testing.T, text string) {
	t.Helper()
	fast := Extract(text, goldenAt)
	gatesOff = true
	defer func() { gatesOff = false }()
	slow := Extract(text, goldenAt)
	require.Equal(t, slow, fast, "input %q", text)
}

// TestExtractGatesMatch requires the gated path to return what the ungated
// one does on the golden inputs (which include K and long-s signs).
func TestExtractGatesMatch(t *testing.T) {
	for _, s := range goldenInputs(t) {
		extractBoth(t, s)
	}
}

func FuzzExtractGates(f *testing.F) {
	for _, s := range fragments {
		f.Add(s)
	}
	f.Add("I'm a software engineer at Spotify and I live in Berlin")
	f.Fuzz(func(t *testing.T, text string) {
		extractBoth(t, text)
	})
}
