package preinit

import (
	"bytes"
	"errors"
	"fmt"
)

// The WebAssembly binary format, as far as a snapshot needs it: a module is
// a header and a list of sections; the ones rewritten here are parsed, the
// rest are copied as they are. (Core spec, "Binary Format".)

// Section ids.
const (
	secCustom    = 0
	secImport    = 2
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secCode      = 10
	secData      = 11
	secDataCount = 12
)

// Import and export kinds.
const (
	kindFunc   = 0
	kindMemory = 2
	kindGlobal = 3
)

// Opcodes of the constant expressions a global's initialiser may use here.
const (
	opEnd      = 0x0b
	opI32Const = 0x41
	opI64Const = 0x42
	opF32Const = 0x43
	opF64Const = 0x44
)

// Value types of globals.
const (
	typeI32 = 0x7f
	typeI64 = 0x7e
	typeF32 = 0x7d
	typeF64 = 0x7c
)

var header = []byte{0, 'a', 's', 'm', 1, 0, 0, 0}

type section struct {
	id   byte
	body []byte
}

// module is a parsed module: its sections in order.
type module struct{ sections []section }

func parseModule(b []byte) (*module, error) {
	if !bytes.HasPrefix(b, header) {
		return nil, errors.New("not a WebAssembly 1.0 module (bad magic or version)")
	}
	r := &reader{b: b, pos: len(header)}
	m := &module{}
	for r.pos < len(b) {
		id := r.byte()
		body := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, fmt.Errorf("section %d: %w", id, r.err)
		}
		m.sections = append(m.sections, section{id, body})
	}
	return m, nil
}

func (m *module) bytes() []byte {
	out := bytes.Clone(header)
	for _, s := range m.sections {
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.body)))
		out = append(out, s.body...)
	}
	return out
}

// section returns the body of the section with id, or nil.
func (m *module) section(id byte) []byte {
	for _, s := range m.sections {
		if s.id == id {
			return s.body
		}
	}
	return nil
}

// replace sets the body of the section with id, which must exist.
func (m *module) replace(id byte, body []byte) {
	for i := range m.sections {
		if m.sections[i].id == id {
			m.sections[i].body = body
			return
		}
	}
	panic(fmt.Sprintf("preinit: no section %d to replace", id))
}

// reader reads LEB128 numbers, bytes and names; the first error sticks.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format+" at byte %d", append(args, r.pos)...)
	}
}

func (r *reader) byte() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	r.pos++
	return r.b[r.pos-1]
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		r.fail("unexpected end")
		return nil
	}
	r.pos += n
	return r.b[r.pos-n : r.pos]
}

// uleb reads an unsigned LEB128 number of at most bits bits.
func (r *reader) uleb(bits uint) uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift >= bits {
			r.fail("LEB128 number too long")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (r *reader) u32() uint32 { return uint32(r.uleb(32)) }

// count reads a vector's length; a section that is absent (an empty
// reader) is an empty vector.
func (r *reader) count() uint32 {
	if len(r.b) == 0 {
		return 0
	}
	return r.u32()
}

func (r *reader) name() string { return string(r.bytes(int(r.u32()))) }

// limits reads a memory's limits: whether it has a maximum, min and max.
func (r *reader) limits() (hasMax bool, min, max uint32) {
	switch flags := r.byte(); flags {
	case 0:
		return false, r.u32(), 0
	case 1:
		return true, r.u32(), r.u32()
	default:
		r.fail("unsupported memory limits flags %#x (shared or 64-bit memory)", flags)
		return false, 0, 0
	}
}

// constExpr reads a constant expression up to and including its end.
func (r *reader) constExpr() []byte {
	start := r.pos
	switch op := r.byte(); op {
	case opI32Const:
		r.uleb(35) // a signed LEB128 is skipped like an unsigned one
	case opI64Const:
		r.uleb(70)
	case opF32Const:
		r.bytes(4)
	case opF64Const:
		r.bytes(8)
	default:
		r.fail("unsupported initialiser opcode %#x", op)
	}
	if r.byte() != opEnd {
		r.fail("initialiser does not end after one constant")
	}
	return r.b[start:r.pos]
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendS64 appends a signed LEB128 number.
func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}
