#!/usr/bin/env bash
# This build against another (BASE, e.g. main's binary) on normal images,
# alternating the two round by round so that a machine whose load drifts
# charges both alike: cold and warm scans of the bookworm docker-archive,
# a cold scan of the 1 GB image (both from bench/scan-speed.sh), a cold
# scan with every scanner, and the secret scan of the bookworm root
# filesystem (bench/secret-speed.sh's). Medians of wall time, of CPU time
# (user + system: steadier than wall time on a loaded machine) and of peak
# RSS (/usr/bin/time), and this build / BASE.
#   BASE=/tmp/main/bulwark bench/compare.sh      # ROUNDS=15
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE:?set BASE to the binary of the other build}"
ROUNDS=${ROUNDS:-15}
OUT=${OUT:-bench/out}
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
make -s build
BIN=$PWD/bin/bulwark
A=$OUT/debian-bookworm.tar
BIG=$OUT/debian-1g.tar
[ -s "$A" ] && [ -s "$BIG" ] || { echo "run bench/scan-speed.sh once first (it saves the images)"; exit 2; }
ROOT=$(mktemp -d); COLD=$(mktemp -d); WARM=$(mktemp -d); BWARM=$(mktemp -d); RES=$(mktemp)
trap 'rm -rf "$ROOT" "$COLD" "$WARM" "$BWARM" "$RES"' EXIT
tar -C "$ROOT" --exclude='./dev/*' -xf "$("$SHARED/scripts/debian-rootfs.sh" bookworm)"
cat "$A" "$BIG" >/dev/null; find "$ROOT" -type f -print0 | xargs -0 cat >/dev/null
BULWARK_CACHE_DIR=$WARM "$BIN" scan --scanners '' --format json "$A" >/dev/null
BULWARK_CACHE_DIR=$BWARM "$BASE" scan --scanners '' --format json "$A" >/dev/null

one() { # label build cache args... -> appends "label build seconds kb"
  local label=$1 build=$2 cache=$3; shift 3
  local bin=$BIN; [ "$build" = base ] && bin=$BASE
  [ "$cache" = cold ] && { rm -rf "$COLD"; cache=$COLD; }
  [ "$cache" = warm ] && { cache=$WARM; [ "$build" = base ] && cache=$BWARM; }
  local t; t=$( { BULWARK_CACHE_DIR=$cache /usr/bin/time -f '%e %M %U %S' "$bin" "$@" >/dev/null; } 2>&1 | tail -1)
  echo "$label $build $t" | awk '{print $1, $2, $3, $4, $5 + $6}' >>"$RES"
}
for r in $(seq "$ROUNDS"); do
  for build in this base; do
    [ $((r % 2)) = 0 ] && build=$([ "$build" = this ] && echo base || echo this) # alternate who goes first
    one bookworm-cold "$build" cold scan --scanners '' --format json "$A"
    one bookworm-warm "$build" warm scan --scanners '' --format json "$A"
    one 1g-cold "$build" cold scan --scanners '' --format json "$BIG"
    one bookworm-all-scanners "$build" cold scan --format json "$A"
    one secret-dir "$build" none scan --no-cache --scanners secret --format json "dir:$ROOT"
  done
done
echo "== $ROUNDS alternating rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-22s %8s %8s %7s %9s %9s %7s %8s %8s %7s\n" case "this s" "base s" ratio "this CPU" "base CPU" ratio "this MB" "base MB" ratio
for label in bookworm-cold bookworm-warm 1g-cold bookworm-all-scanners secret-dir; do
  med() { awk -v l="$label" -v b="$1" -v c="$2" '$1==l && $2==b {print $c}' "$RES" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  ts=$(med this 3); tb=$(med base 3); ms=$(med this 4); mb=$(med base 4); cs=$(med this 5); cb=$(med base 5)
  awk -v l="$label" -v ts="$ts" -v tb="$tb" -v ms="$ms" -v mb="$mb" -v cs="$cs" -v cb="$cb" \
    'BEGIN {printf "%-22s %8.3f %8.3f %7.3f %9.2f %9.2f %7.3f %8.1f %8.1f %7.3f\n", l, ts, tb, ts/tb, cs, cb, cs/cb, ms/1024, mb/1024, ms/mb}'
done
