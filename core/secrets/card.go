package secrets

// digitRun matches digits in groups separated by single spaces or dashes,
// the way card numbers are written ("4111 1111 1111 1111", "4111-1111-...").
var digitRun = lazy(`\d+(?:[ -]\d+)*`)

// findCards looks for payment card numbers: 13 to 19 digits that pass the
// Luhn check and start with an issuer digit (2-6: Mastercard, Amex, Diners,
// JCB, Visa, Discover, UnionPay). Inside a longer run of digit groups (a
// card number followed by an expiry date) it tries each contiguous run of
// whole groups, so a number is never split mid-group, which keeps order
// numbers and phone numbers that merely contain a Luhn-valid substring out.
func findCards(text string, f *features) []span {
	var out []span
	if f.digitRun < 13 {
		return nil // a card number has at least 13 digits in one run of groups
	}
	for _, m := range digitRun().FindAllStringIndex(text, -1) {
		if m[0] > 0 && isWordByte(text[m[0]-1]) || m[1] < len(text) && isWordByte(text[m[1]]) {
			continue // part of an identifier like "A1234..." or "1234x"
		}
		if m[0] > 0 && text[m[0]-1] == '+' {
			continue // an international phone number
		}
		out = append(out, cardsInRun(text, m[0], m[1])...)
	}
	return out
}

type group struct{ start, end int }

func cardsInRun(text string, start, end int) []span {
	var groups []group
	for i := start; i < end; {
		j := i
		for j < end && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		groups = append(groups, group{i, j})
		i = j + 1 // skip the separator
	}
	var out []span
	for i := 0; i < len(groups); {
		best := -1
		digits := 0
		for j := i; j < len(groups); j++ {
			digits += groups[j].end - groups[j].start
			if digits > 19 {
				break
			}
			if digits >= 13 && isCard(text[groups[i].start:groups[j].end]) {
				best = j
			}
		}
		if best < 0 {
			i++
			continue
		}
		out = append(out, span{start: groups[i].start, end: groups[best].end, kind: CardNumber})
		i = best + 1
	}
	return out
}

// isCard reports whether s (digits with separators) is a plausible card
// number: issuer digit, one kind of separator, Luhn-valid.
func isCard(s string) bool {
	var digits []byte
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits = append(digits, c-'0')
			continue
		}
		if sep != 0 && c != sep {
			return false
		}
		sep = c
	}
	if len(digits) < 13 || len(digits) > 19 || digits[0] < 2 || digits[0] > 6 {
		return false
	}
	return luhn(digits)
}

// luhn checks the Luhn (mod 10) check digit.
func luhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i])
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
