package secrets

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactPositives(t *testing.T) {
	tests := []struct {
		name, in, want string
		kinds          []Kind
	}{
		{"openai", "use sk-proj-4fJ9x2LmQ8vR7tY1zW3nB6cK0pD5sA and go", "use [redacted api key] and go", []Kind{APIKey}},
		{"anthropic", "key=sk-ant-api03-AbC123dEf456GhI789jKl012MnO", "key=[redacted api key]", []Kind{APIKey}},
		{"github classic", "ghp_1234567890abcdefghijABCDEFGHIJ123456 is my token", "[redacted api key] is my token", []Kind{APIKey}},
		{"github fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "[redacted api key]", []Kind{APIKey}},
		{"aws", "AKIAIOSFODNN7EXAMPLE in config", "[redacted api key] in config", []Kind{APIKey}},
		{"slack", "bot token xoxb-1234567890-abcdefghij", "bot token [redacted api key]", []Kind{APIKey}},
		{"google", "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW ok", "[redacted api key] ok", []Kind{APIKey}},
		{"jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r", "Bearer [redacted api key]", []Kind{APIKey}},
		{"generic api key", "my api key: 9f8e7d6c5b4a39281716aBcD", "my api key: [redacted api key]", []Kind{APIKey}},
		{"generic secret is", "the client secret is Zx81Kq02Lm93Np47Rt", "the client secret is [redacted api key]", []Kind{APIKey}},
		{"password is", "my password is hunter2", "my password is [redacted password]", []Kind{Password}},
		{"password trailing dot", "My password is hunter2.", "My password is [redacted password].", []Kind{Password}},
		{"pw colon", "pw: Tr0ub4dor&3 thanks", "pw: [redacted password] thanks", []Kind{Password}},
		{"passcode for", "the passcode to the gate was 4417", "the passcode to the gate was [redacted password]", []Kind{Password}},
		{"quoted password", `wifi password = "s3cretPass"`, `wifi password = "[redacted password]"`, []Kind{Password}},
		{"pin", "my PIN is 8812", "my PIN is [redacted password]", []Kind{Password}},
		{"repeated password", "my password is qwerty99, yes qwerty99", "my password is [redacted password], yes [redacted password]", []Kind{Password, Password}},
		{"visa spaced", "card 4111 1111 1111 1111 exp 12/27", "card [redacted card number] exp 12/27", []Kind{CardNumber}},
		{"mastercard dashed", "5555-5555-5555-4444", "[redacted card number]", []Kind{CardNumber}},
		{"amex compact", "amex 378282246310005.", "amex [redacted card number].", []Kind{CardNumber}},
		{"card then date digits", "4111 1111 1111 1111 12 2027", "[redacted card number] 12 2027", []Kind{CardNumber}},
		{"ssn", "SSN 512-44-1234 please", "SSN [redacted government id] please", []Kind{GovernmentID}},
		{"ssn labelled", "my social security number is 512441234", "my social security number is [redacted government id]", []Kind{GovernmentID}},
		{"uk nino", "NI number AB 12 34 56 C", "NI number [redacted government id]", []Kind{GovernmentID}},
		{"iban grouped", "IBAN GB82 WEST 1234 5698 7654 32", "IBAN [redacted bank account]", []Kind{BankAccount}},
		{"iban compact", "DE89370400440532013000", "[redacted bank account]", []Kind{BankAccount}},
		{"pem", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nthanks",
			"key:\n[redacted private key]\nthanks", []Kind{PrivateKey}},
		{"pem truncated", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk", "[redacted private key]", []Kind{PrivateKey}},
		{"two kinds", "pw: abc123 and card 4111111111111111", "pw: [redacted password] and card [redacted card number]", []Kind{Password, CardNumber}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kinds := Redact(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.kinds, kinds)
		})
	}
}

func TestRedactNegatives(t *testing.T) {
	for _, in := range []string{
		"I live in Berlin and work at Acme.",
		"call me at 415-555-2671 or +1 (415) 555-2671",
		"my number is 0044 20 7946 0958",
		"ring +49 151 2345 6787 after six", // Luhn-valid, but a phone number
		"order #1234567890123 hasn't arrived",
		"tracking 4111 1111 1111 1112",
		"the meeting is on 2024-01-15 at 10:30",
		"ISBN 978-3-16-148410-0",
		"population 1,234,567,890 people",
		"invalid ssn 000-12-3456 and 666-12-3456 and 912-34-5678",
		"IBAN DE89 3704 0044 0532 0130 01 has a typo",
		"my password is too short",
		"the password is required for login",
		"I use sk-learn and scikit",
		"tokens: authentication",
		"the secret is to add more salt",
		"api key: aaaaaaaaaaaaaaaaaaaaaaaa",
		"I forgot my password again",
		"-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----",
		"my zip is 94110 and I was born in 1990",
		"serial 0000 0000 0000 0000",
	} {
		t.Run(in, func(t *testing.T) {
			got, kinds := Redact(in)
			assert.Equal(t, in, got)
			assert.Empty(t, kinds)
		})
	}
}

func TestRedactIdempotent(t *testing.T) {
	in := "pw: [redacted password] and password is [redacted password]; card [redacted card number]"
	got, kinds := Redact(in)
	assert.Equal(t, in, got)
	assert.Empty(t, kinds)
}

func TestPlaceholderWordsAreNotSecrets(t *testing.T) {
	got, kinds := Redact("my password is redacted")
	assert.Equal(t, "my password is redacted", got)
	assert.Empty(t, kinds)
}

func TestLuhn(t *testing.T) {
	digits := func(s string) []byte {
		var d []byte
		for _, c := range s {
			d = append(d, byte(c-'0'))
		}
		return d
	}
	assert.True(t, luhn(digits("79927398713")))
	assert.False(t, luhn(digits("79927398710")))
}

func TestIBAN(t *testing.T) {
	assert.True(t, validIBAN("GB82 WEST 1234 5698 7654 32"))
	assert.True(t, validIBAN("FR1420041010050500013M02606"))
	assert.False(t, validIBAN("GB82 WEST 1234 5698 7654 33"))
	assert.False(t, validIBAN("GB82"))
}

func FuzzRedact(f *testing.F) {
	seeds := []string{
		"my password is hunter2",
		"card 4111 1111 1111 1111 exp 12/27",
		"SSN 512-44-1234, NI AB123456C, IBAN GB82WEST12345698765432",
		"sk-ant-api03-AbC123dEf456GhI789jKl012MnO",
		"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
		"pw: [redacted password]",
		"api key = 9f8e7d6c5b4a39281716aBcD",
		"",
		"héllo wörld 日本",
	}
	require.NotEmpty(f, seeds)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 16<<10 {
			t.Skip("the checks below are quadratic; Redact itself is not")
		}
		out, kinds, removed := redact(in)
		require.Len(t, removed, len(kinds))
		if utf8.ValidString(in) {
			require.True(t, utf8.ValidString(out), "invalid UTF-8 output %q", out)
		}
		for _, s := range removed {
			require.NotContains(t, out, s, "secret %q survives in %q", s, out)
		}
		again, more := Redact(out)
		require.Empty(t, more, "second pass found %v in %q", more, out)
		require.Equal(t, out, again)
		if len(kinds) == 0 {
			require.Equal(t, in, out)
		}
	})
}
