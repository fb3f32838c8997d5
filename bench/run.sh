#!/usr/bin/env bash
# Times git review-rebase against git range-diff and git's own patch-id
# pipeline on a generated kernel-scale repository (25,000 upstream commits,
# ~600 queue patches; generated once into bench/out/) and prints the ratios.
# Extra arguments go to the driver, e.g. --upstream=5000 --queue=200 --runs=1.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/ ./cmd/git-review-rebase
exec go run ./bench/reviewbench -bin bin -dir bench/out "$@"
