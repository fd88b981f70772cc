package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// FileStore is a Store in a local directory: one file per key. Records are
// compare-and-swapped under a mutex and replaced by an atomic rename of a
// synced temporary file, so a crash leaves the old or the new record,
// never a torn one; their entity tag is a hash of their content. Blobs are
// written to a temporary file and renamed into place when complete.
//
// One FileStore must own its directory: the mutex does not reach other
// processes.
type FileStore struct {
	dir string
	mu  sync.Mutex // serialises every PutRecord's read-compare-write
}

// NewFileStore opens (creating if needed) a store in dir.
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &FileStore{dir: dir}, nil
}

const tmpPrefix = ".tmp-"

func (s *FileStore) path(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") || strings.Contains(key, "//") {
		return "", fmt.Errorf("sync store: bad key %q", key)
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '/') {
			return "", fmt.Errorf("sync store: bad key %q", key)
		}
	}
	return filepath.Join(s.dir, filepath.FromSlash(key)), nil
}

func fileETag(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// GetRecord implements Store.
func (s *FileStore) GetRecord(_ context.Context, key string) ([]byte, string, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	return data, fileETag(data), nil
}

// PutRecord implements Store.
func (s *FileStore) PutRecord(_ context.Context, key string, data []byte, ifMatch string) (string, error) {
	p, err := s.path(key)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if ifMatch != "" {
			return "", ErrConflict
		}
	case err != nil:
		return "", err
	case ifMatch == "" || fileETag(cur) != ifMatch:
		return "", ErrConflict
	}
	if err := writeAtomic(p, func(f *os.File) error { _, err := f.Write(data); return err }); err != nil {
		return "", err
	}
	return fileETag(data), nil
}

// writeAtomic writes a temporary file beside p with fill, syncs it and
// renames it to p.
func writeAtomic(p string, fill func(*os.File) error) (err error) {
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), p); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// PutBlob implements Store.
func (s *FileStore) PutBlob(_ context.Context, key string, r io.Reader) (int64, error) {
	p, err := s.path(key)
	if err != nil {
		return 0, err
	}
	var n int64
	err = writeAtomic(p, func(f *os.File) error {
		var err error
		n, err = io.Copy(f, r)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sync store: writing blob: %w", err)
	}
	return n, nil
}

// GetBlob implements Store.
func (s *FileStore) GetBlob(_ context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Delete implements Store. Directories left empty are removed too.
func (s *FileStore) Delete(_ context.Context, keys ...string) error {
	for _, key := range keys {
		p, err := s.path(key)
		if err != nil {
			return err
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for d := filepath.Dir(p); d != s.dir && strings.HasPrefix(d, s.dir); d = filepath.Dir(d) {
			if os.Remove(d) != nil { // not empty (or gone): stop
				break
			}
		}
	}
	return nil
}

// List implements Store. Temporary files of writes in progress are not
// listed.
func (s *FileStore) List(_ context.Context, prefix string) ([]string, error) {
	// Walk from the deepest directory the prefix names.
	start := s.dir
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		p, err := s.path(prefix[:i])
		if err != nil {
			return nil, err
		}
		start = p
	}
	var keys []string
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	return keys, err
}
