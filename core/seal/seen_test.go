package seal

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/vault"
)

func TestSeen(t *testing.T) {
	k, k2 := fixedKey(1), fixedKey(2)
	var s Seen // the zero value is ready
	h1 := hdr(k, 1, [32]byte{})
	require.NoError(t, s.Check(h1, [32]byte{1}))
	require.NoError(t, s.Record(h1, [32]byte{1}))
	require.NoError(t, s.Record(h1, [32]byte{1}), "the same blob again")
	requireOne(t, s.Record(h1, [32]byte{2}), ErrForked)
	h2 := hdr(k, 2, [32]byte{1})
	requireOne(t, s.Check(hdr(k, 2, [32]byte{9}), [32]byte{3}), ErrForked)
	require.NoError(t, s.Record(h2, [32]byte{3}))
	requireOne(t, s.Check(h1, [32]byte{1}), ErrRollback)
	require.NoError(t, s.Check(hdr(k, 9, [32]byte{7}), [32]byte{4}), "a jump ahead cannot be checked against a parent")
	require.NoError(t, s.Record(hdr(k2, 5, [32]byte{5}), [32]byte{6}), "another vault")
	require.Equal(t, 2, s.Len())

	b, err := s.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, 9+2*56)
	var back Seen
	require.NoError(t, back.UnmarshalBinary(b))
	require.Equal(t, s, back)
	again, err := back.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, b, again)

	s.Forget(k.ID())
	require.NoError(t, s.Check(h1, [32]byte{1}))
	_, ok := s.Get(k.ID())
	require.False(t, ok)

	var empty Seen
	e, err := empty.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, []byte("CFSN\x01\x00\x00\x00\x00"), e)
}

func TestSeenUnmarshalStrict(t *testing.T) {
	var s Seen
	for v := range 3 {
		var id vault.ID
		id[0] = byte(v)
		require.NoError(t, s.Record(Header{Vault: id, Version: uint64(v + 1), Parent: [32]byte{1}, Device: "d"}, [32]byte{byte(v)}))
	}
	good, err := s.MarshalBinary()
	require.NoError(t, err)
	entry := func(i int) int { return seenHeader + i*seenEntry }
	swapped := bytes.Clone(good)
	copy(swapped[entry(0):entry(1)], good[entry(1):entry(2)])
	copy(swapped[entry(1):entry(2)], good[entry(0):entry(1)])
	dup := bytes.Clone(good)
	copy(dup[entry(1):entry(1)+16], good[entry(0):entry(0)+16])
	zeroVersion := bytes.Clone(good)
	copy(zeroVersion[entry(2)+16:], make([]byte, 8))
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"magic only", good[:4], ErrTruncated},
		{"not seen", []byte("CFDS\x01\x00\x00\x00\x00"), ErrFormat},
		{"version 2", append([]byte("CFSN\x02"), good[5:]...), ErrFormat},
		{"count too large", []byte("CFSN\x01\x00\x01\x00\x01"), ErrTooLarge},
		{"cut", good[:len(good)-1], ErrTruncated},
		{"trailing", append(bytes.Clone(good), 0), ErrFormat},
		{"out of order", swapped, ErrFormat},
		{"duplicate", dup, ErrFormat},
		{"version 0", zeroVersion, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s
			err := s.UnmarshalBinary(tt.in)
			requireOne(t, err, tt.want)
			require.Equal(t, before, s, "unchanged")
		})
	}
}

func FuzzSeenUnmarshal(f *testing.F) {
	var s Seen
	require.NoError(f, s.Record(hdr(fixedKey(1), 3, [32]byte{1}), [32]byte{2}))
	b, _ := s.MarshalBinary()
	f.Add(b)
	f.Add([]byte("CFSN\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Seen
		if err := s.UnmarshalBinary(b); err != nil {
			requireOne(t, err, nil)
			return
		}
		again, err := s.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, again, "canonical")
	})
}
