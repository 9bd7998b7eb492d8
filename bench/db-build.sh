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
python3 - "$tmp/all" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[0], []).append((float(f[1]), float(f[2]) + float(f[3]), int(f[5])))
m = {w: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), rs[-1][2]) for w, rs in runs.items()}
for w in ("base", "new"):
    print(f"{w}: median {m[w][0]:.2f} s wall, {m[w][1]:.2f} s CPU, database {m[w][2]} bytes")
print(f"ratio new/base: {m['new'][0]/m['base'][0]:.2f} wall, {m['new'][1]/m['base'][1]:.2f} CPU")
PY
