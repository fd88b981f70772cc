package snapshot

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/s2"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

var s2Local = Options{Codec: CodecS2}

// TestLocalCodecsRoundTrip: with CodecS2 and with CodecStored every state
// and its terms round-trip like with zstd, to the same body, under the
// header with the codec's flag; with the zero Options MarshalTermsWith is
// MarshalTerms, byte for byte.
func TestLocalCodecsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		codec Codec
		flag  byte
	}{{CodecS2, flagS2}, {CodecStored, flagStored}} {
		t.Run(c.codec.String(), func(t *testing.T) { testLocalCodec(t, Options{Codec: c.codec}, c.flag) })
	}
}

func testLocalCodec(t *testing.T, local Options, flag byte) {
	r := rand.New(rand.NewPCG(11, 2))
	states := []*model.State{{}, smallState(), chatState(3, 300)}
	for range 40 {
		states = append(states, randState(r, 6))
	}
	for i, s := range states {
		for _, terms := range []*Terms{nil, randTerms(r, s)} {
			z, err := MarshalTerms(s, terms)
			require.NoError(t, err)
			z2, err := MarshalTermsWith(s, terms, Options{})
			require.NoError(t, err)
			require.Equal(t, z, z2, "state %d", i)
			if terms == nil {
				m, err := Marshal(s)
				require.NoError(t, err)
				require.Equal(t, z, m)
			}

			b, err := MarshalTermsWith(s, terms, local)
			require.NoError(t, err)
			version := byte(version1)
			if terms != nil {
				version = version2
			}
			require.Equal(t, []byte{'C', 'F', 'D', 'S', version, flag}, b[:headerSize])

			zc, err := decompress(z[headerSize:], 0)
			require.NoError(t, err)
			sc, err := decompress(b[headerSize:], flag)
			require.NoError(t, err)
			require.Equal(t, zc, sc, "state %d: same content under both codecs", i)

			st, got, err := UnmarshalTerms(b)
			require.NoError(t, err)
			require.Equal(t, normalize(s), st)
			wantSt, wantTerms, err := UnmarshalTerms(z)
			require.NoError(t, err)
			require.Equal(t, wantSt, st)
			require.Equal(t, wantTerms, got)
			st1, err := Decode(bytes.NewReader(b))
			require.NoError(t, err)
			require.Equal(t, st, st1)

			again, err := MarshalTermsWith(st, got, local)
			require.NoError(t, err)
			require.Equal(t, b, again, "state %d: the output is deterministic", i)
		}
	}
}

func TestUnknownCodec(t *testing.T) {
	for _, terms := range []*Terms{nil, analyzeState(smallState(), 1)} {
		b, err := MarshalTermsWith(smallState(), terms, Options{Codec: 3})
		require.ErrorIs(t, err, ErrInvalid)
		require.Nil(t, b)
		require.Contains(t, err.Error(), "unknown codec Codec(3)")
	}
}

// TestS2EveryCutAndExtension: an S2 block has no end marker, yet every cut
// and every extension of a valid snapshot is refused, never decoded.
func TestS2EveryCutAndExtension(t *testing.T) {
	s := smallState()
	b, err := MarshalTermsWith(s, analyzeState(s, 1), s2Local)
	require.NoError(t, err)
	for n := range len(b) {
		_, _, err := UnmarshalTerms(b[:n])
		require.Error(t, err, "cut at %d of %d", n, len(b))
		requireOneSentinel(t, err)
	}
	for _, tail := range [][]byte{{0}, {1}, {0xff}, {0x00, 0x61}, []byte("garbage"), b[headerSize:]} {
		_, _, err := UnmarshalTerms(append(bytes.Clone(b), tail...))
		require.ErrorIs(t, err, ErrCorrupt, "tail %q", tail)
		requireOneSentinel(t, err)
	}
}

func TestS2ContainerDefects(t *testing.T) {
	s := smallState()
	v1s2, err := MarshalTermsWith(s, nil, s2Local)
	require.NoError(t, err)
	header, frame := v1s2[:headerSize], v1s2[headerSize:]
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	zstdSnap, err := Marshal(s)
	require.NoError(t, err)

	body, err := appendBody(nil, s)
	require.NoError(t, err)
	content := binary.LittleEndian.AppendUint32(bytes.Clone(body), crcOf(body))
	// The same content, its length written with one byte more than needed.
	block := s2.Encode(nil, content)
	size := binary.AppendUvarint(nil, uint64(len(content)))
	require.Equal(t, size, block[:len(size)])
	long := join(size, []byte{0}, block[len(size):])
	long[len(size)-1] |= 0x80
	// A block whose checksum does not match: "Lisbon" → "Misbon".
	flipped := bytes.Clone(content)
	flipped[bytes.Index(flipped, []byte("Lisbon"))] = 'M'

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"header only", header, ErrTruncated},
		{"length cut", join(header, []byte{0x80}), ErrTruncated},
		{"length overflows", join(header, bytes.Repeat([]byte{0xff}, 10), []byte{1}), ErrCorrupt},
		{"length not minimal", join(header, long), ErrCorrupt},
		{"length too large", join(header, binary.AppendUvarint(nil, MaxSize+1)), ErrTooLarge},
		{"length 2^32", join(header, binary.AppendUvarint(nil, 1<<32)), ErrTooLarge},
		{"empty content", join(header, []byte{0}), ErrCorrupt},
		{"zstd frame under the s2 flag", join(header, zstdSnap[headerSize:]), ErrCorrupt},
		{"s2 block without the flag", join(zstdSnap[:headerSize], frame), ErrCorrupt},
		{"copy before the start", join(header, []byte{10, 9<<2 | 2, 0, 1}), ErrCorrupt},
		{"short of its length", join(header, []byte{10, 3 << 2, 'a', 'b', 'c', 'd'}), ErrCorrupt},
		{"two blocks", join(header, frame, frame), ErrCorrupt},
		{"unknown flag beside s2", join(header[:5], []byte{flagS2 | 4}, frame), ErrVersion},
		{"checksum", join(header, s2.Encode(nil, flipped)), ErrChecksum},
		{"valid", v1s2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Unmarshal(tt.in)
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, normalize(s), st)
				return
			}
			require.ErrorIs(t, err, tt.want)
			requireOneSentinel(t, err)
			require.Nil(t, st)
		})
	}
}

// TestStoredFrame: a stored snapshot's decoded strings do not share the
// caller's buffer (the worker frees it after the import); both codec flags
// at once are refused; a cut or extended stored content is refused as
// truncated when shorter than its checksum and as a checksum mismatch after.
func TestStoredFrame(t *testing.T) {
	s := chatState(2, 20)
	b, err := MarshalTermsWith(s, nil, Options{Codec: CodecStored})
	require.NoError(t, err)
	buf := bytes.Clone(b)
	st, err := Unmarshal(buf)
	require.NoError(t, err)
	clear(buf)
	require.Equal(t, normalize(s), st, "the decoded state survives its input being overwritten")

	both := bytes.Clone(b)
	both[5] = flagS2 | flagStored
	_, err = Unmarshal(both)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "name two codecs")

	for cut := headerSize; cut < len(b); cut++ {
		_, err := Unmarshal(b[:cut])
		if cut-headerSize < crcSize {
			require.ErrorIs(t, err, ErrTruncated, "cut at %d", cut)
		} else {
			require.ErrorIs(t, err, ErrChecksum, "cut at %d", cut)
		}
	}
	_, err = Unmarshal(append(bytes.Clone(b), 0))
	require.ErrorIs(t, err, ErrChecksum)
	flipped := bytes.Clone(b)
	flipped[len(b)/2] ^= 0x10
	_, err = Unmarshal(flipped)
	require.ErrorIs(t, err, ErrChecksum)
}
