package snapshot

import (
	"bytes"
	"cmp"
	"errors"
	"github.com/confidant-dev/confidant/internal/testfiles"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/model"
)

// FuzzDecode: UnmarshalTerms never panics, fails with exactly one
// sentinel, agrees with Unmarshal, and whatever it accepts re-encodes, with
// the same codec, to a snapshot with the same header that decodes to the
// same state and terms. Seeds: the golden vectors and random snapshots in
// both codecs.
func FuzzDecode(f *testing.F) {
	for _, b := range testfiles.Read(f, filepath.Join(vectorDir, "*.cfds")) {
		f.Add(b)
	}
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 3))
		s := randState(r, 5)
		b, err := Marshal(s)
		require.NoError(f, err)
		f.Add(b)
		b, err = MarshalTerms(s, randTerms(r, s))
		require.NoError(f, err)
		f.Add(b)
		b, err = MarshalTermsWith(s, nil, Options{Codec: CodecS2})
		require.NoError(f, err)
		f.Add(b)
		b, err = MarshalTermsWith(s, randTerms(r, s), Options{Codec: CodecS2})
		require.NoError(f, err)
		f.Add(b)
	}
	// Versions 3 and 4: the sync section (stamps, device, setting stamps,
	// tombstones), in both codecs.
	for _, s := range syncSeeds() {
		b, err := Marshal(s)
		require.NoError(f, err)
		require.Equal(f, byte(version3), b[4])
		f.Add(b)
		b, err = MarshalTerms(s, analyzeState(s, 1))
		require.NoError(f, err)
		require.Equal(f, byte(version4), b[4])
		f.Add(b)
		b, err = MarshalTermsWith(s, analyzeState(s, 1), Options{Codec: CodecS2})
		require.NoError(f, err)
		f.Add(b)
		b, err = MarshalTermsWith(s, nil, Options{Codec: CodecS2})
		require.NoError(f, err)
		f.Add(b)
		b, err = MarshalTermsWith(s, analyzeState(s, 1), Options{Codec: CodecStored})
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, terms, err := UnmarshalTerms(b)
		st1, err1 := Unmarshal(b)
		require.Equal(t, st, st1)
		if err != nil {
			requireOneSentinel(t, err)
			require.Equal(t, err.Error(), err1.Error())
			require.Nil(t, st)
			require.Nil(t, terms)
			return
		}
		require.NoError(t, err1)
		codec := CodecZstd
		switch {
		case b[5]&flagS2 != 0:
			codec = CodecS2
		case b[5]&flagStored != 0:
			codec = CodecStored
		}
		again, err := MarshalTermsWith(st, terms, Options{Codec: codec})
		require.NoError(t, err)
		require.Equal(t, b[:headerSize], again[:headerSize])
		st2, terms2, err := UnmarshalTerms(again)
		require.NoError(t, err)
		require.Equal(t, st, st2)
		require.Equal(t, terms, terms2)
	})
}

// FuzzBody fuzzes the body parser directly, past the checksum and the
// compression a mutated snapshot rarely gets through. Whatever it accepts
// must be the canonical body of the state it returns: encoding gives back
// the same bytes, and the terms' session numbers are the turns' own.
//
// Each input is parsed as a body of both versions.
func FuzzBody(f *testing.F) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, s := range []*model.State{{}, smallState(), randState(r, 4)} {
		body, err := appendBody(nil, s)
		require.NoError(f, err)
		f.Add(body)
		for _, terms := range []*Terms{analyzeState(s, 1), randTerms(r, s)} {
			withTerms, err := appendTerms(bytes.Clone(body), s, terms)
			require.NoError(f, err)
			f.Add(withTerms)
		}
	}
	for _, s := range syncSeeds() {
		body, err := appendBody(nil, s)
		require.NoError(f, err)
		v3, err := appendSync(bytes.Clone(body), s)
		require.NoError(f, err)
		f.Add(v3)
		v4, err := appendTerms(bytes.Clone(body), s, analyzeState(s, 1))
		require.NoError(f, err)
		v4, err = appendSync(v4, s)
		require.NoError(f, err)
		f.Add(v4)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, version := range []byte{version1, version2, version3, version4} {
			st, terms, err := decodeVersion(string(body), version)
			if err != nil {
				requireOneSentinel(t, err)
				require.Nil(t, st)
				require.Nil(t, terms)
				continue
			}
			again, err := appendBody(nil, st)
			require.NoError(t, err)
			if version == version2 || version == version4 {
				require.NotNil(t, terms)
				// The loader groups turns by these numbers: they must
				// be the session-refs the state's turns have.
				require.Equal(t, sessionRefs(st), terms.Sessions)
				again, err = appendTerms(again, st, terms)
				require.NoError(t, err)
			} else {
				require.Nil(t, terms)
			}
			if version >= version3 {
				require.NotNil(t, st.Sync)
				again, err = appendSync(again, st)
				require.NoError(t, err)
			} else {
				require.Nil(t, st.Sync)
			}
			require.Equal(t, body, again)
		}
	})
}

// FuzzRoundTrip builds states, and maybe terms, from fuzz bytes:
// MarshalTerms either refuses them with ErrInvalid or round-trips them
// exactly (after normalize; terms compared as strings per turn), and the
// S2 codec gives the same content and the same result.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x02\x01s\x03\x01t\x01\x02hi\x01\x05f\x07\x01"))
	f.Add([]byte("\xff\xfe\xfd\x00\x80\x7f abc \xc3\xa9 \xf0\x9f\x99\x82"))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x01s\x00\x02\x01t\x01s\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x01\x03\x03\x01a\x01b\x02\xc3\xa9\x03\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, rest := stateFromBytes(data)
		terms := termsFromBytes(rest, len(s.Turns))
		b, err := MarshalTerms(s, terms)
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalid), err.Error())
			return
		}
		got, gotTerms, err := UnmarshalTerms(b)
		require.NoError(t, err)
		content, err := decompress(b[headerSize:], b[5])
		require.NoError(t, err)
		for _, c := range []Codec{CodecS2, CodecStored} {
			local, err := MarshalTermsWith(s, terms, Options{Codec: c})
			require.NoError(t, err)
			localContent, err := decompress(local[headerSize:], local[5])
			require.NoError(t, err)
			require.Equal(t, content, localContent, "%v", c)
			got2, gotTerms2, err := UnmarshalTerms(local)
			require.NoError(t, err)
			require.Equal(t, got, got2, "%v", c)
			require.Equal(t, gotTerms, gotTerms2, "%v", c)
		}
		require.Equal(t, normalize(s), got)
		if terms == nil {
			require.Nil(t, gotTerms)
			return
		}
		require.Equal(t, terms.Analyzer, gotTerms.Analyzer)
		require.Equal(t, termsByTurn(s, terms), termsByTurn(got, gotTerms))
	})
}

// termsFromBytes builds terms, valid or not, for a state of nTurns turns
// from a byte stream; nil if the stream says so.
func termsFromBytes(data []byte, nTurns int) *Terms {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return c
	}
	if next()%2 == 0 {
		return nil
	}
	t := &Terms{Analyzer: int(int8(next()))}
	for range next() % 8 {
		n := min(int(next()%5), len(data))
		t.Vocab = append(t.Vocab, string(data[:n]))
		data = data[n:]
	}
	lists := nTurns
	switch next() % 16 {
	case 0:
		lists++
	case 1:
		lists = max(lists-1, 0)
	}
	for range lists {
		var list []uint32
		for range next() % 6 {
			list = append(list, uint32(next())%uint32(len(t.Vocab)+1))
		}
		t.Turns = append(t.Turns, list)
	}
	return t
}

// stateFromBytes builds a state, valid or not, from a byte stream, and
// returns the bytes it did not use.
func stateFromBytes(data []byte) (*model.State, []byte) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return c
	}
	str := func() string {
		n := min(int(next()%8), len(data))
		s := string(data[:n])
		data = data[n:]
		return s
	}
	i64 := func() int64 {
		var v int64
		for range 8 {
			v = v<<8 | int64(next())
		}
		return v
	}
	when := func() time.Time {
		v := i64()
		if next()%2 == 0 {
			return time.UnixMilli(v)
		}
		return time.Unix(0, v).In(time.FixedZone("f", int(int8(next()))*900))
	}
	s := &model.State{Settings: model.Settings{TokenBudget: int(i64()), MaxMemories: int(int8(next()))}}
	for range next() % 3 {
		s.Settings.Consent = append(s.Settings.Consent, model.Category(str()))
	}
	for range next() % 4 {
		s.Sessions = append(s.Sessions, model.Session{ID: str(), Site: str(), Title: str(), Start: when()})
	}
	roles := []model.Role{model.RoleUser, model.RoleAssistant, "", "x"}
	for range next() % 6 {
		s.Turns = append(s.Turns, model.Turn{ID: str(), Session: str(), Role: roles[next()%4], Text: str(), Time: when()})
	}
	cats := append([]model.Category{"", "x"}, model.Categories...)
	sens := []model.Sensitivity{model.Normal, model.Sensitive, ""}
	for range next() % 4 {
		fact := model.Fact{
			ID: str(), Slot: str(), Value: str(), Text: str(),
			Category:    cats[int(next())%len(cats)],
			Sensitivity: sens[next()%3],
			Confidence:  math.Float64frombits(uint64(i64())),
			ValidFrom:   when(),
			Pinned:      next()%2 == 0,
			UserEdited:  next()%2 == 0,
		}
		if next()%2 == 0 {
			fact.SupersededBy = str()
		}
		for range next() % 4 {
			fact.Sources = append(fact.Sources, str())
		}
		s.Facts = append(s.Facts, fact)
	}
	return s, data
}

// syncSeeds are states with sync metadata for the fuzz seeds: the fixed
// one of the sync tests and random states with random stamps (several
// devices, far-future and legacy stamps) and tombstones.
func syncSeeds() []*model.State {
	out := []*model.State{syncState()}
	for seed := range uint64(3) {
		r := rand.New(rand.NewPCG(seed, 11))
		out = append(out, withRandSync(r, randState(r, 4)))
	}
	return out
}

// withRandSync gives s random stamps and tombstones.
func withRandSync(r *rand.Rand, s *model.State) *model.State {
	devices := []string{"legacy", "devA", "b-2.x_Y", "abcdefghijklmnopqrstuvwxyz234567"}
	stamp := func() hlc.Stamp {
		w := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + r.Int64N(1<<36)
		switch r.IntN(6) {
		case 0:
			return hlc.Stamp{Device: "legacy"}
		case 1:
			w = hlc.MaxWall - r.Int64N(1000)
		}
		return hlc.Stamp{Wall: w, Counter: uint32(r.IntN(3)) << (r.IntN(4) * 8), Device: devices[r.IntN(len(devices))]}
	}
	for i := range s.Sessions {
		s.Sessions[i].Stamp = stamp()
	}
	for i := range s.Turns {
		s.Turns[i].Stamp = stamp()
	}
	for i := range s.Facts {
		s.Facts[i].Stamp = stamp()
	}
	m := &model.SyncMeta{Device: devices[1+r.IntN(len(devices)-1)]}
	for i := range m.SettingStamps {
		m.SettingStamps[i] = stamp()
	}
	for k, id := range uniqueIDs(r, r.IntN(5)) {
		kind := []model.RecordKind{model.KindSession, model.KindTurn, model.KindFact}[k%3]
		m.Tombstones = append(m.Tombstones, model.Tombstone{Kind: kind, ID: "gone-" + id, Stamp: stamp()})
	}
	slices.SortFunc(m.Tombstones, func(a, b model.Tombstone) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	s.Sync = m
	return s
}
