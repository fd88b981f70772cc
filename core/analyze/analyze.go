// Package analyze turns text into index terms: Unicode-aware tokenizing,
// case folding, stopword removal, number normalisation and Snowball (Porter2)
// stemming.
//
// The same Analyzer is used for documents and queries, so a term only ever
// matches itself. Version names the analysis rules; anything persisted that
// depends on terms (an index cache) must be rebuilt when it changes.
package analyze

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Version identifies the analysis rules. Bump it whenever Terms can return
// different terms for the same text.
const Version = 1

// maxCache bounds the stem cache. A user's vocabulary is a few tens of
// thousands of word forms; past this the cache is simply reset.
const maxCache = 1 << 16

// maxTokenBytes drops pathological tokens (base64 blobs, URLs without
// separators) that cannot usefully match anything.
const maxTokenBytes = 40

// Analyzer turns text into terms. It caches stems, so it is not safe for
// concurrent use; give each goroutine its own.
type Analyzer struct {
	stems map[string]string
}

// New returns an Analyzer.
func New() *Analyzer { return &Analyzer{stems: make(map[string]string, 1024)} }

// Terms returns the analysed terms of text in order, stopwords removed.
func (a *Analyzer) Terms(text string) []string {
	return a.AppendTerms(nil, text)
}

// AppendTerms appends the analysed terms of text to dst.
func (a *Analyzer) AppendTerms(dst []string, text string) []string {
	Tokens(text, func(tok string) {
		if t := a.Term(tok); t != "" {
			dst = append(dst, t)
		}
	})
	return dst
}

// Term analyses one raw token (as produced by Tokens): it returns "" for a
// stopword, the canonical digits for a number word, and otherwise the stem.
func (a *Analyzer) Term(tok string) string {
	if s, ok := a.stems[tok]; ok {
		return s
	}
	s := a.term(tok)
	if len(a.stems) >= maxCache {
		clear(a.stems)
	}
	a.stems[tok] = s
	return s
}

func (a *Analyzer) term(tok string) string {
	if len(tok) > maxTokenBytes {
		return ""
	}
	if IsStopword(tok) {
		return ""
	}
	if n, ok := numberWords[tok]; ok {
		return n
	}
	if isDigits(tok) || !isASCII(tok) {
		// Porter2 is an English stemmer; other scripts are kept as folded.
		return tok
	}
	return english.Stem(tok, true)
}

// Tokens calls emit for every token of text: maximal runs of letters,
// digits and marks, lower-cased. Apostrophes inside a word join it
// ("don't"), and a trailing possessive "'s" is dropped ("Anna's" → "anna").
// A decimal point between digits is kept ("3.5").
func Tokens(text string, emit func(string)) {
	TokensAt(text, func(tok string, _, _ int) { emit(tok) })
}

// TokensAt is Tokens that also reports each token's byte span in text.
func TokensAt(text string, emit func(tok string, start, end int)) {
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if b.Len() == 0 {
			return
		}
		tok := b.String()
		b.Reset()
		tok = strings.TrimRight(tok, "'")
		tok = strings.TrimSuffix(tok, "'s")
		if tok != "" {
			emit(tok, start, end)
		}
		start = -1
	}
	var prev rune
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0 && unicode.IsLetter(prev) && nextIsLetter(text[i+utf8.RuneLen(r):]):
			b.WriteByte('\'')
		case r == '.' && unicode.IsDigit(prev) && nextIsDigit(text[i+1:]):
			b.WriteByte('.')
		default:
			flush(i)
		}
		prev = r
	}
	flush(len(text))
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func nextIsDigit(s string) bool {
	return len(s) > 0 && s[0] >= '0' && s[0] <= '9'
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
