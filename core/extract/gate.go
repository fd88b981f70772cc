package extract

import (
	"regexp/syntax"
	"strings"
	"sync"
)

// Gates. Extract runs about a hundred case-insensitive regexps on every
// clause, and most of them fail at once: the clause does not start the way
// the pattern is anchored ("^I'm ", "^my ") or lacks a word the pattern
// requires ("allergic to", "budget"). A gate is derived from each pattern's
// syntax tree and checked first with plain string operations; the regexp
// runs only when the gate passes. Every gate is a necessary condition for
// its regexp to match, so results are unchanged (TestExtractGolden and
// FuzzExtractGates check this against the ungated path).
//
// Gates compare ASCII-folded bytes and drop non-ASCII literal text. Under
// (?i) the ASCII letters k and s also match U+212A KELVIN SIGN and U+017F
// LONG S, so a text holding either sign is not gated at all (see
// unfoldable); otherwise ASCII folding is exact.

// gate is a cheap necessary condition for a regexp to match a string.
type gate struct {
	// prefixes: the match starts at the beginning of the string with one
	// of these (lower-case ASCII; compared ignoring ASCII case). Empty: no
	// condition.
	prefixes []string
	// first has the folded first byte of every prefix, and second the
	// second byte of every prefix of two bytes or more, for a quick
	// reject; short is set if a prefix has one byte.
	first, second [256]bool
	short         bool
	// required literals (lower-case ASCII) all occur in the string.
	required []string
	// anyOf: one of these occurs in the string (nil: no condition).
	anyOf *anyOf
}

// maxPrefixes bounds the prefix set derived from alternations.
const maxPrefixes = 64

// gateOf derives the gate of re.
func gateOf(pattern string) gate {
	var g gate
	t, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return g
	}
	if t.Op == syntax.OpConcat && len(t.Sub) > 0 && t.Sub[0].Op == syntax.OpBeginText {
		set, _ := prefixSet(&syntax.Regexp{Op: syntax.OpConcat, Sub: t.Sub[1:]})
		ok := len(set) > 0
		for i, p := range set {
			set[i] = foldable(p)
			if set[i] == "" {
				ok = false
			}
		}
		if ok {
			g.prefixes = dedupe(set)
			for _, p := range g.prefixes {
				g.first[p[0]] = true
				if len(p) == 1 {
					g.short = true
				} else {
					g.second[p[1]] = true
				}
			}
		}
	}
	for _, lit := range requiredLiterals(t) {
		// Split at bytes that cannot be compared folded; keep pieces of
		// two bytes or more.
		for _, piece := range strings.FieldsFunc(lit, func(r rune) bool { return !asciiFoldable(r) }) {
			if len(piece) >= 2 {
				g.required = append(g.required, piece)
			}
		}
	}
	g.required = dedupe(g.required)
	g.anyOf = anyOfGate(t)
	return g
}

// asciiFoldable reports whether r can be compared ASCII-folded.
func asciiFoldable(r rune) bool { return r < 0x80 }

// foldable lower-cases p and cuts it before its first byte that cannot be
// compared folded.
func foldable(p string) string {
	p = strings.ToLower(p)
	for i, r := range p {
		if !asciiFoldable(r) {
			return p[:i]
		}
	}
	return p
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// prefix is a string some matches start with; exact when those matches
// continue right after it with whatever follows the subexpression.
type prefix struct {
	s     string
	exact bool
}

// prefixSet returns strings one of which every match of t starts with.
func prefixSet(t *syntax.Regexp) ([]string, bool) {
	ps := prefixes(t)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.s
	}
	return out, true
}

var unknown = []prefix{{"", false}}

// prefixes returns prefixes one of which every match of t starts with.
func prefixes(t *syntax.Regexp) []prefix { return prefixesUpTo(t, maxPrefixes) }

// prefixesUpTo is prefixes with at most limit strings per alternation.
func prefixesUpTo(t *syntax.Regexp, limit int) []prefix {
	switch t.Op {
	case syntax.OpLiteral:
		return []prefix{{string(t.Rune), true}}
	case syntax.OpCharClass:
		var set []prefix
		for i := 0; i+1 < len(t.Rune); i += 2 {
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				if len(set) >= 8 {
					return unknown
				}
				set = append(set, prefix{string(r), true})
			}
		}
		return set
	case syntax.OpCapture:
		return prefixesUpTo(t.Sub[0], limit)
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpBeginText:
		return []prefix{{"", true}}
	case syntax.OpAlternate:
		var set []prefix
		for _, s := range t.Sub {
			set = append(set, prefixesUpTo(s, limit)...)
		}
		if len(set) > limit {
			return unknown
		}
		return set
	case syntax.OpQuest:
		set := append(prefixesUpTo(t.Sub[0], limit), prefix{"", true})
		if len(set) > limit {
			return unknown
		}
		return set
	case syntax.OpConcat:
		set := []prefix{{"", true}}
		for _, s := range t.Sub {
			sub := prefixesUpTo(s, limit)
			var next []prefix
			for _, a := range set {
				if !a.exact {
					next = append(next, a)
					continue
				}
				for _, b := range sub {
					next = append(next, prefix{a.s + b.s, b.exact})
				}
			}
			if len(next) > limit {
				for i := range set {
					set[i].exact = false
				}
				return set
			}
			set = next
		}
		return set
	case syntax.OpPlus:
		set := prefixesUpTo(t.Sub[0], limit)
		for i := range set {
			set[i].exact = false
		}
		return set
	case syntax.OpRepeat:
		if t.Min >= 1 {
			set := prefixesUpTo(t.Sub[0], limit)
			for i := range set {
				set[i].exact = false
			}
			return set
		}
	}
	return unknown
}

// requiredLiterals returns literals every match of t contains.
func requiredLiterals(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(t.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return requiredLiterals(t.Sub[0])
		}
	case syntax.OpConcat:
		var out []string
		for _, s := range t.Sub {
			out = append(out, requiredLiterals(s)...)
		}
		return out
	}
	return nil
}

// unfoldable reports whether s holds a sign that folds to an ASCII letter;
// gates do not apply to such text.
func unfoldable(s string) bool {
	return strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")
}

// lowerASCII appends s with ASCII letters lower-cased to buf.
func lowerASCII(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// hasPrefixFold reports whether s starts with the lower-case ASCII p,
// ignoring ASCII case.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// pass reports whether the gate lets s through; lower is s lower-cased by
// lowerASCII, or "" to check only the prefixes.
func (g *gate) pass(s, lower string) bool {
	if len(g.prefixes) > 0 {
		if s == "" || !g.first[foldByte(s[0])] {
			return false
		}
		if !g.short && (len(s) < 2 || !g.second[foldByte(s[1])]) {
			return false
		}
		ok := false
		for _, p := range g.prefixes {
			if hasPrefixFold(s, p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if lower != "" {
		for _, r := range g.required {
			if !strings.Contains(lower, r) {
				return false
			}
		}
		if g.anyOf != nil && !g.anyOf.in(lower) {
			return false
		}
	}
	return true
}

func foldByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// gatedRe is an anchored regexp with its prefix gate, both built on first
// use.
type gatedRe struct {
	*lre
	gateOnce *sync.Once
	g        *gate
}

// anchored is a case-insensitive pattern with its gate.
func anchored(pattern string) gatedRe {
	return gatedRe{lre: rx(pattern), gateOnce: new(sync.Once), g: new(gate)}
}

// gate returns the prefix gate, computing it once.
func (r gatedRe) gate() *gate {
	r.gateOnce.Do(func() {
		*r.g = gateOf(r.lre.String())
		r.g.required = nil // checked on the prefix only: no lower-cased copy
	})
	return r.g
}

// match is MatchString; with fast, behind the gate.
func (r gatedRe) match(s string, fast bool) bool {
	if fast && !r.gate().pass(s, "") {
		return false
	}
	return r.MatchString(s)
}

// find is FindString; with fast, behind the gate.
func (r gatedRe) find(s string, fast bool) string {
	if fast && !r.gate().pass(s, "") {
		return ""
	}
	return r.FindString(s)
}
