package extract

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The golden file records what Extract returned, before the fast paths were
// added, on the corpus texts and a few thousand mutations of them. Any
// change in behaviour shows up as a diff. Regenerate only for an intended
// change: EXTRACT_GOLDEN_UPDATE=1 go test ./core/extract -run Golden
var goldenPath = filepath.Join("..", "..", "testdata", "extraction", "golden.jsonl")

// fragments are phrases spliced into the mutations: openers, first-person
// frames, lexicon words, dates, quotes, secrets and clause breaks.
var fragments = []string{
	"I'm", "im", "i am", "I have", "ive got", "we", "my wife and I", "my", "our", "I", "i", "me", "call me", "this is",
	"ok so", "btw", "honestly,", "I think", "probably", "if", "suppose", "she said", "told me", "would", "I'd",
	"don't", "dont", "do not", "cant", "cannot", "wanna", "gonna", "I've", "we're", "we've", "I'll",
	"vegan", "allergic to", "peanuts", "married", "two kids", "a dog named Max", "my daughter Mia is 5",
	"live in", "moved to", "Lisbon", "from Ohio", "work as a", "nurse", "software engineer", "at Google",
	"every morning", "usually", "never", "next Friday", "on June 3", "tomorrow", "in two weeks", "2026-12-24",
	"love", "hate", "prefer tea over coffee", "fan of", "want to", "trying to", "learn Japanese", "speak",
	"Spanish", "fluent in", "make $80k a year", "in debt", "catholic", "liberal", "diabetic", "have asthma",
	"\"quoted text\"", "'single quoted'", "“curly”", "?", ".", "!", ",", ";", " and ", " but ", " - ", "(", ")", "\n",
	"my password is hunter2", "4111 1111 1111 1111", "sk-proj-4fJ9x2LmQ8vR7tY1zW3nB6cK0pD5sA", "[redacted api key]",
	"<secret>", "<quote>", "’", "‘", "\t", "  ", "Ⅰ", "\u212a", "\u017f", "é", "日本",
}

func mutateText(r *rand.Rand, s string, pool []string) string {
	words := strings.SplitAfter(s, " ")
	for n := r.IntN(4) + 1; n > 0; n-- {
		switch r.IntN(6) {
		case 0, 1: // insert a fragment
			i := r.IntN(len(words) + 1)
			f := fragments[r.IntN(len(fragments))] + " "
			words = append(words[:i:i], append([]string{f}, words[i:]...)...)
		case 2: // delete a word
			if len(words) > 1 {
				i := r.IntN(len(words))
				words = append(words[:i:i], words[i+1:]...)
			}
		case 3: // flip the case of a word
			i := r.IntN(len(words))
			if r.IntN(2) == 0 {
				words[i] = strings.ToUpper(words[i])
			} else {
				words[i] = strings.ToLower(words[i])
			}
		case 4: // splice another text
			o := strings.SplitAfter(pool[r.IntN(len(pool))], " ")
			i := r.IntN(len(o))
			words = append(words, o[i:]...)
		case 5: // swap two words
			i, j := r.IntN(len(words)), r.IntN(len(words))
			words[i], words[j] = words[j], words[i]
		}
	}
	return strings.Join(words, "")
}

func goldenInputs(tb testing.TB) []string {
	texts := chatTexts(tb)
	in := append([]string{}, texts...)
	in = append(in, fragments...)
	pool := texts[:len(texts)-1]
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 4000; i++ {
		in = append(in, mutateText(r, pool[r.IntN(len(pool))], pool))
	}
	return in
}

type goldenLine struct {
	I     int         `json:"i"`
	Text  string      `json:"text"`
	Facts []Candidate `json:"facts"`
}

type goldenHeader struct {
	Inputs int    `json:"inputs"`
	Hash   string `json:"hash"`
}

func inputsHash(in []string) string {
	h := fnv.New64a()
	for _, s := range in {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// goldenAt is the utterance time of every golden input.
var goldenAt = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)

func TestExtractGolden(t *testing.T) {
	in := goldenInputs(t)
	if os.Getenv("EXTRACT_GOLDEN_UPDATE") != "" {
		f, err := os.Create(goldenPath)
		require.NoError(t, err)
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(goldenHeader{Inputs: len(in), Hash: inputsHash(in)}))
		for i, s := range in {
			if cs := Extract(s, goldenAt); len(cs) > 0 {
				require.NoError(t, enc.Encode(goldenLine{I: i, Text: s, Facts: cs}))
			}
		}
		require.NoError(t, w.Flush())
		require.NoError(t, f.Close())
		return
	}
	f, err := os.Open(goldenPath)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	require.True(t, sc.Scan())
	var h goldenHeader
	require.NoError(t, json.Unmarshal(sc.Bytes(), &h))
	require.Equal(t, len(in), h.Inputs, "golden inputs changed; regenerate")
	require.Equal(t, inputsHash(in), h.Hash, "golden inputs changed; regenerate")
	want := map[int][]Candidate{}
	for sc.Scan() {
		var l goldenLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		want[l.I] = l.Facts
	}
	require.NoError(t, sc.Err())
	for i, s := range in {
		got := Extract(s, goldenAt)
		require.Equal(t, want[i], got, "input %d %q", i, s)
	}
}
