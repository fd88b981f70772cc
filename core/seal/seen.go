package seal

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/vault"
)

// Seen remembers, per vault, the highest version this device has accepted
// and the hash of its blob. The zero value is empty and ready to use. It is
// not safe for concurrent use.
type Seen struct {
	m map[vault.ID]SeenEntry
}

// SeenEntry is the highest version seen for a vault and its BlobHash.
type SeenEntry struct {
	Version uint64
	Hash    [32]byte
}

// Get returns what has been seen for v.
func (s *Seen) Get(v vault.ID) (SeenEntry, bool) {
	e, ok := s.m[v]
	return e, ok
}

// Check refuses a header and blob hash that would roll the vault back or
// fork it, given what has been seen:
//   - a version below the one seen: ErrRollback;
//   - the version seen with another hash: ErrForked;
//   - the next version whose parent is not the hash seen: ErrForked.
//
// The version seen with the same hash (the same blob again) and any higher
// version pass. A vault not seen yet passes.
func (s *Seen) Check(h Header, blobHash [32]byte) error {
	e, ok := s.m[h.Vault]
	if !ok {
		return nil
	}
	switch {
	case h.Version < e.Version:
		return fail(ErrRollback, fmt.Sprintf("vault %s: version %d, but version %d was already seen", h.Vault, h.Version, e.Version))
	case h.Version == e.Version && blobHash != e.Hash:
		return fail(ErrForked, fmt.Sprintf("vault %s: version %d differs from the version %d already seen", h.Vault, h.Version, e.Version))
	case h.Version == e.Version+1 && h.Parent != e.Hash:
		return fail(ErrForked, fmt.Sprintf("vault %s: version %d does not build on the version %d already seen", h.Vault, h.Version, e.Version))
	}
	return nil
}

// Record checks h and blobHash like Check and, if they pass, remembers them
// when h.Version is higher than the version seen.
func (s *Seen) Record(h Header, blobHash [32]byte) error {
	if err := s.Check(h, blobHash); err != nil {
		return err
	}
	if e, ok := s.m[h.Vault]; ok && e.Version >= h.Version {
		return nil
	}
	if s.m == nil {
		s.m = map[vault.ID]SeenEntry{}
	}
	s.m[h.Vault] = SeenEntry{Version: h.Version, Hash: blobHash}
	return nil
}

// Forget removes what has been seen for v: for a vault that was deleted on
// purpose and will start again at version 1.
func (s *Seen) Forget(v vault.ID) { delete(s.m, v) }

// Len returns the number of vaults seen.
func (s *Seen) Len() int { return len(s.m) }

// Persisted form: see "Seen" in the package doc.
const (
	seenMagic   = "CFSN"
	seenVersion = 1
	seenEntry   = vault.IDSize + 8 + 32
	seenHeader  = len(seenMagic) + 1 + 4
	// MaxSeenVaults caps the vaults a persisted Seen may hold.
	MaxSeenVaults = 1 << 16
)

// MarshalBinary returns the persisted form of s: "CFSN", version 1, the
// count as a big-endian uint32, then per vault, in ascending order of id,
// the id, the version (big-endian uint64) and the hash.
func (s *Seen) MarshalBinary() ([]byte, error) {
	ids := make([]vault.ID, 0, len(s.m))
	for id := range s.m {
		ids = append(ids, id)
	}
	order.SortFunc(ids, func(a, b *vault.ID) int { return bytes.Compare(a[:], b[:]) })
	b := make([]byte, 0, seenHeader+len(ids)*seenEntry)
	b = append(b, seenMagic...)
	b = append(b, seenVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(len(ids)))
	for _, id := range ids {
		e := s.m[id]
		b = append(b, id[:]...)
		b = binary.BigEndian.AppendUint64(b, e.Version)
		b = append(b, e.Hash[:]...)
	}
	return b, nil
}

// UnmarshalBinary replaces s with the persisted form b. It accepts only what
// MarshalBinary writes (exact length, ids strictly ascending, versions
// non-zero) and fails with ErrFormat, ErrTruncated or ErrTooLarge, leaving
// s unchanged.
func (s *Seen) UnmarshalBinary(b []byte) error {
	if len(b) < seenHeader {
		if bytes.HasPrefix([]byte(seenMagic), b[:min(len(b), len(seenMagic))]) {
			return fail(ErrTruncated, fmt.Sprintf("seen: %d bytes, shorter than its header", len(b)))
		}
	}
	if !bytes.HasPrefix(b, []byte(seenMagic)) {
		return fail(ErrFormat, "seen: not a seen-versions record")
	}
	if b[4] != seenVersion {
		return fail(ErrFormat, fmt.Sprintf("seen: unknown version %d", b[4]))
	}
	n := binary.BigEndian.Uint32(b[5:])
	if n > MaxSeenVaults {
		return fail(ErrTooLarge, fmt.Sprintf("seen: %d vaults, at most %d", n, MaxSeenVaults))
	}
	want := seenHeader + int(n)*seenEntry
	switch {
	case len(b) < want:
		return fail(ErrTruncated, fmt.Sprintf("seen: %d bytes, want %d", len(b), want))
	case len(b) > want:
		return fail(ErrFormat, fmt.Sprintf("seen: %d bytes after the last vault", len(b)-want))
	}
	m := make(map[vault.ID]SeenEntry, n)
	var prev vault.ID
	for i := range int(n) {
		r := b[seenHeader+i*seenEntry:]
		var id vault.ID
		copy(id[:], r)
		if i > 0 && bytes.Compare(prev[:], id[:]) >= 0 {
			return fail(ErrFormat, fmt.Sprintf("seen: vault %d out of order", i))
		}
		e := SeenEntry{Version: binary.BigEndian.Uint64(r[vault.IDSize:])}
		copy(e.Hash[:], r[vault.IDSize+8:])
		if e.Version == 0 {
			return fail(ErrFormat, fmt.Sprintf("seen: vault %d has version 0", i))
		}
		m[id] = e
		prev = id
	}
	s.m = m
	return nil
}
