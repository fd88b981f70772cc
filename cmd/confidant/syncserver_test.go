package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSyncServer starts `confidant sync-server` in-process, creates a vault
// and reads it back over HTTP, checks the size cap flag and the data
// directory, and stops the server by cancelling its context.
func TestSyncServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cmdSyncServer(ctx, []string{"--addr", addr, "--dir", dir, "--max-bytes", "100", "--keep", "2",
			"--allow-origin", "chrome-extension://aaaa", "--allow-origin", "moz-extension://bbbb"})
	}()
	base := "http://" + addr + "/v1/vaults/00112233445566778899aabbccddeeff"
	token := "Bearer " + strings.Repeat("A", 43)
	do := func(method, path, ifMatch, origin string, body []byte) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		r.Header.Set("Authorization", token)
		if ifMatch != "" {
			r.Header.Set("If-Match", ifMatch)
		}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		var resp *http.Response
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			resp, err = http.DefaultClient.Do(r)
			if err == nil || time.Now().After(deadline) {
				break
			}
			r.Body = io.NopCloser(bytes.NewReader(body)) // the server may not be listening yet
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := do("PUT", "/head", `"0"`, "", []byte("sealed")); r.StatusCode != 200 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	r := do("GET", "/head", "", "moz-extension://bbbb", nil)
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || string(b) != "sealed" || r.Header.Get("Access-Control-Allow-Origin") != "moz-extension://bbbb" {
		t.Fatalf("GET head: %d %q %v", r.StatusCode, b, r.Header)
	}
	if r := do("PUT", "/head", `"1"`, "", bytes.Repeat([]byte("x"), 101)); r.StatusCode != 413 {
		t.Fatalf("--max-bytes 100: a 101-byte PUT got %d", r.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(dir, "vaults", "00112233445566778899aabbccddeeff", "head")); err != nil {
		t.Fatalf("head record not in --dir: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sync-server returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("sync-server did not stop when its context ended")
	}
	if err := cmdSyncServer(context.Background(), []string{"--keep", "0"}); err != errUsage {
		t.Fatalf("--keep 0: %v", err)
	}
}
