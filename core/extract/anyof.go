package extract

import (
	"regexp/syntax"
	"strings"
)

// Word-list gates. Many rules require one word of a long list (a demonym,
// a job title, a species): "^I'm (?:an? )?(american|british|...)". Every
// match of such a rule passes through the list, so the clause must hold
// one of the strings a match of the list can start with. anyOfGate finds
// the longest such set among the parts every match goes through.

// maxAnyOf bounds the strings of a word-list gate.
const maxAnyOf = 1024

// anyOf is a set of lower-case ASCII strings of two bytes or more, indexed
// by their first two bytes.
type anyOf struct {
	pairs [1 << 16 / 64]uint64
	words map[uint16][]string
}

// in reports whether lower (lower-cased by lowerASCII) holds one of the
// strings.
func (a *anyOf) in(lower string) bool {
	for i := 0; i+1 < len(lower); i++ {
		k := uint16(lower[i])<<8 | uint16(lower[i+1])
		if a.pairs[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, w := range a.words[k] {
			if strings.HasPrefix(lower[i:], w) {
				return true
			}
		}
	}
	return false
}

// anyOfGate returns the word-list gate of t, or nil.
func anyOfGate(t *syntax.Regexp) *anyOf {
	var best []string
	for _, set := range requiredSets(t) {
		if better(set, best) {
			best = set
		}
	}
	if best == nil {
		return nil
	}
	a := &anyOf{words: map[uint16][]string{}}
	for _, w := range best {
		k := uint16(w[0])<<8 | uint16(w[1])
		a.pairs[k/64] |= 1 << (k % 64)
		a.words[k] = append(a.words[k], w)
	}
	return a
}

// minAnyOf is the least number of strings of a word-list gate; shorter
// lists are left to the prefix and literal gates.
const minAnyOf = 10

// better prefers lists of minAnyOf strings or more whose shortest string
// is longer, then shorter lists.
func better(set, best []string) bool {
	if len(set) < minAnyOf {
		return false
	}
	if best == nil {
		return true
	}
	if a, b := shortest(set), shortest(best); a != b {
		return a > b
	}
	return len(set) < len(best)
}

func shortest(set []string) int {
	n := len(set[0])
	for _, s := range set {
		n = min(n, len(s))
	}
	return n
}

// requiredSets returns, for each part of t that every match goes through,
// the strings a match of that part starts with (lower-case ASCII, cut
// before any other byte), when all have two bytes or more.
func requiredSets(t *syntax.Regexp) [][]string {
	var out [][]string
	switch t.Op {
	case syntax.OpConcat:
		for _, s := range t.Sub {
			out = append(out, requiredSets(s)...)
		}
		return out
	case syntax.OpCapture, syntax.OpPlus:
		out = requiredSets(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min < 1 {
			return nil
		}
		out = requiredSets(t.Sub[0])
	}
	var set []string
	for _, p := range prefixesUpTo(t, maxAnyOf) {
		w := foldable(p.s)
		if len(w) < 2 {
			return out
		}
		set = append(set, w)
	}
	return append(out, dedupe(set))
}
