#!/usr/bin/env bash
# worker/build.sh — builds the sync Worker into worker/build/: the syumai/workers
# glue (worker.mjs, runtime.mjs, wasm_exec.js) and app.wasm (GOOS=js), then
# reports the module's raw and gzip size against the free plan's limit of
# 3 MiB compressed. Fails when the compressed size is over it.
set -euo pipefail
cd "$(dirname "$0")"
go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o build
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o build/app.wasm .
raw=$(stat -c %s build/app.wasm)
gz=$(gzip -9 -c build/app.wasm | wc -c)
limit=$((3 * 1024 * 1024))
printf 'worker/build/app.wasm: %d bytes raw, %d bytes gzip (%d%% of the 3 MiB compressed free-plan limit)\n' \
  "$raw" "$gz" $((gz * 100 / limit)) >&2
if [ "$gz" -gt "$limit" ]; then
  echo "worker/build.sh: the Worker is over the free plan's 3 MiB compressed limit" >&2
  exit 1
fi
