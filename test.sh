#!/usr/bin/env bash
# test.sh — runs every test: vet, the Go suites (the engine natively and through
# the built .wasm under wazero; fuzz targets run their seed corpora), a short
# coverage-guided fuzz run of the decoders that take outside input (FUZZTIME per
# target, default 5s; FUZZTIME=0 skips them), and the extension's tests in real
# Chromium (and the engine, store and every chat site's capture and injection
# in real Firefox). Installs what the tests need when it is missing: Debian's
# chromium, firefox-esr, zip, xz-utils, age, advancecomp and openssl (needs
# root), the extension's and the Worker's npm packages.
set -euo pipefail
cd "$(dirname "$0")"
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/firefox-esr ] || missing="$missing firefox-esr"   # extension/test/firefox.test.mjs
command -v zip > /dev/null || missing="$missing zip"
command -v xz > /dev/null || missing="$missing xz-utils"  # packs the engine module (build-extension.sh)
command -v age > /dev/null || missing="$missing age"      # core/seal checks the age CLI opens our passphrase exports
command -v advzip > /dev/null || missing="$missing advancecomp"   # smaller store zips (build-extension.sh)
command -v openssl > /dev/null || missing="$missing openssl"      # the https fixture sites' certificates (extension/test/helpers.mjs)
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: the tests need Debian packages:$missing (sudo apt-get install -y$missing)" >&2
    exit 1
  fi
  echo "installing Debian packages the tests need:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing > /dev/null
fi
./build.sh
# --- sync Worker (worker/) -------------------------------------------------------
# Installs wrangler (pinned 4.86.0, with workerd) for worker/sync's TestWorkerd,
# which `go test ./...` below runs against the real runtime (it fails, not skips,
# without worker/node_modules); vets the Worker's GOOS=js files, which
# `go vet ./...` does not see.
(cd worker && npm ci --no-audit --no-fund --loglevel=error)
GOOS=js GOARCH=wasm go vet ./worker/...
# --- end sync Worker --------------------------------------------------------------
go vet ./...
go test -count=1 ./...

fuzztime=${FUZZTIME:-5s}
if [ "$fuzztime" != "0" ]; then
  # Every decoder of outside input. FuzzOpen's inputs are 64 KiB sealed
  # blobs: minimising each new one takes minutes, so it is capped.
  targets=("FuzzDispatch ./wasm" "FuzzDecode ./core/snapshot" "FuzzRead ./internal/turnfile"
           "FuzzCorpusLines ./internal/bench" "FuzzFind ./core/when" "FuzzExtract ./core/extract"
           "FuzzRedact ./core/secrets" "FuzzTerms ./core/analyze"
           "FuzzFeedChatGPT ./core/importer" "FuzzFeedClaude ./core/importer" "FuzzFeedMemories ./core/importer"
           "FuzzOpen ./core/seal" "FuzzOpenContent ./core/seal" "FuzzOpenPassphrase ./core/seal" "FuzzSeenUnmarshal ./core/seal"
           "FuzzParseRecoveryCode ./core/vault" "FuzzBinary ./core/hlc" "FuzzText ./core/hlc" "FuzzLaws ./core/merge" "FuzzReadJSON ./core/export" "FuzzSyncState ./wasm"
           "FuzzQuickRequest ./wasm" "FuzzQuickReply ./wasm")
  for target in "${targets[@]}"; do
    set -- $target
    echo "fuzz $1 ($2) for $fuzztime"
    # A run whose time ends while the fuzzer is still minimising a new input
    # reports "context deadline exceeded" without a failing input (a known
    # quirk of go test -fuzz): that run is repeated once; a real failure
    # writes its input under testdata/fuzz and fails at once.
    for attempt in 1 2; do
      if go test -run '^$' -fuzz "^$1\$" -fuzztime "$fuzztime" -fuzzminimizetime 1s "$2" > /tmp/confidant-fuzz.log 2>&1; then break; fi
      if [ $attempt = 1 ] && grep -q 'context deadline exceeded' /tmp/confidant-fuzz.log && ! grep -q 'Failing input written' /tmp/confidant-fuzz.log; then
        echo "fuzz $1: the time ran out while minimising; running it again"
        continue
      fi
      cat /tmp/confidant-fuzz.log; exit 1
    done
  done
  echo "fuzz: ${#targets[@]} passed, 0 failed"
fi

(cd extension && npm ci --no-audit --no-fund --loglevel=error && npm test)
