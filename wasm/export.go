package wasm

import (
	"bytes"
	"errors"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/export"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/seal"
)

// Requests and replies of the export ops.
type (
	// ExportAgeRequest asks for the JSON export sealed to a passphrase.
	ExportAgeRequest struct {
		Op         string `json:"op,omitempty"`
		Passphrase string `json:"passphrase"`
	}
	// ImportJSONRequest carries a JSON export (base64).
	ImportJSONRequest struct {
		Op   string `json:"op,omitempty"`
		Data []byte `json:"data"`
		// RestoreDeleted brings back the file's records deleted here
		// since (export.Options.RestoreDeleted).
		RestoreDeleted bool `json:"restore_deleted,omitempty"`
	}
	// ImportAgeRequest carries an age export (base64) and its passphrase.
	ImportAgeRequest struct {
		Op         string `json:"op,omitempty"`
		Data       []byte `json:"data"`
		Passphrase string `json:"passphrase"`
		// RestoreDeleted: as for import.json.
		RestoreDeleted bool `json:"restore_deleted,omitempty"`
	}
	// TextReply carries text (the Markdown export).
	TextReply struct {
		Text string `json:"text"`
	}
	// ImportExportReply is what an import of a Confidant export added,
	// and the store's counts after it.
	ImportExportReply struct {
		export.Totals
		Stats engine.Stats `json:"stats"`
	}
)

// exportNow is the time stamped on exports (tests fix it).
var exportNow = func() time.Time { return time.Now().UTC() }

func (h *Handler) exportJSON(*Empty) (any, error) {
	data, err := export.MarshalJSON(h.E.SyncState(), exportNow())
	if err != nil {
		return nil, err
	}
	return SnapshotData{Data: data}, nil
}

func (h *Handler) exportMarkdown(*Empty) (any, error) {
	data, err := export.MarshalMarkdown(h.E.State(), exportNow())
	if err != nil {
		return nil, err
	}
	return TextReply{Text: string(data)}, nil
}

func (h *Handler) exportAge(r *ExportAgeRequest) (any, error) {
	if r.Passphrase == "" {
		return nil, &Error{Code: CodeInvalid, Message: "export.age needs a passphrase"}
	}
	data, err := export.SealJSON(h.E.SyncState(), exportNow(), r.Passphrase)
	if err != nil {
		return nil, exportSealError(err)
	}
	return SnapshotData{Data: data}, nil
}

func (h *Handler) importJSON(r *ImportJSONRequest) (any, error) {
	if export.IsAge(r.Data) {
		return nil, &Error{Code: CodeInvalid, Message: "this is an age file (a passphrase-protected export): use import.age with its passphrase"}
	}
	st, err := export.ReadJSON(bytes.NewReader(r.Data))
	if err != nil {
		return nil, err
	}
	return h.mergeExport(st, export.Options{RestoreDeleted: r.RestoreDeleted})
}

func (h *Handler) importAge(r *ImportAgeRequest) (any, error) {
	if r.Passphrase == "" {
		return nil, &Error{Code: CodeInvalid, Message: "import.age needs the file's passphrase"}
	}
	if !export.IsAge(r.Data) {
		return nil, &Error{Code: CodeInvalid, Message: `not an age file (it does not start with "age-encryption.org/v1")`}
	}
	st, err := export.OpenJSON(r.Data, r.Passphrase)
	if err != nil {
		return nil, exportSealError(err)
	}
	return h.mergeExport(st, export.Options{RestoreDeleted: r.RestoreDeleted})
}

func (h *Handler) mergeExport(st *model.State, opt export.Options) (any, error) {
	tot, err := export.MergeWith(h.E, st, opt)
	if err != nil {
		return nil, err
	}
	return ImportExportReply{Totals: tot, Stats: h.E.Stats()}, nil
}

// sealError maps core/seal's failures to reply codes.
func exportSealError(err error) error {
	switch {
	case errors.Is(err, seal.ErrTooLarge):
		return &Error{Code: CodeTooLarge, Message: err.Error()}
	case errors.Is(err, seal.ErrWrongPassphrase):
		return &Error{Code: CodeInvalid, Message: "wrong passphrase (or not a passphrase export): " + err.Error()}
	}
	return &Error{Code: CodeInvalid, Message: err.Error()}
}
