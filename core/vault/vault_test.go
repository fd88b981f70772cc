package vault

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testKey is bytes 0..31; the expected values below were computed
// independently (Python's hmac and base64 modules, RFC 5869 by hand).
func testKey() Key {
	var k Key
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

const testCode = "000G-40R4-0M30-E209-185G-R38E-1W81-24GK-2GAH-C5RR-34D1-P70X-3RFX-ZDNN"

func TestKnownAnswers(t *testing.T) {
	k := testKey()
	require.Equal(t, "260cf201bd8e4ab90371c1d7621672c1", k.ID().String())
	require.Equal(t, "8makl-C8tkz14Vz2sfpm8lIthPu4c_jVBJNAXsmYNLY", k.AuthToken())
	s := k.SealingKey()
	require.Equal(t, "fa2acedb05157f1a9ab2f2ca84ccf55fdd5961b6861f1e7fa141fcd36ea7c6d5", fmt.Sprintf("%x", s[:]))
	require.Equal(t, testCode, RecoveryCode(k))
}

func TestDerivationsDiffer(t *testing.T) {
	k := NewKey()
	require.NotEqual(t, Key{}, k)
	require.NotEqual(t, k, NewKey())
	s := k.SealingKey()
	tok := k.AuthToken()
	id := k.ID()
	require.NotEqual(t, s[:16], id[:])
	require.NotContains(t, tok, fmt.Sprintf("%x", s[:4]))
	require.Len(t, tok, 43)
	require.Len(t, id.String(), 32)
}

func TestKeyNeverPrinted(t *testing.T) {
	k := testKey()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		out := fmt.Sprintf(verb, k)
		require.Equal(t, "vault.Key(redacted)", out, verb)
	}
	require.Equal(t, "{vault.Key(redacted)}", fmt.Sprintf("%v", struct{ K Key }{k}))
}

func TestToken(t *testing.T) {
	k := testKey()
	h := HashToken(k.AuthToken())
	require.True(t, VerifyToken(k.AuthToken(), h))
	require.False(t, VerifyToken(NewKey().AuthToken(), h))
	require.False(t, VerifyToken("", h))
	require.NotContains(t, fmt.Sprintf("%x", h), k.AuthToken())
}

func TestParseID(t *testing.T) {
	id := testKey().ID()
	got, err := ParseID(id.String())
	require.NoError(t, err)
	require.Equal(t, id, got)
	for _, bad := range []string{"", strings.ToUpper(id.String()), id.String()[:31], id.String() + "0", "g" + id.String()[1:]} {
		_, err := ParseID(bad)
		require.ErrorIs(t, err, ErrBadID, bad)
	}
}

func TestRecoveryCodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		var k Key
		for i := range k {
			k[i] = byte(r.Uint32())
		}
		code := RecoveryCode(k)
		require.Len(t, code, 56+13)
		got, err := ParseRecoveryCode(code)
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
}

func TestRecoveryCodeTolerance(t *testing.T) {
	k := testKey()
	plain := strings.ReplaceAll(testCode, "-", "")
	variants := []string{
		testCode,
		strings.ToLower(testCode),
		plain,
		strings.ReplaceAll(testCode, "-", " "),
		"  " + strings.ReplaceAll(testCode, "-", " - ") + "\n",
		strings.ReplaceAll(strings.ReplaceAll(testCode, "1", "l"), "0", "o"),
		strings.ReplaceAll(strings.ReplaceAll(testCode, "1", "I"), "0", "O"),
		strings.ReplaceAll(testCode, "1", "i"),
		plain[:20] + "\t" + plain[20:],
	}
	for _, v := range variants {
		got, err := ParseRecoveryCode(v)
		require.NoError(t, err, v)
		require.Equal(t, k, got, v)
	}
}

func codeErr(t *testing.T, err error) *CodeError {
	t.Helper()
	var ce *CodeError
	require.True(t, errors.As(err, &ce), "%v", err)
	n := 0
	for _, s := range []error{ErrCodeCharacter, ErrCodeLength, ErrCodeChecksum} {
		if errors.Is(err, s) {
			n++
		}
	}
	require.Equal(t, 1, n, "exactly one sentinel: %v", err)
	return ce
}

func TestRecoveryCodeErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
		msg  string
	}{
		{"", ErrCodeLength, "wrong number of characters: 0, want 56 (14 groups of 4)"},
		{testCode[:len(testCode)-1], ErrCodeLength, "55, want 56"},
		{testCode + "0", ErrCodeLength, "57, want 56"},
		{testCode + strings.Repeat("0", 1000), ErrCodeLength, "1056, want 56"},
		{"000G-40R4-0U30", ErrCodeCharacter, `'U' at position 12`},
		{"000G-40R4-0M3é", ErrCodeCharacter, `'é' at position 14`},
		{"ü00G", ErrCodeCharacter, `'ü' at position 1`},
		{testCode[:5] + "*" + testCode[6:], ErrCodeCharacter, `'*' at position 6`},
		{testCode[:len(testCode)-1] + "P", ErrCodeChecksum, "recovery code: checksum mismatch: a character is mistyped"},
	}
	for _, tt := range tests {
		_, err := ParseRecoveryCode(tt.in)
		require.ErrorIs(t, err, tt.want, tt.in)
		require.Contains(t, err.Error(), tt.msg)
		codeErr(t, err)
	}
}

// TestEveryTypoCaught: every single-character substitution and every swap of
// two neighbouring different characters of a code is refused with
// ErrCodeChecksum (the checksum is 24 bits; a miss has probability 2^-24 per
// typo, and none of these is one).
func TestEveryTypoCaught(t *testing.T) {
	for _, k := range []Key{testKey(), {}, NewKey()} {
		plain := strings.ReplaceAll(RecoveryCode(k), "-", "")
		for i := range plain {
			for _, c := range crockford {
				if byte(c) == plain[i] {
					continue
				}
				typo := plain[:i] + string(c) + plain[i+1:]
				_, err := ParseRecoveryCode(typo)
				require.ErrorIs(t, err, ErrCodeChecksum, typo)
			}
			if i+1 < len(plain) && plain[i] != plain[i+1] {
				swap := plain[:i] + string(plain[i+1]) + string(plain[i]) + plain[i+2:]
				_, err := ParseRecoveryCode(swap)
				require.ErrorIs(t, err, ErrCodeChecksum, swap)
			}
		}
	}
}

func FuzzParseRecoveryCode(f *testing.F) {
	f.Add(testCode)
	f.Add(strings.ToLower(testCode))
	f.Add(testCode[:30])
	f.Add("U")
	f.Add(RecoveryCode(Key{}))
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseRecoveryCode(s)
		if err != nil {
			require.Equal(t, Key{}, k)
			ce := codeErr(t, err)
			if ce.Kind == ErrCodeCharacter {
				require.Positive(t, ce.Pos)
				require.LessOrEqual(t, ce.Pos, len([]rune(s)))
			}
			return
		}
		// Whatever parses is a key whose canonical code parses to it again,
		// and that code is the input up to case, separators and I/L/O.
		code := RecoveryCode(k)
		again, err := ParseRecoveryCode(code)
		require.NoError(t, err)
		require.Equal(t, k, again)
		norm := strings.NewReplacer("-", "", " ", "", "\t", "", "\n", "", "\r", "", "I", "1", "L", "1", "O", "0").Replace(strings.ToUpper(s))
		require.Equal(t, strings.ReplaceAll(code, "-", ""), norm)
	})
}
