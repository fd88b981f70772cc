package wasm

import (
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/confidant-dev/confidant/core/engine"
)

// A cold start imports the whole store with the collector off (see
// engine.Import), which leaves a heap of tens of megabytes that the last
// collection, at start-up, never saw. Turned back on at once, the collector
// would start a cycle at the next allocation and mark that whole heap inside
// the first recall, the one the user waits for (in Chromium the first recall
// with 10,000 turns took 32–59 ms with that collection in it, 14–34 without;
// the collection itself takes 16–44 ms). So a handler with DeferCollection
// set (the reactor's) leaves the collector off after the local snapshot's
// import until the host asks for a collection while it is idle (the worker
// does once its first answer after a start is sent) or, if it never asks,
// until memory grows to about twice what the import left (deferredLimit);
// the runtime then collects on its own.

// Measured in Chromium: the live heap after an import and its collection is
// about 6.5 times the stored local snapshot's size (10,000 turns: 1.4 MiB →
// 9.0 MiB). The limit is twice a round 8 times that, plus a floor so that a
// small store's first requests never collect, and never more than the load's
// own limit (engine.LoadMemoryLimit) or a lower one the host set. (A
// snapshot in a compressed codec, written by an older build, leaves a larger
// heap per byte: the runtime then collects sooner, once,
// until the next compaction stores it uncompressed. Reading the runtime's
// actual memory total instead cost ~30 ms of cold code under wazero:
// runtime/metrics initialises every metric on its first read, and linking
// it added ~21 KB to the module.)
const (
	heapPerSnapshotByte = 8
	deferredFloor       = 64 << 20
)

func deferredLimit(snapshotBytes int) int64 {
	return min(deferredFloor+2*heapPerSnapshotByte*int64(snapshotBytes), engine.LoadMemoryLimit)
}

// The collector's settings are the process's, not a handler's: one deferral
// at a time, whichever handler imported, and collect on any handler ends it.
var deferral struct {
	sync.Mutex
	active  bool
	percent int   // to restore
	limit   int64 // to restore
}

// deferCollection turns the collector off after an import of n bytes, until
// collect or until memory reaches deferredLimit(n). A second import while
// one is deferred keeps the settings from before the first.
func deferCollection(n int) {
	deferral.Lock()
	defer deferral.Unlock()
	// A lower limit the host set (GOMEMLIMIT) stays.
	prev := debug.SetMemoryLimit(-1)
	percent, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(min(deferredLimit(n), prev))
	if !deferral.active {
		deferral.active, deferral.percent, deferral.limit = true, percent, limit
	}
}

// collect turns the collector back on (if an import deferred it) and runs a
// full collection; it replies with the live heap after it.
func (h *Handler) collect(*Empty) (any, error) {
	deferral.Lock()
	if deferral.active {
		deferral.active = false
		debug.SetGCPercent(deferral.percent)
		debug.SetMemoryLimit(deferral.limit)
	}
	deferral.Unlock()
	runtime.GC()
	var m runtime.MemStats // (runtime/metrics would add ~21 KB to the module)
	runtime.ReadMemStats(&m)
	return map[string]uint64{"heap_bytes": m.HeapAlloc}, nil
}
