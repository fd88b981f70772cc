package wasm

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/engine"
)

// gcSettings reads the collector's percent and memory limit without
// changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1) // a negative limit only reads it
}

// localSnapshot returns the local snapshot of a store with seeds[1]'s turns.
func localSnapshot(t *testing.T) []byte {
	h := NewHandler()
	require.NotContains(t, string(h.Dispatch([]byte(seeds[1]))), "error")
	snap := h.ExportRaw(false)
	require.Equal(t, "CFDS", string(snap[:4]))
	return snap
}

func deferring() *Handler {
	h := NewHandler()
	h.DeferCollection = true
	return h
}

func TestImportDefersCollectionUntilCollect(t *testing.T) {
	percent, limit := gcSettings()
	require.Positive(t, percent, "the test starts with the collector on")
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	snap := localSnapshot(t)

	// Without DeferCollection (native hosts) an import leaves the collector as it was.
	assert.Contains(t, string(NewHandler().ImportRaw(snap)), `"turns":2`)
	p, l := gcSettings()
	assert.Equal(t, percent, p)
	assert.Equal(t, limit, l)

	h := deferring()
	assert.Contains(t, string(h.ImportRaw(snap)), `"turns":2`)
	p, l = gcSettings()
	assert.Equal(t, -1, p, "after the local snapshot's import the collector is off")
	assert.Equal(t, deferredLimit(len(snap)), l, "but bounded: the runtime collects anyway if memory grows that far")

	// Requests in between keep it off (the first recall is the one waited for).
	assert.Contains(t, string(h.Dispatch([]byte(`{"op":"recall","text":"where do I live"}`))), "Lisbon")
	p, _ = gcSettings()
	assert.Equal(t, -1, p)

	// A second import, even by another handler of the process, keeps the
	// settings from before the first: collect restores those.
	assert.Contains(t, string(deferring().ImportRaw(snap)), `"turns":2`)
	var reply struct {
		HeapBytes uint64 `json:"heap_bytes"`
	}
	require.NoError(t, json.Unmarshal(NewHandler().Dispatch([]byte(`{"op":"collect"}`)), &reply), "any handler ends it")
	assert.Positive(t, reply.HeapBytes)
	p, l = gcSettings()
	assert.Equal(t, percent, p, "collect turns the collector back on")
	assert.Equal(t, limit, l, "and restores the memory limit")

	// A failed import defers nothing; collect without a deferral only collects.
	// A lower limit the host set stays.
	debug.SetMemoryLimit(32 << 20)
	assert.Contains(t, string(deferring().ImportRaw(snap)), `"turns":2`)
	_, l = gcSettings()
	assert.Equal(t, int64(32<<20), l)
	deferring().Dispatch([]byte(`{"op":"collect"}`))
	_, l = gcSettings()
	assert.Equal(t, int64(32<<20), l, "and is restored as it was")
	debug.SetMemoryLimit(limit)

	h3 := deferring()
	assert.Contains(t, string(h3.ImportRaw([]byte("CFDS\x09"))), "error")
	p, _ = gcSettings()
	assert.Equal(t, percent, p)
	assert.NotContains(t, string(h3.Dispatch([]byte(`{"op":"collect"}`))), "error")
	p, l = gcSettings()
	assert.Equal(t, percent, p)
	assert.Equal(t, limit, l)
}

func TestDeferredLimit(t *testing.T) {
	assert.Equal(t, int64(deferredFloor), deferredLimit(0))
	assert.Equal(t, int64(deferredFloor+16<<20), deferredLimit(1<<20), "twice 8× a 1 MiB snapshot above the floor")
	assert.Equal(t, int64(engine.LoadMemoryLimit), deferredLimit(200<<20), "never above the load's own limit")
}

// TestLocalAndBackupExports: the host's own store (snapshot_export) is
// stored uncompressed; the snapshot.export op's full form, written to
// backup files, is the same state zstd-compressed.
func TestLocalAndBackupExports(t *testing.T) {
	h := NewHandler()
	require.NotContains(t, string(h.Dispatch([]byte(seeds[1]))), "error")
	local := h.ExportRaw(false)
	assert.Equal(t, byte(2), local[5], "the local store: flag bit 1, stored")
	var backup SnapshotData
	require.NoError(t, json.Unmarshal(h.Dispatch([]byte(`{"op":"snapshot.export"}`)), &backup))
	assert.Equal(t, byte(0), backup.Data[5], "a backup file: zstd")
	assert.Less(t, len(backup.Data), len(local))
	assert.Equal(t, local[:5], backup.Data[:5], "same magic and version: the same content")
}
