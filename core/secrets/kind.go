package secrets

import "strings"

// Kind names a class of secret. Its string form is used in the placeholder.
type Kind string

// The kinds of secret Redact detects.
const (
	APIKey       Kind = "api key"       // API keys, access tokens, JWTs
	Password     Kind = "password"      // passwords, passcodes, PINs stated in text
	CardNumber   Kind = "card number"   // Luhn-valid payment card numbers
	GovernmentID Kind = "government id" // US SSN, UK National Insurance number
	BankAccount  Kind = "bank account"  // IBAN with a valid checksum
	PrivateKey   Kind = "private key"   // PEM private key blocks
)

// Kinds lists every kind.
var Kinds = []Kind{APIKey, Password, CardNumber, GovernmentID, BankAccount, PrivateKey}

// Placeholder is the text that replaces a secret of kind k.
func (k Kind) Placeholder() string { return "[redacted " + string(k) + "]" }

// inPlaceholder reports whether s occurs inside some placeholder, so that
// redacting it would make the output still "contain" it (e.g. a stated
// password "redacted"). Such strings are words, not secrets.
func inPlaceholder(s string) bool {
	for _, k := range Kinds {
		if strings.Contains(k.Placeholder(), s) {
			return true
		}
	}
	return false
}

// placeholderSpans returns the byte ranges of placeholders already in text.
func placeholderSpans(text string) []span {
	var out []span
	for _, k := range Kinds {
		p := k.Placeholder()
		for i := 0; ; {
			j := strings.Index(text[i:], p)
			if j < 0 {
				break
			}
			out = append(out, span{start: i + j, end: i + j + len(p), kind: k})
			i += j + len(p)
		}
	}
	return out
}
