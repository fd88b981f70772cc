package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"

	"github.com/confidant-dev/confidant/core/vault"
)

// identity returns the age X25519 identity of a vault key: its sealing key
// (HKDF-SHA256 under vault.LabelSealingKey) used as the X25519 secret scalar.
// age only builds identities from their text form, so the scalar is written
// as the Bech32 "AGE-SECRET-KEY-1…" string age itself would print.
func identity(k vault.Key) *age.X25519Identity {
	s := k.SealingKey()
	id, err := age.ParseX25519Identity(strings.ToUpper(bech32Encode("age-secret-key-", s[:])))
	if err != nil { // unreachable: every 32-byte string is a valid scalar
		panic("seal: derived identity: " + err.Error())
	}
	return id
}

// bech32Encode is BIP 173 Bech32 of data (8-bit bytes) under a lower-case
// hrp, as age's internal bech32 package writes it (no length limit).
func bech32Encode(hrp string, data []byte) string {
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	var values []byte
	acc, bits := 0, 0
	for _, b := range data {
		acc = acc<<8 | int(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			values = append(values, byte(acc>>bits&31))
		}
	}
	if bits > 0 {
		values = append(values, byte(acc<<(5-bits)&31))
	}
	polymod := func(v []byte) uint32 {
		gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
		chk := uint32(1)
		for _, x := range v {
			top := chk >> 25
			chk = (chk&0x1ffffff)<<5 ^ uint32(x)
			for i := range 5 {
				if top>>i&1 == 1 {
					chk ^= gen[i]
				}
			}
		}
		return chk
	}
	var exp []byte
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]>>5)
	}
	exp = append(exp, 0)
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]&31)
	}
	mod := polymod(append(append(exp, values...), 0, 0, 0, 0, 0, 0)) ^ 1
	var b strings.Builder
	b.WriteString(hrp)
	b.WriteByte('1')
	for _, v := range values {
		b.WriteByte(charset[v])
	}
	for i := range 6 {
		b.WriteByte(charset[mod>>(5*(5-i))&31])
	}
	return b.String()
}

// sealIdentity wraps the vault's X25519 identity to tell apart what age
// reports in one error type: a stanza no identity opens (ErrWrongKey), a
// stanza that is invalid for X25519 (ErrTampered), and, once the file key
// is unwrapped, a header MAC that does not match (ErrTampered).
type sealIdentity struct {
	inner     *age.X25519Identity
	unwrapped bool
}

func (i *sealIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	key, err := i.inner.Unwrap(stanzas)
	switch {
	case errors.Is(err, age.ErrIncorrectIdentity):
		// Returned as is, not wrapping ErrIncorrectIdentity, so that age
		// passes it through.
		return nil, fail(ErrWrongKey, "no recipient stanza opens with this vault's key")
	case err != nil:
		return nil, fail(ErrTampered, "recipient stanza: "+err.Error())
	}
	i.unwrapped = true
	return key, nil
}

// The age header of a sealed blob has exactly one shape: the version line,
// one X25519 stanza (a 32-byte ephemeral share and a 32-byte wrapped file
// key) and the MAC, each 32 bytes as 43 characters of unpadded base64.
const (
	ageIntro      = "age-encryption.org/v1\n"
	b64Len32      = 43
	ageHeaderSize = len(ageIntro) + len("-> X25519 ") + b64Len32 + 1 + b64Len32 + 1 + len("--- ") + b64Len32 + 1 // 168
	ageNonceSize  = 16
	// ChunkSize is the plaintext size of one age payload chunk; sealed
	// content is padded to a whole number of them.
	ChunkSize    = 64 << 10
	encChunkSize = ChunkSize + 16 // a chunk and its Poly1305 tag
)

// ageHeaderShape is the header as literal pieces and 32-byte base64 fields
// (the empty strings).
var ageHeaderShape = []string{ageIntro + "-> X25519 ", "", "\n", "", "\n--- ", "", "\n"}

// checkAgeHeader checks that b starts with a header of the one shape a
// sealed blob has, canonical base64 included. It fails with ErrTruncated if
// b ends inside a header that matches so far, and ErrFormat at the first
// byte that does not match.
func checkAgeHeader(b []byte) error {
	off := 0
	for _, piece := range ageHeaderShape {
		if piece != "" {
			for j := 0; j < len(piece); j++ {
				if off >= len(b) {
					return fail(ErrTruncated, fmt.Sprintf("blob ends at byte %d, inside the age header", len(b)))
				}
				if b[off] != piece[j] {
					return fail(ErrFormat, fmt.Sprintf("age header: byte %d is %q, want %q (not a sealed snapshot)", off, b[off], piece[j]))
				}
				off++
			}
			continue
		}
		if len(b) < off+b64Len32 {
			if !isB64(b[off:]) {
				return fail(ErrFormat, fmt.Sprintf("age header: bad base64 at byte %d", off))
			}
			return fail(ErrTruncated, fmt.Sprintf("blob ends at byte %d, inside the age header", len(b)))
		}
		field := b[off : off+b64Len32]
		if dec, err := base64.RawStdEncoding.Strict().DecodeString(string(field)); err != nil || len(dec) != 32 {
			return fail(ErrFormat, fmt.Sprintf("age header: bad base64 at byte %d", off))
		}
		off += b64Len32
	}
	return nil
}

func isB64(b []byte) bool {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for _, c := range b {
		if !bytes.Contains([]byte(alphabet), []byte{c}) {
			return false
		}
	}
	return true
}
