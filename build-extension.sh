#!/usr/bin/env bash
# build-extension.sh — assembles dist/extension/ (the load-unpacked folder)
# from extension/manifest.json, extension/src/* and dist/confidant.wasm.
# Also writes the store packages:
#   dist/confidant-chrome.zip    the contents of dist/extension
#   dist/extension-firefox/      the same files with the Firefox manifest
#                                (extension/tools/manifest-firefox.mjs)
#   dist/confidant-firefox.zip   the contents of dist/extension-firefox
# Needs node and the zip CLI (Debian: apt-get install zip).
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

if ! command -v zip >/dev/null 2>&1; then
  echo "build-extension.sh: the zip command is missing — apt-get install zip" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "build-extension.sh: node is missing (needed for the Firefox manifest)" >&2
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
