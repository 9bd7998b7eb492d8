#!/usr/bin/env bash
# Reproduces the scan speed and memory figures in docs/PERFORMANCE.md.
#
#   bench/scan-speed.sh            # needs Docker (to save the images), hyperfine, and ../shared
#   TRIVY=/path/to/trivy bench/scan-speed.sh
#   BASE=/path/to/other/bulwark bench/scan-speed.sh   # the same rows for another build (main's), same run
#
# Everything is measured in the same run, and reported as ratios against
# sha256sum over the same archive, so a busy machine skews all rows alike.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
RUNS=${RUNS:-15}
mkdir -p "$OUT"
make -s build
BIN=$PWD/bin/bulwark
TRIVY=${TRIVY:-$(command -v trivy || echo /opt/peers/trivy)}
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }

# The ~200 MB docker-archive of a real Debian bookworm minbase, saved by the engine.
save_image() { # suite name archive
  local rootfs; rootfs=$("$SHARED/scripts/debian-rootfs.sh" "$1")
  if [ ! -s "$3" ]; then
    docker image inspect "$2" >/dev/null 2>&1 || docker import "$rootfs" "$2" >/dev/null
    docker save -o "$3" "$2"
  fi
}
A=$OUT/debian-bookworm.tar
B=$OUT/debian-bullseye.tar
save_image bookworm bulwark-bench/bookworm:latest "$A"
save_image bullseye bulwark-bench/bullseye:latest "$B"

# A ~1 GB image: five more layers, four of them with many files.
BIG=$OUT/debian-1g.tar
if [ ! -s "$BIG" ]; then
  ctx=$(mktemp -d)
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM bulwark-bench/bookworm:latest
RUN cp -a /usr /copy1
RUN cp -a /usr /copy2
RUN cp -a /usr /copy3
RUN cp -a /usr /copy4
RUN head -c 400000000 /dev/urandom > /random.bin
DOCKERFILE
  docker build --network none -q -t bulwark-bench/big:latest "$ctx" >/dev/null
  docker save -o "$BIG" bulwark-bench/big:latest
  rm -rf "$ctx"
fi
cat "$A" "$B" "$BIG" >/dev/null # page cache

COLD=$(mktemp -d); WARM=$(mktemp -d)
trap 'rm -rf "$COLD" "$WARM"' EXIT
BULWARK_CACHE_DIR=$WARM "$BIN" scan --scanners '' --format json "$A" >/dev/null

echo "== speed: $(du -h "$A" | cut -f1) docker-archive, $RUNS runs each"
# Like for like: Trivy with --scanners '' and Bulwark with --scanners ''
# both build the package inventory only (no database, no secret search).
# Trivy's network notices are switched off so a machine without network
# does not charge it for timeouts.
SCAN="scan --scanners '' --format json --output /dev/null"
# hyperfine wants a --prepare per command once any has one.
cmds=(-n sha256sum --prepare true "sha256sum $A"
      -n bulwark-cold --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BIN $SCAN $A"
      -n bulwark-warm --prepare true "env BULWARK_CACHE_DIR=$WARM $BIN $SCAN $A"
      -n bulwark-cold-all-scanners --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BIN scan --format json --output /dev/null $A")
BASE=${BASE:-}
if [ -n "$BASE" ]; then
  # Another build, in the same hyperfine run (one command after the other;
  # bench/compare.sh alternates them round by round); both read the 1 GB
  # image too.
  BASE_WARM=$(mktemp -d); trap 'rm -rf "$COLD" "$WARM" "$BASE_WARM"' EXIT
  BULWARK_CACHE_DIR=$BASE_WARM "$BASE" scan --scanners '' --format json "$A" >/dev/null
  cmds+=(-n base-cold --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BASE $SCAN $A"
         -n base-warm --prepare true "env BULWARK_CACHE_DIR=$BASE_WARM $BASE $SCAN $A"
         -n base-cold-all-scanners --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BASE scan --format json --output /dev/null $A"
         -n bulwark-cold-1g --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BIN $SCAN $BIG"
         -n base-cold-1g --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BASE $SCAN $BIG")
fi
if [ -x "$TRIVY" ]; then
  cmds+=(-n trivy --prepare true "$TRIVY image --input $A --scanners '' --cache-backend memory --quiet --skip-version-check --disable-telemetry --format json --output /dev/null")
else
  echo "(trivy not found at $TRIVY: build it with GOEXPERIMENT=jsonv2 go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0)"
fi
hyperfine -N --style basic --warmup 2 --runs "$RUNS" --output null --export-csv "$OUT/scan-speed.csv" "${cmds[@]}" >/dev/null
awk -F, 'NR==1{next} {name[NR]=$1; med[NR]=$5; if ($1=="sha256sum") base=$5; if ($1=="trivy") tr=$5; if ($1=="bulwark-cold") cold=$5}
  END {printf "%-26s %10s %12s\n", "command", "median s", "× sha256sum";
       for (i in name) printf "%-26s %10.4f %12.3f\n", name[i], med[i], med[i]/base;
       if (tr>0) printf "bulwark-cold / trivy = %.3f (target <= 0.5)\n", cold/tr;
       for (i in name) if (name[i]=="bulwark-warm") printf "bulwark-warm / bulwark-cold = %.3f (target < 0.10)\n", med[i]/cold;
       for (i in name) if (name[i] ~ /^base-/) { b=name[i]; sub(/^base-/, "bulwark-", b);
         for (j in name) if (name[j]==b) printf "%s / %s = %.3f\n", name[j], name[i], med[j]/med[i] }}' "$OUT/scan-speed.csv"

echo "== peak RSS (KB), cold scan, max of 3"
for bin in "$BIN" ${BASE:+"$BASE"}; do
  for img in "$A" "$BIG"; do
    max=0
    for _ in 1 2 3; do
      rm -rf "$COLD"
      kb=$( { BULWARK_CACHE_DIR=$COLD /usr/bin/time -f %M "$bin" scan --scanners '' --format json "$img" >/dev/null; } 2>&1 | tail -1)
      [ "$kb" -gt "$max" ] && max=$kb
    done
    printf "%-40s %8d KB  (%s, %s)\n" "$(basename "$img")" "$max" "$(du -h "$img" | cut -f1)" "$bin"
  done
done

echo "== two cold scans started together vs alone (median of 5)"
one() { # archive -> seconds
  local c; c=$(mktemp -d)
  local s; s=$(date +%s.%N)
  BULWARK_CACHE_DIR=$c "$BIN" scan --scanners '' --format json "$1" >/dev/null
  awk -v a="$(date +%s.%N)" -v b="$s" 'BEGIN{printf "%.4f\n", a-b}'; rm -rf "$c"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
alone_a=$(for _ in 1 2 3 4 5; do one "$A"; done | median)
alone_b=$(for _ in 1 2 3 4 5; do one "$B"; done | median)
pa=(); pb=()
for _ in 1 2 3 4 5; do
  one "$A" >"$OUT/ta" & one "$B" >"$OUT/tb" & wait
  pa+=("$(cat "$OUT/ta")"); pb+=("$(cat "$OUT/tb")")
done
both_a=$(printf '%s\n' "${pa[@]}" | median); both_b=$(printf '%s\n' "${pb[@]}" | median)
awk -v a="$alone_a" -v b="$both_a" 'BEGIN{printf "bookworm alone %.4f s, together %.4f s, ratio %.2f (target <= 1.5)\n", a, b, b/a}'
awk -v a="$alone_b" -v b="$both_b" 'BEGIN{printf "bullseye alone %.4f s, together %.4f s, ratio %.2f (target <= 1.5)\n", a, b, b/a}'
