package sync

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound is returned by a Store for a key that does not exist.
var ErrNotFound = errors.New("sync store: not found")

// ErrConflict is returned by Store.PutRecord when the record's current
// entity tag is not the expected one (compare-and-swap lost).
var ErrConflict = errors.New("sync store: precondition failed")

// Store is the storage the Handler needs: small records updated by
// compare-and-swap (the head record, the rate-limit window) and large
// write-once blobs. Keys are built by the Handler only: lowercase ASCII
// letters, digits, '-' and '/'.
//
// Implementations: FileStore (a local directory; `confidant sync-server` and
// the tests) and the R2 store in worker/ (Cloudflare R2 under workerd).
type Store interface {
	// GetRecord returns a record and its entity tag, or ErrNotFound.
	GetRecord(ctx context.Context, key string) (data []byte, etag string, err error)
	// PutRecord stores data under key only if the record's current entity
	// tag equals ifMatch, or, when ifMatch is "", only if key does not
	// exist; otherwise it stores nothing and returns ErrConflict. The check
	// and the write are one atomic step. It returns the new entity tag.
	PutRecord(ctx context.Context, key string, data []byte, ifMatch string) (etag string, err error)
	// PutBlob stores everything read from r under key, replacing nothing
	// that a reader could observe half-written. An error from r is returned
	// wrapped (errors.As finds it) and nothing is stored.
	PutBlob(ctx context.Context, key string, r io.Reader) (size int64, err error)
	// GetBlob opens a blob, or returns ErrNotFound.
	GetBlob(ctx context.Context, key string) (body io.ReadCloser, size int64, err error)
	// Delete removes keys; a key that does not exist is not an error.
	Delete(ctx context.Context, keys ...string) error
	// List returns every key that starts with prefix, in any order.
	List(ctx context.Context, prefix string) ([]string, error)
}
