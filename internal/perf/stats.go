package perf

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Percentile returns the p-th percentile (0–100) of xs by the nearest-rank
// method: the smallest value such that at least p% of the values are less
// than or equal to it. It is always one of the observed values. xs need not
// be sorted and is not modified; an empty xs gives 0.
func Percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentileSorted(s, p)
}

func percentileSorted(s []time.Duration, p float64) time.Duration {
	switch {
	case p <= 0:
		return s[0]
	case p >= 100:
		return s[len(s)-1]
	}
	// Rank is ceil(p/100 * n); the small epsilon keeps e.g. 0.95*100 from
	// rounding up to 96 through floating-point error.
	rank := int(math.Ceil(p/100*float64(len(s)) - 1e-9))
	return s[max(rank, 1)-1]
}

// Latency summarises a set of call durations.
type Latency struct {
	N    int     `json:"n"`
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Mean float64 `json:"mean_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize computes a Latency from durations.
func Summarize(xs []time.Duration) Latency {
	if len(xs) == 0 {
		return Latency{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Latency{
		N:    len(s),
		P50:  ms(percentileSorted(s, 50)),
		P95:  ms(percentileSorted(s, 95)),
		P99:  ms(percentileSorted(s, 99)),
		Mean: ms(sum / time.Duration(len(s))),
		Max:  ms(s[len(s)-1]),
	}
}

// Median returns the median (the lower middle value for an even count).
func Median(xs []time.Duration) time.Duration { return Percentile(xs, 50) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ParseSizes parses a comma-separated list of turn counts; a k or m suffix
// multiplies by a thousand or a million.
func ParseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		mult := 1
		switch {
		case strings.HasSuffix(f, "k"):
			mult, f = 1000, strings.TrimSuffix(f, "k")
		case strings.HasSuffix(f, "m"):
			mult, f = 1000000, strings.TrimSuffix(f, "m")
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("sizes: %q is not a positive number of turns", f)
		}
		out = append(out, n*mult)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sizes: no sizes")
	}
	return out, nil
}
