#!/usr/bin/env bash
# build-extension.sh — assembles dist/extension/ (the load-unpacked folder)
# from extension/manifest.json, extension/src/* and dist/confidant.wasm (packed
# as confidant.wasm.lzma, with background/module-info.js naming its size and hash).
# Also writes the store packages:
#   dist/confidant-chrome.zip    the contents of dist/extension
#   dist/extension-firefox/      the same files with the Firefox manifest
#                                (extension/tools/manifest-firefox.mjs)
#   dist/confidant-firefox.zip   the contents of dist/extension-firefox
# Needs node, xz and the zip CLI (Debian: apt-get install xz-utils zip).
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
# The engine module ships LZMA-compressed (~1.65 MB instead of deflate's 2.25 MB
# inside the zip); the worker unpacks it once per install or update and checks
# it against the size and SHA-256 written here (src/background/module.js).
if ! command -v xz >/dev/null 2>&1; then
  echo "build-extension.sh: the xz command is missing — apt-get install xz-utils" >&2
  exit 1
fi
xz --format=lzma -9e -c dist/confidant.wasm > "$out/confidant.wasm.lzma"
size=$(wc -c < dist/confidant.wasm)
sha=$(sha256sum dist/confidant.wasm | cut -d' ' -f1)
printf '%s\n' "// Written by build-extension.sh: the engine module this package carries." \
  "export const MODULE = Object.freeze({ file: 'confidant.wasm.lzma', size: $size, sha256: '$sha' });" \
  > "$out/background/module-info.js"
if ! command -v node >/dev/null 2>&1; then
  echo "build-extension.sh: node is missing (it bundles the worker and writes the Firefox manifest)" >&2
  exit 1
fi
# The service worker's modules become one script (extension/tools/bundle-worker.mjs).
node extension/tools/bundle-worker.mjs "$out"
echo "built $out ($(du -sh "$out" | cut -f1); engine module $size bytes, $(wc -c < "$out/confidant.wasm.lzma") packed)"

if ! command -v zip >/dev/null 2>&1; then
  echo "build-extension.sh: the zip command is missing — apt-get install zip" >&2
  exit 1
fi

ff=dist/extension-firefox
rm -rf "$ff"
cp -R "$out" "$ff"
node extension/tools/manifest-firefox.mjs extension/manifest.json "$ff/manifest.json"

# zip one folder's contents (manifest.json at the archive root); -X drops
# extra file attributes, -D no directory entries, -9 best compression.
# advzip (Debian: advancecomp), when present, recompresses the entries with a
# stronger deflate encoder: the same zip format, ~4% smaller.
pack() {
  local dir=$1 zipfile=$2
  rm -f "$zipfile"
  (cd "$dir" && zip -q -r -X -D -9 "../$(basename "$zipfile")" .)
  if command -v advzip >/dev/null 2>&1; then advzip -q -z -2 "$zipfile"; fi
  echo "packed $zipfile ($(wc -c <"$zipfile") bytes)"
}
pack "$out" dist/confidant-chrome.zip
pack "$ff" dist/confidant-firefox.zip
