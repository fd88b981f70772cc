#!/usr/bin/env bash
# build.sh — the one place that sets GOOS/GOARCH. Builds:
#   dist/confidant.wasm   the engine as a WASI reactor (shipped in the extension, loaded by the CLI and tests),
#                         pre-initialised: cmd/preinit runs its start once here and writes the module as
#                         that start left it (RATIONALE.md, "Why is the engine module pre-initialised?")
#   dist/confidant.plain.wasm  the same module before pre-initialisation (for comparisons and profiling)
#   dist/confidant        the command-line tool (embeds nothing; finds the .wasm beside itself or via --wasm)
#   dist/extension/       the browser extension, load-unpacked (build-extension.sh)
# and, with `./build.sh worker` (or `all`), the sync Worker into worker/build/
# (worker/build.sh: GOOS=js, checked against Cloudflare's 3 MiB compressed limit).
set -euo pipefail
target=${1:-all}   # all | wasm | cli | extension | worker
cd "$(dirname "$0")"
mkdir -p dist
if [ "$target" = all ] || [ "$target" = wasm ]; then
  GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags="-s -w" -o dist/confidant.plain.wasm ./wasm/reactor
  # preinit writes beside dist/confidant.wasm and renames over it: tests that
  # run the CLI while another package's tests rebuild never see it missing.
  go run ./cmd/preinit dist/confidant.plain.wasm dist/confidant.wasm
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
