package secrets

import (
	"math"
	"regexp"
)

// tokenPatterns match API keys and tokens by their vendor prefix. The whole
// match is the secret.
var tokenPatterns = []func() *regexp.Regexp{
	// OpenAI (sk-, sk-proj-, ...) and Anthropic (sk-ant-...) keys.
	lazy(`\bsk-[A-Za-z0-9_-]{20,}`),
	// Stripe-style live/test keys.
	lazy(`\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}`),
	// GitHub classic and fine-grained tokens.
	lazy(`\bgh[pousr]_[A-Za-z0-9]{30,}`),
	lazy(`\bgithub_pat_[A-Za-z0-9_]{22,}`),
	// AWS access key ids.
	lazy(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`),
	// Slack tokens.
	lazy(`\bxox[abposr]-[A-Za-z0-9-]{10,}`),
	// Google API keys.
	lazy(`\bAIza[0-9A-Za-z_-]{35}`),
	// JSON Web Tokens: base64url header and payload (both JSON objects, so
	// both start "eyJ"), then a signature.
	lazy(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}`),
}

func findTokens(text string, f *features) []span {
	var out []span
	for i, re := range tokenPatterns {
		if !f.has(tokenHints[i]) {
			continue
		}
		for _, m := range re().FindAllStringIndex(text, -1) {
			out = append(out, span{start: m[0], end: m[1], kind: APIKey})
		}
	}
	return out
}

// genericToken matches "api key: <value>", "token = <value>", "client secret
// is <value>" and the like; group 1 is the value.
var genericToken = lazy(`(?i)\b(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|access[ _-]?token|auth[ _-]?token|refresh[ _-]?token|client[ _-]?secret|token|secret|bearer)s?\b["']?\s*(?:[:=]|\bis\b|\bbearer\b)?\s*["']?([A-Za-z0-9_\-./+=~]{16,})`)

// Thresholds for a generic token value to count as a secret: random keys
// mix letters and digits and have high per-character entropy, unlike words
// ("authentication") or ordinary numbers.
const (
	minTokenEntropy = 3.0 // bits per character
)

func findGenericTokens(text string, f *features) []span {
	var out []span
	// A keyword, then a value of at least 16 token bytes.
	if !f.has(hintGeneric|hintFold) || f.tokenRun < 16 {
		return nil
	}
	for _, m := range genericToken().FindAllStringSubmatchIndex(text, -1) {
		v := text[m[2]:m[3]]
		if highEntropy(v) {
			out = append(out, span{start: m[2], end: m[3], kind: APIKey})
		}
	}
	return out
}

// highEntropy reports whether s looks like a random key: it has letters
// and digits and at least minTokenEntropy bits of entropy per character.
func highEntropy(s string) bool {
	var letters, digits bool
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters = true
		}
	}
	if !letters || !digits {
		return false
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h >= minTokenEntropy
}
