package wasm

import (
	"fmt"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

func (h *Handler) version(*Empty) (any, error) {
	return VersionReply{Version: Version, Analyzer: analyze.Version, Snapshot: snapshot.Version}, nil
}

func (h *Handler) ingest(r *IngestRequest) (any, error) { return h.E.Ingest(r.Sessions, r.Turns) }

func (h *Handler) recall(r *RecallRequest) (any, error) {
	hits, err := h.E.Recall(r.RecallRequest)
	if err != nil {
		return nil, err
	}
	return RecallReply{Hits: hits}, nil
}

func (h *Handler) context(r *ContextRequest) (any, error) { return h.E.Context(r.ContextRequest) }

func (h *Handler) factsList(r *FactsListRequest) (any, error) {
	return FactsReply{Facts: h.E.Facts(r.FactFilter)}, nil
}

func (h *Handler) factsEdit(r *FactEditRequest) (any, error) {
	return factReply(h.E.EditFact(r.FactEdit))
}

func (h *Handler) factsPin(r *PinRequest) (any, error) {
	return factReply(h.E.EditFact(engine.FactEdit{ID: r.ID, Pinned: &r.Pinned}))
}

func factReply(f model.Fact, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return FactReply{Fact: f}, nil
}

func (h *Handler) factsDelete(r *IDRequest) (any, error) {
	if err := h.E.DeleteFact(r.ID); err != nil {
		return nil, err
	}
	return OK{true}, nil
}

func (h *Handler) sessionsList(r *SessionsListRequest) (any, error) {
	return h.E.Sessions(r.SessionFilter)
}

func (h *Handler) sessionsGet(r *SessionGetRequest) (any, error) { return h.E.Session(r.SessionGet) }

func (h *Handler) forget(r *ForgetRequest) (any, error) {
	n := 0
	for _, set := range []bool{r.Turn != "", r.Session != "", r.All} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, &Error{Code: CodeInvalid, Message: `forget needs exactly one of "turn", "session" or "all"`}
	}
	var err error
	switch {
	case r.Turn != "":
		err = h.E.ForgetTurn(r.Turn)
	case r.Session != "":
		err = h.E.ForgetSession(r.Session)
	default:
		h.E.ForgetAll()
	}
	if err != nil {
		return nil, err
	}
	return OK{true}, nil
}

func (h *Handler) stats(*Empty) (any, error) { return h.E.Stats(), nil }

func (h *Handler) settingsGet(*Empty) (any, error) { return h.E.Settings(), nil }

func (h *Handler) settingsSet(r *SettingsRequest) (any, error) {
	if err := h.E.SetSettings(r.Settings); err != nil {
		return nil, err
	}
	return h.E.Settings(), nil
}

func (h *Handler) snapshotExport(r *ExportRequest) (any, error) {
	data, err := h.E.Export(!r.Compact)
	if err != nil {
		return nil, err
	}
	return SnapshotData{Data: data}, nil
}

func (h *Handler) snapshotImport(r *SnapshotData) (any, error) {
	if err := h.E.ImportUntrusted(r.Data); err != nil {
		return nil, err
	}
	return h.E.Stats(), nil
}

// ExportRaw returns the snapshot bytes themselves (they start with the
// snapshot magic "CFDS"), or a JSON error reply (starting with "{"). It is
// the binary twin of snapshot.export, which spares a base64 and JSON round
// trip of a multi-megabyte payload.
func (h *Handler) ExportRaw(compact bool) (reply []byte) {
	defer func() {
		if r := recover(); r != nil {
			reply = encodeError(&Error{Code: CodeInternal, Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	export := h.E.ExportLocal
	if compact {
		export = func() ([]byte, error) { return h.E.Export(false) }
	}
	data, err := export()
	if err != nil {
		return encodeError(toError(err))
	}
	return data
}

// ImportRaw replaces the store with snapshot bytes and returns the JSON
// reply of snapshot.import.
func (h *Handler) ImportRaw(data []byte) (reply []byte) {
	defer func() {
		if r := recover(); r != nil {
			reply = encodeError(&Error{Code: CodeInternal, Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	if len(data) > snapshot.MaxSize {
		return encodeError(&Error{Code: CodeTooLarge, Message: fmt.Sprintf("snapshot is %d bytes; the limit is %d", len(data), snapshot.MaxSize)})
	}
	if err := h.E.Import(data); err != nil {
		return encodeError(toError(err))
	}
	if h.DeferCollection {
		deferCollection(len(data))
	}
	return appendStats(nil, h.E.Stats()) // no encoding/json on a cold start's path: quick.go
}
