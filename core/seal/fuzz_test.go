package seal

import (
	"bytes"
	"github.com/confidant-dev/confidant/internal/testfiles"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzOpen: Open never panics and fails with exactly one sentinel, on random
// blobs and mutations of the golden vectors; what opens re-seals and opens
// to the same header and snapshot. Every blob is at least 64 KiB, and the
// fuzzer's default minimisation of such an input takes minutes during which
// no exec is counted: run it with -fuzzminimizetime 1s.
func FuzzOpen(f *testing.F) {
	for _, b := range testfiles.Read(f, filepath.Join(goldenDir, "*.age")) {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte(ageIntro))
	f.Fuzz(func(t *testing.T, b []byte) {
		seen := &Seen{}
		h, snap, err := Open(goldenA, b, Expect{Seen: seen})
		if err != nil {
			requireOne(t, err, nil)
			require.Nil(t, snap)
			return
		}
		blob, err := Seal(goldenA, h, snap)
		require.NoError(t, err)
		h2, snap2, err := Open(goldenA, blob, Expect{})
		require.NoError(t, err)
		require.Equal(t, h, h2)
		require.True(t, bytes.Equal(snap, snap2))
	})
}

// FuzzOpenContent fuzzes what authentication protects: arbitrary content,
// encrypted with the vault key as a key holder could, then opened. It never
// panics, fails with one sentinel, and what opens has a valid header whose
// encoding starts the content.
func FuzzOpenContent(f *testing.F) {
	h := goldenHeader(5)
	for _, snap := range [][]byte{nil, []byte("x"), goldenSnapshot(1)} {
		c, err := encodeContent(h, snap)
		require.NoError(f, err)
		f.Add(c[:len(c)-ChunkSize+200]) // the padding is added back below
	}
	f.Fuzz(func(t *testing.T, c []byte) {
		if len(c) > 4*ChunkSize {
			return
		}
		h, snap, err := Open(goldenA, sealContent(t, goldenA, pad(bytes.Clone(c))), Expect{})
		if err != nil {
			requireOne(t, err, nil)
			return
		}
		require.NoError(t, h.validate())
		require.True(t, bytes.HasPrefix(c, appendHeader(nil, h, uint32(len(snap)), 0)[:fixedHeader+len(h.Device)+4]))
	})
}
