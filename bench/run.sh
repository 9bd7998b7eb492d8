#!/usr/bin/env bash
# `make bench`: every figure in docs/PERFORMANCE.md, one script or benchmark
# each. Needs Docker, hyperfine and ../shared; Trivy for the comparison row
# (TRIVY=/path/to/trivy). Output goes to bench/out/ and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
run() { echo; echo "### $*"; "$@"; }
run bench/scan-speed.sh
run bench/startup.sh
run bench/secret-speed.sh
run bench/match-rss.sh
run bench/catalog-speed.sh
run bench/bench-cis.sh 100
run go test -run '^$' -bench 'Inventory(Cold|Warm)' -benchtime 20x ./internal/scan/
run go test -run '^$' -bench 'Match2000' -benchtime 30x ./internal/match/
run go test -run '^$' -bench . -benchtime 20x ./internal/vulndb/ ./internal/vulndb/importer/
run go test -run '^$' -bench . ./internal/report/...
