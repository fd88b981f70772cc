package secrets

import (
	"strings"
)

// ibanPattern matches an IBAN written compactly or in groups of four:
// country code, two check digits, then the account (BBAN). Upper case only:
// lower-case strings of this shape are usually identifiers.
var ibanPattern = lazy(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)

func findIBANs(text string, f *features) []span {
	var out []span
	if !f.has(hintIBAN) {
		return nil
	}
	for _, m := range ibanPattern().FindAllStringIndex(text, -1) {
		if validIBAN(text[m[0]:m[1]]) {
			out = append(out, span{start: m[0], end: m[1], kind: BankAccount})
		}
	}
	return out
}

// validIBAN checks length (15-34) and the ISO 7064 mod-97-10 checksum: move
// the first four characters to the end, read letters as 10..35, and the
// number must be 1 mod 97.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}
