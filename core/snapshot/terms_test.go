package snapshot

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

// analyzeState is a stand-in for the engine's analyzer: lower-cased runs of
// letters and digits, vocabulary in first-seen order (as the engine's is),
// lists aligned with s.Turns in s's order.
func analyzeState(s *model.State, analyzer int) *Terms {
	t := &Terms{Analyzer: analyzer, Turns: make([][]uint32, len(s.Turns))}
	ids := map[string]uint32{}
	for i := range s.Turns {
		for _, w := range strings.FieldsFunc(strings.ToLower(s.Turns[i].Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if len(w) > MaxTermBytes {
				continue
			}
			id, ok := ids[w]
			if !ok {
				id = uint32(len(t.Vocab))
				ids[w] = id
				t.Vocab = append(t.Vocab, w)
			}
			t.Turns[i] = append(t.Turns[i], id)
		}
	}
	return t
}

// termsByTurn returns each turn's terms as strings, by turn id: what a
// round trip must keep, whatever the ids.
func termsByTurn(s *model.State, t *Terms) map[string][]string {
	out := map[string][]string{}
	for i := range s.Turns {
		var words []string
		for _, id := range t.Turns[i] {
			words = append(words, t.Vocab[id])
		}
		out[s.Turns[i].ID] = words
	}
	return out
}

// requireCanonicalVocab checks the vocabulary order the decoder enforces.
func requireCanonicalVocab(t *testing.T, terms *Terms) {
	t.Helper()
	uses := make([]int, len(terms.Vocab))
	for _, list := range terms.Turns {
		for _, id := range list {
			uses[id]++
		}
	}
	for i := range uses {
		require.Positive(t, uses[i])
		if i > 0 {
			require.True(t, uses[i] < uses[i-1] || uses[i] == uses[i-1] && terms.Vocab[i-1] < terms.Vocab[i])
		}
	}
}

// termsRoundTrip checks that s and t survive MarshalTerms and
// UnmarshalTerms, and returns the decoded terms.
func termsRoundTrip(t *testing.T, s *model.State, terms *Terms) *Terms {
	t.Helper()
	before, beforeTerms := deepCopy(s), deepCopyTerms(terms)
	b, err := MarshalTerms(s, terms)
	require.NoError(t, err)
	require.Equal(t, before, s, "MarshalTerms modified its state")
	require.Equal(t, beforeTerms, terms, "MarshalTerms modified its terms")
	require.Equal(t, []byte("CFDS\x02\x00"), b[:headerSize])

	st, got, err := UnmarshalTerms(b)
	require.NoError(t, err)
	require.Equal(t, normalize(s), st)
	require.NotNil(t, got)
	require.Equal(t, terms.Analyzer, got.Analyzer)
	require.Equal(t, termsByTurn(s, terms), termsByTurn(st, got))
	require.Equal(t, sessionRefs(st), got.Sessions)
	requireCanonicalVocab(t, got)
	for _, list := range got.Turns {
		require.Equal(t, len(list), cap(list))
		if list != nil {
			require.NotEmpty(t, list)
		}
	}

	// Unmarshal reads it too, and drops the terms.
	st2, err := Unmarshal(b)
	require.NoError(t, err)
	require.Equal(t, st, st2)

	// The decoded pair encodes to the same bytes.
	again, err := MarshalTerms(st, got)
	require.NoError(t, err)
	require.Equal(t, b, again)
	return got
}

func deepCopyTerms(t *Terms) *Terms {
	if t == nil {
		return nil
	}
	c := *t
	c.Vocab = slices.Clone(t.Vocab)
	c.Turns = slices.Clone(t.Turns)
	for i := range c.Turns {
		c.Turns[i] = slices.Clone(t.Turns[i])
	}
	return &c
}

// randTerms returns random terms for s: a vocabulary with unused and
// multi-byte terms, ids past 127 (two-byte varints) and empty lists.
func randTerms(r *rand.Rand, s *model.State) *Terms {
	t := &Terms{Analyzer: r.IntN(5)}
	seen := map[string]bool{}
	for range r.IntN(300) {
		w := strings.ToValidUTF8(randText(r, 6), "")
		for len(w) > MaxTermBytes {
			w = w[:len(w)-1]
			w = strings.ToValidUTF8(w, "")
		}
		if w != "" && !seen[w] {
			seen[w] = true
			t.Vocab = append(t.Vocab, w)
		}
	}
	t.Turns = make([][]uint32, len(s.Turns))
	for i := range t.Turns {
		if len(t.Vocab) == 0 {
			break
		}
		for range r.IntN(80) {
			t.Turns[i] = append(t.Turns[i], uint32(r.IntN(len(t.Vocab))))
		}
		if r.IntN(5) == 0 {
			t.Turns[i] = []uint32{} // empty, not nil
		}
	}
	return t
}

func TestTermsRoundTrip(t *testing.T) {
	small := smallState()
	got := termsRoundTrip(t, small, analyzeState(small, 1))
	require.Len(t, got.Turns, len(small.Turns))
	require.Nil(t, got.Turns[3], "t-4 has no text, so no terms")

	// Turns in another order: the lists follow them.
	shuffled := deepCopy(small)
	slices.Reverse(shuffled.Turns)
	termsRoundTrip(t, shuffled, analyzeState(shuffled, 1))

	// No turns; an empty section.
	zero := termsRoundTrip(t, &model.State{}, &Terms{})
	require.Equal(t, &Terms{}, zero)
	noTerms := termsRoundTrip(t, small, &Terms{Analyzer: math.MaxInt32, Turns: make([][]uint32, len(small.Turns))})
	require.Nil(t, noTerms.Vocab)
	require.Nil(t, noTerms.Turns[0])

	// Long and multi-byte terms, more than 127 of them.
	chat := chatState(3, 300)
	terms := analyzeState(chat, 2)
	terms.Vocab = append(terms.Vocab, strings.Repeat("ü", MaxTermBytes/2), "日本")
	terms.Turns[0] = append(terms.Turns[0], uint32(len(terms.Vocab)-2), uint32(len(terms.Vocab)-1))
	for i := range 200 {
		terms.Vocab = append(terms.Vocab, strings.Repeat("z", i%MaxTermBytes)+string(rune('A'+i/MaxTermBytes)))
		terms.Turns[i] = append(terms.Turns[i], uint32(len(terms.Vocab)-1))
	}
	got = termsRoundTrip(t, chat, terms)
	require.Greater(t, len(got.Vocab), 128)

	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		s := randState(r, 1+int(seed%30))
		termsRoundTrip(t, s, randTerms(r, s))
	}
}

func TestMarshalTermsNil(t *testing.T) {
	small := smallState()
	want, err := Marshal(small)
	require.NoError(t, err)
	got, err := MarshalTerms(small, nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, []byte("CFDS\x01\x00"), got[:headerSize])

	st, terms, err := UnmarshalTerms(got)
	require.NoError(t, err)
	require.Nil(t, terms)
	require.Equal(t, normalize(small), st)
}

// TestTermsDeterministic: the same terms give the same bytes whatever the
// order of the turns and of the vocabulary, and unused terms are dropped.
func TestTermsDeterministic(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 8))
		s := randState(r, 20)
		terms := randTerms(r, s)
		want, err := MarshalTerms(s, terms)
		require.NoError(t, err)

		s2, t2 := deepCopy(s), deepCopyTerms(terms)
		perm := r.Perm(len(s2.Turns))
		for i, j := range perm {
			s2.Turns[i], t2.Turns[i] = s.Turns[j], terms.Turns[j]
		}
		vperm := r.Perm(len(t2.Vocab)) // new id of each old id
		for i, j := range vperm {
			t2.Vocab[j] = terms.Vocab[i]
		}
		for _, list := range t2.Turns {
			for k, id := range list {
				list[k] = uint32(vperm[id])
			}
		}
		t2.Vocab = append(t2.Vocab, "never-used")
		got, err := MarshalTerms(s2, t2)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestMarshalTermsInvalid(t *testing.T) {
	s := &model.State{Turns: []model.Turn{
		{ID: "b", Session: "s", Role: model.RoleUser, Text: "b", Time: ms(1)},
		{ID: "a", Session: "s", Role: model.RoleUser, Text: "a", Time: ms(1)},
	}}
	valid := func() *Terms { return &Terms{Analyzer: 1, Vocab: []string{"x", "y"}, Turns: [][]uint32{{0, 1}, {1}}} }
	tests := []struct {
		name  string
		state *model.State
		mod   func(*Terms)
		also  error
	}{
		{"invalid state", &model.State{Turns: []model.Turn{{ID: "t"}}}, func(t *Terms) { t.Turns = t.Turns[:1] }, model.ErrNoSession},
		{"nil state", nil, func(*Terms) {}, nil},
		{"negative analyzer", s, func(t *Terms) { t.Analyzer = -1 }, nil},
		{"analyzer too large", s, func(t *Terms) { t.Analyzer = math.MaxInt32 + 1 }, nil},
		{"fewer lists than turns", s, func(t *Terms) { t.Turns = t.Turns[:1] }, nil},
		{"more lists than turns", s, func(t *Terms) { t.Turns = append(t.Turns, nil) }, nil},
		{"id out of range", s, func(t *Terms) { t.Turns[1][0] = 2 }, nil},
		{"huge id", s, func(t *Terms) { t.Turns[1][0] = math.MaxUint32 }, nil},
		{"duplicate term", s, func(t *Terms) { t.Vocab[1] = "x" }, nil},
		{"empty term", s, func(t *Terms) { t.Vocab[1] = "" }, nil},
		{"long term", s, func(t *Terms) { t.Vocab[1] = strings.Repeat("y", MaxTermBytes+1) }, nil},
		{"bad term", s, func(t *Terms) { t.Vocab[1] = "\xc3" }, model.ErrBadUTF8},
		{"bad unused term", s, func(t *Terms) { t.Vocab = append(t.Vocab, "\xff") }, model.ErrBadUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms := valid()
			tt.mod(terms)
			b, err := MarshalTerms(tt.state, terms)
			require.ErrorIs(t, err, ErrInvalid)
			require.Nil(t, b)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
		})
	}
	_, err := MarshalTerms(s, valid())
	require.NoError(t, err)
	require.Equal(t, valid(), valid())
}

// termsWire appends a terms section as given, without renumbering or
// checks, for defect tests.
func termsWire(w wire, analyzer uint64, vocab []string, lists ...[]uint64) wire {
	w = w.uv(analyzer).uv(uint64(len(vocab)))
	for _, v := range vocab {
		w = w.str(v)
	}
	w = w.uv(uint64(len(lists)))
	for _, l := range lists {
		w = w.uv(uint64(len(l)))
	}
	for _, l := range lists {
		for _, id := range l {
			w = w.uv(id)
		}
	}
	return w
}

// TestTermsLayout pins the terms section of a tiny state byte by byte,
// annotated against the grammar in doc.go.
func TestTermsLayout(t *testing.T) {
	s := &model.State{Turns: []model.Turn{
		{ID: "t2", Session: "s", Role: model.RoleUser, Text: "b a b", Time: ms(1)},
		{ID: "t1", Session: "s", Role: model.RoleUser, Text: "", Time: ms(1)},
		{ID: "t3", Session: "s", Role: model.RoleUser, Text: "c", Time: ms(1)},
	}}
	terms := &Terms{Analyzer: 300, Vocab: []string{"a", "b", "c", "unused"}, Turns: [][]uint32{{1, 0, 1}, nil, {2}}}
	body, err := appendBody(nil, s)
	require.NoError(t, err)
	want := append(body,
		0xac, 0x02, // analyzer 300
		0x03,      // 3 terms: b used twice, then a and c once each, by bytes
		0x01, 'b', // term 0
		0x01, 'a', // term 1
		0x01, 'c', // term 2
		0x03,             // 3 lists, one per turn
		0x00, 0x03, 0x01, // lengths, turns by id: t1, t2, t3
		0x00, 0x01, 0x00, // ids of t2: b a b
		0x02, // ids of t3: c
	)
	got, err := appendTerms(body[:len(body):len(body)], s, terms)
	require.NoError(t, err)
	require.Equal(t, want, got)

	st, dec, err := decodeVersion(string(want), version2)
	require.NoError(t, err)
	require.Equal(t, normalize(s), st)
	require.Equal(t, decoded(st, &Terms{Analyzer: 300, Vocab: []string{"b", "a", "c"}, Turns: [][]uint32{nil, {0, 1, 0}, {2}}}), dec)
}

func TestDecodeTermsDefects(t *testing.T) {
	// A state of two turns, "t" and "u", with no facts.
	twoTurns := settingsWire().uv(1).str("s").str("").str("").sv(0).
		uv(0).uv(2).str("t").str("u").raw(0, 0, 1, 2).sv(1).sv(2).str("a").str("").uv(0)
	tw := func(analyzer uint64, vocab []string, lists ...[]uint64) wire {
		return termsWire(slices.Clone(twoTurns), analyzer, vocab, lists...)
	}
	ab := []string{"a", "b"}
	tests := []struct {
		name string
		body wire
		want error
		also error
	}{
		{"valid", tw(1, ab, []uint64{0, 1, 0}, nil), nil, nil},
		{"valid empty", tw(0, nil, nil, nil), nil, nil},
		{"valid two-byte ids", tw(0, func() []string {
			var v []string
			for i := range 130 {
				v = append(v, string(rune(0x4e00+i)))
			}
			return v
		}(), func() []uint64 {
			var l []uint64
			for i := range 130 {
				l = append(l, uint64(i))
			}
			return l
		}(), nil), nil, nil},
		{"no section", slices.Clone(twoTurns), ErrTruncated, nil},
		{"analyzer too large", tw(math.MaxInt32+1, ab, []uint64{0, 1, 0}, nil), ErrCorrupt, nil},
		{"vocab count too large", slices.Clone(twoTurns).uv(0).uv(1 << 40), ErrTooLarge, nil},
		{"empty term", tw(0, []string{"a", ""}, []uint64{0, 1, 0}, nil), ErrCorrupt, nil},
		{"long term", tw(0, []string{"a", strings.Repeat("b", MaxTermBytes+1)}, []uint64{0, 1, 0}, nil), ErrCorrupt, nil},
		{"longest term", tw(0, []string{"a", strings.Repeat("b", MaxTermBytes)}, []uint64{0, 1, 0}, nil), nil, nil},
		{"bad term", tw(0, []string{"a", "\xe2\x82"}, []uint64{0, 1, 0}, nil), ErrCorrupt, model.ErrBadUTF8},
		{"duplicate term", tw(0, []string{"a", "a"}, []uint64{0, 1, 0}, nil), ErrCorrupt, nil},
		{"duplicate term, other counts", tw(0, []string{"a", "b", "a"}, []uint64{0, 0, 0, 1, 1, 2}, nil), ErrCorrupt, nil},
		{"fewer lists than turns", tw(0, ab, []uint64{0, 1, 0}), ErrCorrupt, nil},
		{"more lists than turns", tw(0, ab, []uint64{0, 1, 0}, nil, nil), ErrCorrupt, nil},
		{"no list count", slices.Clone(twoTurns).uv(0).uv(0), ErrTruncated, nil},
		{"lengths cut", slices.Clone(twoTurns).uv(0).uv(0).uv(2).uv(0), ErrTruncated, nil},
		{"length too large", slices.Clone(twoTurns).uv(0).uv(1).str("a").uv(2).uv(1 << 40).uv(0).uv(0), ErrTooLarge, nil},
		{"lengths sum too large", slices.Clone(twoTurns).uv(0).uv(1).str("a").uv(2).uv(2).uv(1).uv(0).uv(0), ErrTooLarge, nil},
		{"id out of range", tw(0, ab, []uint64{0, 2, 0}, nil), ErrCorrupt, nil},
		{"huge id", tw(0, ab, []uint64{0, 1 << 40, 0}, nil), ErrCorrupt, nil},
		{"id cut", slices.Clone(twoTurns).uv(0).uv(1).str("a").uv(2).uv(1).uv(0).raw(0x80), ErrTruncated, nil},
		{"non-minimal id", slices.Clone(twoTurns).uv(0).uv(1).str("a").uv(2).uv(1).uv(0).raw(0x80, 0x00), ErrCorrupt, nil},
		{"unused term", tw(0, []string{"a", "b", "c"}, []uint64{0, 1, 0}, nil), ErrCorrupt, nil},
		{"less used term first", tw(0, []string{"b", "a"}, []uint64{0, 1, 1}, nil), ErrCorrupt, nil},
		{"tie not by bytes", tw(0, []string{"b", "a"}, []uint64{0, 1}, nil), ErrCorrupt, nil},
		{"tie by bytes", tw(0, []string{"a", "b"}, []uint64{1, 0}, nil), nil, nil},
		{"trailing after terms", tw(0, ab, []uint64{0, 1, 0}, nil).raw(0), ErrTrailing, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, terms, err := decodeVersion(string(tt.body), version2)
			if tt.want == nil {
				require.NoError(t, err)
				again, err := appendBody(nil, st)
				require.NoError(t, err)
				again, err = appendTerms(again, st, terms)
				require.NoError(t, err)
				require.Equal(t, []byte(tt.body), again)
				return
			}
			require.ErrorIs(t, err, tt.want)
			requireOneSentinel(t, err)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
			require.Nil(t, st)
			require.Nil(t, terms)

			// The same defect through the whole pipeline.
			b, serr := seal(append([]byte(nil), tt.body...), version2)
			require.NoError(t, serr)
			_, _, err2 := UnmarshalTerms(b)
			require.Equal(t, err.Error(), err2.Error())
			_, err3 := Unmarshal(b)
			require.Equal(t, err.Error(), err3.Error())
		})
	}
}

func TestTermsErrorMessages(t *testing.T) {
	twoTurns := settingsWire().uv(1).str("s").str("").str("").sv(0).
		uv(0).uv(2).str("t").str("u").raw(0, 0, 1, 2).sv(1).sv(2).str("a").str("").uv(0)
	_, _, err := decodeVersion(string(termsWire(twoTurns, 0, []string{"a"}, []uint64{0}, []uint64{0, 1})), version2)
	require.EqualError(t, err, "snapshot: term list 1: term id 1, only 1 terms: corrupt")
}

// TestTermsListsNoSpareCapacity: appending to one decoded list leaves the
// next one alone.
func TestTermsListsNoSpareCapacity(t *testing.T) {
	small := smallState()
	b, err := MarshalTerms(small, analyzeState(small, 1))
	require.NoError(t, err)
	_, terms, err := UnmarshalTerms(b)
	require.NoError(t, err)
	next := slices.Clone(terms.Turns[1])
	terms.Turns[0] = append(terms.Turns[0], 99)
	require.Equal(t, next, terms.Turns[1])
}

// decoded returns t with what a decoder fills for a loader: the Index
// mapping each term of Vocab to its position, and the turns' Sessions.
func decoded(st *model.State, t *Terms) *Terms {
	if len(t.Vocab) > 0 {
		t.Index = make(map[string]uint32, len(t.Vocab))
		for i, v := range t.Vocab {
			t.Index[v] = uint32(i)
		}
	}
	t.Sessions = sessionRefs(st)
	return t
}

// sessionRefs numbers each turn's session as doc.go's session-ref does:
// its position among the state's sessions, or after them, its position
// among the ids of sessions without a record, ascending.
func sessionRefs(st *model.State) []uint32 {
	num := map[string]uint32{}
	for i, s := range st.Sessions {
		num[s.ID] = uint32(i)
	}
	var orphans []string
	for _, t := range st.Turns {
		if _, ok := num[t.Session]; !ok && !slices.Contains(orphans, t.Session) {
			orphans = append(orphans, t.Session)
		}
	}
	slices.Sort(orphans)
	for i, id := range orphans {
		num[id] = uint32(len(st.Sessions) + i)
	}
	var refs []uint32
	for _, t := range st.Turns {
		refs = append(refs, num[t.Session])
	}
	return refs
}
