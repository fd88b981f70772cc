package perf

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

// ModuleSize is the size of the engine module as shipped.
type ModuleSize struct {
	Path   string `json:"path"`
	Raw    int64  `json:"raw_bytes"`
	Gzip   int64  `json:"gzip9_bytes"`
	Brotli int64  `json:"brotli11_bytes"`
}

// MeasureModule compresses b with gzip -9 and brotli quality 11 (window
// 2^24, as the brotli command line tool does by default).
func MeasureModule(path string, b []byte) (ModuleSize, error) {
	m := ModuleSize{Path: path, Raw: int64(len(b))}
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return m, err
	}
	if _, err := gz.Write(b); err != nil {
		return m, err
	}
	if err := gz.Close(); err != nil {
		return m, err
	}
	m.Gzip = int64(buf.Len())
	buf.Reset()
	br := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: 11, LGWin: 24})
	if _, err := br.Write(b); err != nil {
		return m, err
	}
	if err := br.Close(); err != nil {
		return m, err
	}
	m.Brotli = int64(buf.Len())
	return m, nil
}

// MeasureModuleCached is MeasureModule with the result kept in dir, keyed
// by the module's SHA-256 (brotli at quality 11 takes a quarter of a
// minute on a 5 MB module). An empty dir disables the cache.
func MeasureModuleCached(path string, b []byte, dir string) (m ModuleSize, cached bool, err error) {
	sum := sha256.Sum256(b)
	file := ""
	if dir != "" {
		file = filepath.Join(dir, "perf-module-"+hex.EncodeToString(sum[:12])+".json")
		if data, err := os.ReadFile(file); err == nil && json.Unmarshal(data, &m) == nil && m.Raw == int64(len(b)) {
			m.Path = path
			return m, true, nil
		}
	}
	m, err = MeasureModule(path, b)
	if err != nil || file == "" {
		return m, false, err
	}
	if data, err := json.Marshal(m); err == nil && os.MkdirAll(dir, 0o755) == nil {
		_ = os.WriteFile(file, data, 0o644)
	}
	return m, false, nil
}
