package perf

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func durations(vs ...int) []time.Duration {
	out := make([]time.Duration, len(vs))
	for i, v := range vs {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	var xs []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		xs = append(xs, time.Duration(i)*time.Millisecond)
	}
	orig := append([]time.Duration(nil), xs...)
	cases := map[float64]int{0: 1, 1: 1, 50: 50, 90: 90, 95: 95, 99: 99, 99.5: 100, 100: 100}
	for p, want := range cases {
		assert.Equal(t, time.Duration(want)*time.Millisecond, Percentile(xs, p), "p%v", p)
	}
	assert.Equal(t, orig, xs, "input is not modified")

	// Small samples: nearest rank always returns an observed value.
	five := durations(30, 10, 50, 20, 40)
	assert.Equal(t, 30*time.Millisecond, Percentile(five, 50))
	assert.Equal(t, 50*time.Millisecond, Percentile(five, 95))
	assert.Equal(t, 10*time.Millisecond, Percentile(five, 20))
	assert.Equal(t, 20*time.Millisecond, Percentile(five, 21))
	assert.Equal(t, 20*time.Millisecond, Median(durations(10, 20, 30, 40)), "lower middle for an even count")
	assert.Equal(t, 7*time.Millisecond, Percentile(durations(7), 99))
	assert.Zero(t, Percentile(nil, 50))
}

func TestPercentileMonotone(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]time.Duration, 1000)
	for i := range xs {
		xs[i] = time.Duration(r.ExpFloat64() * float64(time.Millisecond))
	}
	prev := time.Duration(-1)
	for p := 0.0; p <= 100; p += 0.5 {
		v := Percentile(xs, p)
		require.GreaterOrEqual(t, v, prev, "p%v", p)
		prev = v
	}
}

func TestSummarize(t *testing.T) {
	l := Summarize(durations(4, 1, 3, 2))
	assert.Equal(t, Latency{N: 4, P50: 2, P95: 4, P99: 4, Mean: 2.5, Max: 4}, l)
	assert.Equal(t, Latency{}, Summarize(nil))
}

func TestParseSizes(t *testing.T) {
	got, err := ParseSizes("1000, 10k,2m")
	require.NoError(t, err)
	assert.Equal(t, []int{1000, 10000, 2000000}, got)
	for _, bad := range []string{"", "x", "-5", "0", "1.5k"} {
		_, err := ParseSizes(bad)
		assert.Error(t, err, bad)
	}
}
