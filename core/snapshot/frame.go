package snapshot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Version is the newest format version this package reads and writes. It
// reads every version from 1 to Version, and writes the oldest one that can
// hold what it is given: version 1 for a state alone, version 2 for a state
// with its terms, 3 and 4 for the same with sync metadata (see "Versions"
// in the package documentation).
const Version = 4

// The versions this package knows.
const (
	version1 = 1 // a state
	version2 = 2 // a state and its terms
	version3 = 3 // a state and its sync metadata
	version4 = 4 // a state, its terms and its sync metadata
)

// Limits a decoder enforces before allocating. A caller can rely on them to
// bound the memory one snapshot takes: the input and its decompressed content
// are each at most MaxSize, and the decoded state holds every string inside
// one copy of the content plus at most about 16 bytes of record structs per
// content byte (the ratio of a minimal turn's size in memory to its size on
// the wire; realistic snapshots, dominated by text, stay near 1×).
const (
	// MaxSize caps the snapshot and its decompressed content: 256 MiB, about
	// 600,000 chat turns of ordinary length.
	MaxSize = 256 << 20
	// MaxWindow caps the zstd window a decoder accepts (and so the history
	// it keeps); the encoder uses a smaller one.
	MaxWindow = 8 << 20
)

const (
	headerSize   = 6 // magic, version, flags
	crcSize      = 4 // the CRC-32C after the body
	encodeWindow = 4 << 20
)

// Flags of the header; see "Flags" in the package documentation.
const (
	flagS2     = 1 << 0 // the frame is an S2 block, not a zstd frame
	flagStored = 1 << 1 // the frame is the content itself, not compressed
	knownFlags = flagS2 | flagStored
)

// Codec is how a snapshot compresses its content (the body and its
// checksum). The body, and so the state and terms it holds, is the same
// whatever the codec; decoders read every codec.
type Codec uint8

const (
	// CodecZstd compresses with zstd: the smallest snapshots, readable by
	// every reader of this format. It is the default, and the codec of
	// everything that leaves the device (sync uploads, export files).
	CodecZstd Codec = iota
	// CodecS2 compresses with S2 (a Snappy successor): snapshots about a
	// quarter larger, whose content decompresses about three times faster
	// where zstd has no assembly, as in wasm. It is for the local snapshot
	// the engine loaded at every cold start before CodecStored. Readers
	// older than this codec refuse it with ErrVersion.
	CodecS2
	// CodecStored stores the content as it is: snapshots about three times
	// larger than S2's, read with one copy. It is for the local snapshot the
	// engine loads at every cold start, where S2's decompression was the
	// largest single step of the import in Chromium (19–23 ms of ~130 for
	// 10,000 turns, run by WebAssembly's baseline compiler). Readers older
	// than this codec refuse it with ErrVersion.
	CodecStored
)

func (c Codec) String() string {
	switch c {
	case CodecZstd:
		return "zstd"
	case CodecS2:
		return "s2"
	case CodecStored:
		return "stored"
	}
	return fmt.Sprintf("Codec(%d)", uint8(c))
}

// Options are the encoder's choices that do not change the decoded state.
// The zero value is what Marshal and MarshalTerms use.
type Options struct {
	// Codec compresses the content; CodecZstd by default.
	Codec Codec
}

var magic = []byte("CFDS")

// The zstd encoder and decoder are built once, on first use: building them
// allocates tables. Both are safe for concurrent use, and use one goroutine
// each so they behave the same under wasm.
var (
	encOnce sync.Once
	enc     *zstd.Encoder
	encErr  error

	decOnce sync.Once
	dec     *zstd.Decoder
	decErr  error
)

func encoder() (*zstd.Encoder, error) {
	encOnce.Do(func() {
		enc, encErr = zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithWindowSize(encodeWindow),
			zstd.WithEncoderCRC(false), // the body has its own CRC-32C
		)
		if encErr != nil {
			encErr = fmt.Errorf("snapshot: zstd encoder: %w", encErr)
		}
	})
	return enc, encErr
}

func decoder() (*zstd.Decoder, error) {
	decOnce.Do(func() {
		dec, decErr = zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(MaxSize),
			zstd.WithDecoderMaxWindow(MaxWindow),
		)
		if decErr != nil {
			decErr = fmt.Errorf("snapshot: zstd decoder: %w", decErr)
		}
	})
	return dec, decErr
}

// openHeader checks the header of b and returns its version, its flags and
// the frame after it.
func openHeader(b []byte) (version, flags byte, frame []byte, err error) {
	n := min(len(b), len(magic))
	if string(b[:n]) != string(magic[:n]) {
		return 0, 0, nil, failf(ErrMagic, "header", "magic %q", b[:n])
	}
	if len(b) < headerSize {
		return 0, 0, nil, failf(ErrTruncated, "header", "%d of %d bytes", len(b), headerSize)
	}
	v := b[4]
	if v < version1 || v > Version {
		return 0, 0, nil, failf(ErrVersion, "header", "version %d, this reader knows %d to %d", v, version1, Version)
	}
	f := b[5]
	if f&^knownFlags != 0 {
		return 0, 0, nil, failf(ErrVersion, "header", "unknown flags %#02x", f&^knownFlags)
	}
	return v, f, b[headerSize:], nil
}

// decompress returns the content of the frame, which the flags say is a
// zstd frame, an S2 block or the content itself. A stored content is frame
// itself, not a copy: unmarshal copies the body once, into the string that
// backs every decoded string, so nothing decoded aliases the caller's buffer.
func decompress(frame []byte, flags byte) ([]byte, error) {
	switch flags & (flagS2 | flagStored) {
	case flagS2:
		return decompressS2(frame)
	case flagStored:
		if len(frame) < crcSize {
			return nil, failf(ErrTruncated, "frame", "stored content of %d bytes, shorter than its checksum", len(frame))
		}
		return frame, nil
	case flagS2 | flagStored:
		return nil, failf(ErrCorrupt, "header", "flags %#02x name two codecs", flags)
	}
	return decompressZstd(frame)
}

// decompressS2 returns the content of the single S2 block that must make up
// all of frame. The declared length is checked against MaxSize before the
// content is allocated. A block has no end marker: its operations must
// produce exactly the declared length from exactly the bytes given, so a
// cut, extended or damaged block is refused, as ErrCorrupt.
func decompressS2(frame []byte) ([]byte, error) {
	const where = "frame"
	if len(frame) == 0 {
		return nil, failf(ErrTruncated, where, "no s2 block")
	}
	size, n := binary.Uvarint(frame)
	switch {
	case n == 0:
		return nil, failf(ErrTruncated, where, "s2 block length cut short")
	case n < 0:
		return nil, failf(ErrCorrupt, where, "s2 block length overflows 64 bits")
	case n > 1 && frame[n-1] == 0:
		return nil, failf(ErrCorrupt, where, "s2 block length is not minimal")
	case size > MaxSize:
		return nil, failf(ErrTooLarge, where, "s2 content size %d, more than %d", size, MaxSize)
	}
	content, err := s2.Decode(make([]byte, size), frame)
	if err != nil || uint64(len(content)) != size {
		return nil, failf(ErrCorrupt, where, "s2 block does not decode to its declared %d bytes", size)
	}
	return content, nil
}

// decompressZstd returns the content of the single zstd frame that must
// make up all of frame.
func decompressZstd(frame []byte) ([]byte, error) {
	end, size, err := walkFrame(frame)
	if err != nil {
		return nil, err
	}
	if end < len(frame) {
		return nil, failf(ErrTrailing, "frame", "%d bytes after the zstd frame", len(frame)-end)
	}
	var dst []byte
	if size >= 0 {
		if size > MaxSize {
			return nil, failf(ErrTooLarge, "frame", "content size %d, more than %d", size, MaxSize)
		}
		dst = make([]byte, 0, size)
	}
	d, err := decoder()
	if err != nil {
		return nil, err
	}
	content, err := d.DecodeAll(frame, dst)
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.Is(err, zstd.ErrWindowSizeExceeded):
		return nil, fail(ErrTooLarge, "frame", err)
	case err != nil:
		return nil, fail(ErrCorrupt, "frame", err)
	}
	return content, nil
}

// zstd frame layout (RFC 8878, section 3.1.1).
const (
	zstdMagic         = 0xFD2FB528
	fhdSingleSegment  = 1 << 5
	fhdReserved       = 1 << 3
	fhdChecksum       = 1 << 2
	fhdDictID         = 3
	blockTypeReserved = 3
	blockTypeRLE      = 1
)

// walkFrame finds the end of the zstd frame at the start of b without
// decompressing it: the header, then each block by its declared size, then
// the optional checksum. size is the declared content size, or -1. It
// refuses dictionaries (the format uses none) and reserved bits.
func walkFrame(b []byte) (end int, size int64, err error) {
	const where = "frame"
	if len(b) < 4 {
		var m [4]byte
		binary.LittleEndian.PutUint32(m[:], zstdMagic)
		if string(b) == string(m[:len(b)]) {
			return 0, 0, failf(ErrTruncated, where, "%d bytes, no zstd frame", len(b))
		}
		return 0, 0, failf(ErrCorrupt, where, "not a zstd frame")
	}
	if binary.LittleEndian.Uint32(b) != zstdMagic {
		return 0, 0, failf(ErrCorrupt, where, "not a zstd frame")
	}
	if len(b) < 5 {
		return 0, 0, failf(ErrTruncated, where, "frame header cut short")
	}
	fhd := b[4]
	if fhd&fhdReserved != 0 {
		return 0, 0, failf(ErrCorrupt, where, "reserved frame header bit set")
	}
	if fhd&fhdDictID != 0 {
		return 0, 0, failf(ErrCorrupt, where, "zstd dictionary not allowed")
	}
	p := 5
	if fhd&fhdSingleSegment == 0 {
		p++ // window descriptor
	}
	fcsBytes := [4]int{0, 2, 4, 8}[fhd>>6]
	if fcsBytes == 0 && fhd&fhdSingleSegment != 0 {
		fcsBytes = 1
	}
	if len(b) < p+fcsBytes {
		return 0, 0, failf(ErrTruncated, where, "frame header cut short")
	}
	size = -1
	switch fcsBytes {
	case 1:
		size = int64(b[p])
	case 2:
		size = int64(binary.LittleEndian.Uint16(b[p:])) + 256
	case 4:
		size = int64(binary.LittleEndian.Uint32(b[p:]))
	case 8:
		u := binary.LittleEndian.Uint64(b[p:])
		if u > MaxSize {
			return 0, 0, failf(ErrTooLarge, where, "content size %d, more than %d", u, MaxSize)
		}
		size = int64(u)
	}
	p += fcsBytes
	for {
		if len(b)-p < 3 {
			return 0, 0, failf(ErrTruncated, where, "block header cut short at byte %d", p)
		}
		h := uint32(b[p]) | uint32(b[p+1])<<8 | uint32(b[p+2])<<16
		p += 3
		n := int(h >> 3)
		switch (h >> 1) & 3 {
		case blockTypeRLE:
			n = 1
		case blockTypeReserved:
			return 0, 0, failf(ErrCorrupt, where, "reserved block type at byte %d", p-3)
		}
		if len(b)-p < n {
			return 0, 0, failf(ErrTruncated, where, "block at byte %d needs %d bytes, %d remain", p-3, n, len(b)-p)
		}
		p += n
		if h&1 != 0 {
			break
		}
	}
	if fhd&fhdChecksum != 0 {
		if len(b)-p < 4 {
			return 0, 0, failf(ErrTruncated, where, "frame checksum cut short")
		}
		p += 4
	}
	return p, size, nil
}
