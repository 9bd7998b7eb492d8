#!/usr/bin/env bash
# Reproduces the "Language catalogers" figures in docs/PERFORMANCE.md.
#
#   bench/catalog-speed.sh            # needs npm and the npm registry, and Go
#   ROUNDS=9 bench/catalog-speed.sh   # more alternating rounds
#
# Builds an image of 2,000+ installed npm packages (a real install of
# lodash@4.17.4 minimist@1.2.0 express@4.16.0, copied under project folders)
# and 50 copies of one real Go executable, then times, in alternating rounds
# of the same run: cat of every file, cat of the docker-archive, and
# Bulwark's inventory of the image as dir: and as docker-archive: (all
# catalogers, language catalogers only, no catalogers). Fails when the
# inventory takes more than 1.5x the time of reading every file.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
mkdir -p "$OUT/catalog-speed"
export BULWARK_BENCH_CATALOG=1 BULWARK_REQUIRE_NETWORK=1
export BULWARK_BENCH_ROUNDS=${ROUNDS:-5}
export BULWARK_BENCH_WORKDIR=${WORKDIR:-$PWD/$OUT/catalog-speed}
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./internal/catalog/npm/ -run '^TestCatalogSpeed$' -count=1 -v -timeout 60m | grep -E 'speed_|^(---|ok|FAIL|PASS)'
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
