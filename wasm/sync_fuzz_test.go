package wasm

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/vault"
)

// syncStateSeeds are valid sync state blobs ("CFSC" v1): a fresh one, one
// with a last sync, a since stamp and two vaults seen, and one at the edges
// (greatest base, a long device id).
func syncStateSeeds(t testing.TB) [][]byte {
	seen := func(n int) []byte {
		b := binary.BigEndian.AppendUint32([]byte("CFSN\x01"), uint32(n))
		for i := range n {
			id := bytes.Repeat([]byte{byte(i + 1)}, vault.IDSize)
			b = append(b, id...)
			b = binary.BigEndian.AppendUint64(b, uint64(i+3))
			b = append(b, bytes.Repeat([]byte{byte(0xa0 + i)}, 32)...)
		}
		return b
	}
	var out [][]byte
	for i, c := range []struct {
		base     uint64
		lastSync time.Time
		since    hlc.Stamp
		seen     []byte
	}{
		{seen: seen(0)},
		{base: 7, lastSync: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), since: hlc.Stamp{Wall: 1_777_000_000_000, Counter: 3, Device: "abcdefghijklmnop"}, seen: seen(2)},
		{base: ^uint64(0), lastSync: time.UnixMilli(1), since: hlc.Stamp{Wall: hlc.MaxWall, Counter: ^uint32(0), Device: "abcdefghijklmnopqrstuvwxyz234567"}, seen: seen(1)},
	} {
		cfg := &syncConfig{base: c.base, lastSync: c.lastSync, since: c.since}
		cfg.key[0], cfg.baseHash[31] = byte(i+1), byte(i+9)
		require.NoError(t, cfg.seen.UnmarshalBinary(c.seen))
		b, err := cfg.marshal()
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

// FuzzSyncState: the sync state decoder (sync.load) never panics, refuses
// with errSyncState, and what it accepts is the canonical blob of what it
// returns: encoding it again gives the same bytes.
func FuzzSyncState(f *testing.F) {
	for _, b := range syncStateSeeds(f) {
		f.Add(b)
		f.Add(b[:len(b)-1])                         // cut
		f.Add(append(bytes.Clone(b), 0))            // trailing
		f.Add(append([]byte("CFSC\x02"), b[5:]...)) // unknown version
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := unmarshalSync(b)
		if err != nil {
			require.ErrorIs(t, err, errSyncState)
			require.Nil(t, c)
			return
		}
		again, err := c.marshal()
		require.NoError(t, err)
		require.Equal(t, b, again)
		c2, err := unmarshalSync(again)
		require.NoError(t, err)
		require.Equal(t, c, c2)
	})
}

// TestSyncStateSeeds: the seeds decode and encode back to the same bytes,
// and each cut by one byte is refused.
func TestSyncStateSeeds(t *testing.T) {
	for _, b := range syncStateSeeds(t) {
		c, err := unmarshalSync(b)
		require.NoError(t, err)
		again, err := c.marshal()
		require.NoError(t, err)
		require.Equal(t, b, again)
		_, err = unmarshalSync(b[:len(b)-1])
		require.ErrorIs(t, err, errSyncState)
	}
}
