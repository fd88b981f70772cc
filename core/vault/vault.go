// Package vault holds the keys of end-to-end-encrypted sync: the random
// 256-bit vault key every device of a vault shares, the recovery code that
// shows it to the user, and the values derived from it.
//
// # Keys
//
// The first device generates the vault key with [NewKey] and shows it once as
// a recovery code ([RecoveryCode]); another device joins by entering that
// code ([ParseRecoveryCode]). Nothing else about the key is ever shown or
// sent. Everything else is derived from it with HKDF-SHA256 (RFC 5869, no
// salt: the key is already uniformly random), each value under its own label
// so that knowing one tells nothing about another:
//
//	value        constant         info (label)                            bytes  shown as
//	vault id     LabelVaultID     "confidant/vault/v1 vault id"             16  32 lowercase hex digits
//	auth token   LabelAuthToken   "confidant/vault/v1 server auth token"    32  43 base64url chars, unpadded
//	sealing key  LabelSealingKey  "confidant/vault/v1 sealing key"          32  never (core/seal)
//
// The vault id names the vault on the server and in sealed snapshots; it is
// public. The auth token is what a device presents to the server; the server
// keeps only [HashToken] of it and compares with [VerifyToken], so a copy of
// the server's storage cannot be replayed as a token. The sealing key is the
// X25519 secret key core/seal encrypts snapshots to; the server never sees it.
//
// # Recovery code
//
// A recovery code is 56 characters of Crockford's base32 in 14 groups of 4,
// separated by dashes:
//
//	7QBP-XE0A-...-K3MZ   (14 groups)
//
// The 56 characters encode 35 bytes, most significant bit first: the 32 key
// bytes then a 3-byte checksum, the first 3 bytes of
// SHA-256("confidant/vault/v1 recovery code checksum" || key). 280 bits are
// exactly 56 characters, so there are no padding bits and every key has
// exactly one code. A mistyped code passes the checksum with probability
// 2^-24 (about 1 in 17 million), and is then still refused by the server
// (wrong token) and by every sealed snapshot (wrong key).
//
// Parsing is tolerant of the way people type: letters of either case; spaces,
// tabs, line breaks and dashes anywhere (they are ignored); and Crockford's
// confusable letters I and L read as 1, O as 0. U, which Crockford's alphabet
// leaves out, and anything else is refused. Errors say what is wrong, in this
// order: a character outside the alphabet ([ErrCodeCharacter], naming it and
// its position in the text as typed), a wrong number of characters
// ([ErrCodeLength]), a checksum that does not match ([ErrCodeChecksum]).
package vault

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// HKDF labels (the info parameter) of the values derived from a vault key.
// Each is used for exactly one value; a new value takes a new label, and a
// changed derivation takes a new version in its label.
const (
	LabelVaultID    = "confidant/vault/v1 vault id"
	LabelAuthToken  = "confidant/vault/v1 server auth token"
	LabelSealingKey = "confidant/vault/v1 sealing key"
	// LabelChecksum is the prefix hashed with the key for the recovery
	// code's checksum (SHA-256, not HKDF).
	LabelChecksum = "confidant/vault/v1 recovery code checksum"
)

// Sizes of the key and the values derived from it.
const (
	KeySize        = 32
	IDSize         = 16
	AuthTokenSize  = 32
	SealingKeySize = 32
)

// Key is a vault key: 256 random bits. Its String and Format methods print
// "vault.Key(redacted)" so that a key cannot reach a log by accident; use
// [RecoveryCode] to show it.
type Key [KeySize]byte

// NewKey returns a new random vault key from crypto/rand.
func NewKey() Key {
	var k Key
	rand.Read(k[:]) // never fails (Go 1.24+): it crashes the program instead
	return k
}

// String returns "vault.Key(redacted)", never the key.
func (k Key) String() string { return "vault.Key(redacted)" }

// GoString returns "vault.Key(redacted)", never the key.
func (k Key) GoString() string { return k.String() }

// Format prints "vault.Key(redacted)" under every verb, never the key.
func (k Key) Format(f fmt.State, verb rune) { fmt.Fprint(f, k.String()) }

// derive returns n bytes of HKDF-SHA256 of the key under label.
func (k Key) derive(label string, n int) []byte {
	out, err := hkdf.Key(sha256.New, k[:], nil, label, n)
	if err != nil { // only for n > 255*32
		panic("vault: hkdf: " + err.Error())
	}
	return out
}

// ID is a vault id: 16 bytes derived from the vault key, what the server
// sees. It is public.
type ID [IDSize]byte

// ID returns the vault's id, HKDF-SHA256(key, LabelVaultID), 16 bytes.
func (k Key) ID() ID {
	var id ID
	copy(id[:], k.derive(LabelVaultID, IDSize))
	return id
}

// String returns the id as 32 lowercase hexadecimal digits.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is the zero id, which no key derives in practice.
func (id ID) IsZero() bool { return id == ID{} }

// ErrBadID is returned by ParseID for anything but 32 lowercase hex digits.
var ErrBadID = errors.New("vault: malformed vault id")

// ParseID parses 32 lowercase hexadecimal digits, the only spelling of an id
// that String writes and that ParseID accepts.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*IDSize {
		return id, fmt.Errorf("%w: %d characters, want %d", ErrBadID, len(s), 2*IDSize)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return id, fmt.Errorf("%w: character %q at %d is not a lowercase hex digit", ErrBadID, c, i+1)
		}
	}
	hex.Decode(id[:], []byte(s))
	return id, nil
}

// AuthToken returns the token a device presents to the sync server:
// HKDF-SHA256(key, LabelAuthToken), 32 bytes, as unpadded base64url (43
// characters).
func (k Key) AuthToken() string {
	return base64.RawURLEncoding.EncodeToString(k.derive(LabelAuthToken, AuthTokenSize))
}

// HashToken returns SHA-256 of the token as presented (its base64url text),
// the only thing the server stores.
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// VerifyToken reports, in constant time, whether token hashes to stored.
func VerifyToken(token string, stored [32]byte) bool {
	h := HashToken(token)
	return subtle.ConstantTimeCompare(h[:], stored[:]) == 1
}

// SealingKey returns HKDF-SHA256(key, LabelSealingKey), 32 bytes: the X25519
// secret key that sealed snapshots are encrypted to (see core/seal).
func (k Key) SealingKey() [SealingKeySize]byte {
	var s [SealingKeySize]byte
	copy(s[:], k.derive(LabelSealingKey, SealingKeySize))
	return s
}
