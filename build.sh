#!/usr/bin/env bash
# build.sh — the one place that sets GOOS/GOARCH. Builds:
#   dist/confidant.wasm   the engine as a WASI reactor (shipped in the extension, loaded by the CLI and tests)
#   dist/confidant        the command-line tool (embeds nothing; finds the .wasm beside itself or via --wasm)
#   dist/extension/       the browser extension, load-unpacked (build-extension.sh)
# and, with `./build.sh worker` (or `all`), the sync Worker into worker/build/
# (worker/build.sh: GOOS=js, checked against Cloudflare's 3 MiB compressed limit).
set -euo pipefail
target=${1:-all}   # all | wasm | cli | extension | worker
cd "$(dirname "$0")"
mkdir -p dist
if [ "$target" = all ] || [ "$target" = wasm ]; then
  GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags="-s -w" -o dist/confidant.wasm ./wasm/reactor
fi
if [ "$target" = all ] || [ "$target" = cli ]; then
  go build -trimpath -o dist/confidant ./cmd/confidant
fi
if [ "$target" = all ] || [ "$target" = extension ]; then
  ./build-extension.sh >&2
fi
if [ "$target" = all ] || [ "$target" = worker ]; then
  worker/build.sh
fi
