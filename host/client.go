package host

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/wasm"
)

// Caller sends one JSON request to an engine and returns its JSON reply.
type Caller interface {
	Call(ctx context.Context, req []byte) ([]byte, error)
}

// Native is a Caller that runs the engine in this process (no wasm).
type Native struct {
	mu sync.Mutex
	h  *wasm.Handler
}

// NewNative returns a native engine.
func NewNative() *Native { return &Native{h: wasm.NewHandler()} }

// Call implements Caller.
func (n *Native) Call(_ context.Context, req []byte) ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.h.Dispatch(req), nil
}

// ImportSnapshot implements Snapshotter.
func (n *Native) ImportSnapshot(_ context.Context, data []byte) ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.h.ImportRaw(data), nil
}

// ExportSnapshot implements Snapshotter.
func (n *Native) ExportSnapshot(_ context.Context, compact bool) ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.h.ExportRaw(compact), nil
}

// ImportFeed implements Feeder.
func (n *Native) ImportFeed(_ context.Context, id uint32, data []byte) ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.h.FeedRaw(id, data), nil
}

// Feeder is a Caller that can pass import chunks as raw bytes (the
// reactor's import_feed), sparing base64 and JSON.
type Feeder interface {
	ImportFeed(ctx context.Context, id uint32, data []byte) ([]byte, error)
}

// Snapshotter is a Caller that can also move snapshots as raw bytes (the
// reactor's snapshot_export/snapshot_import), sparing base64 and JSON.
type Snapshotter interface {
	ImportSnapshot(ctx context.Context, data []byte) ([]byte, error)
	ExportSnapshot(ctx context.Context, compact bool) ([]byte, error)
}

// Client exposes the engine's ops as Go methods over a Caller.
type Client struct{ C Caller }

// do marshals req with its op, calls, and decodes the reply into out; an
// error reply becomes a *wasm.Error.
func (c Client) do(ctx context.Context, op string, req any, out any) error {
	body, err := marshalOp(op, req)
	if err != nil {
		return err
	}
	reply, err := c.C.Call(ctx, body)
	if err != nil {
		return err
	}
	return decodeReply(op, reply, out)
}

// decodeReply decodes a JSON reply into out, or returns its error.
func decodeReply(op string, reply []byte, out any) error {
	var env struct {
		Error *wasm.Error `json:"error"`
	}
	if err := json.Unmarshal(reply, &env); err != nil {
		return fmt.Errorf("%s: malformed reply: %w", op, err)
	}
	if env.Error != nil {
		return env.Error
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(reply, out); err != nil {
		return fmt.Errorf("%s: decoding reply: %w", op, err)
	}
	return nil
}

// marshalOp encodes req as a JSON object with "op" added.
func marshalOp(op string, req any) ([]byte, error) {
	opJSON, _ := json.Marshal(op)
	if req == nil {
		return []byte(`{"op":` + string(opJSON) + `}`), nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding request: %w", op, err)
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("%s: request must encode as an object", op)
	}
	if len(b) == 2 {
		return []byte(`{"op":` + string(opJSON) + `}`), nil
	}
	return append([]byte(`{"op":`+string(opJSON)+`,`), b[1:]...), nil
}

// Version returns the engine and format versions.
func (c Client) Version(ctx context.Context) (wasm.VersionReply, error) {
	var r wasm.VersionReply
	return r, c.do(ctx, "version", nil, &r)
}

// Ingest adds sessions and turns.
func (c Client) Ingest(ctx context.Context, sessions []model.Session, turns []model.Turn) (engine.IngestResult, error) {
	var r engine.IngestResult
	return r, c.do(ctx, "ingest", wasm.IngestRequest{Sessions: sessions, Turns: turns}, &r)
}

// Recall ranks memories for a prompt.
func (c Client) Recall(ctx context.Context, req engine.RecallRequest) ([]engine.Hit, error) {
	var r wasm.RecallReply
	return r.Hits, c.do(ctx, "recall", req, &r)
}

// Context renders the block to inject for a prompt.
func (c Client) Context(ctx context.Context, req engine.ContextRequest) (engine.ContextReply, error) {
	var r engine.ContextReply
	return r, c.do(ctx, "context", req, &r)
}

// Facts lists facts.
func (c Client) Facts(ctx context.Context, f engine.FactFilter) ([]model.Fact, error) {
	var r wasm.FactsReply
	return r.Facts, c.do(ctx, "facts.list", f, &r)
}

// EditFact edits a fact.
func (c Client) EditFact(ctx context.Context, ed engine.FactEdit) (model.Fact, error) {
	var r wasm.FactReply
	return r.Fact, c.do(ctx, "facts.edit", ed, &r)
}

// PinFact pins or unpins a fact.
func (c Client) PinFact(ctx context.Context, id string, pinned bool) (model.Fact, error) {
	var r wasm.FactReply
	return r.Fact, c.do(ctx, "facts.pin", wasm.PinRequest{ID: id, Pinned: pinned}, &r)
}

// DeleteFact deletes a fact.
func (c Client) DeleteFact(ctx context.Context, id string) error {
	return c.do(ctx, "facts.delete", wasm.IDRequest{ID: id}, nil)
}

// Sessions lists sessions, newest first, one page at a time.
func (c Client) Sessions(ctx context.Context, f engine.SessionFilter) (engine.SessionList, error) {
	var r engine.SessionList
	return r, c.do(ctx, "sessions.list", f, &r)
}

// Session returns a session's summary and a page of its turns.
func (c Client) Session(ctx context.Context, g engine.SessionGet) (engine.SessionDetail, error) {
	var r engine.SessionDetail
	return r, c.do(ctx, "sessions.get", g, &r)
}

// Forget removes a turn, a session, or everything (exactly one).
func (c Client) Forget(ctx context.Context, req wasm.ForgetRequest) error {
	return c.do(ctx, "forget", req, nil)
}

// Stats returns counts of what is stored.
func (c Client) Stats(ctx context.Context) (engine.Stats, error) {
	var r engine.Stats
	return r, c.do(ctx, "stats", nil, &r)
}

// Settings returns the settings.
func (c Client) Settings(ctx context.Context) (model.Settings, error) {
	var r model.Settings
	return r, c.do(ctx, "settings.get", nil, &r)
}

// SetSettings replaces the settings.
func (c Client) SetSettings(ctx context.Context, s model.Settings) (model.Settings, error) {
	var r model.Settings
	return r, c.do(ctx, "settings.set", s, &r)
}

// Export returns a snapshot of the store with its analysed terms (fast to
// load; for the local store).
func (c Client) Export(ctx context.Context) ([]byte, error) { return c.export(ctx, false) }

// ExportCompact returns a snapshot without analysed terms (smaller; for
// sync and export files).
func (c Client) ExportCompact(ctx context.Context) ([]byte, error) { return c.export(ctx, true) }

func (c Client) export(ctx context.Context, compact bool) ([]byte, error) {
	if s, ok := c.C.(Snapshotter); ok {
		data, err := s.ExportSnapshot(ctx, compact)
		if err != nil {
			return nil, err
		}
		if len(data) > 0 && data[0] == '{' {
			return nil, decodeReply("snapshot_export", data, nil)
		}
		return data, nil
	}
	var r wasm.SnapshotData
	return r.Data, c.do(ctx, "snapshot.export", wasm.ExportRequest{Compact: compact}, &r)
}

// ImportFile replaces the store with a snapshot from outside the local
// store (a user's file): the engine cleans every text again.
func (c Client) ImportFile(ctx context.Context, data []byte) (engine.Stats, error) {
	var r engine.Stats
	return r, c.do(ctx, "snapshot.import", wasm.SnapshotData{Data: data}, &r)
}

// Import restores the store from this host's own snapshot (fast path).
func (c Client) Import(ctx context.Context, data []byte) (engine.Stats, error) {
	var r engine.Stats
	if s, ok := c.C.(Snapshotter); ok {
		reply, err := s.ImportSnapshot(ctx, data)
		if err != nil {
			return r, err
		}
		return r, decodeReply("snapshot_import", reply, &r)
	}
	return r, c.do(ctx, "snapshot.import", wasm.SnapshotData{Data: data}, &r)
}

// Collect has the engine run a full collection and turn the collector back
// on if a snapshot import left it off (the reactor defers it: see
// wasm/collect.go). It returns the live heap in bytes after it. A host calls
// it once idle after the import; a batch command, with no idle moment,
// right after loading.
func (c Client) Collect(ctx context.Context) (uint64, error) {
	var r struct {
		HeapBytes uint64 `json:"heap_bytes"`
	}
	return r.HeapBytes, c.do(ctx, "collect", nil, &r)
}

// ImportBegin starts importing another tool's export (format chatgpt,
// claude or memories) and returns its handle.
func (c Client) ImportBegin(ctx context.Context, format string) (uint32, error) {
	var r wasm.ImportBeginReply
	return r.Import, c.do(ctx, "import.begin", wasm.ImportBeginRequest{Format: format}, &r)
}

// ImportCheck starts an import that only parses and counts (import.begin
// with check): its end applies nothing.
func (c Client) ImportCheck(ctx context.Context, format string) (uint32, error) {
	var r wasm.ImportBeginReply
	return r.Import, c.do(ctx, "import.begin", wasm.ImportBeginRequest{Format: format, Check: true}, &r)
}

// ImportFeed passes the next chunk of an import and returns the running
// totals. On error the import is gone and the store unchanged.
func (c Client) ImportFeed(ctx context.Context, id uint32, data []byte) (engine.ImportTotals, error) {
	var r engine.ImportTotals
	if f, ok := c.C.(Feeder); ok {
		reply, err := f.ImportFeed(ctx, id, data)
		if err != nil {
			return r, err
		}
		return r, decodeReply("import_feed", reply, &r)
	}
	return r, c.do(ctx, "import.feed", wasm.ImportFeedRequest{Import: id, Data: data}, &r)
}

// ImportEnd applies an import in one step and returns its totals.
func (c Client) ImportEnd(ctx context.Context, id uint32) (engine.ImportTotals, error) {
	var r engine.ImportTotals
	return r, c.do(ctx, "import.end", wasm.ImportRequest{Import: id}, &r)
}

// ImportCancel drops an import; the store is unchanged.
func (c Client) ImportCancel(ctx context.Context, id uint32) error {
	return c.do(ctx, "import.cancel", wasm.ImportRequest{Import: id}, nil)
}

// ExportJSON returns the profile as a JSON export (core/export).
func (c Client) ExportJSON(ctx context.Context) ([]byte, error) {
	var r wasm.SnapshotData
	return r.Data, c.do(ctx, "export.json", nil, &r)
}

// ExportMarkdown returns the profile as Markdown for reading.
func (c Client) ExportMarkdown(ctx context.Context) (string, error) {
	var r wasm.TextReply
	return r.Text, c.do(ctx, "export.markdown", nil, &r)
}

// ExportAge returns the JSON export sealed to passphrase as an age file.
func (c Client) ExportAge(ctx context.Context, passphrase string) ([]byte, error) {
	var r wasm.SnapshotData
	return r.Data, c.do(ctx, "export.age", wasm.ExportAgeRequest{Passphrase: passphrase}, &r)
}

// ImportJSON merges a JSON export into the profile.
func (c Client) ImportJSON(ctx context.Context, data []byte) (wasm.ImportExportReply, error) {
	var r wasm.ImportExportReply
	return r, c.do(ctx, "import.json", wasm.ImportJSONRequest{Data: data}, &r)
}

// ImportJSONRestore is ImportJSON with restore_deleted: the file's records
// deleted here since come back.
func (c Client) ImportJSONRestore(ctx context.Context, data []byte) (wasm.ImportExportReply, error) {
	var r wasm.ImportExportReply
	return r, c.do(ctx, "import.json", wasm.ImportJSONRequest{Data: data, RestoreDeleted: true}, &r)
}

// ImportAgeRestore is ImportAge with restore_deleted.
func (c Client) ImportAgeRestore(ctx context.Context, data []byte, passphrase string) (wasm.ImportExportReply, error) {
	var r wasm.ImportExportReply
	return r, c.do(ctx, "import.age", wasm.ImportAgeRequest{Data: data, Passphrase: passphrase, RestoreDeleted: true}, &r)
}

// ImportAge merges an age export, opened with passphrase, into the profile.
func (c Client) ImportAge(ctx context.Context, data []byte, passphrase string) (wasm.ImportExportReply, error) {
	var r wasm.ImportExportReply
	return r, c.do(ctx, "import.age", wasm.ImportAgeRequest{Data: data, Passphrase: passphrase}, &r)
}
