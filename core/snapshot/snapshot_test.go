package snapshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

// decodeErrors are the sentinels Decode may return; every failure matches
// exactly one.
var decodeErrors = []error{ErrMagic, ErrVersion, ErrTruncated, ErrTrailing, ErrTooLarge, ErrChecksum, ErrCorrupt}

func requireOneSentinel(t testing.TB, err error) {
	t.Helper()
	n := 0
	for _, s := range decodeErrors {
		if errors.Is(err, s) {
			n++
		}
	}
	require.Equalf(t, 1, n, "error %q matches %d sentinels", err, n)
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

// smallState is the state of the golden vector v1-small: a little of
// everything, including an orphan session and a superseded fact.
func smallState() *model.State {
	t0 := time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)
	return &model.State{
		Settings: model.Settings{TokenBudget: 300, MaxMemories: 5, Consent: []model.Category{model.CatHealth}},
		Sessions: []model.Session{
			{ID: "s-lisbon", Site: "chatgpt.com", Title: "Moving to Lisbon 🇵🇹", Start: t0},
			{ID: "s-diet", Site: "claude.ai", Title: "", Start: t0.Add(48 * time.Hour)},
		},
		Turns: []model.Turn{
			{ID: "t-1", Session: "s-lisbon", Role: model.RoleUser, Text: "I just moved to Lisbon — any tips for a café near Alfama?", Time: t0.Add(time.Second)},
			{ID: "t-2", Session: "s-lisbon", Role: model.RoleAssistant, Text: "Welcome! Try the miradouros first.", Time: t0.Add(5 * time.Second)},
			{ID: "t-3", Session: "s-diet", Role: model.RoleUser, Text: "I'm vegetarian now, and I'm allergic to peanuts.", Time: t0.Add(48*time.Hour + time.Minute)},
			{ID: "t-4", Session: "s-diet", Role: model.RoleAssistant, Text: "", Time: t0.Add(48*time.Hour + 2*time.Minute)},
			{ID: "t-5", Session: "s-orphan", Role: model.RoleUser, Text: "日本語のテキストも大丈夫? 🙂", Time: t0.Add(72 * time.Hour)},
		},
		Facts: []model.Fact{
			{ID: "f-city-1", Slot: "home_city", Value: "Porto", Text: "lives in Porto", Category: model.CatLocation,
				Sensitivity: model.Normal, Confidence: 0.7, ValidFrom: t0.Add(-365 * 24 * time.Hour), SupersededBy: "f-city-2"},
			{ID: "f-city-2", Slot: "home_city", Value: "Lisbon", Text: "lives in Lisbon", Category: model.CatLocation,
				Sensitivity: model.Normal, Confidence: 0.9, ValidFrom: t0.Add(time.Second), Sources: []string{"t-1"}, Pinned: true},
			{ID: "f-diet", Slot: "diet", Value: "vegetarian", Text: "is vegetarian", Category: model.CatDiet,
				Sensitivity: model.Normal, Confidence: 1, ValidFrom: t0.Add(48*time.Hour + time.Minute), Sources: []string{"t-3"}, UserEdited: true},
			{ID: "f-allergy", Slot: "allergy:peanuts", Value: "peanuts", Text: "is allergic to peanuts", Category: model.CatHealth,
				Sensitivity: model.Sensitive, Confidence: 0.95, ValidFrom: t0.Add(48*time.Hour + time.Minute), Sources: []string{"t-3", "t-3", "t-gone"}},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	manySources := &model.State{Facts: []model.Fact{{ID: "f", Category: model.CatOther, Sensitivity: model.Normal}}}
	for i := range 1000 {
		manySources.Facts[0].Sources = append(manySources.Facts[0].Sources, strings.Repeat("s", 1+i%model.MaxIDBytes))
	}
	bigText := strings.Repeat("ü", model.MaxTextBytes/2)
	tests := []struct {
		name  string
		state *model.State
	}{
		{"zero state", &model.State{}},
		{"default settings", &model.State{Settings: model.DefaultSettings()}},
		{"small", smallState()},
		{"empty lists", &model.State{Sessions: []model.Session{}, Turns: []model.Turn{}, Facts: []model.Fact{}, Settings: model.Settings{Consent: []model.Category{}}}},
		{"zero-value fields", &model.State{
			Sessions: []model.Session{{ID: "s"}},
			Turns:    []model.Turn{{ID: "t", Session: "s", Role: model.RoleUser, Time: ms(0)}},
			Facts:    []model.Fact{{ID: "f", Category: model.CatOther, Sensitivity: model.Normal, Sources: []string{}}},
		}},
		{"orphans only", &model.State{Turns: []model.Turn{
			{ID: "b", Session: "z", Role: model.RoleUser, Time: ms(1)},
			{ID: "a", Session: "y", Role: model.RoleAssistant, Time: ms(-1)},
			{ID: "c", Session: "y", Role: model.RoleAssistant, Time: ms(math.MaxInt64)},
		}}},
		{"extremes", &model.State{
			Settings: model.Settings{TokenBudget: math.MinInt, MaxMemories: math.MaxInt, Consent: model.Categories},
			Sessions: []model.Session{{ID: strings.Repeat("é", model.MaxIDBytes/2), Site: strings.Repeat("s", model.MaxSiteBytes), Title: bigText, Start: ms(math.MinInt64)}},
			Turns:    []model.Turn{{ID: "\x00", Session: strings.Repeat("é", model.MaxIDBytes/2), Role: model.RoleUser, Text: bigText, Time: time.Date(1, 1, 1, 0, 0, 0, 1_000_000, time.UTC)}},
			Facts: []model.Fact{{ID: "🙂", Category: model.CatBeliefs, Sensitivity: model.Sensitive, Confidence: -math.MaxFloat64,
				Text: bigText, SupersededBy: strings.Repeat("x", model.MaxIDBytes)}},
		}},
		{"many sources", manySources},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roundTrip(t, tt.state)
		})
	}
}

func TestRoundTripRandom(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		in := randState(r, 1+int(seed%40))
		roundTrip(t, in)
	}
}

// roundTrip checks that s survives Marshal and Unmarshal as normalize says,
// and that Marshal leaves s alone.
func roundTrip(t *testing.T, s *model.State) {
	t.Helper()
	before := deepCopy(s)
	b, err := Marshal(s)
	require.NoError(t, err)
	require.Equal(t, before, s, "Marshal modified its input")
	got, err := Unmarshal(b)
	require.NoError(t, err)
	require.Equal(t, normalize(s), got)
	for i := range got.Turns {
		require.NoError(t, got.Turns[i].Validate())
	}

	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, s))
	require.Equal(t, b, buf.Bytes())
	got2, err := Decode(&buf)
	require.NoError(t, err)
	require.Equal(t, got, got2)
}

func deepCopy(s *model.State) *model.State {
	c := *s
	c.Sessions = slices.Clone(s.Sessions)
	c.Turns = slices.Clone(s.Turns)
	c.Facts = slices.Clone(s.Facts)
	for i := range c.Facts {
		c.Facts[i].Sources = slices.Clone(s.Facts[i].Sources)
	}
	c.Settings.Consent = slices.Clone(s.Settings.Consent)
	return &c
}

func TestDeterministic(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 2))
		s := randState(r, 20)
		want, err := Marshal(s)
		require.NoError(t, err)

		// Same state, records in another order and times in other zones.
		s2 := deepCopy(s)
		r.Shuffle(len(s2.Turns), func(i, j int) { s2.Turns[i], s2.Turns[j] = s2.Turns[j], s2.Turns[i] })
		r.Shuffle(len(s2.Sessions), func(i, j int) { s2.Sessions[i], s2.Sessions[j] = s2.Sessions[j], s2.Sessions[i] })
		r.Shuffle(len(s2.Facts), func(i, j int) { s2.Facts[i], s2.Facts[j] = s2.Facts[j], s2.Facts[i] })
		for i := range s2.Turns {
			s2.Turns[i].Time = s2.Turns[i].Time.In(time.FixedZone("z", 3600))
		}
		got, err := Marshal(s2)
		require.NoError(t, err)
		require.Equal(t, want, got)

		// The decoded state encodes to the same bytes.
		dec, err := Unmarshal(want)
		require.NoError(t, err)
		again, err := Marshal(dec)
		require.NoError(t, err)
		require.Equal(t, want, again)
	}
}

func TestMarshalInvalid(t *testing.T) {
	turn := func(mod func(*model.Turn)) *model.State {
		x := model.Turn{ID: "t", Session: "s", Role: model.RoleUser, Text: "hi", Time: ms(1)}
		mod(&x)
		return &model.State{Turns: []model.Turn{x}}
	}
	fact := func(mod func(*model.Fact)) *model.State {
		x := model.Fact{ID: "f", Category: model.CatOther, Sensitivity: model.Normal}
		mod(&x)
		return &model.State{Facts: []model.Fact{x}}
	}
	far := time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		state *model.State
		also  error // a model sentinel that must match too
	}{
		{"nil state", nil, nil},
		{"bad consent", &model.State{Settings: model.Settings{Consent: []model.Category{"astrology"}}}, nil},
		{"duplicate session", &model.State{Sessions: []model.Session{{ID: "a"}, {ID: "a"}}}, nil},
		{"empty session id", &model.State{Sessions: []model.Session{{ID: ""}}}, model.ErrEmptyID},
		{"long site", &model.State{Sessions: []model.Session{{ID: "a", Site: strings.Repeat("s", model.MaxSiteBytes+1)}}}, nil},
		{"bad title", &model.State{Sessions: []model.Session{{ID: "a", Title: "\xff"}}}, model.ErrBadUTF8},
		{"session time out of range", &model.State{Sessions: []model.Session{{ID: "a", Start: far}}}, nil},
		{"duplicate turn", &model.State{Turns: []model.Turn{
			{ID: "t", Session: "s", Role: model.RoleUser, Time: ms(1)},
			{ID: "t", Session: "s", Role: model.RoleUser, Time: ms(2)},
		}}, nil},
		{"long turn id", turn(func(x *model.Turn) { x.ID = strings.Repeat("x", model.MaxIDBytes+1) }), model.ErrLongID},
		{"no session", turn(func(x *model.Turn) { x.Session = "" }), model.ErrNoSession},
		{"bad role", turn(func(x *model.Turn) { x.Role = "system" }), model.ErrBadRole},
		{"bad text", turn(func(x *model.Turn) { x.Text = "a\xc3" }), model.ErrBadUTF8},
		{"long text", turn(func(x *model.Turn) { x.Text = strings.Repeat("a", model.MaxTextBytes+1) }), nil},
		{"no time", turn(func(x *model.Turn) { x.Time = time.Time{} }), model.ErrNoTime},
		{"turn time out of range", turn(func(x *model.Turn) { x.Time = far }), nil},
		{"duplicate fact", &model.State{Facts: []model.Fact{
			{ID: "f", Category: model.CatOther, Sensitivity: model.Normal},
			{ID: "f", Category: model.CatWork, Sensitivity: model.Normal},
		}}, nil},
		{"bad category", fact(func(x *model.Fact) { x.Category = "" }), nil},
		{"bad sensitivity", fact(func(x *model.Fact) { x.Sensitivity = "secret" }), nil},
		{"NaN confidence", fact(func(x *model.Fact) { x.Confidence = math.NaN() }), nil},
		{"infinite confidence", fact(func(x *model.Fact) { x.Confidence = math.Inf(-1) }), nil},
		{"bad slot", fact(func(x *model.Fact) { x.Slot = "\xed\xa0\x80" }), model.ErrBadUTF8},
		{"long superseded_by", fact(func(x *model.Fact) { x.SupersededBy = strings.Repeat("x", model.MaxIDBytes+1) }), model.ErrLongID},
		{"empty source", fact(func(x *model.Fact) { x.Sources = []string{"t", ""} }), model.ErrEmptyID},
		{"fact time out of range", fact(func(x *model.Fact) { x.ValidFrom = far.AddDate(-600_000_000, 0, 0) }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.state)
			require.ErrorIs(t, err, ErrInvalid)
			require.Nil(t, b)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
			require.True(t, strings.HasPrefix(err.Error(), "snapshot: "), err.Error())
			require.True(t, strings.HasSuffix(err.Error(), ": invalid state"), err.Error())
		})
	}
}

// TestBodyLayout pins the body of a tiny state byte by byte, annotated
// against the grammar in doc.go.
func TestBodyLayout(t *testing.T) {
	s := &model.State{
		Settings: model.Settings{TokenBudget: 300, MaxMemories: 5, Consent: []model.Category{model.CatHealth}},
		Sessions: []model.Session{{ID: "s1", Site: "x.ai", Title: "Hi", Start: ms(1000)}},
		Turns: []model.Turn{
			{ID: "t2", Session: "s9", Role: model.RoleAssistant, Text: "", Time: ms(-1)},
			{ID: "t1", Session: "s1", Role: model.RoleUser, Text: "héllo", Time: ms(1_700_000_000_000)},
		},
		Facts: []model.Fact{{ID: "f1", Slot: "diet", Value: "vegan", Text: "is vegan", Category: model.CatDiet,
			Sensitivity: model.Normal, Confidence: 0.5, ValidFrom: ms(0), Sources: []string{"t1"}, Pinned: true}},
	}
	want := []byte{
		// settings
		0xd8, 0x04, // token-budget 300 → zigzag 600
		0x0a,       // max-memories 5 → zigzag 10
		0x01, 0x08, // consent: 1 category, health
		// sessions
		0x01,           // 1 session
		0x02, 's', '1', // id
		0x04, 'x', '.', 'a', 'i', // site
		0x02, 'H', 'i', // title
		0xd0, 0x0f, // start 1000 ms → zigzag 2000
		// orphans
		0x01,           // 1 orphan
		0x02, 's', '9', // used by t2
		// turns, sorted by id, column by column
		0x02,           // 2 turns
		0x02, 't', '1', // id of t1
		0x02, 't', '2', // id of t2
		0x00,                               // session-ref of t1: 0, s1
		0x01,                               // session-ref of t2: 1, orphan s9
		0x01,                               // role of t1: user
		0x02,                               // role of t2: assistant
		0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62, // time of t1: 1.7e12 ms → zigzag 3.4e12
		0x01,                                 // time of t2: -1 ms → zigzag 1
		0x06, 'h', 0xc3, 0xa9, 'l', 'l', 'o', // text of t1
		0x00, // text of t2: ""
		// facts
		0x01,           // 1 fact
		0x02, 'f', '1', // id
		0x04, 'd', 'i', 'e', 't', // slot
		0x05, 'v', 'e', 'g', 'a', 'n', // value
		0x08, 'i', 's', ' ', 'v', 'e', 'g', 'a', 'n', // text
		0x07,                                           // category diet
		0x01,                                           // sensitivity normal
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f, // confidence 0.5
		0x00,           // valid-from 0 ms
		0x00,           // superseded-by ""
		0x01,           // flags: pinned
		0x01,           // 1 source
		0x02, 't', '1', // source
	}
	got, err := appendBody(nil, s)
	require.NoError(t, err)
	require.Equal(t, want, got)

	dec, err := decodeBody(string(want))
	require.NoError(t, err)
	require.Equal(t, normalize(s), dec)
}

// TestCodes checks that every role, category and sensitivity of the model
// has a code that decodes back to it: adding one to the model without
// adding it here (and bumping Version) fails.
func TestCodes(t *testing.T) {
	for _, c := range model.Categories {
		code, ok := categoryCode(c)
		require.True(t, ok, c)
		back, ok := lookup(categoryCodes[:], code)
		require.True(t, ok)
		require.Equal(t, c, back)
	}
	require.Len(t, categoryCodes, len(model.Categories)+1)
	for _, r := range []model.Role{model.RoleUser, model.RoleAssistant} {
		code, ok := roleCode(r)
		require.True(t, ok)
		back, _ := lookup(roleCodes[:], code)
		require.Equal(t, r, back)
	}
	for _, s := range []model.Sensitivity{model.Normal, model.Sensitive} {
		code, ok := sensitivityCode(s)
		require.True(t, ok)
		back, _ := lookup(sensitivityCodes[:], code)
		require.Equal(t, s, back)
	}
	_, ok := lookup(roleCodes[:], 0)
	require.False(t, ok)
	_, ok = lookup(categoryCodes[:], 255)
	require.False(t, ok)
}

// wire builds bodies by hand for defect tests.
type wire []byte

func (w wire) uv(n uint64) wire   { return binary.AppendUvarint(w, n) }
func (w wire) sv(n int64) wire    { return binary.AppendVarint(w, n) }
func (w wire) str(s string) wire  { return append(w.uv(uint64(len(s))), s...) }
func (w wire) raw(b ...byte) wire { return append(w, b...) }
func (w wire) f64(f float64) wire { return binary.LittleEndian.AppendUint64(w, math.Float64bits(f)) }

// Pieces of a valid body: default settings, then sections.
func settingsWire() wire { return wire{}.sv(300).sv(5).uv(0) }
func turnWire(w wire, id string, ref uint64, text string) wire {
	return w.str(id).uv(ref).raw(1).sv(1).str(text) // one turn: columns = fields
}
func factWire(w wire, id string) wire {
	return w.str(id).str("slot").str("value").str("text").raw(15, 1).f64(0.5).sv(0).str("").raw(0).uv(0)
}

func TestDecodeBodyDefects(t *testing.T) {
	oneSession := settingsWire().uv(1).str("s").str("").str("").sv(0)
	tests := []struct {
		name string
		body wire
		want error
		also error
	}{
		{"valid minimal", settingsWire().uv(0).uv(0).uv(0).uv(0), nil, nil},
		{"empty body", wire{}, ErrTruncated, nil},
		{"no facts count", settingsWire().uv(0).uv(0).uv(0), ErrTruncated, nil},
		{"no turns count", settingsWire().uv(0).uv(0), ErrTruncated, nil},
		{"no orphans count", settingsWire().uv(0), ErrTruncated, nil},
		{"no sessions count", settingsWire(), ErrTruncated, nil},
		{"cut in a varint", wire{0xd8}, ErrTruncated, nil},
		{"non-minimal varint", wire{0xd8, 0x84, 0x00}.sv(5).uv(0).uv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"non-minimal zero", wire{0x80, 0x00}.sv(5).uv(0).uv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"varint overflow", wire{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, ErrCorrupt, nil},
		{"11-byte varint", wire{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00}, ErrCorrupt, nil},
		{"unknown consent code", wire{}.sv(300).sv(5).uv(1).raw(16).uv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"consent count too large", wire{}.sv(300).sv(5).uv(1 << 40), ErrTooLarge, nil},
		{"session count too large", settingsWire().uv(1 << 62).uv(0).uv(0).uv(0), ErrTooLarge, nil},
		{"sessions unsorted", settingsWire().uv(2).str("b").str("").str("").sv(0).str("a").str("").str("").sv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"sessions duplicate", settingsWire().uv(2).str("a").str("").str("").sv(0).str("a").str("").str("").sv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"empty session id", settingsWire().uv(1).str("").str("").str("").sv(0).uv(0).uv(0).uv(0), ErrCorrupt, model.ErrEmptyID},
		{"long session id", settingsWire().uv(1).str(strings.Repeat("i", model.MaxIDBytes+1)).str("").str("").sv(0).uv(0).uv(0).uv(0), ErrCorrupt, model.ErrLongID},
		{"long site", settingsWire().uv(1).str("s").str(strings.Repeat("s", model.MaxSiteBytes+1)).str("").sv(0).uv(0).uv(0).uv(0), ErrCorrupt, nil},
		{"string too long", settingsWire().uv(1).str("s").str("").str(strings.Repeat("t", model.MaxTextBytes+1)).sv(0).uv(0).uv(0).uv(0), ErrTooLarge, nil},
		{"string past end", settingsWire().uv(1).str("s").str("").uv(50).raw('x'), ErrTooLarge, nil},
		{"orphan is a session", oneSession.uv(1).str("s").uv(1).str("t").uv(1).raw(1).sv(1).str("").uv(0), ErrCorrupt, nil},
		{"orphans unsorted", settingsWire().uv(0).uv(2).str("b").str("a").uv(0).uv(0), ErrCorrupt, nil},
		{"orphan unused", settingsWire().uv(0).uv(1).str("o").uv(0).uv(0), ErrCorrupt, nil},
		{"session ref out of range", turnWire(oneSession.uv(0).uv(1), "t", 1, "").uv(0), ErrCorrupt, nil},
		{"unknown role", oneSession.uv(0).uv(1).str("t").uv(0).raw(3).sv(1).str("").uv(0), ErrCorrupt, model.ErrBadRole},
		{"role zero", oneSession.uv(0).uv(1).str("t").uv(0).raw(0).sv(1).str("").uv(0), ErrCorrupt, nil},
		{"zero turn time", oneSession.uv(0).uv(1).str("t").uv(0).raw(1).sv(time.Time{}.UnixMilli()).str("").uv(0), ErrCorrupt, model.ErrNoTime},
		{"bad turn text", turnWire(oneSession.uv(0).uv(1), "t", 0, "caf\xe9").uv(0), ErrCorrupt, model.ErrBadUTF8},
		{"turns unsorted", oneSession.uv(0).uv(2).str("u").str("t").raw(0, 0, 1, 1).sv(1).sv(1).str("").str("").uv(0), ErrCorrupt, nil},
		{"turns sorted", oneSession.uv(0).uv(2).str("t").str("u").raw(0, 0, 1, 2).sv(1).sv(2).str("a").str("").uv(0), nil, nil},
		{"turn count too large", oneSession.uv(0).uv(3).str("t").uv(0).raw(1).sv(1).str(""), ErrTooLarge, nil},
		{"unknown category", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(0, 1).f64(0).sv(0).str("").raw(0).uv(0), ErrCorrupt, nil},
		{"unknown sensitivity", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(1, 3).f64(0).sv(0).str("").raw(0).uv(0), ErrCorrupt, nil},
		{"NaN confidence", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(1, 1).f64(math.NaN()).sv(0).str("").raw(0).uv(0), ErrCorrupt, nil},
		{"negative zero confidence", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(1, 1).f64(math.Copysign(0, -1)).sv(0).str("").raw(0).uv(0), ErrCorrupt, nil},
		{"cut in confidence", oneSession.uv(0).uv(0).uv(1).str("f").str("0123456789abcdefghij").str("").str("").raw(1, 1, 0, 0), ErrTruncated, nil},
		{"unknown fact flag", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(1, 1).f64(0).sv(0).str("").raw(4).uv(0), ErrCorrupt, nil},
		{"empty source", oneSession.uv(0).uv(0).uv(1).str("f").str("").str("").str("").raw(1, 1).f64(0).sv(0).str("").raw(0).uv(2).str("").str("ab"), ErrCorrupt, model.ErrEmptyID},
		{"facts unsorted", factWire(factWire(oneSession.uv(0).uv(0).uv(2), "g"), "f"), ErrCorrupt, nil},
		{"trailing body bytes", factWire(oneSession.uv(0).uv(0).uv(1), "f").raw(0), ErrTrailing, nil},
		{"valid fact", factWire(oneSession.uv(0).uv(0).uv(1), "f"), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := decodeBody(string(tt.body))
			if tt.want == nil {
				require.NoError(t, err)
				again, err := appendBody(nil, st)
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

			// The same defect through the whole pipeline.
			b, serr := seal(append([]byte(nil), tt.body...), version1)
			require.NoError(t, serr)
			_, err2 := Unmarshal(b)
			require.Equal(t, err.Error(), err2.Error())
		})
	}
}

func TestErrorMessages(t *testing.T) {
	body := turnWire(settingsWire().uv(1).str("s").str("").str("").sv(0).uv(0).uv(1), "t", 0, "\xff").uv(0)
	_, err := decodeBody(string(body))
	require.EqualError(t, err, "snapshot: turn 0: turn \"t\": text is not valid UTF-8: corrupt")

	_, err = decodeBody(string(settingsWire().uv(1 << 40)))
	require.EqualError(t, err, "snapshot: sessions: count: count 1099511627776 exceeds what 0 remaining bytes can hold: too large")

	_, err = Unmarshal([]byte("CFDS\x07\x00"))
	require.EqualError(t, err, "snapshot: header: version 7, this reader knows 1 to 4: unsupported version")
}

// frameOf returns a valid snapshot's header and frame for frame tests.
func frameOf(t *testing.T) (header, frame []byte) {
	b, err := Marshal(smallState())
	require.NoError(t, err)
	return b[:headerSize], b[headerSize:]
}

func TestDecodeContainerDefects(t *testing.T) {
	header, frame := frameOf(t)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	withFHD := func(set byte) []byte {
		f := bytes.Clone(frame)
		f[4] |= set
		return join(header, f)
	}
	// A frame declaring 8 bytes of content size, too large.
	huge := join(header, []byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0}, binary.LittleEndian.AppendUint64(nil, MaxSize+1), []byte{1, 0, 0})
	skippable := join(header, []byte{0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0})

	// A frame written with zstd's own checksum is still valid.
	enc, err := zstdEncoderWithCRC()
	require.NoError(t, err)
	body, err := appendBody(nil, smallState())
	require.NoError(t, err)
	content := binary.LittleEndian.AppendUint32(body, crcOf(body))
	withCRC := enc.EncodeAll(content, bytes.Clone(header))

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"magic prefix", []byte("CF"), ErrTruncated},
		{"other magic", []byte("PK\x03\x04"), ErrMagic},
		{"short other", []byte("X"), ErrMagic},
		{"header only", header, ErrTruncated},
		{"frame magic cut", join(header, frame[:2]), ErrTruncated},
		{"not zstd", join(header, []byte("hello, world")), ErrCorrupt},
		{"skippable frame", skippable, ErrCorrupt},
		{"dictionary", withFHD(1), ErrCorrupt},
		{"reserved bit", withFHD(1 << 3), ErrCorrupt},
		{"content size too large", huge, ErrTooLarge},
		{"two frames", join(header, frame, frame), ErrTrailing},
		{"cut in block", join(header, frame[:len(frame)-1]), ErrTruncated},
		{"zstd checksum", withCRC, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Unmarshal(tt.in)
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, normalize(smallState()), st)
				return
			}
			require.ErrorIs(t, err, tt.want)
			requireOneSentinel(t, err)
		})
	}
}

func TestUnmarshalDoesNotAlias(t *testing.T) {
	b, err := Marshal(smallState())
	require.NoError(t, err)
	st, err := Unmarshal(b)
	require.NoError(t, err)
	for i := range b {
		b[i] = 0
	}
	assert.Equal(t, normalize(smallState()), st)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestDecodeReadError(t *testing.T) {
	_, err := Decode(errReader{})
	require.ErrorContains(t, err, "disk on fire")
	require.ErrorContains(t, err, "snapshot: read")
}

func zstdEncoderWithCRC() (*zstd.Encoder, error) {
	return zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true))
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

func TestZeroTimeSurvives(t *testing.T) {
	b, err := Marshal(&model.State{Sessions: []model.Session{{ID: "s"}}})
	require.NoError(t, err)
	got, err := Unmarshal(b)
	require.NoError(t, err)
	require.True(t, got.Sessions[0].Start.IsZero())
	require.Equal(t, time.Time{}, got.Sessions[0].Start)
}
