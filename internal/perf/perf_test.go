package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunNative runs the whole suite natively on a small store and checks
// that every number is there and sane (no timing thresholds).
func TestRunNative(t *testing.T) {
	var phases []string
	o := Options{Sizes: []int{500}, Queries: 40, Loads: 3, Batch: 200, Seed: 3,
		Progress: func(f string, a ...any) { phases = append(phases, f) }}
	res, err := Run(context.Background(), []Engine{Native()}, o)
	require.NoError(t, err)
	require.Len(t, res, 1)
	r := res[0]

	assert.Equal(t, "native", r.Engine)
	assert.Equal(t, 500, r.Turns)
	assert.Positive(t, r.Sessions)
	assert.Positive(t, r.RawTextBytes)

	assert.Positive(t, r.Ingest.TurnsPerSec)
	assert.Positive(t, r.Ingest.Seconds)
	assert.Equal(t, 3, r.Ingest.Batches.N, "500 turns in batches of 200")

	for name, l := range map[string]Latency{"recall": r.Recall, "context": r.Context} {
		assert.Equal(t, 40, l.N, name)
		assert.Positive(t, l.P50, name)
		assert.GreaterOrEqual(t, l.P95, l.P50, name)
		assert.GreaterOrEqual(t, l.P99, l.P95, name)
		assert.GreaterOrEqual(t, l.Max, l.P99, name)
	}
	assert.Greater(t, r.RecallFound, 0.5, "phrase queries find their source turn")

	assert.Positive(t, r.Snapshot.Bytes)
	assert.InDelta(t, float64(r.Snapshot.Bytes)/float64(r.RawTextBytes), r.Snapshot.RatioToRaw, 1e-9)
	assert.Positive(t, r.Snapshot.ExportMs)
	assert.Len(t, r.Snapshot.LoadsMs, 3)
	assert.Positive(t, r.Snapshot.LoadMs)
	assert.Contains(t, r.Snapshot.LoadsMs, r.Snapshot.LoadMs, "the median is one of the loads")

	assert.Positive(t, r.Memory.HeapInusePeakBytes)
	assert.GreaterOrEqual(t, r.Memory.SysPeakBytes, r.Memory.HeapInusePeakBytes)
	assert.Zero(t, r.Memory.WasmLinearBytes)
	assert.NotEmpty(t, phases)

	// The report renders in all three forms.
	rep := NewReport(o)
	rep.Results = res
	rep.Module = &ModuleSize{Path: "x.wasm", Raw: 1000, Gzip: 500, Brotli: 400}
	var tb, md bytes.Buffer
	require.NoError(t, rep.WriteTable(&tb))
	assert.Contains(t, tb.String(), "native")
	assert.Contains(t, tb.String(), "recall p50/p95/p99 ms")
	require.NoError(t, rep.WriteMarkdown(&md))
	lines := strings.Split(md.String(), "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	assert.True(t, strings.HasPrefix(lines[0], "| engine |"))
	assert.Equal(t, strings.Count(lines[0], "|"), strings.Count(lines[2], "|"), "rows have as many cells as the header")

	path := filepath.Join(t.TempDir(), "perf.json")
	require.NoError(t, rep.WriteJSON(path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Results, 1)
	assert.Equal(t, r.Recall, back.Results[0].Recall)
	assert.Equal(t, r.Snapshot, back.Results[0].Snapshot)
}

func TestMeasureModule(t *testing.T) {
	b := bytes.Repeat([]byte("confidant wasm module bytes "), 4000)
	dir := t.TempDir()
	m, cached, err := MeasureModuleCached("m.wasm", b, dir)
	require.NoError(t, err)
	assert.False(t, cached)
	assert.Equal(t, int64(len(b)), m.Raw)
	assert.Positive(t, m.Gzip)
	assert.Less(t, m.Gzip, m.Raw)
	assert.Positive(t, m.Brotli)
	assert.Less(t, m.Brotli, m.Raw)

	again, cached, err := MeasureModuleCached("other.wasm", b, dir)
	require.NoError(t, err)
	assert.True(t, cached)
	assert.Equal(t, "other.wasm", again.Path)
	assert.Equal(t, m.Gzip, again.Gzip)
	assert.Equal(t, m.Brotli, again.Brotli)
}
