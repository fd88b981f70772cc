package analyze

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestTerms(t *testing.T) {
	a := New()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"I'm running to the store", []string{"run", "store"}},
		{"Anna's cats don't like   LOUD music!", []string{"anna", "cat", "like", "loud", "music"}},
		{"two weeks ago, 2 weeks", []string{"2", "week", "ago", "2", "week"}},
		{"version 3.5 costs $20.", []string{"version", "3.5", "cost", "20"}},
		{"Café in São Paulo", []string{"café", "são", "paulo"}},
		{"東京 に 行きました", []string{"東京", "に", "行きました"}},
		{"2023/05/20 (Sat) 02:21", []string{"2023", "05", "20", "sat", "02", "21"}},
		{"", nil},
		{"the and of", nil},
	} {
		assert.Equal(t, tc.want, a.Terms(tc.in), tc.in)
	}
}

func TestCurlyApostropheJoinsWords(t *testing.T) {
	assert.Equal(t, New().Terms("I don't eat meat"), New().Terms("I don’t eat meat"))
}

func TestLongTokensDropped(t *testing.T) {
	assert.Empty(t, New().Terms(strings.Repeat("x", 100)))
}

func TestTokensAtSpans(t *testing.T) {
	text := "Hi, Dave’s cat."
	TokensAt(text, func(tok string, start, end int) {
		assert.True(t, start >= 0 && end <= len(text) && start < end, tok)
	})
}

func TestIDsMatchTerms(t *testing.T) {
	a := New()
	text := "Anna's cats don't like LOUD music; two cats, 3.5 kg."
	ids := a.AppendIDs(nil, text)
	var got []string
	for _, id := range ids {
		got = append(got, a.TermOf(id))
	}
	assert.Equal(t, a.Terms(text), got)
	again := a.AppendIDs(nil, text)
	assert.Equal(t, ids, again, "ids are stable")
	id, ok := a.ID("cat")
	assert.True(t, ok)
	assert.Equal(t, "cat", a.TermOf(id))
}

func TestTokenCacheBounded(t *testing.T) {
	a := New()
	for i := 0; i < maxTokenCache+10; i++ {
		a.AppendIDs(nil, "w"+strings.Repeat("a", i%30)+string(rune('a'+i%26))+string(rune('a'+(i/26)%26))+string(rune('a'+(i/676)%26)))
	}
	assert.LessOrEqual(t, len(a.tokens), maxTokenCache)
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"I'm running", "Anna's", "3.5.6..7", "’’'", "a'b'c", "\xff\xfe", "ÅÄÖ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := New()
		ids := a.AppendIDs(nil, s)
		terms := a.Terms(s)
		assert.Equal(t, len(terms), len(ids))
		for i, term := range terms {
			assert.Equal(t, term, a.TermOf(ids[i]))
			if utf8.ValidString(s) {
				assert.True(t, utf8.ValidString(term))
			}
			assert.NotEmpty(t, term)
			assert.LessOrEqual(t, len(term), maxTokenBytes)
		}
		TokensAt(s, func(tok string, start, end int) {
			assert.True(t, 0 <= start && start < end && end <= len(s))
		})
	})
}

// TestFromVocab checks that an Analyzer over a loaded vocabulary, with or
// without the decoder's index, gives the ids a fresh one built by interning
// the same terms, and goes on numbering new terms after them.
func TestFromVocab(t *testing.T) {
	fresh := New()
	text := "My sister adopted two puppies; the puppies chew everything in her garden."
	want := fresh.AppendIDs(nil, text)
	vocab := slices.Clone(fresh.Vocab())
	index := make(map[string]uint32, len(vocab))
	for i, v := range vocab {
		index[v] = uint32(i)
	}
	for name, a := range map[string]*Analyzer{"index": FromVocab(slices.Clone(vocab), index), "no index": FromVocab(slices.Clone(vocab), nil)} {
		if got := a.AppendIDs(nil, text); !slices.Equal(got, want) {
			t.Errorf("%s: ids %v, want %v", name, got, want)
		}
		if id := a.Intern("zebra"); id != uint32(len(vocab)) {
			t.Errorf("%s: a new term got id %d, want %d", name, id, len(vocab))
		}
		if id, ok := a.ID(vocab[0]); !ok || id != 0 {
			t.Errorf("%s: ID(%q) = %d, %v", name, vocab[0], id, ok)
		}
	}
}
