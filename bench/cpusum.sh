#!/usr/bin/env bash
# CPU time (user + system) and peak RSS summed over N alternating cold
# scans of the bookworm and 1 GB archives (bench/scan-speed.sh saves them),
# by this build and the builds named in BASES; steadier than wall time on
# a loaded machine (docs/PERFORMANCE.md, "Hostile images").
#   BASES="/tmp/base19/bulwark-make /tmp/basepre/bin/bulwark" N=15 bench/cpusum.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASES:?set BASES to the binaries of the other builds}"
N=${N:-15}
make -s build
RES=$(mktemp); trap 'rm -f "$RES"' EXIT
for i in $(seq "$N"); do
  for bin in "$PWD/bin/bulwark" $BASES; do
    for img in bench/out/debian-bookworm.tar bench/out/debian-1g.tar; do
      c=$(mktemp -d)
      t=$( { BULWARK_CACHE_DIR=$c /usr/bin/time -f '%U %S %M' "$bin" scan --scanners '' --format json "$img" >/dev/null; } 2>&1 | tail -1)
      rm -rf "$c"
      echo "$bin $(basename "$img") $t" >>"$RES"
    done
  done
done
echo "== $N alternating rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{k=$1" "$2; cpu[k]+=$3+$4; n[k]++; rss[k]+=$5} END {for (k in cpu) printf "%s  CPU %.2f s  mean peak RSS %.1f MB  (%d runs)\n", k, cpu[k], rss[k]/n[k]/1024, n[k]}' "$RES" | sort
