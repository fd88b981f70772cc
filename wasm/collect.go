package wasm

import (
	"runtime"
	"runtime/debug"
)

// A cold start imports the whole store with the collector off (see
// engine.Import), which leaves a heap of tens of megabytes that the last
// collection, at start-up, never saw. Turned back on at once, the collector
// would start a cycle at the next allocation and mark that whole heap inside
// the first recall, the one the user waits for (in Chromium the first recall
// with 10,000 turns took 32–59 ms with that collection in it, 14–34 without;
// the collection itself takes 16–35 ms). So after the local snapshot's import
// the collector stays off until the host asks for a collection while it is
// idle (the worker does once the first request after a start is answered)
// or, if it never asks, until memory grows to about twice what the import
// left (deferredLimit); the runtime then collects on its own.

// Measured in Chromium: the live heap after an import and its collection is
// about 18 times the local snapshot's size (10,000 turns: 0.5 MiB → 9.0 MiB).
// The deferral's memory limit is twice a round 20 times, plus a floor so that
// a small store's first requests never collect. (Reading the runtime's actual total instead cost
// ~30 ms of cold code under wazero: runtime/metrics initialises every metric
// on its first read, and linking it adds ~80 KB to the module.)
const (
	heapPerSnapshotByte = 20
	deferredFloor       = 64 << 20
)

func deferredLimit(snapshotBytes int) int64 {
	return deferredFloor + 2*heapPerSnapshotByte*int64(snapshotBytes)
}

// deferredGC holds the settings collect restores; nil when the collector is
// on as usual.
type deferredGC struct {
	percent int
	limit   int64
}

// deferCollection turns the collector off after an import of n bytes, until
// collect or until memory reaches deferredLimit(n).
func (h *Handler) deferCollection(n int) {
	d := &deferredGC{percent: debug.SetGCPercent(-1), limit: debug.SetMemoryLimit(deferredLimit(n))}
	if h.gc == nil { // a second import keeps the first one's settings to restore
		h.gc = d
	}
}

// collect turns the collector back on (if an import deferred it) and runs a
// full collection; it replies with the live heap after it.
func (h *Handler) collect(*Empty) (any, error) {
	if d := h.gc; d != nil {
		h.gc = nil
		debug.SetGCPercent(d.percent)
		debug.SetMemoryLimit(d.limit)
	}
	runtime.GC()
	var m runtime.MemStats // (runtime/metrics would add ~80 KB to the module)
	runtime.ReadMemStats(&m)
	return map[string]uint64{"heap_bytes": m.HeapAlloc}, nil
}
