package wasm

import (
	"encoding/json"
	"fmt"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/snapshot"
)

func (h *Handler) version(b []byte) (any, error) {
	var r Empty
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return VersionReply{Version: Version, Analyzer: analyze.Version, Snapshot: snapshot.Version}, nil
}

func (h *Handler) ingest(b []byte) (any, error) {
	var r IngestRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return h.E.Ingest(r.Sessions, r.Turns)
}

func (h *Handler) recall(b []byte) (any, error) {
	var r RecallRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	hits, err := h.E.Recall(r.RecallRequest)
	if err != nil {
		return nil, err
	}
	return RecallReply{Hits: hits}, nil
}

func (h *Handler) context(b []byte) (any, error) {
	var r ContextRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return h.E.Context(r.ContextRequest)
}

func (h *Handler) factsList(b []byte) (any, error) {
	var r FactsListRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return FactsReply{Facts: h.E.Facts(r.FactFilter)}, nil
}

func (h *Handler) factsEdit(b []byte) (any, error) {
	var r FactEditRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	f, err := h.E.EditFact(r.FactEdit)
	if err != nil {
		return nil, err
	}
	return FactReply{Fact: f}, nil
}

func (h *Handler) factsPin(b []byte) (any, error) {
	var r PinRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	f, err := h.E.EditFact(engine.FactEdit{ID: r.ID, Pinned: &r.Pinned})
	if err != nil {
		return nil, err
	}
	return FactReply{Fact: f}, nil
}

func (h *Handler) factsDelete(b []byte) (any, error) {
	var r IDRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	if err := h.E.DeleteFact(r.ID); err != nil {
		return nil, err
	}
	return OK{true}, nil
}

func (h *Handler) forget(b []byte) (any, error) {
	var r ForgetRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
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

func (h *Handler) stats(b []byte) (any, error) {
	var r Empty
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return h.E.Stats(), nil
}

func (h *Handler) settingsGet(b []byte) (any, error) {
	var r Empty
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	return h.E.Settings(), nil
}

func (h *Handler) settingsSet(b []byte) (any, error) {
	var r SettingsRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	if err := h.E.SetSettings(r.Settings); err != nil {
		return nil, err
	}
	return h.E.Settings(), nil
}

func (h *Handler) snapshotExport(b []byte) (any, error) {
	var r ExportRequest
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	data, err := h.E.Export(!r.Compact)
	if err != nil {
		return nil, err
	}
	return SnapshotData{Data: data}, nil
}

func (h *Handler) snapshotImport(b []byte) (any, error) {
	var r SnapshotData
	if err := decode(b, &r); err != nil {
		return nil, err
	}
	if err := h.E.Import(r.Data); err != nil {
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
	data, err := h.E.Export(!compact)
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
	if len(data) > MaxRequestBytes {
		return encodeError(&Error{Code: CodeTooLarge, Message: fmt.Sprintf("snapshot is %d bytes; the limit is %d", len(data), MaxRequestBytes)})
	}
	if err := h.E.Import(data); err != nil {
		return encodeError(toError(err))
	}
	out, _ := json.Marshal(h.E.Stats())
	return out
}
