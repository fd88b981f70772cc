package wasm

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gcSettings reads the collector's percent and memory limit without
// changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1) // a negative limit only reads it
}

func TestImportDefersCollectionUntilCollect(t *testing.T) {
	percent, limit := gcSettings()
	require.Positive(t, percent, "the test starts with the collector on")
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	h := NewHandler()
	require.NotContains(t, string(h.Dispatch([]byte(seeds[1]))), "error")
	snap := h.ExportRaw(false)
	require.Equal(t, "CFDS", string(snap[:4]))

	h2 := NewHandler()
	assert.Contains(t, string(h2.ImportRaw(snap)), `"turns":2`)
	p, l := gcSettings()
	assert.Equal(t, -1, p, "after the local snapshot's import the collector is off")
	assert.Equal(t, deferredLimit(len(snap)), l, "but bounded: the runtime collects anyway if memory grows that far")
	assert.Positive(t, l)

	// Requests in between keep it off (the first recall is the one waited for).
	assert.Contains(t, string(h2.Dispatch([]byte(`{"op":"recall","text":"where do I live"}`))), "Lisbon")
	p, _ = gcSettings()
	assert.Equal(t, -1, p)

	var reply struct {
		HeapBytes uint64 `json:"heap_bytes"`
	}
	require.NoError(t, json.Unmarshal(h2.Dispatch([]byte(`{"op":"collect"}`)), &reply))
	assert.Positive(t, reply.HeapBytes)
	p, l = gcSettings()
	assert.Equal(t, percent, p, "collect turns the collector back on")
	assert.Equal(t, limit, l, "and restores the memory limit")

	// A failed import defers nothing; collect without a deferral only collects.
	h3 := NewHandler()
	assert.Contains(t, string(h3.ImportRaw([]byte("CFDS\x09"))), "error")
	p, _ = gcSettings()
	assert.Equal(t, percent, p)
	assert.NotContains(t, string(h3.Dispatch([]byte(`{"op":"collect"}`))), "error")
	p, l = gcSettings()
	assert.Equal(t, percent, p)
	assert.Equal(t, limit, l)
}
