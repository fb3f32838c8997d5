#!/usr/bin/env bash
# Times git review-rebase against its peers and prints each ratio beside its
# goal, on two generated repositories (each generated once into bench/out/):
# a near rebase (500 upstream commits, ~220-patch queues) against git
# range-diff, and kernel scale (25,000 upstream commits, ~600 queue patches)
# against git range-diff + git cherry and git's own patch-id pipeline.
# Extra arguments go to the driver, e.g. --scale=near --runs=1, or
# --upstream=5000 --queue=200 for a smaller kernel-scale repository.
set -euo pipefail
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/git-review-rebase
exec go run ./bench/reviewbench -bin bin -dir bench/out "$@"
