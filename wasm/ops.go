// Package wasm is Confidant's ABI: JSON requests in, JSON replies out. The
// reactor in wasm/reactor exports it to a WebAssembly host; the CLI's
// --native mode and the tests call Dispatch directly, so both paths run the
// same code.
//
// # Wire protocol
//
// A request is one JSON object {"op": NAME, ...fields}. A reply is a JSON
// object: the op's result, or {"error": {"code": CODE, "message": TEXT}}.
// Unknown fields are refused. Codes: bad_request (malformed JSON, unknown op
// or field), invalid (a value out of range), not_found, too_large, internal
// (a bug: a recovered panic).
//
// # Ops and their schemas
//
//	op               request fields                                  reply
//	version          -                                               {"version", "analyzer", "snapshot"}
//	ingest           sessions?: [Session], turns: [Turn]             {"added", "updated", "skipped", "facts", "redacted"}
//	recall           text, time?, unit?, k?, role?, method?, disable?, all? {"hits": [Hit]}
//	context          text, time?, budget?, exclude?: [id]            {"text", "items": [Item], "tokens"}
//	facts.list       category?, superseded?, query?                  {"facts": [Fact]}
//	facts.edit       id, value?, text?, category?, sensitivity?, pinned? {"fact": Fact}
//	facts.pin        id, pinned                                      {"fact": Fact}
//	facts.delete     id                                              {"ok": true}
//	sessions.list    site?, from?, to?, query?, limit?, offset?      {"sessions": [Summary], "total"}
//	sessions.get     id, limit?, offset?                             {"session": Summary, "turns": [STurn]}
//	forget           turn? | session? | all?: true (exactly one)     {"ok": true}
//	stats            -                                               Stats
//	collect          -                                               {"heap_bytes"} (a full collection; see collect.go)
//	settings.get     -                                               Settings
//	settings.set     token_budget, max_memories, consent?            Settings
//	snapshot.export  compact?                                        {"data": base64 snapshot}
//	snapshot.import  data: base64 snapshot                           Stats (replaces the store; texts re-cleaned)
//	import.begin     format: "chatgpt"|"claude"|"memories", check?   {"import": id}
//	import.feed      import: id, data: base64 chunk                  Totals (running)
//	import.end       import: id                                      Totals (applied)
//	import.cancel    import: id                                      {"ok": true}
//	export.json      -                                               {"data": base64 JSON export}
//	export.markdown  -                                               {"text": Markdown}
//	export.age       passphrase                                      {"data": base64 age file}
//	import.json      data: base64 JSON export, restore_deleted?      Added (merges; never overwrites)
//	import.age       data: base64 age file, passphrase, restore_deleted? Added (merges; never overwrites)
//	sync.setup       -                                               {"recovery_code", "vault", "token", "device"}
//	sync.join        recovery_code                                   {"vault", "token", "device"}
//	sync.leave       -                                               {"ok": true}
//	sync.status      -                                               SyncStatus
//	sync.open        blob: base64, version                           {"version", "device", "changed", "orphans", "fixed", "rebased", "clamped", "ahead", "push"}
//	sync.seal        -                                               {"blob": base64, "version", "parent", "hash"}
//	sync.commit      version, hash?                                  SyncStatus
//	sync.save        -                                               {"data": base64 sync state}
//	sync.load        data: base64 sync state                         SyncStatus
//	state.hash       -                                               {"hash": hex}
//
// Session = {id, site?, title?, start?}; Turn = {id, session, role, text,
// time}; Hit = {id, session, role, time, score, text, why: [string]};
// Item = {kind: "profile"|"memory", id, text, date, category?, why}; times
// are RFC 3339. recall's "all" returns the full ranking without the
// relevance gate (benchmarks); "disable" names ranking features to switch
// off (ablation). The Go types below are the schema.
//
// Summary = {id, site, title, start, last, turns, user_turns}; STurn = {id,
// role, text, time}. sessions.list (read-only) returns the sessions whose
// span [start, last] overlaps [from, to), whose site equals site, and whose
// title or some turn's text contains query (case-insensitive, at most 256
// bytes); newest first (by last, then id); total counts every match before
// paging. A session without a title gets the start of its first user turn
// (about 80 characters, cut at a word). sessions.get returns one page of a
// session's turns in time order; an unknown id is not_found. For both,
// limit is 1..500 (default 50) and offset >= 0, else invalid.
//
// # Imports from other chat tools
//
// import.begin starts reading another tool's export (core/importer: ChatGPT
// or Claude conversations.json, or a memories list, one per line) and
// returns a handle; import.feed passes the file's next chunk, of any size
// and cut anywhere, and import.end applies everything at once. Totals =
// {sessions, turns, facts, duplicates, redacted, bytes}: new conversations,
// new turns, memory lines plus fact statements found in new user turns,
// turns and memories already stored (same id, or the same message captured
// live: same site, role and text within 12 hours), turns with a secret
// redacted, and bytes consumed. With check: true the import only parses:
// it counts the sessions, turns and memory lines the file holds (no
// duplicates, nothing redacted) and import.end applies nothing — a way to
// validate a file, and to time parsing alone.
//
// Feeding stages: it parses, cleans, redacts, extracts facts and finds
// duplicates, but the store does not change until import.end, which files
// the staged records in one step. A malformed chunk (one specific error
// naming the conversation or line and the byte offset), import.cancel or a
// dropped handle leaves the store exactly as it was; after an error the
// handle is gone (not_found). At most 4 imports may be open; one holds at
// most 2 million turns (invalid), one conversation at most 32 MiB
// (too_large). Live capture (ingest) and every other op may run between
// feeds.
//
// # Exports in open formats
//
// export.json, export.markdown and export.age write the profile in the
// formats of core/export (documented there and in docs/formats.md): the
// versioned JSON export, a Markdown report for people (not importable),
// and the JSON export sealed to a passphrase as a standard age file (scrypt;
// `age -d` opens it; sealing takes about 256 MiB and a second or more).
// import.json and import.age read such a file strictly — one invalid error
// naming the JSON path of the first defect (e.g. sessions[3].turns[7].role),
// or for import.age a wrong passphrase — then clean every text as for a
// snapshot from outside, and merge: records whose ids the store lacks are
// added, the ones it holds are kept as they are (an edited fact stays
// edited), and into an empty store (no sessions, turns or facts) the file's
// settings are taken too, so a round trip restores a profile exactly.
// Added = {sessions, turns, facts, updated, deleted, duplicates, settings,
// deleted_since, restored, stats}: what was added, replaced by a newer
// version and deleted by the file's newer tombstones, records already
// held, whether the settings were taken, and the store's Stats after.
// deleted_since = {sessions, turns, facts} counts the file's records this
// store deleted after the file's version of them (a newer tombstone here,
// or a turn of a conversation deleted here): the merge keeps them deleted.
// With restore_deleted: true they are brought back instead, stamped as new
// edits of this device after their tombstones (so they sync as edits; a
// turn brings its conversation back), and counted in restored (not in
// added); everything else merges as without it. On any error the store is unchanged. An export
// travels base64 in one request, so an import is at most MaxRequestBytes
// of request (about 48 MiB of file).
//
// # Binary snapshot exports
//
// Snapshots are megabytes; besides the JSON ops above (base64 payloads) the
// reactor exports a binary pair that skips base64 and JSON:
//
//	snapshot_export(compact u32) u64   reply = raw snapshot ("CFDS"…) or a JSON error ("{"…)
//	snapshot_import(ptr, len u32) u64  reply = the JSON reply of snapshot.import
//	import_feed(id, ptr, len u32) u64  reply = the JSON reply of import.feed (raw chunk, no base64)
//
// snapshot_export without compact is the host's own store: the full state
// with its analysed terms, stored uncompressed for the cold start's sake
// (the snapshot.export op's full form is the same content, zstd-compressed,
// for backup files). snapshot_import is the local restore path (the host's
// own store, written by snapshot_export): it trusts the stored analysed
// terms and skips re-cleaning, for a fast cold start. After it the
// collector stays off until the op collect (see collect.go): a long-lived
// host calls collect once idle after its first request. A snapshot from anywhere else (a file
// the user picked) goes through the snapshot.import op, which cleans every
// text again as ingest does.
//
// Both return ptr<<32|len like call, and the host frees the reply.
//
// # Sync
//
// End-to-end-encrypted sync (issue 4; server protocol in worker/sync): the
// host does the HTTP, the engine the keys, sealing (core/seal), rollback
// checks and the merge (core/merge via engine.Merge). One sync:
//
//	GET head → 404: nothing to open; 200: sync.open {blob, version}
//	(X-Confidant-Version); if push (or the vault is new): sync.seal →
//	PUT head with If-Match: "<parent>" → 200: sync.commit {version, hash};
//	409: GET again and repeat (bounded, with backoff).
//
// The vault key is not part of the engine state and never in a snapshot:
// sync.setup creates it (the recovery code is returned once), sync.join
// takes it from a recovery code, and sync.save returns the sync
// state — key, the Seen versions (rollback), base version and hash, last
// sync — as a binary blob ("CFSC" v1) the host stores apart from the
// profile and passes back with sync.load after a restart.
// SyncStatus = {configured, vault?, token?, device, version, last_sync?,
// pending?}. sync.open verifies the blob and merges in one step; on any
// error nothing changes. Errors have specific codes: sync_not_configured,
// sync_configured, bad_recovery_code, wrong_key, wrong_vault, rollback,
// forked, tampered, truncated, malformed, too_large, version_mismatch (the
// server's version is not the sealed one), no_pending_seal. state.hash is
// the digest of everything that syncs (records, stamps, tombstones): equal
// on devices that have converged.
package wasm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
)

// MaxRequestBytes bounds one request (a batch ingest of a few thousand turns
// fits; larger imports are split by the host).
const MaxRequestBytes = 64 << 20

// Error codes.
const (
	CodeBadRequest = "bad_request"
	CodeInvalid    = "invalid"
	CodeNotFound   = "not_found"
	CodeTooLarge   = "too_large"
	CodeInternal   = "internal"
)

// Error is the error member of a failed reply.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Request schemas.
type (
	// IngestRequest adds sessions and turns.
	IngestRequest struct {
		Op       string          `json:"op,omitempty"`
		Sessions []model.Session `json:"sessions,omitempty"`
		Turns    []model.Turn    `json:"turns"`
	}
	// RecallRequest asks for ranked memories.
	RecallRequest struct {
		Op string `json:"op,omitempty"`
		engine.RecallRequest
	}
	// ContextRequest asks for the block to inject for a prompt.
	ContextRequest struct {
		Op string `json:"op,omitempty"`
		engine.ContextRequest
	}
	// FactsListRequest filters facts.
	FactsListRequest struct {
		Op string `json:"op,omitempty"`
		engine.FactFilter
	}
	// SessionsListRequest filters and pages sessions.
	SessionsListRequest struct {
		Op string `json:"op,omitempty"`
		engine.SessionFilter
	}
	// SessionGetRequest names a session and a page of its turns.
	SessionGetRequest struct {
		Op string `json:"op,omitempty"`
		engine.SessionGet
	}
	// FactEditRequest edits a fact.
	FactEditRequest struct {
		Op string `json:"op,omitempty"`
		engine.FactEdit
	}
	// SettingsRequest replaces the settings.
	SettingsRequest struct {
		Op string `json:"op,omitempty"`
		model.Settings
	}
	// Empty is a request without fields.
	Empty struct {
		Op string `json:"op,omitempty"`
	}
	// IDRequest names one record.
	IDRequest struct {
		Op string `json:"op,omitempty"`
		ID string `json:"id"`
	}
	// PinRequest pins or unpins a fact.
	PinRequest struct {
		Op     string `json:"op,omitempty"`
		ID     string `json:"id"`
		Pinned bool   `json:"pinned"`
	}
	// ForgetRequest names what to forget: exactly one field.
	ForgetRequest struct {
		Op      string `json:"op,omitempty"`
		Turn    string `json:"turn,omitempty"`
		Session string `json:"session,omitempty"`
		All     bool   `json:"all,omitempty"`
	}
	// ExportRequest asks for a snapshot; compact leaves out the analysed
	// terms (smaller, for sync and files; slower to load).
	ExportRequest struct {
		Op      string `json:"op,omitempty"`
		Compact bool   `json:"compact,omitempty"`
	}
	// SnapshotData carries a snapshot as base64 (encoding/json's []byte).
	SnapshotData struct {
		Op   string `json:"op,omitempty"`
		Data []byte `json:"data"`
	}
	// ImportBeginRequest starts an import.
	ImportBeginRequest struct {
		Op     string `json:"op,omitempty"`
		Format string `json:"format"`
		Check  bool   `json:"check,omitempty"`
	}
	// ImportFeedRequest passes the next chunk of an import (base64).
	ImportFeedRequest struct {
		Op     string `json:"op,omitempty"`
		Import uint32 `json:"import"`
		Data   []byte `json:"data"`
	}
	// ImportRequest names an import.
	ImportRequest struct {
		Op     string `json:"op,omitempty"`
		Import uint32 `json:"import"`
	}
)

// Reply schemas.
type (
	// RecallReply lists hits, best first.
	RecallReply struct {
		Hits []engine.Hit `json:"hits"`
	}
	// FactsReply lists facts.
	FactsReply struct {
		Facts []model.Fact `json:"facts"`
	}
	// FactReply returns one fact.
	FactReply struct {
		Fact model.Fact `json:"fact"`
	}
	// OK acknowledges an op without a result.
	OK struct {
		OK bool `json:"ok"`
	}
	// ImportBeginReply is the handle of a new import.
	ImportBeginReply struct {
		Import uint32 `json:"import"`
	}
	// VersionReply names the engine and format versions.
	VersionReply struct {
		Version  string `json:"version"`
		Analyzer int    `json:"analyzer"`
		Snapshot int    `json:"snapshot"`
	}
)

// Version is the engine version reported by the version op.
const Version = "0.1.0"

// Handler serves requests against one engine.
type Handler struct {
	E *engine.Engine

	imports map[uint32]*importJob // by id, drawn at random

	sync *syncConfig // nil until sync.setup, sync.join or sync.load

	// DeferCollection leaves the collector off after ImportRaw until the
	// op collect (collect.go): for the reactor, whose host calls collect
	// once idle. Other hosts leave it false.
	DeferCollection bool
}

// NewHandler returns a handler over a fresh engine.
func NewHandler() *Handler { return &Handler{E: engine.New(), imports: map[uint32]*importJob{}} }

type op func(h *Handler, body []byte) (any, error)

var ops = map[string]op{
	"version":         handle((*Handler).version),
	"ingest":          handle((*Handler).ingest),
	"recall":          handle((*Handler).recall),
	"context":         handle((*Handler).context),
	"facts.list":      handle((*Handler).factsList),
	"facts.edit":      handle((*Handler).factsEdit),
	"facts.pin":       handle((*Handler).factsPin),
	"facts.delete":    handle((*Handler).factsDelete),
	"sessions.list":   handle((*Handler).sessionsList),
	"sessions.get":    handle((*Handler).sessionsGet),
	"forget":          handle((*Handler).forget),
	"stats":           handle((*Handler).stats),
	"collect":         handle((*Handler).collect),
	"settings.get":    handle((*Handler).settingsGet),
	"settings.set":    handle((*Handler).settingsSet),
	"snapshot.export": handle((*Handler).snapshotExport),
	"snapshot.import": handle((*Handler).snapshotImport),
	"import.begin":    handle((*Handler).importBegin),
	"import.feed":     handle((*Handler).importFeed),
	"import.end":      handle((*Handler).importEnd),
	"import.cancel":   handle((*Handler).importCancel),
	"export.json":     handle((*Handler).exportJSON),
	"export.markdown": handle((*Handler).exportMarkdown),
	"export.age":      handle((*Handler).exportAge),
	"import.json":     handle((*Handler).importJSON),
	"import.age":      handle((*Handler).importAge),
	"sync.setup":      handle((*Handler).syncSetup),
	"sync.join":       handle((*Handler).syncJoin),
	"sync.leave":      handle((*Handler).syncLeave),
	"sync.status":     handle((*Handler).syncStatus),
	"sync.open":       handle((*Handler).syncOpen),
	"sync.seal":       handle((*Handler).syncSeal),
	"sync.commit":     handle((*Handler).syncCommit),
	"sync.save":       handle((*Handler).syncStateExport),
	"sync.load":       handle((*Handler).syncStateImport),
	"state.hash":      handle((*Handler).stateHash),
}

// handle adapts a typed op to the table: it decodes the request strictly
// into a new request struct (P is a pointer to it), then runs fn.
//
// Taking the pointer type rather than the struct type makes every op share
// one compiled copy of this adapter (all pointer types have one shape; one
// copy per request struct cost 69 KB of raw wasm, 6 KB gzipped). The
// struct is allocated through reflect, which the JSON decoder uses anyway.
func handle[P any](fn func(h *Handler, r P) (any, error)) op {
	t := reflect.TypeFor[P]().Elem() // panics at init if P is not a pointer
	return func(h *Handler, b []byte) (any, error) {
		r := reflect.New(t).Interface().(P)
		if err := decode(b, r); err != nil {
			return nil, err
		}
		return fn(h, r)
	}
}

// Ops lists the op names (for documentation and tests).
func Ops() []string {
	out := make([]string, 0, len(ops))
	for k := range ops {
		out = append(out, k)
	}
	return out
}

// Dispatch runs one request and returns its JSON reply. It never panics:
// a panic inside an op becomes an "internal" error reply.
func (h *Handler) Dispatch(req []byte) (reply []byte) {
	defer func() {
		if r := recover(); r != nil {
			reply = encodeError(&Error{Code: CodeInternal, Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	if out, ok := h.quick(req); ok {
		return out
	}
	return h.dispatchJSON(req)
}

// dispatchJSON is Dispatch through encoding/json for every request: what
// the quick path (quick.go) must answer the same as.
func (h *Handler) dispatchJSON(req []byte) []byte {
	res, err := h.dispatch(req)
	if err != nil {
		return encodeError(toError(err))
	}
	out, err := json.Marshal(res)
	if err != nil {
		return encodeError(&Error{Code: CodeInternal, Message: "encoding reply: " + err.Error()})
	}
	return out
}

func (h *Handler) dispatch(req []byte) (any, error) {
	if len(req) > MaxRequestBytes {
		return nil, &Error{Code: CodeTooLarge, Message: fmt.Sprintf("request is %d bytes; the limit is %d", len(req), MaxRequestBytes)}
	}
	var env struct {
		Op string `json:"op,omitempty"`
	}
	if err := json.Unmarshal(req, &env); err != nil {
		return nil, badRequest("request is not a JSON object: %v", err)
	}
	if env.Op == "" {
		return nil, badRequest(`request has no "op"`)
	}
	fn, ok := ops[env.Op]
	if !ok {
		return nil, badRequest("unknown op %q", env.Op)
	}
	return fn(h, req)
}

func badRequest(format string, args ...any) *Error {
	return &Error{Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// decode reads the request into v, refusing unknown fields. Every request
// type has an Op field so that the envelope's "op" member is accepted.
func decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("%v", err)
	}
	if dec.More() {
		return badRequest("trailing data after the request object")
	}
	return nil
}

func toError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, engine.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: err.Error()}
	case errors.Is(err, engine.ErrInvalid):
		return &Error{Code: CodeInvalid, Message: err.Error()}
	}
	return &Error{Code: CodeInvalid, Message: err.Error()}
}

func encodeError(e *Error) []byte {
	b, _ := json.Marshal(struct {
		Error *Error `json:"error"`
	}{e})
	return b
}
