package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/wasm"
)

// Sync ops as Go methods (see "Sync" in package wasm).

// SyncSetup creates a vault key; the recovery code is returned once.
func (c Client) SyncSetup(ctx context.Context) (wasm.SyncSetupReply, error) {
	var r wasm.SyncSetupReply
	return r, c.do(ctx, "sync.setup", nil, &r)
}

// SyncJoin takes the vault key from a recovery code.
func (c Client) SyncJoin(ctx context.Context, code string) (wasm.SyncSetupReply, error) {
	var r wasm.SyncSetupReply
	return r, c.do(ctx, "sync.join", wasm.SyncJoinRequest{RecoveryCode: code}, &r)
}

// SyncStatus describes the sync configuration.
func (c Client) SyncStatus(ctx context.Context) (wasm.SyncStatus, error) {
	var r wasm.SyncStatus
	return r, c.do(ctx, "sync.status", nil, &r)
}

// SyncSave returns the sync state to persist apart from the profile.
func (c Client) SyncSave(ctx context.Context) ([]byte, error) {
	var r wasm.SnapshotData
	return r.Data, c.do(ctx, "sync.save", nil, &r)
}

// SyncLoad restores a sync state saved by SyncSave.
func (c Client) SyncLoad(ctx context.Context, data []byte) (wasm.SyncStatus, error) {
	var r wasm.SyncStatus
	return r, c.do(ctx, "sync.load", wasm.SnapshotData{Data: data}, &r)
}

// SyncOpen verifies and merges a head blob.
func (c Client) SyncOpen(ctx context.Context, blob []byte, version uint64) (wasm.SyncOpenReply, error) {
	var r wasm.SyncOpenReply
	return r, c.do(ctx, "sync.open", wasm.SyncOpenRequest{Blob: blob, Version: version}, &r)
}

// SyncSeal seals the state as the next version.
func (c Client) SyncSeal(ctx context.Context) (wasm.SyncSealReply, error) {
	var r wasm.SyncSealReply
	return r, c.do(ctx, "sync.seal", nil, &r)
}

// SyncCommit records that the server accepted the sealed version.
func (c Client) SyncCommit(ctx context.Context, version uint64, hash string) (wasm.SyncStatus, error) {
	var r wasm.SyncStatus
	return r, c.do(ctx, "sync.commit", wasm.SyncCommitRequest{Version: version, Hash: hash}, &r)
}

// StateHash is the digest of everything that syncs.
func (c Client) StateHash(ctx context.Context) (string, error) {
	var r wasm.HashReply
	return r.Hash, c.do(ctx, "state.hash", nil, &r)
}

// SyncReport says what one Sync did.
type SyncReport struct {
	Version  uint64              // the vault's head version afterwards
	Opened   *wasm.SyncOpenReply // the merge of the head, if there was one
	Pushed   bool                // this device uploaded a new head
	Attempts int                 // PUTs tried (more than 1 after conflicts)
}

// SyncMaxAttempts bounds the pull-merge-push rounds of one Sync.
const SyncMaxAttempts = 6

// ErrSyncConflict: every attempt lost the compare-and-swap race.
var ErrSyncConflict = errors.New("sync: the head kept changing; try again later")

// ServerError is a refusal by the sync server.
type ServerError struct {
	Status int
	Code   string
	Msg    string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("sync server: %d %s: %s", e.Status, e.Code, e.Msg)
}

// Sync runs one sync against server (worker/sync's protocol): GET the
// head, open and merge it, seal, PUT with If-Match, commit; on 409 it
// starts over from the GET (at most SyncMaxAttempts, with backoff). The
// engine changes only through sync.open, which merges in one step, so a
// failure at any point leaves the local data whole (merged or not).
func (c Client) Sync(ctx context.Context, hc *http.Client, server string) (SyncReport, error) {
	var rep SyncReport
	st, err := c.SyncStatus(ctx)
	if err != nil {
		return rep, err
	}
	if !st.Configured {
		return rep, errors.New("sync is not set up")
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	url := strings.TrimRight(server, "/") + "/v1/vaults/" + st.Vault + "/head"
	do := func(method string, body []byte, hdr map[string]string) (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		if body == nil {
			req.Body = nil
		}
		req.Header.Set("Authorization", "Bearer "+st.Token)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	for attempt := 0; attempt < SyncMaxAttempts; attempt++ {
		if attempt > 0 {
			d := time.Duration(25<<attempt)*time.Millisecond + time.Duration(rand.IntN(25))*time.Millisecond
			select {
			case <-ctx.Done():
				return rep, ctx.Err()
			case <-time.After(d):
			}
		}
		resp, body, err := do(http.MethodGet, nil, nil)
		if err != nil {
			return rep, err
		}
		switch resp.StatusCode {
		case http.StatusOK:
			v, err := strconv.ParseUint(resp.Header.Get("X-Confidant-Version"), 10, 64)
			if err != nil {
				return rep, fmt.Errorf("sync server: bad X-Confidant-Version %q", resp.Header.Get("X-Confidant-Version"))
			}
			o, err := c.SyncOpen(ctx, body, v)
			if err != nil {
				return rep, err
			}
			rep.Opened, rep.Version = &o, o.Version
			if !o.Push {
				return rep, nil // the head has everything: nothing to upload
			}
		case http.StatusNotFound:
			// A new vault: this device writes version 1.
		default:
			return rep, serverError(resp.StatusCode, body)
		}
		s, err := c.SyncSeal(ctx)
		if err != nil {
			return rep, err
		}
		rep.Attempts++
		resp, body, err = do(http.MethodPut, s.Blob, map[string]string{
			"If-Match": strconv.Quote(strconv.FormatUint(s.Parent, 10)), "Content-Type": "application/octet-stream"})
		if err != nil {
			return rep, err
		}
		switch resp.StatusCode {
		case http.StatusOK:
			if _, err := c.SyncCommit(ctx, s.Version, s.Hash); err != nil {
				return rep, err
			}
			rep.Version, rep.Pushed = s.Version, true
			return rep, nil
		case http.StatusConflict:
			continue // someone pushed first: pull, merge and try again
		default:
			return rep, serverError(resp.StatusCode, body)
		}
	}
	return rep, ErrSyncConflict
}

func serverError(status int, body []byte) error {
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &env)
	return &ServerError{Status: status, Code: env.Error.Code, Msg: env.Error.Message}
}
