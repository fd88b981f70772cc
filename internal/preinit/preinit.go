// Package preinit snapshots a WASI reactor after its initialisation: it runs
// the module's _initialize once, at build time, under wazero, and writes a
// module whose memory and globals already hold what that call left behind,
// and whose _initialize does nothing. A host then starts the module without
// running the Go runtime's and packages' start-up (schedinit, the heap, every
// package's init: some 30 ms of an extension's cold start), and the module
// behaves as if it had just been initialised.
//
// What makes this sound for a Go reactor: everything its start leaves behind
// lives in linear memory and in the module's globals (Go's wasm port keeps
// its stack pointer, goroutine and pause flag there); none of it lives in the
// host. What the start read from the host is fixed in the snapshot:
//
//   - the monotonic clock: the run sees a clock that starts at 1 ns and
//     advances 1 ns a read, so any host's clock (nanoseconds since the host
//     started) is later than every reading the snapshot holds;
//   - randomness: the Go runtime seeds its hash functions and its internal
//     generator at start; the run reads a stream derived from the module's
//     own bytes, so a build is reproducible and every install of one build
//     shares those seeds (crypto/rand reads the host at every call and is
//     not affected; see RATIONALE.md, "Why is the engine module
//     pre-initialised?");
//   - arguments and environment: none, as in the browser.
//
// A start that reads the wall clock, writes output, reads randomness beyond
// the Go runtime's seed or fails is refused, as is a module that imports its
// memory or globals, has a start function, a data count section or passive
// data segments: their snapshot would not be the start a host would have
// run. The guard sees only what the start asks of the host: a value the
// start draws from the runtime's own generator (math/rand, a hash/maphash
// seed) is fixed in the snapshot like the seed it comes from, so no package
// of the module may keep such a value for anything that must differ between
// installs. Tables are not captured: Go's wasm port never changes its table
// after instantiation.
package preinit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// InitExport is the export a WASI reactor's host calls once before anything
// else; the snapshot keeps it, doing nothing, so hosts need no change.
const InitExport = "_initialize"

// pageSize is the WebAssembly page.
const pageSize = 65536

// Stats describes a snapshot.
type Stats struct {
	Pages     uint32 // the memory's size after the start, in pages
	Segments  int    // data segments that hold it
	DataBytes int    // bytes of memory they hold (the rest is zero)
	ClockEnd  uint64 // the last monotonic reading the start took, in ns
}

// globalDef is one global the module defines.
type globalDef struct {
	valType byte
	mutable bool
}

// layout is what a snapshot needs to know about a module.
type layout struct {
	globals    []globalDef
	initFunc   uint32 // function index of InitExport
	funcImport uint32 // imported functions, which come first in the index space
}

// Snapshot runs wasm's _initialize and returns the pre-initialised module.
func Snapshot(ctx context.Context, wasm []byte) ([]byte, Stats, error) {
	m, err := parseModule(wasm)
	if err != nil {
		return nil, Stats{}, err
	}
	lay, err := inspect(m)
	if err != nil {
		return nil, Stats{}, err
	}
	mem, globals, clock, err := run(ctx, m, lay, wasm)
	if err != nil {
		return nil, Stats{}, err
	}
	stats := Stats{Pages: uint32(len(mem) / pageSize), ClockEnd: clock}
	if err := rewrite(m, lay, mem, globals, &stats); err != nil {
		return nil, Stats{}, err
	}
	return m.bytes(), stats, nil
}

// inspect finds the module's globals and its init function, and refuses
// what a snapshot cannot hold.
func inspect(m *module) (layout, error) {
	var lay layout
	if m.section(secStart) != nil {
		return lay, errors.New("the module has a start function; a snapshot would run it twice")
	}
	r := &reader{b: m.section(secImport)}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		mod, name := r.name(), r.name()
		switch kind := r.byte(); kind {
		case kindFunc:
			r.u32()
			lay.funcImport++
		default:
			return lay, fmt.Errorf("the module imports %s.%s (kind %d); only functions can be imported into a snapshot", mod, name, kind)
		}
	}
	if r.err != nil {
		return lay, fmt.Errorf("import section: %w", r.err)
	}
	r = &reader{b: m.section(secGlobal)}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		g := globalDef{valType: r.byte(), mutable: r.byte() == 1}
		r.constExpr()
		lay.globals = append(lay.globals, g)
	}
	if r.err != nil {
		return lay, fmt.Errorf("global section: %w", r.err)
	}
	found := false
	r = &reader{b: m.section(secExport)}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		name, kind, index := r.name(), r.byte(), r.u32()
		if name == InitExport && kind == kindFunc {
			lay.initFunc, found = index, true
		}
	}
	if r.err != nil {
		return lay, fmt.Errorf("export section: %w", r.err)
	}
	if !found {
		return lay, fmt.Errorf("the module does not export %s: not a WASI reactor", InitExport)
	}
	if lay.initFunc < lay.funcImport {
		return lay, fmt.Errorf("%s is an imported function", InitExport)
	}
	if m.section(secMemory) == nil {
		return lay, errors.New("the module defines no memory")
	}
	if m.section(secDataCount) != nil {
		return lay, errors.New("the module has a data count section (passive segments or memory.init); a snapshot replaces every segment")
	}
	r = &reader{b: m.section(secData)}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		if flags := r.u32(); flags != 0 {
			return lay, fmt.Errorf("the module has a data segment of kind %d; a snapshot handles only active segments of memory 0", flags)
		}
		r.constExpr()
		r.bytes(int(r.u32()))
	}
	if r.err != nil {
		return lay, fmt.Errorf("data section: %w", r.err)
	}
	return lay, nil
}

// globalExport names the export through which run reads global i.
func globalExport(i int) string { return fmt.Sprintf("preinit.global.%d", i) }

// runtimeSeed is the one read of randomness a Go program's start makes: the
// runtime's startupRand, 32 bytes, which seeds its hash functions and its
// internal generator.
const runtimeSeed = 32

// inputs records what the start asked of the host.
type inputs struct {
	clock     uint64 // monotonic readings; each returns the count so far in ns
	wallRead  bool
	randReads []int // the size of each read of randomness
	rng       *rand.ChaCha8
	output    bytes.Buffer
}

func (in *inputs) nanotime() int64 { in.clock++; return int64(in.clock) }

func (in *inputs) walltime() (int64, int32) { in.wallRead = true; return 0, 0 }

func (in *inputs) Read(p []byte) (int, error) {
	in.randReads = append(in.randReads, len(p))
	return in.rng.Read(p)
}

// check refuses a start whose snapshot would differ from what a host's own
// call would have left: output, a wall-clock reading, or randomness beyond
// the runtime's seed (a key or an id drawn at start would be the same in
// every install).
func (in *inputs) check() error {
	switch {
	case in.output.Len() > 0:
		return fmt.Errorf("%s wrote output, which a snapshot would not repeat: %q", InitExport, in.output.String())
	case in.wallRead:
		return fmt.Errorf("%s read the wall clock; its snapshot would freeze that time", InitExport)
	case len(in.randReads) > 1 || len(in.randReads) == 1 && in.randReads[0] != runtimeSeed:
		return fmt.Errorf("%s read randomness %v bytes at a time, beyond the Go runtime's one %d-byte seed: "+
			"its snapshot would give every install the same values", InitExport, in.randReads, runtimeSeed)
	}
	return nil
}

// run instantiates a copy of the module that also exports every global,
// calls its init and returns its memory, its globals' values and the last
// monotonic clock reading it took. The randomness it reads is derived from
// the module's bytes, so a build is reproducible.
func run(ctx context.Context, m *module, lay layout, wasm []byte) (mem []byte, globals []uint64, clock uint64, err error) {
	probe := &module{sections: append([]section(nil), m.sections...)}
	er := &reader{b: m.section(secExport)}
	count := er.u32()
	exports := appendU32(nil, count+uint32(len(lay.globals)))
	exports = append(exports, er.b[er.pos:]...)
	for i := range lay.globals {
		exports = append(appendName(exports, globalExport(i)), kindGlobal)
		exports = appendU32(exports, uint32(i))
	}
	probe.replace(secExport, exports)

	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer rt.Close(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return nil, nil, 0, fmt.Errorf("wasi: %w", err)
	}
	in := &inputs{rng: rand.NewChaCha8(sha256.Sum256(wasm))}
	cfg := wazero.NewModuleConfig().WithName("").WithStartFunctions().
		WithStdout(&in.output).WithStderr(&in.output).WithRandSource(in).
		WithNanotime(in.nanotime, 1).WithWalltime(in.walltime, 1)
	inst, err := rt.InstantiateWithConfig(ctx, probe.bytes(), cfg)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("instantiating the module: %w", err)
	}
	if _, err := inst.ExportedFunction(InitExport).Call(ctx); err != nil {
		return nil, nil, 0, fmt.Errorf("running %s: %w (output: %q)", InitExport, err, in.output.String())
	}
	if err := in.check(); err != nil {
		return nil, nil, 0, err
	}
	view, ok := inst.Memory().Read(0, inst.Memory().Size())
	if !ok {
		return nil, nil, 0, errors.New("reading the module's memory")
	}
	for i := range lay.globals {
		globals = append(globals, inst.ExportedGlobal(globalExport(i)).Get())
	}
	return bytes.Clone(view), globals, in.clock, nil
}

// rewrite turns m into the snapshot: memory size, globals' initialisers,
// data segments holding the memory, and an init function that returns.
func rewrite(m *module, lay layout, mem []byte, globals []uint64, stats *Stats) error {
	if err := rewriteMemory(m, stats.Pages); err != nil {
		return err
	}
	if len(lay.globals) > 0 {
		g := appendU32(nil, uint32(len(lay.globals)))
		for i, def := range lay.globals {
			mut := byte(0)
			if def.mutable {
				mut = 1
			}
			g = append(g, def.valType, mut)
			g = appendConst(g, def.valType, globals[i])
		}
		m.replace(secGlobal, g)
	}

	data, segments, held := dataSection(mem)
	stats.Segments, stats.DataBytes = segments, held
	if m.section(secData) == nil {
		return errors.New("the module has no data section") // Go's always has one
	}
	m.replace(secData, data)
	return emptyInit(m, lay)
}

// rewriteMemory sets the memory's initial size to pages.
func rewriteMemory(m *module, pages uint32) error {
	r := &reader{b: m.section(secMemory)}
	if n := r.u32(); n != 1 {
		return fmt.Errorf("the module defines %d memories; a snapshot handles one", n)
	}
	hasMax, _, max := r.limits()
	if r.err != nil {
		return fmt.Errorf("memory section: %w", r.err)
	}
	out := appendU32(nil, 1)
	if hasMax {
		if max < pages {
			return fmt.Errorf("the memory grew to %d pages, past its maximum of %d", pages, max)
		}
		return setMemory(m, appendU32(appendU32(append(out, 1), pages), max))
	}
	return setMemory(m, appendU32(append(out, 0), pages))
}

func setMemory(m *module, body []byte) error { m.replace(secMemory, body); return nil }

// appendConst appends the constant expression that yields v, a global's raw
// value as wazero reports it, for a global of type t.
func appendConst(b []byte, t byte, v uint64) []byte {
	switch t {
	case typeI32:
		b = appendS64(append(b, opI32Const), int64(int32(uint32(v))))
	case typeI64:
		b = appendS64(append(b, opI64Const), int64(v))
	case typeF32:
		b = binary.LittleEndian.AppendUint32(append(b, opF32Const), math.Float32bits(math.Float32frombits(uint32(v))))
	default: // typeF64; inspect's reader accepts no other value type's initialiser
		b = binary.LittleEndian.AppendUint64(append(b, opF64Const), v)
	}
	return append(b, opEnd)
}

// segmentCost is what a data segment costs beyond its bytes (flags, offset
// expression, length): about 8 bytes, the estimate Go's linker and wasm-opt
// use. A run of zeros at least this long ends a segment; a shorter one is
// cheaper written out.
const segmentCost = 8

// maxSegments is the most data segments a module may have: V8 refuses more
// than 100,000 (as Go's linker knows).
const maxSegments = 100_000

// dataSection returns a data section of active segments that recreate mem
// (memory starts zeroed, so only its non-zero runs are written), their
// number and the bytes they hold.
func dataSection(mem []byte) (body []byte, segments, held int) {
	var segs [][2]int
	for gap := segmentCost; ; gap *= 2 { // a longer gap only if the cap needs one
		if segs = nonZeroRuns(mem, gap); len(segs) <= maxSegments {
			break
		}
	}
	body = appendU32(nil, uint32(len(segs)))
	for _, s := range segs {
		body = append(body, 0, opI32Const) // active, memory 0, offset expression
		body = appendS64(body, int64(int32(uint32(s[0]))))
		body = append(body, opEnd)
		body = appendU32(body, uint32(s[1]-s[0]))
		body = append(body, mem[s[0]:s[1]]...)
		held += s[1] - s[0]
	}
	return body, len(segs), held
}

// nonZeroRuns returns the [start, end) ranges of mem's non-zero bytes,
// joined across runs of fewer than gap zeros.
func nonZeroRuns(mem []byte, gap int) (runs [][2]int) {
	for i := 0; i < len(mem); {
		if mem[i] == 0 {
			i++
			continue
		}
		start, end := i, i+1
		for j := end; j < len(mem) && j-end < gap; j++ {
			if mem[j] != 0 {
				end = j + 1
			}
		}
		runs = append(runs, [2]int{start, end})
		i = end
	}
	return runs
}

// emptyInit replaces the body of the init function with one that returns.
func emptyInit(m *module, lay layout) error {
	r := &reader{b: m.section(secCode)}
	n := r.u32()
	target := lay.initFunc - lay.funcImport
	if target >= n {
		return fmt.Errorf("%s's body is missing from the code section", InitExport)
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.pos
		size := r.u32()
		r.bytes(int(size))
		if i == target {
			out = append(out, 2, 0, opEnd) // a 2-byte body: no locals, end
			continue
		}
		out = append(out, r.b[start:r.pos]...)
	}
	if r.err != nil {
		return fmt.Errorf("code section: %w", r.err)
	}
	m.replace(secCode, out)
	return nil
}
