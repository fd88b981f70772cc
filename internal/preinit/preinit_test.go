package preinit

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// A small module, assembled by hand, stands in for a reactor: it imports
// two WASI functions (func 0 clock_time_get, func 1 random_get), defines
// _initialize (func 2) with the body a test gives, getters for its globals
// (funcs 3 and 4), one memory and three globals: g0 mutable i32 (0), g1
// mutable i64 (5), g2 immutable i32 (7). A data segment puts "hello" at 16.

const (
	opCall        = 0x10
	opDrop        = 0x1a
	opGlobalGet   = 0x23
	opGlobalSet   = 0x24
	opI32Load     = 0x28
	opI32Store    = 0x36
	opMemoryGrow  = 0x40
	opI32Add      = 0x6a
	opUnreachable = 0x00
)

func vec(items ...[]byte) []byte {
	out := appendU32(nil, uint32(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func i32(v int32) []byte { return appendS64([]byte{opI32Const}, int64(v)) }

func body(code ...[]byte) []byte {
	b := append([]byte{0}, cat(code...)...) // no locals
	b = append(b, opEnd)
	return append(appendU32(nil, uint32(len(b))), b...)
}

type testModule struct {
	init      []byte // _initialize's instructions
	memory    []byte // the memory section's limits
	extra     []section
	noInit    bool
	importMem bool
	noGlobals bool // no global section
	passive   bool // the data segment is passive
}

func (tm testModule) bytes() []byte {
	m := &module{}
	add := func(id byte, b []byte) { m.sections = append(m.sections, section{id, b}) }
	add(1, vec( // types
		[]byte{0x60, 0, 0}, // 0: () -> ()
		[]byte{0x60, 3, typeI32, typeI64, typeI32, 1, typeI32}, // 1: clock_time_get
		[]byte{0x60, 2, typeI32, typeI32, 1, typeI32},          // 2: random_get
		[]byte{0x60, 0, 1, typeI32},                            // 3: () -> i32
		[]byte{0x60, 0, 1, typeI64},                            // 4: () -> i64
	))
	imports := [][]byte{
		cat(appendName(appendName(nil, "wasi_snapshot_preview1"), "clock_time_get"), []byte{kindFunc, 1}),
		cat(appendName(appendName(nil, "wasi_snapshot_preview1"), "random_get"), []byte{kindFunc, 2}),
	}
	if tm.importMem {
		imports = append(imports, cat(appendName(appendName(nil, "env"), "memory"), []byte{kindMemory, 0, 1}))
	}
	add(secImport, vec(imports...))
	add(3, vec([]byte{0}, []byte{3}, []byte{4})) // functions 2, 3, 4
	if !tm.importMem {
		limits := tm.memory
		if limits == nil {
			limits = []byte{0, 1}
		}
		add(secMemory, vec(limits))
	}
	if !tm.noGlobals {
		add(secGlobal, vec(
			cat([]byte{typeI32, 1}, i32(0), []byte{opEnd}),
			cat([]byte{typeI64, 1, opI64Const, 5, opEnd}),
			cat([]byte{typeI32, 0}, i32(7), []byte{opEnd}),
		))
	}
	initName := InitExport
	if tm.noInit {
		initName = "start"
	}
	exports := [][]byte{
		cat(appendName(nil, initName), []byte{kindFunc, 2}),
		cat(appendName(nil, "g0"), []byte{kindFunc, 3}),
		cat(appendName(nil, "g1"), []byte{kindFunc, 4}),
	}
	if !tm.importMem {
		exports = append(exports, cat(appendName(nil, "memory"), []byte{kindMemory, 0}))
	}
	add(secExport, vec(exports...))
	m.sections = append(m.sections, tm.extra...)
	getters := [][]byte{body([]byte{opGlobalGet, 0}), body([]byte{opGlobalGet, 1})}
	if tm.noGlobals {
		getters = [][]byte{body(i32(0)), body([]byte{opI64Const, 0})}
	}
	add(secCode, vec(append([][]byte{body(tm.init)}, getters...)...))
	if tm.passive {
		add(secData, vec(cat([]byte{1}, appendName(nil, "hello"))))
	} else {
		add(secData, vec(cat([]byte{0}, i32(16), []byte{opEnd}, appendName(nil, "hello"))))
	}
	return m.bytes()
}

// counter increments the i32 at address 100; g0 = 123; g1 = -5; the memory
// grows by two pages and 9 is stored at 2 pages + 10.
var counter = cat(
	i32(100), i32(100), []byte{opI32Load, 2, 0}, i32(1), []byte{opI32Add}, []byte{opI32Store, 2, 0},
	i32(123), []byte{opGlobalSet, 0},
	[]byte{opI64Const}, appendS64(nil, -5), []byte{opGlobalSet, 1},
	i32(2), []byte{opMemoryGrow, 0, opDrop},
	i32(2*pageSize+10), i32(9), []byte{opI32Store, 2, 0},
)

func clockCall(id int32) []byte {
	return cat(i32(id), []byte{opI64Const, 1}, i32(200), []byte{opCall, 0, opDrop})
}

func randCall(n int32) []byte { return cat(i32(300), i32(n), []byte{opCall, 1, opDrop}) }

// instantiate runs wasm under wazero's interpreter and calls _initialize
// (if it still has one) as a host would.
func instantiate(t *testing.T, wasm []byte) api.Module {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	t.Cleanup(func() { rt.Close(ctx) })
	_, err := wasi_snapshot_preview1.Instantiate(ctx, rt)
	require.NoError(t, err)
	m, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions(InitExport))
	require.NoError(t, err)
	return m
}

func word(t *testing.T, m api.Module, addr uint32) uint32 {
	v, ok := m.Memory().ReadUint32Le(addr)
	require.True(t, ok)
	return v
}

func call(t *testing.T, m api.Module, name string) uint64 {
	r, err := m.ExportedFunction(name).Call(context.Background())
	require.NoError(t, err)
	return r[0]
}

func TestSnapshotHoldsWhatInitLeft(t *testing.T) {
	plain := testModule{init: counter}.bytes()
	snap, stats, err := Snapshot(context.Background(), plain)
	require.NoError(t, err)
	assert.Equal(t, uint32(3), stats.Pages)

	// The plain module, started by a host: what the snapshot must equal.
	want := instantiate(t, plain)
	got := instantiate(t, snap)
	for _, m := range []api.Module{want, got} {
		assert.Equal(t, uint32(1), word(t, m, 100), "init ran once")
		assert.Equal(t, uint32(9), word(t, m, 2*pageSize+10))
		assert.Equal(t, uint32(3*pageSize), m.Memory().Size())
		hello, _ := m.Memory().Read(16, 5)
		assert.Equal(t, "hello", string(hello))
		assert.Equal(t, uint64(123), call(t, m, "g0"))
		assert.Equal(t, int64(-5), int64(call(t, m, "g1")))
	}
	wantMem, _ := want.Memory().Read(0, want.Memory().Size())
	gotMem, _ := got.Memory().Read(0, got.Memory().Size())
	assert.True(t, bytes.Equal(wantMem, gotMem), "the snapshot's memory is the started module's")

	// Its _initialize does nothing; the plain one would count again.
	_, err = got.ExportedFunction(InitExport).Call(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint32(1), word(t, got, 100))
	_, err = want.ExportedFunction(InitExport).Call(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint32(2), word(t, want, 100))

	again, _, err := Snapshot(context.Background(), plain)
	require.NoError(t, err)
	assert.Equal(t, snap, again, "a snapshot is reproducible")
}

func TestSnapshotWithoutGlobals(t *testing.T) {
	init := cat(i32(100), i32(41), []byte{opI32Store, 2, 0})
	snap, _, err := Snapshot(context.Background(), testModule{init: init, noGlobals: true}.bytes())
	require.NoError(t, err)
	assert.Equal(t, uint32(41), word(t, instantiate(t, snap), 100))
}

func TestSnapshotKeepsMemoryMaximum(t *testing.T) {
	snap, _, err := Snapshot(context.Background(), testModule{init: counter, memory: []byte{1, 1, 8}}.bytes())
	require.NoError(t, err)
	m, err := parseModule(snap)
	require.NoError(t, err)
	r := &reader{b: m.section(secMemory)}
	r.u32()
	hasMax, min, max := r.limits()
	require.NoError(t, r.err)
	assert.Equal(t, []any{true, uint32(3), uint32(8)}, []any{hasMax, min, max})

	_, _, err = Snapshot(context.Background(), testModule{init: counter, memory: []byte{1, 1, 2}}.bytes())
	assert.ErrorContains(t, err, "running _initialize", "growing past the maximum fails the init itself")
}

func TestSnapshotReadsOnlyWhatItCanFreeze(t *testing.T) {
	ctx := context.Background()
	_, stats, err := Snapshot(ctx, testModule{init: cat(clockCall(1), clockCall(1), randCall(runtimeSeed))}.bytes())
	require.NoError(t, err, "the monotonic clock and the runtime's seed are allowed")
	assert.Equal(t, uint64(2), stats.ClockEnd)

	for name, tc := range map[string]struct {
		init []byte
		err  string
	}{
		"wall clock":       {clockCall(0), "read the wall clock"},
		"other randomness": {randCall(8), "read randomness [8] bytes"},
		"second seed":      {cat(randCall(runtimeSeed), randCall(runtimeSeed)), "read randomness [32 32] bytes"},
		"trap":             {[]byte{opUnreachable}, "running _initialize"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Snapshot(ctx, testModule{init: tc.init}.bytes())
			assert.ErrorContains(t, err, tc.err)
		})
	}
}

func TestSnapshotRefusesWhatItCannotHold(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		wasm []byte
		err  string
	}{
		"no init":         {testModule{noInit: true}.bytes(), "does not export _initialize"},
		"imported memory": {testModule{importMem: true}.bytes(), "imports env.memory (kind 2)"},
		"start function":  {testModule{extra: []section{{secStart, []byte{2}}}}.bytes(), "has a start function"},
		"not wasm":        {[]byte("\x00asm\x02\x00\x00\x00"), "not a WebAssembly 1.0 module"},
		"passive segment": {testModule{passive: true}.bytes(), "data segment of kind 1"},
		"data count":      {testModule{extra: []section{{secDataCount, []byte{1}}}}.bytes(), "data count section"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Snapshot(ctx, tc.wasm)
			assert.ErrorContains(t, err, tc.err)
		})
	}
}

// TestTruncatedModules cuts a module at every byte: each cut is refused
// with an error, never a panic.
func TestTruncatedModules(t *testing.T) {
	wasm := testModule{init: counter}.bytes()
	for n := 0; n < len(wasm); n++ {
		m, err := parseModule(wasm[:n])
		if err == nil {
			var lay layout
			if lay, err = inspect(m); err == nil {
				err = rewrite(m, lay, make([]byte, pageSize), make([]uint64, len(lay.globals)), &Stats{Pages: 1})
			}
		}
		assert.Error(t, err, "cut at %d", n)
	}
}

func TestNonZeroRuns(t *testing.T) {
	mem := make([]byte, 64)
	mem[3], mem[5], mem[20], mem[63] = 1, 2, 3, 4
	assert.Equal(t, [][2]int{{3, 6}, {20, 21}, {63, 64}}, nonZeroRuns(mem, 8), "gaps under 8 zeros stay inside a run")
	assert.Equal(t, [][2]int{{3, 21}, {63, 64}}, nonZeroRuns(mem, 16))
	assert.Empty(t, nonZeroRuns(make([]byte, 10), 8))
}

func TestAppendS64(t *testing.T) {
	for v, want := range map[int64][]byte{
		0: {0}, 1: {1}, -1: {0x7f}, 63: {0x3f}, 64: {0xc0, 0}, -64: {0x40}, -65: {0xbf, 0x7f}, 624485: {0xe5, 0x8e, 0x26},
	} {
		assert.Equal(t, want, appendS64(nil, v), "%d", v)
	}
}
