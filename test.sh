#!/usr/bin/env bash
# test.sh — runs every test: vet, the Go suites (the engine natively and through
# the built .wasm under wazero; fuzz targets run their seed corpora), then a
# short coverage-guided fuzz run of the decoders that take outside input
# (FUZZTIME per target, default 5s; FUZZTIME=0 skips them).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
go vet ./...
go test -count=1 ./...
fuzztime=${FUZZTIME:-5s}
if [ "$fuzztime" != "0" ]; then
  for target in "FuzzDispatch ./wasm" "FuzzDecode ./core/snapshot" "FuzzRead ./internal/turnfile" \
                "FuzzCorpusLines ./internal/bench" "FuzzFind ./core/when" "FuzzExtract ./core/extract" \
                "FuzzRedact ./core/secrets" "FuzzTerms ./core/analyze"; do
    set -- $target
    echo "fuzz $1 ($2) for $fuzztime"
    go test -run '^$' -fuzz "^$1\$" -fuzztime "$fuzztime" "$2" > /tmp/confidant-fuzz.log 2>&1 || { cat /tmp/confidant-fuzz.log; exit 1; }
  done
  echo "fuzz: 8 passed, 0 failed"
fi
