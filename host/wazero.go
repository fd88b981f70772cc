// Package host runs Confidant's engine from Go: through the built .wasm
// under wazero (the same file the extension ships), or natively through
// package wasm's dispatcher. Client exposes every op as a Go method over
// either transport, so one test suite and one CLI exercise both.
package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Runtime holds a compiled engine module; each Instance is an independent
// engine (its own memory store).
type Runtime struct {
	rt  wazero.Runtime
	mod wazero.CompiledModule
}

// NewRuntime compiles the module with wazero's optimizing compiler. If
// cacheDir is not empty, compiled code is cached there (a cold compile
// takes most of a second; a warm one a few tens of milliseconds).
func NewRuntime(ctx context.Context, wasmBytes []byte, cacheDir string) (*Runtime, error) {
	cfg := wazero.NewRuntimeConfigCompiler()
	if cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("wasm cache %s: %w", cacheDir, err)
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasi: %w", err)
	}
	mod, err := rt.CompileModule(ctx, wasmBytes)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("compiling engine module: %w", err)
	}
	for _, name := range []string{"alloc", "free", "call", "snapshot_export", "snapshot_import", "import_feed", "_initialize"} {
		if _, ok := mod.ExportedFunctions()[name]; !ok {
			rt.Close(ctx)
			return nil, fmt.Errorf("engine module does not export %q: not a Confidant reactor", name)
		}
	}
	return &Runtime{rt: rt, mod: mod}, nil
}

// LoadRuntime reads a .wasm file and compiles it (see NewRuntime).
func LoadRuntime(ctx context.Context, path, cacheDir string) (*Runtime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading engine module: %w", err)
	}
	return NewRuntime(ctx, b, cacheDir)
}

// Close releases the runtime and every instance.
func (r *Runtime) Close(ctx context.Context) error { return r.rt.Close(ctx) }

// Instance is one engine inside the wasm module. Calls are serialised.
type Instance struct {
	mu                sync.Mutex
	mod               api.Module
	alloc, free, call api.Function
	export, imprt     api.Function
	feed              api.Function
}

// Instance starts a fresh engine.
func (r *Runtime) Instance(ctx context.Context) (*Instance, error) {
	cfg := wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").
		WithSysWalltime().WithSysNanotime().WithRandSource(randReader{})
	m, err := r.rt.InstantiateModule(ctx, r.mod, cfg)
	if err != nil {
		return nil, fmt.Errorf("starting engine module: %w", err)
	}
	return &Instance{mod: m, alloc: m.ExportedFunction("alloc"), free: m.ExportedFunction("free"),
		call: m.ExportedFunction("call"), export: m.ExportedFunction("snapshot_export"),
		imprt: m.ExportedFunction("snapshot_import"), feed: m.ExportedFunction("import_feed")}, nil
}

// Close stops the instance.
func (i *Instance) Close(ctx context.Context) error { return i.mod.Close(ctx) }

// Errors from calls into the module.
var (
	// ErrModule reports a broken module contract (bad pointer, trap).
	ErrModule = errors.New("engine module failed")
	// ErrTooLarge reports a request the module cannot take.
	ErrTooLarge = errors.New("request too large")
)

// MaxBuffer is the largest request or snapshot passed in one call; the
// reactor refuses larger buffers too.
const MaxBuffer = 512 << 20

// Call sends one JSON request and returns the JSON reply.
func (i *Instance) Call(ctx context.Context, req []byte) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.withBuffer(ctx, req, i.call)
}

// ImportSnapshot sends raw snapshot bytes (snapshot_import) and returns the
// JSON reply.
func (i *Instance) ImportSnapshot(ctx context.Context, data []byte) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.withBuffer(ctx, data, i.imprt)
}

// ImportFeed passes a raw chunk of an import (import_feed) and returns the
// JSON reply of import.feed.
func (i *Instance) ImportFeed(ctx context.Context, id uint32, data []byte) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.withBuffer(ctx, data, i.feed, uint64(id))
}

// ExportSnapshot returns raw snapshot bytes, or a JSON error reply
// (snapshot_export).
func (i *Instance) ExportSnapshot(ctx context.Context, compact bool) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	c := uint64(0)
	if compact {
		c = 1
	}
	res, err := i.export.Call(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("%w: snapshot_export: %w", ErrModule, err)
	}
	return i.reply(ctx, res[0])
}

// withBuffer copies in into a module buffer, calls fn(lead..., ptr, len)
// and returns its reply.
func (i *Instance) withBuffer(ctx context.Context, in []byte, fn api.Function, lead ...uint64) ([]byte, error) {
	if len(in) > MaxBuffer {
		return nil, fmt.Errorf("%w: %d bytes is over the %d-byte limit of one call", ErrTooLarge, len(in), MaxBuffer)
	}
	res, err := i.alloc.Call(ctx, uint64(len(in)))
	if err != nil {
		return nil, fmt.Errorf("%w: alloc: %w", ErrModule, err)
	}
	p := uint32(res[0])
	if p == 0 {
		return nil, fmt.Errorf("%w: the module refused a %d-byte buffer", ErrTooLarge, len(in))
	}
	defer i.free.Call(ctx, uint64(p))
	if !i.mod.Memory().Write(p, in) {
		return nil, fmt.Errorf("%w: request buffer out of range", ErrModule)
	}
	res, err = fn.Call(ctx, append(lead, uint64(p), uint64(len(in)))...)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrModule, fn.Definition().Name(), err)
	}
	return i.reply(ctx, res[0])
}

// reply copies out the buffer a packed ptr<<32|len names, then frees it.
func (i *Instance) reply(ctx context.Context, packed uint64) ([]byte, error) {
	rp, rn := uint32(packed>>32), uint32(packed)
	defer i.free.Call(ctx, uint64(rp))
	out, ok := i.mod.Memory().Read(rp, rn)
	if !ok {
		return nil, fmt.Errorf("%w: reply buffer out of range", ErrModule)
	}
	return append([]byte(nil), out...), nil
}
