#!/usr/bin/env bash
# Database build from every bundled feed (../shared/advisories), this tree
# against a baseline commit, in one run with the runs interleaved so both
# see the same machine load (docs/PERFORMANCE.md, "Vulnerability database").
#   BASE_REF=main RUNS=5 bench/db-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
BASE_REF=${BASE_REF:-main}
RUNS=${RUNS:-5}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$BASE_REF" | tar -x -C "$tmp"
(cd "$tmp" && go build -o "$tmp/base" ./cmd/bulwark)
go build -o "$tmp/new" ./cmd/bulwark
feeds=$(du -sb --exclude='*.md' "$SHARED/advisories" | cut -f1)
zips=$(find "$SHARED/advisories" -name '*.zip' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "feeds: $feeds bytes ($zips in zips); base $BASE_REF ($(git rev-parse --short "$BASE_REF")), new $(git rev-parse --short HEAD)"
for i in $(seq "$RUNS"); do
  for which in base new; do
    rm -f "$tmp/$which.db"
    /usr/bin/time -f "$which %e %U %S %M" -o "$tmp/t" "$tmp/$which" db import --db "$tmp/$which.db" "$SHARED/advisories" >"$tmp/out"
    echo "$(cat "$tmp/t") $(stat -c %s "$tmp/$which.db") $(cut -d: -f2- "$tmp/out")" | tee -a "$tmp/all"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{wall[$1]=wall[$1]" "$2; cpu[$1]=cpu[$1]" "($3+$4); size[$1]=$6}
  function median(s,   a, n) { n = split(s, a, " "); asort(a); return a[int((n+1)/2)] }
  END {
    for (w in wall) printf "%s: median %.2f s wall, %.2f s CPU, database %d bytes\n", w, median(wall[w]), median(cpu[w]), size[w]
    printf "ratio new/base: %.2f wall, %.2f CPU\n", median(wall["new"])/median(wall["base"]), median(cpu["new"])/median(cpu["base"])
  }' "$tmp/all"
