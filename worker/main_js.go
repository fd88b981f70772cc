//go:build js && wasm

// Command worker is Confidant's sync server as a Cloudflare Worker: the
// Handler of package worker/sync (protocol in its package doc and in
// README.md) over an R2 bucket bound as VAULTS, served with
// github.com/syumai/workers. Limits come from the vars in wrangler.jsonc.
//
// Build with ./build.sh (GOOS=js GOARCH=wasm into build/); run locally with
// `npx wrangler dev`. Each request runs in a fresh Go instance, so nothing
// is kept in memory between requests: the head record, the blobs and the
// rate-limit windows all live in R2.
package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	confsync "github.com/confidant-dev/confidant/worker/sync"
)

// bucketBinding is the R2 binding's name in wrangler.jsonc.
const bucketBinding = "VAULTS"

func main() {
	workers.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler().ServeHTTP(w, r)
	}))
}

// handler builds the Handler from the Worker's bindings; the environment is
// only reachable once the runtime has started the request.
func handler() http.Handler {
	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	misconfigured := func(what string) http.Handler {
		logger.Error("sync worker misconfigured", "problem", what)
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"error":{"code":"misconfigured","message":"the sync server is misconfigured; its log says how"}}` + "\n"))
		})
	}
	cfg, err := confsync.ConfigFromEnv(cloudflare.Getenv)
	if err != nil {
		return misconfigured(err.Error())
	}
	bucket := cloudflare.GetBinding(bucketBinding)
	if bucket.IsUndefined() || bucket.IsNull() {
		return misconfigured("no R2 bucket bound as " + bucketBinding)
	}
	cfg.Store = newR2Store(bucket)
	cfg.Logger = logger
	return confsync.NewHandler(cfg)
}
