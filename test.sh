#!/usr/bin/env bash
# test.sh — runs every test: vet, the Go suites (the engine natively and through
# the built .wasm under wazero), and short fuzz smoke runs of every decoder.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
go vet ./...
go test -count=1 ./...
