package secrets

import (
	"strconv"
	"strings"
)

// ssnDashed matches the written form of a US Social Security number; ranges
// are checked in validSSN. ssnLabelled matches nine digits in other layouts
// when the text names them as an SSN.
var (
	ssnDashed   = lazy(`\b(\d{3})-(\d{2})-(\d{4})\b`)
	ssnLabelled = lazy(`(?i)\b(?:ssn|social security(?: number| no\.?| #)?)\b[^\d\n]{0,20}(\d{3} ?\d{2} ?\d{4})\b`)
)

// ukNINO matches a UK National Insurance number: two prefix letters (D, F,
// I, Q, U, V never; O never second), six digits, suffix A-D. The disallowed
// prefixes BG, GB, KN, NK, NT, TN, ZZ are checked in findGovernmentIDs.
var ukNINO = lazy(`(?i)\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`)

var badNINOPrefix = map[string]bool{"BG": true, "GB": true, "KN": true, "NK": true, "NT": true, "TN": true, "ZZ": true}

func findGovernmentIDs(text string, f *features) []span {
	var out []span
	if f.digitRun < 6 {
		return nil // all three have six or more digits in one run of groups
	}
	var dashed, labelled [][]int
	if f.digitRun >= 9 {
		dashed = ssnDashed().FindAllStringSubmatchIndex(text, -1)
		if f.has(hintSSNWord | hintFold) {
			labelled = ssnLabelled().FindAllStringSubmatchIndex(text, -1)
		}
	}
	for _, m := range dashed {
		// "123-45-6789-10" or "1-123-45-6789" are other numbers.
		if m[0] > 0 && text[m[0]-1] == '-' || m[1] < len(text) && text[m[1]] == '-' {
			continue
		}
		if validSSN(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]) {
			out = append(out, span{start: m[0], end: m[1], kind: GovernmentID})
		}
	}
	for _, m := range labelled {
		d := strings.ReplaceAll(text[m[2]:m[3]], " ", "")
		if validSSN(d[:3], d[3:5], d[5:]) {
			out = append(out, span{start: m[2], end: m[3], kind: GovernmentID})
		}
	}
	for _, m := range ukNINO().FindAllStringSubmatchIndex(text, -1) {
		if !badNINOPrefix[strings.ToUpper(text[m[2]:m[3]])] {
			out = append(out, span{start: m[0], end: m[1], kind: GovernmentID})
		}
	}
	return out
}

// validSSN applies the SSA's assignment rules: area 001-899 except 666,
// group 01-99, serial 0001-9999.
func validSSN(area, group, serial string) bool {
	a, _ := strconv.Atoi(area)
	g, _ := strconv.Atoi(group)
	s, _ := strconv.Atoi(serial)
	return a > 0 && a < 900 && a != 666 && g > 0 && s > 0
}
