package sync_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	gosync "sync"
	"testing"

	confsync "github.com/confidant-dev/confidant/worker/sync"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const testOrigin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"

// TestHandlerFileStore runs the behavioural suite against the Handler with
// a FileStore under net/http.
func TestHandlerFileStore(t *testing.T) {
	dir := t.TempDir()
	store, err := confsync.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	h := confsync.NewHandler(confsync.Config{
		Store: store, MaxBytes: 4096, Keep: 3, RateLimit: 30,
		AllowedOrigins: []string{testOrigin, "moz-extension://0b1c2d3e-0000-4000-8000-000000000000"},
		Logger:         slog.New(slog.NewTextHandler(&logs, nil)),
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	runSuite(t, target{url: srv.URL, maxBytes: 4096, keep: 3, rateLimit: 30, origin: testOrigin, logs: logs.String})

	// After the suite: no temporary files left, and each vault holds at most
	// Keep blobs.
	blobs := map[string]int{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		if filepath.Base(filepath.Dir(p)) == "blobs" {
			blobs[filepath.Dir(filepath.Dir(p))]++
		}
		return nil
	})
	for v, n := range blobs {
		if n > 3 {
			t.Errorf("%s holds %d blobs, keep is 3", v, n)
		}
	}
}

// TestPruneDeletesObjects checks that pruning deletes the blob objects, not
// just the references, and that DELETE leaves nothing of the vault.
func TestPruneDeletesObjects(t *testing.T) {
	dir := t.TempDir()
	store, _ := confsync.NewFileStore(dir)
	srv := httptest.NewServer(confsync.NewHandler(confsync.Config{Store: store, Keep: 2}))
	defer srv.Close()
	tg := target{url: srv.URL}
	v := tg.create(t)
	for n := 2; n <= 6; n++ {
		wantStatus(t, "PUT", tg.put(t, v, uint64(n-1), blob(v, n)), 200)
	}
	keys, err := store.List(context.Background(), "vaults/"+v.id+"/blobs/")
	if err != nil || len(keys) != 2 {
		t.Fatalf("blobs after 6 versions with keep 2: %v %v", keys, err)
	}
	wantStatus(t, "DELETE", tg.do(t, req{method: "DELETE", path: "/v1/vaults/" + v.id, token: v.token}), 204)
	if _, err := os.Stat(filepath.Join(dir, "vaults", v.id)); !os.IsNotExist(err) {
		t.Fatalf("the vault's directory is still there: %v", err)
	}
}

// TestStreamedBodyStopsAtCap checks that a chunked body is not read past the cap.
func TestStreamedBodyStopsAtCap(t *testing.T) {
	store, _ := confsync.NewFileStore(t.TempDir())
	h := confsync.NewHandler(confsync.Config{Store: store, MaxBytes: 1000})
	v := target{}.createDirect(t, h)
	src := &countReader{r: bytes.NewReader(make([]byte, 1<<20))}
	r := httptest.NewRequest("PUT", "/v1/vaults/"+v.id+"/head", io.NopCloser(src))
	r.ContentLength = -1
	r.Header.Set("Authorization", "Bearer "+v.token)
	r.Header.Set("If-Match", `"1"`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Fatalf("status %d", w.Code)
	}
	if src.n > 64<<10 {
		t.Fatalf("read %d bytes of a body over a 1000-byte cap", src.n)
	}
	// A declared length over the cap is refused without reading at all.
	src = &countReader{r: bytes.NewReader(make([]byte, 2000))}
	r = httptest.NewRequest("PUT", "/v1/vaults/"+v.id+"/head", io.NopCloser(src))
	r.ContentLength = 2000
	r.Header.Set("Authorization", "Bearer "+v.token)
	r.Header.Set("If-Match", `"1"`)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 || src.n != 0 {
		t.Fatalf("status %d after reading %d bytes", w.Code, src.n)
	}
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (target) createDirect(t *testing.T, h http.Handler) vault {
	v := newVault(t)
	r := httptest.NewRequest("PUT", "/v1/vaults/"+v.id+"/head", strings.NewReader("first"))
	r.Header.Set("Authorization", "Bearer "+v.token)
	r.Header.Set("If-Match", `"0"`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	return v
}

// barrierStore holds every head-record swap until two are waiting, so two
// PUTs that both passed the version check race on the compare-and-swap
// itself.
type barrierStore struct {
	confsync.Store
	arrived chan struct{}
}

func (b *barrierStore) PutRecord(ctx context.Context, key string, data []byte, ifMatch string) (string, error) {
	if strings.HasSuffix(key, "/head") {
		b.arrived <- struct{}{}
		for len(b.arrived) < cap(b.arrived) {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			default:
				runtime.Gosched()
			}
		}
	}
	return b.Store.PutRecord(ctx, key, data, ifMatch)
}

// TestCompareAndSwapRace makes two PUTs on the same expected version reach
// the head swap together: exactly one wins, the loser gets 409 with the
// winner's version, and the loser's blob is not left behind.
func TestCompareAndSwapRace(t *testing.T) {
	fs, _ := confsync.NewFileStore(t.TempDir())
	for _, expected := range []uint64{0, 1} {
		bs := &barrierStore{Store: fs, arrived: make(chan struct{}, 2)}
		srv := httptest.NewServer(confsync.NewHandler(confsync.Config{Store: bs}))
		tg := target{url: srv.URL}
		v := newVault(t)
		if expected == 1 {
			v = target{}.createDirect(t, confsync.NewHandler(confsync.Config{Store: fs}))
		}
		var wg gosync.WaitGroup
		replies := make([]reply, 2)
		for i := range replies {
			wg.Go(func() { replies[i] = tg.put(t, v, expected, blob(v, i)) })
		}
		wg.Wait()
		srv.Close()
		s := []int{replies[0].status, replies[1].status}
		if !(s[0] == 200 && s[1] == 409 || s[0] == 409 && s[1] == 200) {
			t.Fatalf("expected %d: statuses %v, want one 200 and one 409", expected, s)
		}
		for _, r := range replies {
			wantVersion(t, "racer", r, float64(expected+1))
		}
		keys, _ := fs.List(context.Background(), "vaults/"+v.id+"/blobs/")
		if len(keys) != int(expected)+1 {
			t.Fatalf("expected %d: blobs %v (the loser's blob must be deleted)", expected, keys)
		}
	}
}

// TestMethodExact: a method is matched whole ("GE" is not GET). workerd
// refuses unknown methods itself (501), so this is checked here only.
func TestMethodExact(t *testing.T) {
	store, _ := confsync.NewFileStore(t.TempDir())
	h := confsync.NewHandler(confsync.Config{Store: store})
	v := target{}.createDirect(t, h)
	for _, m := range []string{"GE", "T", "PU", "HEAD", "PATCH"} {
		r := httptest.NewRequest(m, "/v1/vaults/"+v.id+"/head", nil)
		r.Header.Set("Authorization", "Bearer "+v.token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 405 || w.Header().Get("Allow") != "GET, PUT" {
			t.Errorf("%s: %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
}
