package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// secretSamples are snippets that trigger (or nearly trigger) detectors.
var secretSamples = []string{
	"sk-proj-4fJ9x2LmQ8vR7tY1zW3nB6cK0pD5sA", "sk-ant-api03-AbC123dEf456GhI789jKl012MnO", "sk_live_abcdefABCDEF123456",
	"ghp_1234567890abcdefghijABCDEFGHIJ123456", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
	"AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "xoxb-1234567890-abcdefghij", "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r",
	"api key: 9f8e7d6c5b4a39281716aBcD", "the client secret is Zx81Kq02Lm93Np47Rt", "token=abcdefghij0123456789",
	"Bearer Zx81Kq02Lm93Np47RtZx81", "my password is hunter2", "pw: Tr0ub4dor&3", "the passcode to the gate was 4417",
	`wifi password = "s3cretPass"`, "my PIN is 8812", "PIN code: 1234", "passwords are 'abc123'", "password for my bank account is qwerty99",
	"4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "4111 1111 1111 1111 12 2027", "+49 151 2345 6787",
	"SSN 512-44-1234", "my social security number is 512441234", "ssn: 512 44 1234", "AB 12 34 56 C", "AB123456C", "GB123456A",
	"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR1420041010050500013M02606",
	"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl",
	"[redacted api key]", "[redacted password]", "redacted", "\u212aey: 9f8e7d6c5b4a39281716aBcD", "api \u212aey is Zx81Kq02Lm93Np47Rt",
	"\u017fecret: Zx81Kq02Lm93Np47Rt", "pa\u017f\u017fword is hunter2", "order #1234567890123", "415-555-2671", "2024-01-15",
}

// mutate returns a random edit of s: spliced samples, case flips, inserted
// or deleted bytes from an alphabet that matters to the detectors.
func mutate(r *rand.Rand, s string, pool []string) string {
	const alphabet = "0123456789 -_.:=\"'[]\n\tabcxyzABKSPkspIiMmy#+/"
	b := []byte(s)
	for n := r.IntN(4) + 1; n > 0; n-- {
		switch r.IntN(7) {
		case 0: // insert a sample
			p := pool[r.IntN(len(pool))]
			i := r.IntN(len(b) + 1)
			b = append(b[:i:i], append([]byte(" "+p+" "), b[i:]...)...)
		case 1: // insert a byte
			i := r.IntN(len(b) + 1)
			b = append(b[:i:i], append([]byte{alphabet[r.IntN(len(alphabet))]}, b[i:]...)...)
		case 2: // delete a range
			if len(b) > 0 {
				i := r.IntN(len(b))
				j := i + r.IntN(min(8, len(b)-i)+1)
				b = append(b[:i:i], b[j:]...)
			}
		case 3: // flip case of a range
			if len(b) > 0 {
				i := r.IntN(len(b))
				for j := i; j < len(b) && j < i+10; j++ {
					if c := b[j]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
						b[j] ^= 0x20
					}
				}
			}
		case 4: // replace a byte
			if len(b) > 0 {
				b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
			}
		case 5: // duplicate a range
			if len(b) > 0 {
				i := r.IntN(len(b))
				j := i + r.IntN(min(30, len(b)-i)+1)
				b = append(b[:j:j], append(append([]byte{}, b[i:j]...), b[j:]...)...)
			}
		case 6: // join with another text
			b = append(b, ' ')
			b = append(b, pool[r.IntN(len(pool))]...)
		}
	}
	return string(b)
}

// diffInputs are the corpus texts, the secret samples in context, and a few
// thousand mutations of both.
func diffInputs(tb testing.TB, n int) []string {
	texts := chatTexts(tb)
	var in []string
	in = append(in, texts...)
	for _, s := range secretSamples {
		in = append(in, s, "my thing is "+s+" ok", s+". "+s)
	}
	pool := append(append([]string{}, texts[:len(texts)-1]...), secretSamples...)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		base := pool[r.IntN(len(pool))]
		if r.IntN(3) == 0 {
			base = secretSamples[r.IntN(len(secretSamples))]
		}
		in = append(in, mutate(r, base, pool))
	}
	return in
}

func checkSame(t *testing.T, in string) {
	t.Helper()
	out, kinds, removed := redact(in)
	rout, rkinds, rremoved := refRedact(in)
	require.Equal(t, rout, out, "input %q", in)
	require.Equal(t, rkinds, kinds, "input %q", in)
	require.Equal(t, rremoved, removed, "input %q", in)
}

// TestRedactMatchesReference runs the fast Redact and the original
// regexp-only implementation on the same inputs and requires identical
// output.
func TestRedactMatchesReference(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	changed := 0
	for _, in := range diffInputs(t, n) {
		checkSame(t, in)
		if out, _ := Redact(in); out != in {
			changed++
		}
	}
	t.Logf("%d inputs with secrets", changed)
	require.Greater(t, changed, n/10, "the inputs should exercise the detectors")
	// Long texts near and over the backtracking limits.
	long := strings.Repeat("order 1234 5678 9012 3456 and pw: x"+strings.Repeat("y", 40)+" ", 200)
	checkSame(t, long)
}

func FuzzRedactMatchesReference(f *testing.F) {
	for _, s := range secretSamples {
		f.Add(s)
	}
	f.Add("I live in Berlin and my password is hunter2, card 4111 1111 1111 1111")
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 16<<10 {
			t.Skip()
		}
		checkSame(t, in)
	})
}
