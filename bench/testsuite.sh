#!/usr/bin/env bash
# Wall time of each step of `make test` (vet, lint, the third_party
# modules, the test suite), then where the suite's time goes: packages and
# top-level tests by elapsed time, from `go test -json`. The figures in
# docs/PERFORMANCE.md ("Test suite") come from here.
#
#   bench/testsuite.sh                  # with Docker and PostgreSQL up, as .ci/run starts them
#   TOP=30 bench/testsuite.sh
#   GOTEST_FLAGS='-p 2' bench/testsuite.sh   # added after make test's flags: another package concurrency
#
# Run it twice: the second run is the one with warm caches (Go build
# cache, fixture binaries of testutil.BuildCached, Debian root
# filesystems). It runs go test with the flags `make test` gives it
# (`make -s testflags`; testsum only summarises that command's output),
# with the Makefile's CGO_ENABLED=0.
set -euo pipefail
export CGO_ENABLED=${CGO_ENABLED:-0}
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
TOP=${TOP:-15}
mkdir -p "$OUT"
json="$OUT/testsuite.json"

step() {
	local name=$1
	shift
	local t0
	t0=$(date +%s.%N)
	if ! "$@" >"$OUT/testsuite-$name.log" 2>&1; then
		echo "$name failed (see $OUT/testsuite-$name.log)" >&2
		exit 1
	fi
	printf '%-12s %7.1f s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)"
}

start=$(date +%s.%N)
step vet make vet
step lint make lint
step third_party make -s third-party
# shellcheck disable=SC2086 # GOTEST_FLAGS is a list of flags
step go_test sh -c "go test $(make -s testflags) ${GOTEST_FLAGS:-} -json ./... >'$json'"
printf '%-12s %7.1f s\n' total "$(echo "$(date +%s.%N) - $start" | bc)"

echo
echo "packages by elapsed (s):"
jq -r 'select(.Action == "pass" or .Action == "fail") | select(.Test == null) | [((.Elapsed * 10 | round) / 10), .Action, .Package] | @tsv' "$json" |
	sort -rn | head -n "$TOP" | sed 's|github.com/bulwark-sec/bulwark/||'
jq -rs '[.[] | select((.Action == "pass" or .Action == "fail") and .Test == null) | .Elapsed] | "sum of package times: \(add | floor) s"' "$json"
echo
echo "top-level tests by elapsed (s):"
jq -r 'select(.Action == "pass" or .Action == "fail") | select(.Test != null and (.Test | contains("/") | not)) | [((.Elapsed * 10 | round) / 10), .Action, .Package, .Test] | @tsv' "$json" |
	sort -rn | head -n "$TOP" | sed 's|github.com/bulwark-sec/bulwark/||'
jq -rs '[.[] | select(.Action == "skip" and .Test != null and (.Test | contains("/") | not))] | "top-level tests skipped: \(length)"' "$json"
