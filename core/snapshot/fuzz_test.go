package snapshot

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

// vectorFiles returns the golden vectors, failing if there are none: a seed
// glob that silently matches nothing would make the fuzz targets test
// nothing.
func vectorFiles(f *testing.F) [][]byte {
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.cfds"))
	require.NoError(f, err)
	require.NotEmpty(f, files, "no seed vectors in %s", vectorDir)
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

// FuzzDecode: Unmarshal never panics, fails with exactly one sentinel, and
// whatever it accepts re-encodes to a snapshot that decodes to the same
// state.
func FuzzDecode(f *testing.F) {
	for _, b := range vectorFiles(f) {
		f.Add(b)
	}
	for seed := range uint64(4) {
		b, err := Marshal(randState(rand.New(rand.NewPCG(seed, 3)), 5))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Unmarshal(b)
		if err != nil {
			requireOneSentinel(t, err)
			require.Nil(t, st)
			return
		}
		again, err := Marshal(st)
		require.NoError(t, err)
		st2, err := Unmarshal(again)
		require.NoError(t, err)
		require.Equal(t, st, st2)
	})
}

// FuzzBody fuzzes the body parser directly, past the checksum and the
// compression a mutated snapshot rarely gets through. Whatever it accepts
// must be the canonical body of the state it returns: encoding gives back
// the same bytes.
func FuzzBody(f *testing.F) {
	for _, s := range []*model.State{{}, smallState(), randState(rand.New(rand.NewPCG(9, 9)), 4)} {
		body, err := appendBody(nil, s)
		require.NoError(f, err)
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := decodeBody(string(body))
		if err != nil {
			requireOneSentinel(t, err)
			return
		}
		again, err := appendBody(nil, st)
		require.NoError(t, err)
		require.Equal(t, body, again)
	})
}

// FuzzRoundTrip builds states from fuzz bytes: Marshal either refuses them
// with ErrInvalid or round-trips them exactly (after normalize).
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x02\x01s\x03\x01t\x01\x02hi\x01\x05f\x07\x01"))
	f.Add([]byte("\xff\xfe\xfd\x00\x80\x7f abc \xc3\xa9 \xf0\x9f\x99\x82"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := stateFromBytes(data)
		b, err := Marshal(s)
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalid), err.Error())
			return
		}
		got, err := Unmarshal(b)
		require.NoError(t, err)
		require.Equal(t, normalize(s), got)
	})
}

// stateFromBytes builds a state, valid or not, from a byte stream.
func stateFromBytes(data []byte) *model.State {
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
	return s
}
