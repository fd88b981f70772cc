package seal

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/vault"
)

// sealContent encrypts arbitrary content with the key, for defects Seal
// refuses to write.
func sealContent(t testing.TB, k vault.Key, content []byte) []byte {
	t.Helper()
	b, err := encrypt(k, content)
	require.NoError(t, err)
	return b
}

// rawContent builds content the way encodeContent does, from parts a test
// may get wrong on purpose.
func rawContent(h Header, snapLen uint32, frame []byte, padTo int) []byte {
	b := appendHeader(nil, h, snapLen, uint32(len(frame)))
	b = append(b, frame...)
	if padTo < 0 {
		return pad(b)
	}
	return append(b, make([]byte, padTo-len(b))...)
}

// TestEveryByteFlipRefused: flipping a single byte of a small sealed blob is
// refused with one sentinel, never opened. The smallest blob is one 64 KiB
// chunk, and an open costs about half a millisecond (two X25519
// multiplications), so by default every byte of the age header and nonce
// and of the payload's first and last 128 bytes is flipped three ways, and
// 300 other payload bytes one way; SEAL_EXHAUSTIVE=1 flips every byte (about
// a minute).
func TestEveryByteFlipRefused(t *testing.T) {
	t.Parallel()
	k := fixedKey(9)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("a small snapshot"))
	require.NoError(t, err)
	counts := map[string]int{}
	r := rand.New(rand.NewPCG(1, 1))
	start := ageHeaderSize + ageNonceSize
	for i := range blob {
		edge := i < start+128 || i >= len(blob)-128
		flips := []byte{0x01, 0x80, 0xff}
		switch {
		case os.Getenv("SEAL_EXHAUSTIVE") == "1":
			if !edge {
				flips = flips[2:]
			}
		case !edge && r.IntN(len(blob)-start-256) >= 300:
			continue
		case !edge:
			flips = flips[2:]
		}
		for _, x := range flips {
			b := bytes.Clone(blob)
			b[i] ^= x
			_, _, err := Open(k, b, Expect{})
			requireOne(t, err, nil)
			counts[err.(*Error).Kind.Error()]++
		}
	}
	t.Logf("%d bytes × 3 flips: %v", len(blob), counts)
	require.Positive(t, counts[ErrTampered.Error()])
}

// TestEveryCutRefused: every prefix of a two-chunk blob is refused with
// ErrTruncated (or ErrFormat for a prefix cut inside the age header's
// base64 that is no longer a header prefix: none here).
func TestEveryCutRefused(t *testing.T) {
	k := fixedKey(9)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), randBytes(3, ChunkSize+100))
	require.NoError(t, err)
	require.Equal(t, ageHeaderSize+ageNonceSize+2*encChunkSize, len(blob))
	for n := range len(blob) {
		if n > 400 && n%97 != 0 && n != len(blob)-1 && n != ageHeaderSize+ageNonceSize+encChunkSize {
			continue // every cut of the header, a sample of the payload
		}
		_, _, err := Open(k, blob[:n], Expect{})
		requireOne(t, err, ErrTruncated)
	}
}

func TestAppendedRefused(t *testing.T) {
	k := fixedKey(9)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("x"))
	require.NoError(t, err)
	for _, tail := range [][]byte{{0}, []byte("garbage"), blob[ageHeaderSize+ageNonceSize:]} {
		_, _, err := Open(k, append(bytes.Clone(blob), tail...), Expect{})
		requireOne(t, err, ErrTampered)
	}
	// A chunk boundary cut: the final chunk removed from a two-chunk blob.
	two, err := Seal(k, hdr(k, 1, [32]byte{}), randBytes(3, ChunkSize+100))
	require.NoError(t, err)
	_, _, err = Open(k, two[:len(two)-encChunkSize], Expect{})
	requireOne(t, err, ErrTruncated)
	require.Contains(t, err.Error(), "no final chunk")
}

func TestContentDefects(t *testing.T) {
	k := fixedKey(4)
	h := hdr(k, 3, [32]byte{7})
	snap := bytes.Repeat([]byte("memory "), 1000)
	frame := encoder().EncodeAll(snap, nil)
	good := rawContent(h, uint32(len(snap)), frame, -1)
	set := func(off int, v ...byte) []byte {
		c := bytes.Clone(good)
		copy(c[off:], v)
		return c
	}
	devOff := fixedHeader - 1
	sizesOff := fixedHeader + len(h.Device)
	bomb := encoder().EncodeAll(make([]byte, 80<<20), nil)
	nofcs, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	require.NoError(t, err)
	var streamed bytes.Buffer
	nofcs.Reset(&streamed)
	_, err = nofcs.Write(make([]byte, 1<<20))
	require.NoError(t, err)
	require.NoError(t, nofcs.Close())
	var hs zstd.Header
	require.NoError(t, hs.Decode(streamed.Bytes()))
	require.False(t, hs.HasFCS)

	other := h
	other.Vault = fixedKey(5).ID()
	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"good", good, nil},
		{"magic", set(0, 'X'), ErrFormat},
		{"format version 2", set(4, 2), ErrFormat},
		{"format version 0", set(4, 0), ErrFormat},
		{"version 0", set(21, 0, 0, 0, 0, 0, 0, 0, 0), ErrFormat},
		{"zero parent", rawContent(Header{Vault: h.Vault, Version: 3, Device: "d"}, 0, nil, -1), ErrFormat},
		{"device length 0", set(devOff, 0), ErrFormat},
		{"device length 65", set(devOff, 65), ErrFormat},
		{"device control byte", set(devOff+1, '\n'), ErrFormat},
		{"snapshot length over the cap", set(sizesOff, 0x04, 0, 0, 1), ErrTooLarge},
		{"snapshot length short", set(sizesOff, 0, 0, 0x1b, 0x57), ErrTooLarge},
		{"snapshot length long", set(sizesOff, 0, 0, 0x1b, 0x59), ErrFormat},
		{"frame length past the end", set(sizesOff+4, 0, 1, 0, 0), ErrFormat},
		{"frame length short", set(sizesOff+4, 0, 0, 0, 1), ErrFormat},
		{"padding not zero", set(len(good)-1, 1), ErrFormat},
		// Content that is not whole chunks makes a short final chunk, which
		// the blob check reads as a cut: the key holder wrote a bad blob.
		{"too little padding", good[:len(good)-ChunkSize/2], ErrTruncated},
		{"too much padding", append(bytes.Clone(good), make([]byte, ChunkSize)...), ErrFormat},
		{"short content", make([]byte, ChunkSize), ErrFormat},
		{"another vault", rawContent(other, uint32(len(snap)), frame, -1), ErrWrongVault},
		{"bomb", rawContent(h, 1<<20, bomb, -1), ErrTooLarge},
		{"bomb without content size", rawContent(h, 1<<10, streamed.Bytes(), -1), ErrTooLarge},
		{"skippable frame", rawContent(h, 0, []byte{0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}, -1), ErrFormat},
		{"not zstd", rawContent(h, 4, []byte("abcdabcd"), -1), ErrFormat},
		{"empty frame", rawContent(h, 0, nil, -1), ErrFormat},
		{"frame then garbage", rawContent(h, uint32(len(snap)), append(bytes.Clone(frame), 1, 2, 3), -1), ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blob := sealContent(t, k, tt.content)
			got, out, err := Open(k, blob, Expect{})
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, h, got)
				require.Equal(t, snap, out)
				return
			}
			requireOne(t, err, tt.want)
			require.Nil(t, out)
			require.Equal(t, Header{}, got)
		})
	}
	// The declared length is binary.BigEndian of 7000.
	require.Equal(t, uint32(7000), binary.BigEndian.Uint32(good[sizesOff:]))
}

func TestOpenExpect(t *testing.T) {
	k := fixedKey(6)
	b1, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("one"))
	require.NoError(t, err)
	b2, err := Seal(k, hdr(k, 2, BlobHash(b1)), []byte("two"))
	require.NoError(t, err)
	b2x, err := Seal(k, hdr(k, 2, BlobHash(b1)), []byte("two, elsewhere"))
	require.NoError(t, err)
	b3, err := Seal(k, hdr(k, 3, BlobHash(b2x)), []byte("three"))
	require.NoError(t, err)

	_, _, err = Open(k, b1, Expect{Vault: fixedKey(7).ID()})
	requireOne(t, err, ErrWrongVault)
	_, _, err = Open(k, b1, Expect{MinVersion: 2})
	requireOne(t, err, ErrRollback)

	seen := &Seen{}
	for _, b := range [][]byte{b1, b2} {
		h, _, err := Open(k, b, Expect{Vault: k.ID(), Seen: seen})
		require.NoError(t, err)
		require.NoError(t, seen.Record(h, BlobHash(b)))
	}
	_, _, err = Open(k, b1, Expect{Seen: seen})
	requireOne(t, err, ErrRollback)
	_, _, err = Open(k, b2, Expect{Seen: seen})
	require.NoError(t, err, "the same blob again")
	_, _, err = Open(k, b2x, Expect{Seen: seen})
	requireOne(t, err, ErrForked)
	_, _, err = Open(k, b3, Expect{Seen: seen})
	requireOne(t, err, ErrForked)
	require.Contains(t, err.Error(), "does not build on")
	e, ok := seen.Get(k.ID())
	require.True(t, ok)
	require.Equal(t, SeenEntry{Version: 2, Hash: BlobHash(b2)}, e)
}

func TestOversizedBlob(t *testing.T) {
	_, _, err := Open(fixedKey(1), make([]byte, MaxBlob+1), Expect{})
	requireOne(t, err, ErrTooLarge)
	_, err = OpenPassphrase("p", make([]byte, MaxBlob+1))
	requireOne(t, err, ErrTooLarge)
}

func TestNotABlob(t *testing.T) {
	k := fixedKey(1)
	for _, in := range [][]byte{nil, []byte("age"), []byte("CFDS\x01\x00"), []byte("age-encryption.org/v1\n-> scrypt abc 18\n")} {
		_, _, err := Open(k, in, Expect{})
		requireOne(t, err, nil)
	}
	_, _, err := Open(k, []byte("CFDS\x01\x00"), Expect{})
	requireOne(t, err, ErrFormat)
	_, _, err = Open(k, []byte("age-encryption.org/v1\n-> X25519 AAAA"), Expect{})
	requireOne(t, err, ErrTruncated)
	pass, err := sealPassphrase("pw", []byte("x"), 2)
	require.NoError(t, err)
	_, _, err = Open(k, pass, Expect{})
	requireOne(t, err, ErrFormat)
}
