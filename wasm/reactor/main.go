//go:build wasip1

// Command reactor is the WebAssembly module Confidant ships: a WASI reactor
// exporting alloc, free and call (see package wasm for the protocol).
//
// Memory contract: alloc returns a buffer the host writes a request into;
// call reads it and returns ptr<<32|len of a reply buffer; the host copies
// the reply out and frees both. Every live buffer is kept in a map so Go's
// garbage collector does not reclaim memory the host still points at.
package main

import (
	"unsafe"

	"github.com/confidant-dev/confidant/wasm"
)

var (
	handler = newHandler()
	live    = map[uint32][]byte{}
)

// newHandler returns the module's handler: after a cold start's import the
// collector waits for the host's collect (see package wasm, collect.go).
func newHandler() *wasm.Handler {
	h := wasm.NewHandler()
	h.DeferCollection = true
	return h
}

func main() {}

// maxAlloc bounds one host buffer: the largest request or snapshot the
// engine accepts (package wasm and core/snapshot limits) with room to spare.
const maxAlloc = 512 << 20

//go:wasmexport alloc
func alloc(size uint32) uint32 {
	if size > maxAlloc {
		return 0 // the host treats 0 as "refused"
	}
	if size == 0 {
		size = 1
	}
	buf := make([]byte, size)
	p := uint32(uintptr(unsafe.Pointer(&buf[0])))
	live[p] = buf
	return p
}

//go:wasmexport free
func free(p uint32) { delete(live, p) }

var errBadBuffer = []byte(`{"error":{"code":"bad_request","message":"pointer was not returned by alloc or length exceeds its buffer"}}`)

// request returns the host-written bytes at p, or nil if p is not a live
// buffer of at least n bytes.
func request(p, n uint32) []byte {
	buf, ok := live[p]
	if !ok || int(n) > len(buf) {
		return nil
	}
	return buf[:n]
}

// keep registers a reply buffer until the host frees it and packs its
// address and length.
func keep(reply []byte) uint64 {
	if len(reply) == 0 {
		reply = []byte("{}")
	}
	rp := uint32(uintptr(unsafe.Pointer(&reply[0])))
	live[rp] = reply
	return uint64(rp)<<32 | uint64(len(reply))
}

//go:wasmexport call
func call(p, n uint32) uint64 {
	req := request(p, n)
	if req == nil {
		return keep(errBadBuffer)
	}
	return keep(handler.Dispatch(req))
}

//go:wasmexport snapshot_export
func snapshotExport(compact uint32) uint64 { return keep(handler.ExportRaw(compact != 0)) }

//go:wasmexport snapshot_import
func snapshotImport(p, n uint32) uint64 {
	data := request(p, n)
	if data == nil {
		return keep(errBadBuffer)
	}
	return keep(handler.ImportRaw(data))
}

//go:wasmexport import_feed
func importFeed(id, p, n uint32) uint64 {
	data := request(p, n)
	if data == nil {
		return keep(errBadBuffer)
	}
	return keep(handler.FeedRaw(id, data))
}
