#!/usr/bin/env bash
# build-extension.sh — assembles dist/extension/ (the load-unpacked folder)
# from extension/manifest.json, extension/src/* and dist/confidant.wasm.
# Run ./build.sh first (it builds the engine module).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f dist/confidant.wasm ]; then
  echo "build-extension.sh: dist/confidant.wasm is missing — run ./build.sh first (it builds the engine module)" >&2
  exit 1
fi
out=dist/extension
rm -rf "$out"
mkdir -p "$out"
cp extension/manifest.json "$out/"
cp -R extension/src/. "$out/"
cp dist/confidant.wasm "$out/confidant.wasm"
echo "built $out ($(du -sh "$out" | cut -f1))"
