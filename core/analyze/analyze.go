// Package analyze turns text into index terms: Unicode-aware tokenizing,
// case folding, stopword removal, number normalisation and Snowball (Porter2)
// stemming.
//
// An Analyzer also owns the vocabulary: every term gets a dense uint32 id,
// stable for the Analyzer's life, so indexes store ids rather than strings.
// The same Analyzer is used for documents and queries, so a term only ever
// matches itself. Version names the analysis rules; anything persisted that
// depends on terms (the snapshot's terms section) is ignored and rebuilt
// when it changes.
package analyze

import (
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Version identifies the analysis rules. Bump it whenever the terms of a
// text can change.
const Version = 1

// maxTokenCache bounds the raw-token cache (token → term id). A user's
// word forms number in the tens of thousands; past this the cache is reset
// (the vocabulary itself is never reset: ids must stay stable).
const maxTokenCache = 1 << 17

// maxTokenBytes drops pathological tokens (base64 blobs, URLs without
// separators) that cannot usefully match anything.
const maxTokenBytes = 40

// noTerm marks a cached token that yields no term (a stopword).
const noTerm = -1

// Analyzer turns text into term ids. It is not safe for concurrent use.
type Analyzer struct {
	tokens map[string]int32  // raw token → term id or noTerm
	ids    map[string]uint32 // term → id
	terms  []string          // id → term
	buf    []byte
}

// New returns an Analyzer with an empty vocabulary.
func New() *Analyzer {
	return &Analyzer{tokens: make(map[string]int32, 1024), ids: make(map[string]uint32, 1024)}
}

// FromVocab returns an Analyzer whose vocabulary is vocab: term i has id
// i. index, if not nil, must map every term of vocab to its position and
// nothing else (a snapshot decoder builds exactly that while it checks for
// duplicates); the Analyzer then takes it over instead of building its own,
// which spares a cold start one map insertion per term. vocab's terms must
// be distinct. Both are the Analyzer's afterwards.
func FromVocab(vocab []string, index map[string]uint32) *Analyzer {
	if index == nil {
		index = make(map[string]uint32, len(vocab))
		for i, t := range vocab {
			index[t] = uint32(i)
		}
	}
	return &Analyzer{tokens: make(map[string]int32, 1024), ids: index, terms: vocab}
}

// AppendIDs appends the term ids of text, in order, to dst, adding new
// terms to the vocabulary.
func (a *Analyzer) AppendIDs(dst []uint32, text string) []uint32 {
	a.buf = tokenize(text, a.buf, func(tok []byte, _, _ int) {
		if id, ok := a.tokens[string(tok)]; ok {
			if id != noTerm {
				dst = append(dst, uint32(id))
			}
			return
		}
		id := int32(noTerm)
		if t := term(string(tok)); t != "" {
			id = int32(a.Intern(t))
			dst = append(dst, uint32(id))
		}
		if len(a.tokens) >= maxTokenCache {
			clear(a.tokens)
		}
		a.tokens[string(tok)] = id
	})
	return dst
}

// Terms returns the analysed terms of text in order (for queries and
// tests; it does not add to the vocabulary).
func (a *Analyzer) Terms(text string) []string {
	var out []string
	a.buf = tokenize(text, a.buf, func(tok []byte, _, _ int) {
		if t := a.Term(string(tok)); t != "" {
			out = append(out, t)
		}
	})
	return out
}

// Term analyses one raw token (as produced by TokensAt): "" for a stopword,
// the digits of a number word, otherwise the stem.
func (a *Analyzer) Term(tok string) string {
	if id, ok := a.tokens[tok]; ok {
		if id == noTerm {
			return ""
		}
		return a.terms[id]
	}
	return term(tok)
}

// Intern returns the id of term, adding it to the vocabulary if needed.
func (a *Analyzer) Intern(term string) uint32 {
	if id, ok := a.ids[term]; ok {
		return id
	}
	id := uint32(len(a.terms))
	a.terms = append(a.terms, term)
	a.ids[term] = id
	return id
}

// ID returns the id of a term already in the vocabulary.
func (a *Analyzer) ID(term string) (uint32, bool) {
	id, ok := a.ids[term]
	return id, ok
}

// TermOf returns the term with the given id.
func (a *Analyzer) TermOf(id uint32) string { return a.terms[id] }

// Vocab returns the vocabulary, indexed by id. It belongs to the Analyzer.
func (a *Analyzer) Vocab() []string { return a.terms }

func term(tok string) string {
	if len(tok) > maxTokenBytes || IsStopword(tok) {
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

// Tokens calls emit for every token of text (see TokensAt).
func Tokens(text string, emit func(string)) {
	TokensAt(text, func(tok string, _, _ int) { emit(tok) })
}

// TokensAt calls emit for every token of text with its byte span: maximal
// runs of letters, digits and marks, lower-cased. Apostrophes inside a word
// join it ("don't"), and a trailing possessive "'s" is dropped ("Anna's" →
// "anna"). A decimal point between digits is kept ("3.5").
func TokensAt(text string, emit func(tok string, start, end int)) {
	tokenize(text, nil, func(tok []byte, start, end int) { emit(string(tok), start, end) })
}

// tokenize is the tokenizer behind TokensAt; it reuses buf and passes each
// token as bytes that are only valid during the call.
func tokenize(text string, buf []byte, emit func(tok []byte, start, end int)) []byte {
	buf = buf[:0]
	start := -1
	flush := func(end int) {
		if len(buf) == 0 {
			return
		}
		tok := buf
		for len(tok) > 0 && tok[len(tok)-1] == '\'' {
			tok = tok[:len(tok)-1]
		}
		if n := len(tok); n >= 2 && tok[n-2] == '\'' && tok[n-1] == 's' {
			tok = tok[:n-2]
		}
		if len(tok) > 0 {
			emit(tok, start, end)
		}
		buf = buf[:0]
		start = -1
	}
	var prev rune
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				if start < 0 {
					start = i
				}
				buf = append(buf, c)
			case 'A' <= c && c <= 'Z':
				if start < 0 {
					start = i
				}
				buf = append(buf, c+'a'-'A')
			case c == '\'' && len(buf) > 0 && unicode.IsLetter(prev) && nextIsLetter(text[i+1:]):
				buf = append(buf, '\'')
			case c == '.' && '0' <= prev && prev <= '9' && nextIsDigit(text[i+1:]):
				buf = append(buf, '.')
			default:
				flush(i)
			}
			prev = rune(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		case r == '’' && len(buf) > 0 && unicode.IsLetter(prev) && nextIsLetter(text[i+size:]):
			buf = append(buf, '\'')
		default:
			flush(i)
		}
		prev = r
		i += size
	}
	flush(len(text))
	return buf
}

func nextIsLetter(s string) bool {
	if len(s) == 0 {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
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
