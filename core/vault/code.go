package vault

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// The recovery code's shape: see "Recovery code" in the package doc.
const (
	checksumSize = 3
	codeChars    = (KeySize + checksumSize) * 8 / 5 // 56
	groupSize    = 4
)

// crockford is Crockford's base32 alphabet: digits and upper-case letters
// without I, L, O and U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var codeEncoding = base32.NewEncoding(crockford).WithPadding(base32.NoPadding)

// Errors of ParseRecoveryCode, one per kind of typo. The error returned wraps
// exactly one of them and says where the problem is.
var (
	ErrCodeCharacter = errors.New("character not in the recovery code alphabet")
	ErrCodeLength    = errors.New("wrong number of characters")
	ErrCodeChecksum  = errors.New("checksum mismatch: a character is mistyped")
)

// CodeError is the error ParseRecoveryCode returns. It matches one of the
// ErrCode sentinels with errors.Is.
type CodeError struct {
	Kind error // ErrCodeCharacter, ErrCodeLength or ErrCodeChecksum
	// For ErrCodeCharacter: the character and its 1-based position in the
	// text as given, counted in characters (runes).
	Char rune
	Pos  int
	// For ErrCodeLength: how many code characters the text had.
	Got int
}

func (e *CodeError) Error() string {
	switch e.Kind {
	case ErrCodeCharacter:
		return fmt.Sprintf("recovery code: %s: %q at position %d", e.Kind, e.Char, e.Pos)
	case ErrCodeLength:
		return fmt.Sprintf("recovery code: %s: %d, want %d (%d groups of %d)", e.Kind, e.Got, codeChars, codeChars/groupSize, groupSize)
	}
	return "recovery code: " + e.Kind.Error()
}

func (e *CodeError) Unwrap() error { return e.Kind }

func checksum(k Key) [checksumSize]byte {
	h := sha256.New()
	h.Write([]byte(LabelChecksum))
	h.Write(k[:])
	var c [checksumSize]byte
	copy(c[:], h.Sum(nil))
	return c
}

// RecoveryCode returns the key as a recovery code: 56 Crockford base32
// characters in 14 dash-separated groups of 4, the last 24 bits a checksum.
func RecoveryCode(k Key) string {
	c := checksum(k)
	raw := codeEncoding.EncodeToString(append(k[:], c[:]...))
	var b strings.Builder
	for i := 0; i < len(raw); i += groupSize {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(raw[i : i+groupSize])
	}
	return b.String()
}

// ParseRecoveryCode returns the key a recovery code encodes. It ignores case,
// spaces and dashes, reads I and L as 1 and O as 0, and fails with a
// *CodeError matching ErrCodeCharacter, ErrCodeLength or ErrCodeChecksum.
func ParseRecoveryCode(s string) (Key, error) {
	var k Key
	norm := make([]byte, 0, codeChars)
	pos := 0
	for _, orig := range s {
		pos++
		r := orig
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '-':
			continue
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r > 0x7f || strings.IndexByte(crockford, byte(r)) < 0 {
			return k, &CodeError{Kind: ErrCodeCharacter, Char: orig, Pos: pos}
		}
		if len(norm) <= codeChars { // count one past the limit, then stop growing
			norm = append(norm, byte(r))
		}
	}
	if len(norm) != codeChars {
		got := len(norm)
		if got > codeChars {
			got = countCodeChars(s)
		}
		return k, &CodeError{Kind: ErrCodeLength, Got: got}
	}
	raw, err := codeEncoding.DecodeString(string(norm))
	if err != nil || len(raw) != KeySize+checksumSize { // unreachable: 56 valid characters are 35 bytes
		return k, &CodeError{Kind: ErrCodeLength, Got: len(norm)}
	}
	copy(k[:], raw)
	if c := checksum(k); string(c[:]) != string(raw[KeySize:]) {
		return Key{}, &CodeError{Kind: ErrCodeChecksum}
	}
	return k, nil
}

// countCodeChars counts the characters of s that are not separators.
func countCodeChars(s string) int {
	n := 0
	for _, r := range s {
		if !(r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '-') {
			n++
		}
	}
	return n
}
