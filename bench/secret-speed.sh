#!/usr/bin/env bash
# Secret scanning of a real Debian bookworm root filesystem against one
# plain read of its files, in the same run (docs/PERFORMANCE.md, "Secrets").
#   bench/secret-speed.sh          # needs ../shared and hyperfine
#   BASE=/path/to/other/bulwark bench/secret-speed.sh   # another build (main's) in the same run
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
RUNS=${RUNS:-10}
make -s build
BIN=$PWD/bin/bulwark
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
tar -C "$ROOT" --exclude='./dev/*' -xf "$("$SHARED/scripts/debian-rootfs.sh" bookworm)"
find "$ROOT" -type f -print0 | xargs -0 cat >/dev/null # page cache
echo "== $(find "$ROOT" -type f | wc -l) files, $(du -sh "$ROOT" | cut -f1)"
cmds=(-n plain-read "sh -c 'find $ROOT -type f -print0 | xargs -0 cat > /dev/null'"
  -n inventory-only "$BIN scan --no-cache --scanners '' --format json --output /dev/null dir:$ROOT"
  -n secret "$BIN scan --no-cache --scanners secret --format json --output /dev/null dir:$ROOT")
if [ -n "${BASE:-}" ]; then
  cmds+=(-n base-inventory-only "$BASE scan --no-cache --scanners '' --format json --output /dev/null dir:$ROOT"
    -n base-secret "$BASE scan --no-cache --scanners secret --format json --output /dev/null dir:$ROOT")
fi
mkdir -p bench/out
hyperfine -N --style basic --warmup 1 --runs "$RUNS" --export-csv bench/out/secret-speed.csv "${cmds[@]}" >/dev/null
awk -F, 'NR==1{next} {name[NR]=$1; med[NR]=$5; if ($1=="plain-read") base=$5; m[$1]=$5}
  END {for (i in name) printf "%-20s %8.4f s  %6.2f× plain read\n", name[i], med[i], med[i]/base;
       if (m["base-secret"]>0) printf "secret / base-secret = %.3f (target <= 1.10)\n", m["secret"]/m["base-secret"]}' bench/out/secret-speed.csv
