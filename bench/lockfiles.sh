#!/usr/bin/env bash
# Lock files at the size of real large projects (5 MiB each, one image per
# format, under the record budget): this build against BASE (main's
# binary, or an older one) in alternating rounds; medians of wall time and
# peak RSS with their ratios (docs/PERFORMANCE.md, "Hostile images").
#   BASE=/tmp/main/bulwark bench/lockfiles.sh      # BULWARK_BENCH_ROUNDS=5
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE:?set BASE to the binary of the other build}"
mkdir -p bench/out
BULWARK_BENCH_LOCKS=1 BULWARK_BENCH_BASE=$BASE BULWARK_BENCH_OUT=$PWD/bench/out/lockfiles.md \
  go test -count=1 -timeout 60m -run '^TestLockFileSpeed$' -v ./internal/cli/ | grep -v '^=== RUN'
cat bench/out/lockfiles.md
