package wasm

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/importer"
)

// MaxImports bounds the imports open at once (each holds its staged
// records in memory until it ends).
const MaxImports = 4

// importJob is one open import: the parser reading the export and the
// engine's staging area.
type importJob struct {
	p     *importer.Parser
	im    *engine.Import
	check bool                // parse only: count, stage nothing
	tot   engine.ImportTotals // a check's counts
}

func (h *Handler) importBegin(r *ImportBeginRequest) (any, error) {
	f, err := importer.ParseFormat(r.Format)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: err.Error()}
	}
	if h.imports == nil {
		h.imports = map[uint32]*importJob{}
	}
	if len(h.imports) >= MaxImports {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("%d imports are open already: end or cancel one first", MaxImports)}
	}
	// A random id, not a counter: an engine started after the service
	// worker was stopped must not reuse the id of an import that a page
	// (another manager tab) may still be feeding, or that page's next feed
	// or end would act on an import it did not begin. From crypto/rand,
	// which asks the host each time: the module ships pre-initialised
	// (internal/preinit), so the runtime's own generator (math/rand) starts
	// from the same state in every engine and would repeat its ids.
	id := randomID()
	for id == 0 || h.imports[id] != nil {
		id = randomID()
	}
	h.imports[id] = &importJob{p: importer.New(f), im: h.E.NewImport(), check: r.Check}
	return ImportBeginReply{Import: id}, nil
}

// randomID draws a uint32 from the host's randomness.
func randomID() uint32 {
	var b [4]byte
	rand.Read(b[:]) // never fails (Go 1.24+): it crashes the program instead
	return binary.LittleEndian.Uint32(b[:])
}

func (h *Handler) job(id uint32) (*importJob, error) {
	j, ok := h.imports[id]
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: fmt.Sprintf("import %d is not open (it ended, was cancelled, or failed)", id)}
	}
	return j, nil
}

// fail drops a failed import and describes its error.
func (h *Handler) fail(id uint32, err error) error {
	delete(h.imports, id)
	code := CodeInvalid
	if errors.Is(err, importer.ErrTooLarge) {
		code = CodeTooLarge
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: code, Message: err.Error()}
}

// feed parses a chunk and stages what it completed. An error or a panic
// drops the import (the store was never touched).
func (h *Handler) feed(id uint32, data []byte) (tot engine.ImportTotals, err error) {
	j, err := h.job(id)
	if err != nil {
		return tot, err
	}
	defer func() {
		if r := recover(); r != nil {
			delete(h.imports, id)
			panic(r)
		}
	}()
	b, err := j.p.Feed(data)
	if err == nil {
		err = j.stage(h.E, b)
	}
	if err != nil {
		return tot, h.fail(id, err)
	}
	return j.totals(), nil
}

// stage stages a batch, or only counts it for a check.
func (j *importJob) stage(e *engine.Engine, b importer.Batch) error {
	if !j.check {
		return e.Stage(j.im, b.Sessions, b.Turns, b.Facts)
	}
	j.tot.Sessions += len(b.Sessions)
	j.tot.Turns += len(b.Turns)
	j.tot.Facts += len(b.Facts)
	return nil
}

func (j *importJob) totals() engine.ImportTotals {
	if j.check {
		j.tot.Bytes = j.p.Offset()
		return j.tot
	}
	j.im.SetBytes(j.p.Offset())
	return j.im.Totals()
}

func (h *Handler) importFeed(r *ImportFeedRequest) (any, error) { return h.feed(r.Import, r.Data) }

func (h *Handler) importEnd(r *ImportRequest) (any, error) {
	j, err := h.job(r.Import)
	if err != nil {
		return nil, err
	}
	defer delete(h.imports, r.Import)
	b, err := j.p.Close()
	if err == nil {
		err = j.stage(h.E, b)
	}
	if err != nil {
		return nil, h.fail(r.Import, err)
	}
	if j.check {
		return j.totals(), nil
	}
	return h.E.Commit(j.im)
}

func (h *Handler) importCancel(r *ImportRequest) (any, error) {
	if _, err := h.job(r.Import); err != nil {
		return nil, err
	}
	delete(h.imports, r.Import)
	return OK{true}, nil
}

// FeedRaw is the binary twin of import.feed: the chunk as raw bytes, the
// JSON reply of import.feed.
func (h *Handler) FeedRaw(id uint32, data []byte) (reply []byte) {
	defer func() {
		if r := recover(); r != nil {
			reply = encodeError(&Error{Code: CodeInternal, Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	if len(data) > MaxRequestBytes {
		return encodeError(&Error{Code: CodeTooLarge, Message: fmt.Sprintf("chunk is %d bytes; the limit is %d", len(data), MaxRequestBytes)})
	}
	tot, err := h.feed(id, data)
	if err != nil {
		return encodeError(toError(err))
	}
	out, _ := json.Marshal(tot)
	return out
}
