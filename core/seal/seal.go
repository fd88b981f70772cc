package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/confidant-dev/confidant/core/vault"
)

// Limits; see "Limits" in the package doc.
const (
	// MaxSnapshot caps the snapshot a blob holds (decompressed): 64 MiB.
	MaxSnapshot = 64 << 20
	// MaxBlob caps a sealed blob, checked before anything else: MaxSnapshot
	// plus room for zstd's worst-case expansion, the header, the padding and
	// age's overhead.
	MaxBlob = MaxSnapshot + 1<<20
	// MaxDevice caps the device id, in bytes.
	MaxDevice = 64
	// MaxWindow caps the zstd window a decoder accepts.
	MaxWindow = 8 << 20
)

// FormatVersion is the version of the sealed content this package writes
// and the only one it reads.
const FormatVersion = 1

const (
	magic         = "CFSL"
	fixedHeader   = len(magic) + 1 + vault.IDSize + 8 + 32 + 1 // up to the device id
	sizesLen      = 4 + 4                                      // snapshot length, frame length
	encodeWindow  = 4 << 20
	maxHeaderSize = fixedHeader + MaxDevice + sizesLen
)

// Header is what a sealed snapshot says about itself, inside the
// authenticated content.
type Header struct {
	// Vault is the vault the snapshot belongs to: the id of the key it is
	// sealed with.
	Vault vault.ID
	// Version numbers the vault's snapshots: 1 for the first, then one more
	// than the parent's.
	Version uint64
	// Parent is BlobHash of the sealed blob this one replaces: zero for
	// version 1, non-zero for every later version.
	Parent [32]byte
	// Device is the id of the device that sealed it: 1 to MaxDevice bytes of
	// printable ASCII (0x21-0x7e).
	Device string
}

// Expect is what Open checks the authenticated header against, besides the
// key.
type Expect struct {
	// Vault, if not zero, must be the header's vault. Whether or not it is
	// set, the header's vault must be the key's.
	Vault vault.ID
	// MinVersion: a lower version is refused with ErrRollback.
	MinVersion uint64
	// Seen, if not nil, checks the header and the blob's hash (Seen.Check):
	// ErrRollback for an older version, ErrForked for a conflicting one.
	// Open does not record anything: call Seen.Record once the snapshot is
	// applied.
	Seen *Seen
}

// BlobHash is SHA-256 of a sealed blob: what Header.Parent and Seen hold.
func BlobHash(blob []byte) [32]byte { return sha256.Sum256(blob) }

// validate checks what the format requires of a header.
func (h *Header) validate() error {
	switch {
	case h.Version == 0:
		return fail(ErrFormat, "header: version 0 (versions start at 1)")
	case h.Version == 1 && h.Parent != [32]byte{}:
		return fail(ErrFormat, "header: version 1 with a parent")
	case h.Version > 1 && h.Parent == [32]byte{}:
		return fail(ErrFormat, fmt.Sprintf("header: version %d without a parent", h.Version))
	case len(h.Device) == 0:
		return fail(ErrFormat, "header: empty device id")
	case len(h.Device) > MaxDevice:
		return fail(ErrFormat, fmt.Sprintf("header: device id of %d bytes, at most %d", len(h.Device), MaxDevice))
	}
	for i := 0; i < len(h.Device); i++ {
		if c := h.Device[i]; c < 0x21 || c > 0x7e {
			return fail(ErrFormat, fmt.Sprintf("header: device id byte %d is %q, not printable ASCII", i, c))
		}
	}
	return nil
}

var (
	encOnce sync.Once
	enc     *zstd.Encoder
	decOnce sync.Once
	dec     *zstd.Decoder
)

func encoder() *zstd.Encoder {
	encOnce.Do(func() {
		var err error
		enc, err = zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedFastest), // the snapshot is already compressed; see RATIONALE.md,
			zstd.WithWindowSize(encodeWindow),
			zstd.WithEncoderCRC(false), // age authenticates every byte
			zstd.WithZeroFrames(true),
		)
		if err != nil {
			panic("seal: zstd encoder: " + err.Error()) // only for invalid options
		}
	})
	return enc
}

func decoder() *zstd.Decoder {
	decOnce.Do(func() {
		var err error
		dec, err = zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(MaxSnapshot),
			zstd.WithDecoderMaxWindow(MaxWindow),
			zstd.WithDecodeAllCapLimit(true),
		)
		if err != nil {
			panic("seal: zstd decoder: " + err.Error())
		}
	})
	return dec
}

// Seal compresses the snapshot and encrypts it, under the header, to the
// vault key. h.Vault must be key.ID(). It fails with ErrWrongVault,
// ErrFormat (a header the format cannot hold) or ErrTooLarge.
func Seal(key vault.Key, h Header, snapshot []byte) ([]byte, error) {
	if h.Vault != key.ID() {
		return nil, fail(ErrWrongVault, fmt.Sprintf("header names vault %s, the key's is %s", h.Vault, key.ID()))
	}
	content, err := encodeContent(h, snapshot)
	if err != nil {
		return nil, err
	}
	return encrypt(key, content)
}

// encodeContent returns the padded plaintext of a sealed blob.
func encodeContent(h Header, snapshot []byte) ([]byte, error) {
	if err := h.validate(); err != nil {
		return nil, err
	}
	if len(snapshot) > MaxSnapshot {
		return nil, fail(ErrTooLarge, fmt.Sprintf("snapshot of %d bytes, at most %d", len(snapshot), MaxSnapshot))
	}
	b := make([]byte, 0, maxHeaderSize+len(snapshot)/2+ChunkSize)
	b = appendHeader(b, h, uint32(len(snapshot)), 0)
	n := len(b)
	b = encoder().EncodeAll(snapshot, b)
	binary.BigEndian.PutUint32(b[n-4:], uint32(len(b)-n))
	return pad(b), nil
}

func appendHeader(b []byte, h Header, snapLen, frameLen uint32) []byte {
	b = append(b, magic...)
	b = append(b, FormatVersion)
	b = append(b, h.Vault[:]...)
	b = binary.BigEndian.AppendUint64(b, h.Version)
	b = append(b, h.Parent[:]...)
	b = append(b, byte(len(h.Device)))
	b = append(b, h.Device...)
	b = binary.BigEndian.AppendUint32(b, snapLen)
	return binary.BigEndian.AppendUint32(b, frameLen)
}

// pad appends zeros up to the next multiple of ChunkSize (at least one).
func pad(b []byte) []byte {
	n := paddedSize(len(b))
	return append(b, make([]byte, n-len(b))...)
}

func paddedSize(n int) int { return max(1, (n+ChunkSize-1)/ChunkSize) * ChunkSize }

func encrypt(key vault.Key, content []byte) ([]byte, error) {
	return ageEncrypt(identity(key).Recipient(), content, ageHeaderSize+ageNonceSize+len(content)/ChunkSize*encChunkSize)
}

// ageEncrypt writes data as an age file to r, the buffer sized for it up front.
func ageEncrypt(r age.Recipient, data []byte, size int) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(size)
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return nil, fmt.Errorf("seal: age: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("seal: age: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal: age: %w", err)
	}
	return out.Bytes(), nil
}

// Open authenticates and decrypts a sealed blob with the vault key, checks
// its header against the key and want, and returns the header and the
// snapshot. Every failure matches exactly one sentinel (see "Errors" in the
// package doc). Nothing is returned unless everything checks out.
func Open(key vault.Key, blob []byte, want Expect) (Header, []byte, error) {
	content, err := decrypt(key, blob)
	if err != nil {
		return Header{}, nil, err
	}
	h, frame, snapLen, err := parseContent(content)
	if err != nil {
		return Header{}, nil, err
	}
	if id := key.ID(); h.Vault != id {
		return Header{}, nil, fail(ErrWrongVault, fmt.Sprintf("content names vault %s, the key's is %s", h.Vault, id))
	}
	if !want.Vault.IsZero() && h.Vault != want.Vault {
		return Header{}, nil, fail(ErrWrongVault, fmt.Sprintf("content names vault %s, expected %s", h.Vault, want.Vault))
	}
	if h.Version < want.MinVersion {
		return Header{}, nil, fail(ErrRollback, fmt.Sprintf("version %d, expected at least %d", h.Version, want.MinVersion))
	}
	if want.Seen != nil {
		if err := want.Seen.Check(h, BlobHash(blob)); err != nil {
			return Header{}, nil, err
		}
	}
	snap, err := decompress(frame, snapLen)
	if err != nil {
		return Header{}, nil, err
	}
	return h, snap, nil
}

// decrypt checks the blob's shape and returns its authenticated plaintext.
func decrypt(key vault.Key, blob []byte) ([]byte, error) {
	if len(blob) > MaxBlob {
		return nil, fail(ErrTooLarge, fmt.Sprintf("blob of %d bytes, at most %d", len(blob), MaxBlob))
	}
	if err := checkAgeHeader(blob); err != nil {
		return nil, err
	}
	payload := len(blob) - ageHeaderSize - ageNonceSize
	if payload < encChunkSize {
		return nil, fail(ErrTruncated, fmt.Sprintf("blob of %d bytes, shorter than one chunk (%d)", len(blob), ageHeaderSize+ageNonceSize+encChunkSize))
	}
	chunks, rest := payload/encChunkSize, payload%encChunkSize
	end := len(blob) - rest
	content, err := decryptChunks(key, blob[:end], chunks)
	if rest != 0 {
		// Sealed payloads are whole chunks. Whether the last one was cut or
		// bytes were added after the end, the whole chunks before tell.
		if err == nil {
			return nil, fail(ErrTampered, fmt.Sprintf("%d bytes after the final chunk", rest))
		}
		if errors.Is(err, ErrTruncated) {
			return nil, fail(ErrTruncated, fmt.Sprintf("blob ends inside chunk %d", chunks+1))
		}
	}
	return content, err
}

// decryptChunks decrypts an age file of exactly chunks full payload chunks
// with a well-formed header.
func decryptChunks(key vault.Key, file []byte, chunks int) ([]byte, error) {
	id := &sealIdentity{inner: identity(key)}
	r, err := age.Decrypt(bytes.NewReader(file), id)
	if err != nil {
		var e *Error
		var noMatch *age.NoIdentityMatchError
		switch {
		case errors.As(err, &e):
			return nil, e
		case errors.As(err, &noMatch):
			return nil, fail(ErrWrongKey, "no recipient stanza opens with this vault's key")
		case id.unwrapped:
			return nil, fail(ErrTampered, "age header MAC does not match")
		}
		return nil, fail(ErrFormat, "age header: "+err.Error())
	}
	content := make([]byte, chunks*ChunkSize)
	n, err := io.ReadFull(r, content)
	if err == nil {
		var one [1]byte
		_, err = r.Read(one[:])
		if err == io.EOF {
			return content, nil
		}
		if err == nil { // unreachable: the file holds no more bytes
			err = errors.New("more plaintext than expected")
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return nil, fail(ErrTruncated, fmt.Sprintf("no final chunk among the %d whole chunks", chunks))
	}
	return nil, fail(ErrTampered, fmt.Sprintf("payload chunk %d: %v", n/ChunkSize+1, err))
}

// parseContent parses the authenticated plaintext: the header, the frame and
// the padding.
func parseContent(c []byte) (h Header, frame []byte, snapLen int, err error) {
	bad := func(format string, args ...any) (Header, []byte, int, error) {
		return Header{}, nil, 0, fail(ErrFormat, "content: "+fmt.Sprintf(format, args...))
	}
	if len(c) < fixedHeader {
		return bad("%d bytes, shorter than a header", len(c))
	}
	if string(c[:4]) != magic {
		return bad("magic %q, want %q", c[:4], magic)
	}
	if c[4] != FormatVersion {
		return bad("unknown format version %d (this reader knows %d)", c[4], FormatVersion)
	}
	off := 5
	copy(h.Vault[:], c[off:])
	off += vault.IDSize
	h.Version = binary.BigEndian.Uint64(c[off:])
	off += 8
	copy(h.Parent[:], c[off:])
	off += 32
	devLen := int(c[off])
	off++
	if len(c) < off+devLen+sizesLen {
		return bad("%d bytes, shorter than its header", len(c))
	}
	h.Device = string(c[off : off+devLen])
	off += devLen
	if err := h.validate(); err != nil {
		return Header{}, nil, 0, err
	}
	sl := binary.BigEndian.Uint32(c[off:])
	fl := binary.BigEndian.Uint32(c[off+4:])
	off += sizesLen
	if sl > MaxSnapshot {
		return Header{}, nil, 0, fail(ErrTooLarge, fmt.Sprintf("content: snapshot of %d bytes, at most %d", sl, MaxSnapshot))
	}
	if uint64(fl) > uint64(len(c)-off) {
		return bad("frame of %d bytes, only %d follow the header", fl, len(c)-off)
	}
	end := off + int(fl)
	if paddedSize(end) != len(c) {
		return bad("%d bytes of padding, want %d", len(c)-end, paddedSize(end)-end)
	}
	for i, z := range c[end:] {
		if z != 0 {
			return bad("padding byte %d is %#x, not zero", i, z)
		}
	}
	return h, c[off:end], int(sl), nil
}

// decompress decodes a zstd frame that must produce exactly n ≤ MaxSnapshot
// bytes, never holding more than n (the decoder is capped to the buffer).
func decompress(frame []byte, n int) ([]byte, error) {
	var zh zstd.Header
	if err := zh.Decode(frame); err != nil {
		return nil, fail(ErrFormat, "zstd frame header: "+err.Error())
	}
	if zh.Skippable {
		return nil, fail(ErrFormat, "zstd: a skippable frame")
	}
	if zh.HasFCS && zh.FrameContentSize != uint64(n) {
		if zh.FrameContentSize > uint64(n) {
			return nil, fail(ErrTooLarge, fmt.Sprintf("zstd frame declares %d bytes, more than the snapshot's %d", zh.FrameContentSize, n))
		}
		return nil, fail(ErrFormat, fmt.Sprintf("zstd frame declares %d bytes, not the snapshot's %d", zh.FrameContentSize, n))
	}
	// No zstd block produces more than 128 KiB from fewer than 4 bytes, so
	// a frame this short cannot fill more than this: a declared length the
	// frame cannot reach costs no allocation.
	out, err := decoder().DecodeAll(frame, make([]byte, 0, min(n, len(frame)*(128<<10/4))))
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return nil, fail(ErrTooLarge, fmt.Sprintf("zstd frame decompresses to more than %d bytes", n))
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		return nil, fail(ErrTooLarge, fmt.Sprintf("zstd window over %d bytes", MaxWindow))
	case err != nil:
		return nil, fail(ErrFormat, "zstd frame: "+err.Error())
	case len(out) != n:
		return nil, fail(ErrFormat, fmt.Sprintf("zstd frame decompresses to %d bytes, want %d", len(out), n))
	}
	return out, nil
}
