package wasm

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/seal"
	"github.com/confidant-dev/confidant/core/snapshot"
	"github.com/confidant-dev/confidant/core/vault"
)

// Sync ops (see "Sync" in the package doc). The host does the HTTP; the
// engine holds the vault key, seals, opens, checks rollback and merges.

// Sync error codes, one per kind of failure a host must tell apart.
const (
	CodeNotConfigured   = "sync_not_configured"
	CodeConfigured      = "sync_configured"
	CodeBadCode         = "bad_recovery_code"
	CodeWrongKey        = "wrong_key"
	CodeWrongVault      = "wrong_vault"
	CodeRollback        = "rollback"
	CodeForked          = "forked"
	CodeTampered        = "tampered"
	CodeTruncated       = "truncated"
	CodeMalformed       = "malformed"
	CodeVersionMismatch = "version_mismatch"
	CodeNoPending       = "no_pending_seal"
)

// syncConfig is the sync state a host persists apart from the profile
// (sync.save): the vault key never enters a snapshot.
type syncConfig struct {
	key      vault.Key
	seen     seal.Seen
	base     uint64   // the head version this device last opened or pushed
	baseHash [32]byte // its blob hash
	lastSync time.Time
	since    hlc.Stamp
	pending  *pendingSeal // the last sealed blob, until committed
}

type pendingSeal struct {
	header seal.Header
	hash   [32]byte
}

// Sync requests and replies.
type (
	// SyncJoinRequest joins a vault with its recovery code.
	SyncJoinRequest struct {
		Op           string `json:"op,omitempty"`
		RecoveryCode string `json:"recovery_code"`
	}
	// SyncSetupReply is the new vault: the recovery code is shown once.
	SyncSetupReply struct {
		RecoveryCode string `json:"recovery_code,omitempty"`
		Vault        string `json:"vault"`
		Token        string `json:"token"`
		Device       string `json:"device"`
	}
	// SyncOpenRequest passes the head blob and the version the server
	// reported for it (X-Confidant-Version).
	SyncOpenRequest struct {
		Op      string `json:"op,omitempty"`
		Blob    []byte `json:"blob"`
		Version uint64 `json:"version"`
	}
	// SyncOpenReply says what the merge did; push is false when the
	// merged state is the head's (nothing to upload).
	SyncOpenReply struct {
		Version uint64 `json:"version"`
		Device  string `json:"device"` // the device that sealed the head
		engine.MergeResult
		Push bool `json:"push"`
	}
	// SyncSealReply is the blob to PUT with If-Match: "<parent>".
	SyncSealReply struct {
		Blob    []byte `json:"blob"`
		Version uint64 `json:"version"`
		Parent  uint64 `json:"parent"`
		Hash    string `json:"hash"`
	}
	// SyncCommitRequest reports that the server accepted the sealed blob.
	SyncCommitRequest struct {
		Op      string `json:"op,omitempty"`
		Version uint64 `json:"version"`
		Hash    string `json:"hash,omitempty"`
	}
	// SyncStatus describes the sync configuration.
	SyncStatus struct {
		Configured bool   `json:"configured"`
		Vault      string `json:"vault,omitempty"`
		Token      string `json:"token,omitempty"`
		Device     string `json:"device"`
		Version    uint64 `json:"version"`
		LastSync   string `json:"last_sync,omitempty"`
		Pending    uint64 `json:"pending,omitempty"`
	}
	// HashReply is the state hash (hex).
	HashReply struct {
		Hash string `json:"hash"`
	}
)

func syncErr(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// sealError maps core/seal's sentinels to codes.
func sealError(err error) error {
	for _, m := range []struct {
		kind error
		code string
	}{
		{seal.ErrWrongKey, CodeWrongKey}, {seal.ErrWrongVault, CodeWrongVault}, {seal.ErrRollback, CodeRollback},
		{seal.ErrForked, CodeForked}, {seal.ErrTampered, CodeTampered}, {seal.ErrTruncated, CodeTruncated},
		{seal.ErrTooLarge, CodeTooLarge}, {seal.ErrFormat, CodeMalformed},
	} {
		if errors.Is(err, m.kind) {
			return &Error{Code: m.code, Message: err.Error()}
		}
	}
	return err
}

func (h *Handler) syncCfg() (*syncConfig, error) {
	if h.sync == nil {
		return nil, syncErr(CodeNotConfigured, "sync is not set up: sync.setup, sync.join or sync.load first")
	}
	return h.sync, nil
}

func (h *Handler) syncSetup(*Empty) (any, error) {
	if h.sync != nil {
		return nil, syncErr(CodeConfigured, "sync is already set up (sync.leave first)")
	}
	k := vault.NewKey()
	h.sync = &syncConfig{key: k}
	id := k.ID()
	return SyncSetupReply{RecoveryCode: vault.RecoveryCode(k), Vault: id.String(), Token: k.AuthToken(), Device: h.E.Device()}, nil
}

func (h *Handler) syncJoin(r *SyncJoinRequest) (any, error) {
	if h.sync != nil {
		return nil, syncErr(CodeConfigured, "sync is already set up (sync.leave first)")
	}
	k, err := vault.ParseRecoveryCode(r.RecoveryCode)
	if err != nil {
		return nil, syncErr(CodeBadCode, "%v", err)
	}
	h.sync = &syncConfig{key: k}
	id := k.ID()
	return SyncSetupReply{Vault: id.String(), Token: k.AuthToken(), Device: h.E.Device()}, nil
}

func (h *Handler) syncLeave(*Empty) (any, error) {
	h.sync = nil
	return OK{true}, nil
}

func (h *Handler) syncStatus(*Empty) (any, error) {
	st := SyncStatus{Device: h.E.Device()}
	if c := h.sync; c != nil {
		id := c.key.ID()
		st.Configured, st.Vault, st.Token, st.Version = true, id.String(), c.key.AuthToken(), c.base
		if !c.lastSync.IsZero() {
			st.LastSync = c.lastSync.UTC().Format(time.RFC3339)
		}
		if c.pending != nil {
			st.Pending = c.pending.header.Version
		}
	}
	return st, nil
}

// syncOpen verifies the head blob (key, vault, rollback, fork), checks the
// version the server claims against the authenticated one, and merges.
// On any error nothing changes.
func (h *Handler) syncOpen(r *SyncOpenRequest) (any, error) {
	c, err := h.syncCfg()
	if err != nil {
		return nil, err
	}
	hdr, snap, err := seal.Open(c.key, r.Blob, seal.Expect{Vault: c.key.ID(), MinVersion: c.base, Seen: &c.seen})
	if err != nil {
		return nil, sealError(err)
	}
	if r.Version != 0 && hdr.Version != r.Version {
		return nil, syncErr(CodeVersionMismatch, "the server says version %d, the sealed content says %d", r.Version, hdr.Version)
	}
	hash := seal.BlobHash(r.Blob)
	res, err := h.E.MergeSnapshot(snap, engine.MergeOptions{LastSync: c.lastSync, Since: c.since})
	if err != nil {
		if errors.Is(err, snapshot.ErrCorrupt) || errors.Is(err, engine.ErrInvalid) {
			return nil, syncErr(CodeMalformed, "the sealed snapshot does not decode: %v", err)
		}
		return nil, err
	}
	if err := c.seen.Record(hdr, hash); err != nil {
		return nil, sealError(err) // cannot happen: Open checked the same
	}
	c.base, c.baseHash, c.pending = hdr.Version, hash, nil
	if !res.Ahead {
		c.lastSync, c.since = time.Now().UTC(), h.E.Clock()
	}
	return SyncOpenReply{Version: hdr.Version, Device: hdr.Device, MergeResult: res, Push: res.Ahead}, nil
}

// syncSeal seals the state (tombstones collected first) as the version
// after the base; the host PUTs it with If-Match: "<parent>".
func (h *Handler) syncSeal(*Empty) (any, error) {
	c, err := h.syncCfg()
	if err != nil {
		return nil, err
	}
	h.E.GC()
	snap, err := h.E.ExportSync()
	if err != nil {
		return nil, err
	}
	hdr := seal.Header{Vault: c.key.ID(), Version: c.base + 1, Device: h.E.Device()}
	if c.base > 0 {
		hdr.Parent = c.baseHash
	}
	blob, err := seal.Seal(c.key, hdr, snap)
	if err != nil {
		return nil, sealError(err)
	}
	hash := seal.BlobHash(blob)
	c.pending = &pendingSeal{header: hdr, hash: hash}
	return SyncSealReply{Blob: blob, Version: hdr.Version, Parent: c.base, Hash: hex.EncodeToString(hash[:])}, nil
}

// syncCommit records that the server accepted the pending blob: it is now
// the base and the last sync.
func (h *Handler) syncCommit(r *SyncCommitRequest) (any, error) {
	c, err := h.syncCfg()
	if err != nil {
		return nil, err
	}
	p := c.pending
	if p == nil || p.header.Version != r.Version {
		return nil, syncErr(CodeNoPending, "no sealed blob of version %d awaits a commit", r.Version)
	}
	if r.Hash != "" && r.Hash != hex.EncodeToString(p.hash[:]) {
		return nil, syncErr(CodeNoPending, "the hash does not match the sealed blob of version %d", r.Version)
	}
	if err := c.seen.Record(p.header, p.hash); err != nil {
		return nil, sealError(err)
	}
	c.base, c.baseHash, c.pending = p.header.Version, p.hash, nil
	c.lastSync, c.since = time.Now().UTC(), h.E.Clock()
	return h.syncStatus(nil)
}

func (h *Handler) stateHash(*Empty) (any, error) {
	s := h.E.StateHash()
	return HashReply{Hash: hex.EncodeToString(s[:])}, nil
}

// Sync state blob ("CFSC", version 1), all integers big-endian:
//
//	magic "CFSC" | version 1 | key 32 | base 8 | base-hash 32 |
//	last-sync 8 (Unix ms, 0 never) | since-len 1 | since (hlc binary) |
//	seen-len 4 | seen (seal.Seen binary)
const syncMagic = "CFSC"

func (c *syncConfig) marshal() ([]byte, error) {
	seen, err := c.seen.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := append([]byte(syncMagic), 1)
	b = append(b, c.key[:]...)
	b = binary.BigEndian.AppendUint64(b, c.base)
	b = append(b, c.baseHash[:]...)
	var ms int64
	if !c.lastSync.IsZero() {
		ms = c.lastSync.UnixMilli()
	}
	b = binary.BigEndian.AppendUint64(b, uint64(ms))
	var since []byte
	if !c.since.IsZero() {
		if since, err = c.since.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	b = append(b, byte(len(since)))
	b = append(b, since...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(seen)))
	return append(b, seen...), nil
}

var errSyncState = errors.New("malformed sync state")

func unmarshalSync(b []byte) (*syncConfig, error) {
	c := &syncConfig{}
	if len(b) < 5+32+8+32+8+1 || !bytes.HasPrefix(b, []byte(syncMagic)) || b[4] != 1 {
		return nil, errSyncState
	}
	p := 5
	copy(c.key[:], b[p:p+32])
	p += 32
	c.base = binary.BigEndian.Uint64(b[p:])
	p += 8
	copy(c.baseHash[:], b[p:p+32])
	p += 32
	if ms := int64(binary.BigEndian.Uint64(b[p:])); ms != 0 {
		c.lastSync = time.UnixMilli(ms).UTC()
	}
	p += 8
	n := int(b[p])
	p++
	if len(b) < p+n+4 {
		return nil, errSyncState
	}
	if n > 0 {
		if err := c.since.UnmarshalBinary(b[p : p+n]); err != nil {
			return nil, fmt.Errorf("%w: %w", errSyncState, err)
		}
	}
	p += n
	m := int(binary.BigEndian.Uint32(b[p:]))
	p += 4
	if len(b) != p+m {
		return nil, errSyncState
	}
	if err := c.seen.UnmarshalBinary(b[p:]); err != nil {
		return nil, fmt.Errorf("%w: %w", errSyncState, err)
	}
	return c, nil
}

func (h *Handler) syncStateExport(*Empty) (any, error) {
	c, err := h.syncCfg()
	if err != nil {
		return nil, err
	}
	b, err := c.marshal()
	if err != nil {
		return nil, err
	}
	return SnapshotData{Data: b}, nil
}

func (h *Handler) syncStateImport(r *SnapshotData) (any, error) {
	c, err := unmarshalSync(r.Data)
	if err != nil {
		return nil, syncErr(CodeMalformed, "%v", err)
	}
	h.sync = c
	return h.syncStatus(nil)
}
