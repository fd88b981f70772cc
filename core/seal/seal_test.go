package seal

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/vault"
)

// fixedKey returns the vault key whose bytes are all seed.
func fixedKey(seed byte) vault.Key {
	var k vault.Key
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func hdr(k vault.Key, version uint64, parent [32]byte) Header {
	return Header{Vault: k.ID(), Version: version, Parent: parent, Device: "laptop-1"}
}

// requireOne asserts err matches exactly one sentinel, and want if not nil.
func requireOne(t testing.TB, err error, want error) {
	t.Helper()
	require.Error(t, err)
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	require.Equal(t, 1, n, "exactly one sentinel: %v", err)
	var e *Error
	require.True(t, errors.As(err, &e), "%T %v", err, err)
	if want != nil {
		require.ErrorIs(t, err, want)
	}
}

func TestRoundTrip(t *testing.T) {
	k := fixedKey(1)
	for _, snap := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("hello "), 50_000), randBytes(1, 200_000)} {
		h := hdr(k, 1, [32]byte{})
		blob, err := Seal(k, h, snap)
		require.NoError(t, err)
		require.Zero(t, (len(blob)-ageHeaderSize-ageNonceSize)%encChunkSize, "whole chunks")
		got, out, err := Open(k, blob, Expect{})
		require.NoError(t, err)
		require.Equal(t, h, got)
		require.Equal(t, len(snap), len(out))
		require.True(t, bytes.Equal(snap, out))
		require.NoError(t, checkAgeHeader(blob))
	}
}

// TestRandomRoundTrip: Seal then Open returns the header and snapshot for
// random headers and snapshots.
func TestRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 60 {
		k := vault.NewKey()
		h := Header{Vault: k.ID(), Version: 1 + r.Uint64N(1<<40), Device: randDevice(r)}
		if i%3 == 0 {
			h.Version = 1
		} else {
			fill(r, h.Parent[:])
		}
		snap := make([]byte, r.IntN(150_000))
		if r.IntN(2) == 0 {
			fill(r, snap)
		} else {
			for j := range snap {
				snap[j] = "abc de"[r.IntN(6)]
			}
		}
		blob, err := Seal(k, h, snap)
		require.NoError(t, err)
		seen := &Seen{}
		got, out, err := Open(k, blob, Expect{Vault: h.Vault, MinVersion: h.Version, Seen: seen})
		require.NoError(t, err)
		require.Equal(t, h, got)
		require.True(t, bytes.Equal(snap, out))
		_, _, err = Open(vault.NewKey(), blob, Expect{})
		requireOne(t, err, ErrWrongKey)
	}
}

func randDevice(r *rand.Rand) string {
	b := make([]byte, 1+r.IntN(MaxDevice))
	for i := range b {
		b[i] = byte(0x21 + r.IntN(0x7e-0x21+1))
	}
	return string(b)
}

func randBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	fill(rand.New(rand.NewPCG(seed, 0)), b)
	return b
}

func fill(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

// TestAgeDecryptsSealedBlob: a sealed blob is a standard age file; age's own
// library, given the derived identity, decrypts it to the padded content.
func TestAgeDecryptsSealedBlob(t *testing.T) {
	k := fixedKey(3)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("snapshot"))
	require.NoError(t, err)
	id, err := age.ParseX25519Identity(identity(k).String())
	require.NoError(t, err)
	r, err := age.Decrypt(bytes.NewReader(blob), id)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(r)
	require.NoError(t, err)
	require.Equal(t, ChunkSize, buf.Len())
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte(magic+"\x01")))
}

// TestIdentityDerivation: the Bech32 encoder writes what age writes, and the
// identity is the sealing key used as an X25519 scalar.
func TestIdentityDerivation(t *testing.T) {
	for range 20 {
		g, err := age.GenerateX25519Identity()
		require.NoError(t, err)
		again, err := age.ParseX25519Identity(g.String())
		require.NoError(t, err)
		require.Equal(t, g.String(), again.String())
	}
	k := fixedKey(0)
	id := identity(k)
	require.Equal(t, id.String(), identity(k).String(), "deterministic")
	require.NotEqual(t, id.String(), identity(fixedKey(1)).String())
	s := k.SealingKey()
	require.Equal(t, strings.ToUpper(bech32Encode("age-secret-key-", s[:])), id.String())
	// BIP 173's test vector.
	require.Equal(t, "a12uel5l", bech32Encode("a", nil))
}

func TestSealRefuses(t *testing.T) {
	k := fixedKey(1)
	tests := []struct {
		name string
		h    Header
		snap []byte
		want error
	}{
		{"another vault", Header{Vault: fixedKey(2).ID(), Version: 1, Device: "d"}, nil, ErrWrongVault},
		{"version 0", Header{Vault: k.ID(), Device: "d"}, nil, ErrFormat},
		{"version 1 with parent", Header{Vault: k.ID(), Version: 1, Parent: [32]byte{1}, Device: "d"}, nil, ErrFormat},
		{"version 2 without parent", Header{Vault: k.ID(), Version: 2, Device: "d"}, nil, ErrFormat},
		{"no device", Header{Vault: k.ID(), Version: 1}, nil, ErrFormat},
		{"device too long", Header{Vault: k.ID(), Version: 1, Device: strings.Repeat("d", 65)}, nil, ErrFormat},
		{"device with space", Header{Vault: k.ID(), Version: 1, Device: "my laptop"}, nil, ErrFormat},
		{"device not ascii", Header{Vault: k.ID(), Version: 1, Device: "é"}, nil, ErrFormat},
		{"snapshot too large", Header{Vault: k.ID(), Version: 1, Device: "d"}, make([]byte, MaxSnapshot+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Seal(k, tt.h, tt.snap)
			require.Nil(t, b)
			requireOne(t, err, tt.want)
		})
	}
	_, err := Seal(k, Header{Vault: k.ID(), Version: 1, Device: strings.Repeat("d", 64)}, nil)
	require.NoError(t, err)
}

func TestErrorMessages(t *testing.T) {
	k := fixedKey(1)
	_, err := Seal(k, Header{Vault: k.ID(), Version: 2, Device: "d"}, nil)
	require.EqualError(t, err, "seal: header: version 2 without a parent: malformed")
	for _, s := range sentinels {
		require.NotEmpty(t, s.Error())
		require.Equal(t, "seal: "+s.Error(), fail(s, "").Error())
	}
	require.Equal(t, fmt.Sprint(len(sentinels)), "9")
}
