package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	confsync "github.com/confidant-dev/confidant/worker/sync"
)

// originList is a repeatable flag.
type originList []string

func (o *originList) String() string     { return strings.Join(*o, ",") }
func (o *originList) Set(s string) error { *o = append(*o, s); return nil }

// cmdSyncServer serves the sync protocol (worker/sync) over net/http with a
// local file store: the self-hosted alternative to the Cloudflare Worker,
// with the same Handler. It stops on SIGINT/SIGTERM or when ctx ends.
func cmdSyncServer(ctx context.Context, args []string) error {
	fs := newFlags("sync-server", "")
	addr := fs.String("addr", "127.0.0.1:8787", "address to listen on (host:port; port 0 picks a free one)")
	dir := fs.String("dir", "confidant-sync-data", "data directory (created if missing; one server per directory)")
	maxBytes := fs.Int64("max-bytes", confsync.DefaultMaxBytes, "largest blob accepted, in bytes (413 above it)")
	keep := fs.Int("keep", confsync.DefaultKeep, "versions kept per vault, the head included")
	rate := fs.Int("rate", confsync.DefaultRateLimit, "requests per vault per minute (429 above it)")
	var origins originList
	fs.Var(&origins, "allow-origin", "origin given CORS access, e.g. chrome-extension://<id> (repeatable)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *maxBytes <= 0 || *keep <= 0 || *rate <= 0 {
		fs.Usage()
		return errUsage
	}
	store, err := confsync.NewFileStore(*dir)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	h := confsync.NewHandler(confsync.Config{
		Store: store, MaxBytes: *maxBytes, Keep: *keep, RateLimit: *rate,
		AllowedOrigins: origins, Logger: logger,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Printf("sync server on http://%s (data in %s, blobs up to %d bytes, keeping %d versions, %d requests/vault/minute)\n",
		ln.Addr(), *dir, *maxBytes, *keep, *rate)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
