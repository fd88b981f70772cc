package secrets

import (
	"regexp"
	"testing"
)

// TestPatternsCompile compiles every pattern, which the package no longer
// does when it initialises (see lazy): a bad one fails here, not at a
// user's first ingest.
func TestPatternsCompile(t *testing.T) {
	all := append([]func() *regexp.Regexp{digitRun, ssnDashed, ssnLabelled, ukNINO, ibanPattern, statedPassword,
		pemPrivateKey, genericToken}, tokenPatterns...)
	for _, re := range all {
		if re() == nil || re() != re() {
			t.Fatal("a lazy pattern must compile once and keep its Regexp")
		}
	}
}
