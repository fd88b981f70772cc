package secrets

// Pre-filters. Every detector is a set of regular expressions; running them
// all over every turn dominated ingest time, although almost no turn holds a
// secret. One pass over the text collects cheap facts (digit runs, vendor
// prefixes, keywords) and each detector runs only when the text could
// contain a match. Each gate is a necessary condition for its regexp to
// match, so results are unchanged; TestRedactMatchesReference checks that
// against the original implementation.

// hint bits: which detectors may match.
const (
	hintSK          = 1 << iota // sk-
	hintStripe                  // k_live_, k_test_
	hintGitHub                  // gh[pousr]_
	hintGitHubPAT               // github_pat_
	hintAWS                     // AKIA, ASIA
	hintSlack                   // xox
	hintGoogle                  // AIza
	hintJWT                     // eyJ
	hintPEM                     // -----BEGIN
	hintGeneric                 // key, token, secret, bearer (any case)
	hintPassword                // pw, pass, pin at a word start (any case)
	hintSSNWord                 // ssn, social security (any case)
	hintPlaceholder             // [redacted
	hintFold                    // U+212A KELVIN SIGN or U+017F LONG S: they fold to k and s under (?i)
	hintIBAN                    // [A-Z]{2}\d{2}
)

// tokenHints lines up with tokenPatterns.
var tokenHints = [...]int{hintSK, hintStripe, hintGitHub, hintGitHubPAT, hintAWS, hintSlack, hintGoogle, hintJWT}

// features are what the pre-filters know about a text.
type features struct {
	hints int
	// digitRun is the most digits in one run of digit groups separated by
	// single spaces or dashes (what a card, SSN or NINO is written as).
	digitRun int
	// tokenRun is the longest run of generic token value bytes.
	tokenRun int
}

func (f *features) has(h int) bool { return f.hints&h != 0 }

// byte classes for scan.
const (
	clDigit = 1 << iota
	clToken // [A-Za-z0-9_\-./+=~]
	clWord  // [A-Za-z0-9_]
	clStart // may start a prefix or keyword of interest
	clUpper
)

var class = classTable()

// classTable builds class. Not inlined into the package's initialisation,
// its loop does not get that large function recompiled by V8 at every start
// (RATIONALE.md: "Why are the load's loops in functions of their own?").
//
//go:noinline
func classTable() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case b >= '0' && b <= '9':
			t[c] |= clDigit | clToken | clWord
		case b >= 'A' && b <= 'Z':
			t[c] |= clToken | clWord | clUpper
		case b >= 'a' && b <= 'z':
			t[c] |= clToken | clWord
		case b == '_':
			t[c] |= clToken | clWord
		case b == '-' || b == '.' || b == '/' || b == '+' || b == '=' || b == '~':
			t[c] |= clToken
		}
	}
	for _, b := range []byte("skgxeptbSKGXEPTBAa-[\xe2\xc5") {
		t[b] |= clStart
	}
	return t
}

// lower folds an ASCII letter to lower case.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasFold reports whether s[i:] starts with the lower-case ASCII word w,
// ignoring ASCII case.
func hasFold(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		if lower(s[i+j]) != w[j] {
			return false
		}
	}
	return true
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

// scan collects the features of text in one pass.
func scan(text string) features {
	var f features
	run, tok := 0, 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		cl := class[c]
		if cl&clToken != 0 {
			tok++
			if tok > f.tokenRun {
				f.tokenRun = tok
			}
		} else {
			tok = 0
		}
		if cl&clDigit != 0 {
			switch {
			case i > 0 && class[text[i-1]]&clDigit != 0:
				run++
			case i > 1 && (text[i-1] == ' ' || text[i-1] == '-') && class[text[i-2]]&clDigit != 0:
				run++
			default:
				run = 1
			}
			if run > f.digitRun {
				f.digitRun = run
			}
			continue
		}
		if cl&clUpper != 0 && i+3 < len(text) && class[text[i+1]]&clUpper != 0 &&
			class[text[i+2]]&clDigit != 0 && class[text[i+3]]&clDigit != 0 {
			f.hints |= hintIBAN // [A-Z]{2}\d{2} starts every IBAN
		}
		if cl&clStart == 0 {
			continue
		}
		wordStart := i == 0 || class[text[i-1]]&clWord == 0
		switch c {
		case 's', 'S':
			if c == 's' && hasPrefixAt(text, i, "sk-") {
				f.hints |= hintSK
			}
			if hasFold(text, i, "secret") {
				f.hints |= hintGeneric
			}
			if hasFold(text, i, "ssn") || hasFold(text, i, "social security") {
				f.hints |= hintSSNWord
			}
		case 'k', 'K':
			if c == 'k' && (hasPrefixAt(text, i, "k_live_") || hasPrefixAt(text, i, "k_test_")) {
				f.hints |= hintStripe
			}
			if hasFold(text, i, "key") {
				f.hints |= hintGeneric
			}
		case 'g':
			if i+3 < len(text) && text[i+1] == 'h' && text[i+3] == '_' {
				switch text[i+2] {
				case 'p', 'o', 'u', 's', 'r':
					f.hints |= hintGitHub
				}
			}
			if hasPrefixAt(text, i, "github_pat_") {
				f.hints |= hintGitHubPAT
			}
		case 'x':
			if hasPrefixAt(text, i, "xox") {
				f.hints |= hintSlack
			}
		case 'e':
			if hasPrefixAt(text, i, "eyJ") {
				f.hints |= hintJWT
			}
		case 't', 'T':
			if hasFold(text, i, "token") {
				f.hints |= hintGeneric
			}
		case 'b', 'B':
			if hasFold(text, i, "bearer") {
				f.hints |= hintGeneric
			}
		case 'p', 'P':
			if wordStart && (hasFold(text, i, "pw") || hasFold(text, i, "pass") || hasFold(text, i, "pin")) {
				f.hints |= hintPassword
			}
		case 'A':
			if hasPrefixAt(text, i, "AKIA") || hasPrefixAt(text, i, "AIza") {
				f.hints |= hintAWS | hintGoogle
			}
			if hasPrefixAt(text, i, "ASIA") {
				f.hints |= hintAWS
			}
		case '-':
			if hasPrefixAt(text, i, "-----BEGIN ") {
				f.hints |= hintPEM
			}
		case '[':
			if hasPrefixAt(text, i, "[redacted ") {
				f.hints |= hintPlaceholder
			}
		case 0xe2:
			if hasPrefixAt(text, i, "\u212a") {
				f.hints |= hintFold
			}
		case 0xc5:
			if hasPrefixAt(text, i, "\u017f") {
				f.hints |= hintFold
			}
		}
	}
	return f
}
