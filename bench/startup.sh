#!/usr/bin/env bash
# Start-up cost of the binary, as whole processes, against a Go hello-world
# built with the same flags, and a warm rescan against a cold scan of the
# bookworm archive. The figures in docs/PERFORMANCE.md ("Start-up") come
# from here.
#
#   bench/startup.sh                 # needs hyperfine; Docker and ../shared for the rescan
#   ROUNDS=9 RUNS=60 bench/startup.sh
#   BASELINE_BIN=/tmp/old/bulwark bench/startup.sh   # also time another build
#
# A loaded machine skews single timings, so the two programs are timed in
# alternating rounds and each round gives a ratio; the median ratio is
# reported with its range. Where valgrind is installed, callgrind's
# instruction counts are reported too: they do not depend on the load.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
ROUNDS=${ROUNDS:-7}
RUNS=${RUNS:-40}
RESCAN_RUNS=${RESCAN_RUNS:-7}
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
make -s build
BIN=$PWD/bin/bulwark

# The hello-world, built as `make build` builds bulwark.
HELLO=$OUT/hello
if [ ! -x "$HELLO" ]; then
  src=$(mktemp -d)
  printf 'module hello\n\ngo 1.22\n' >"$src/go.mod"
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$src/main.go"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o hello .)
  mv "$src/hello" "$HELLO"
  rm -rf "$src"
fi

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

echo "== start-up: $ROUNDS alternating rounds of $RUNS runs each (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
ratios=()
for r in $(seq 1 "$ROUNDS"); do
  order=(hello version)
  [ -n "${BASELINE_BIN:-}" ] && order+=(baseline)
  [ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${order[@]}" | tac))
  cmds=()
  for o in "${order[@]}"; do
    case $o in
      hello) cmds+=(-n hello "$HELLO") ;;
      version) cmds+=(-n version "$BIN version") ;;
      baseline) cmds+=(-n baseline "$BASELINE_BIN version") ;;
    esac
  done
  hyperfine -N --style none --warmup 5 --runs "$RUNS" --export-csv "$OUT/startup-$r.csv" "${cmds[@]}" >/dev/null
  ratios+=("$(awk -F, 'NR>1{m[$1]=$5} END{printf "%.3f", m["version"]/m["hello"]}' "$OUT/startup-$r.csv")")
  awk -F, -v r="$r" 'NR>1{m[$1]=$5} END{printf "round %d: hello %.2f ms, bulwark version %.2f ms", r, m["hello"]*1000, m["version"]*1000;
    if ("baseline" in m) printf ", baseline version %.2f ms (%.2f× hello)", m["baseline"]*1000, m["baseline"]/m["hello"]; print " (medians)"}' "$OUT/startup-$r.csv"
done
printf '%s\n' "${ratios[@]}" >"$OUT/startup-ratios.txt"
echo "bulwark version / hello-world: median $(median <"$OUT/startup-ratios.txt"), range $(sort -g "$OUT/startup-ratios.txt" | head -1)–$(sort -g "$OUT/startup-ratios.txt" | tail -1) (target <= 2)"

if command -v valgrind >/dev/null; then
  # Asynchronous preemption signals trip callgrind, and valgrind does not
  # know RDTSCP, which the runtime's collector executes (SIGILL, exit 2:
  # under `set -e` that used to end the script here); neither changes
  # what runs. A run whose collector starts varies by a few per cent, so
  # the median of three is reported; a failed run reports "failed".
  ir1() { GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected/{n=$4} END{print n ? n : "failed"}'; }
  ir() { for _ in 1 2 3; do ir1 "$@"; done | median; }
  h=$(ir "$HELLO"); v=$(ir "$BIN" version)
  echo "instructions (callgrind, median of 3): hello $h, bulwark version $v, ratio $(awk -v a="$v" -v b="$h" 'BEGIN{printf "%.1f", a/b}')"
  if [ -n "${BASELINE_BIN:-}" ]; then b=$(ir "$BASELINE_BIN" version); echo "instructions (callgrind, median of 3): baseline version $b, ratio $(awk -v a="$b" -v c="$h" 'BEGIN{printf "%.1f", a/c}')"; fi
fi
# Page faults do not depend on the load either, and on this kind of
# virtual machine each costs ~30 µs: most of a start-up's CPU time.
faults() { for _ in 1 2 3 4 5 6 7 8 9; do /usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -1; done | median; }
if [ -x /usr/bin/time ]; then
  echo "page faults (median of 9): hello $(faults "$HELLO"), bulwark version $(faults "$BIN" version)${BASELINE_BIN:+, baseline version $(faults "$BASELINE_BIN" version)}"
fi
# What package initialisation allocates (the collector's first cycle
# starts at about 4 MB; one that starts before main costs millions of
# instructions) and the largest allocators.
GODEBUG=inittrace=1 "$BIN" version 2>&1 >/dev/null | awk '/^init /{s+=$8} END{printf "package init allocates %d bytes in all\n", s}'
GODEBUG=inittrace=1 "$BIN" version 2>&1 >/dev/null | awk '/^init /{print $8, $2}' | sort -rn |
  awk 'NR<=8{printf "  init allocates %7d bytes: %s\n", $1, $2}'

if [ -x "$SHARED/scripts/debian-rootfs.sh" ] && docker info >/dev/null 2>&1; then
  A=$OUT/debian-bookworm.tar
  if [ ! -s "$A" ]; then
    rootfs=$("$SHARED/scripts/debian-rootfs.sh" bookworm)
    docker image inspect bulwark-bench/bookworm:latest >/dev/null 2>&1 || docker import "$rootfs" bulwark-bench/bookworm:latest >/dev/null
    docker save -o "$A" bulwark-bench/bookworm:latest
  fi
  cat "$A" >/dev/null # page cache
  COLD=$(mktemp -d); WARM=$(mktemp -d); BCOLD=$(mktemp -d); BWARM=$(mktemp -d)
  trap 'rm -rf "$COLD" "$WARM" "$BCOLD" "$BWARM"' EXIT
  BULWARK_CACHE_DIR=$WARM "$BIN" scan --format json --output /dev/null "$A"
  # The baseline build, when given, is timed in the same hyperfine run,
  # with caches of its own (its cache format may differ).
  base=()
  if [ -n "${BASELINE_BIN:-}" ]; then
    BULWARK_CACHE_DIR=$BWARM "$BASELINE_BIN" scan --format json --output /dev/null "$A"
    base=(-n baseline-cold --prepare "rm -rf $BCOLD" "env BULWARK_CACHE_DIR=$BCOLD $BASELINE_BIN scan --format json --output /dev/null $A"
      -n baseline-warm --prepare true "env BULWARK_CACHE_DIR=$BWARM $BASELINE_BIN scan --format json --output /dev/null $A")
  fi
  echo "== rescan: $(du -h "$A" | cut -f1) bookworm docker-archive, every scanner, no advisory database, $RESCAN_RUNS runs each (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  hyperfine -N --style none --warmup 1 --runs "$RESCAN_RUNS" --export-csv "$OUT/rescan.csv" \
    -n cold --prepare "rm -rf $COLD" "env BULWARK_CACHE_DIR=$COLD $BIN scan --format json --output /dev/null $A" \
    -n warm --prepare true "env BULWARK_CACHE_DIR=$WARM $BIN scan --format json --output /dev/null $A" "${base[@]}" >/dev/null
  awk -F, 'NR>1{m[$1]=$5} END{printf "cold %.3f s, warm %.3f s (medians): warm / cold = %.3f (target <= 0.25)\n", m["cold"], m["warm"], m["warm"]/m["cold"];
    if ("baseline-warm" in m) printf "baseline: cold %.3f s, warm %.3f s (medians): warm / cold = %.3f\n", m["baseline-cold"], m["baseline-warm"], m["baseline-warm"]/m["baseline-cold"]}' "$OUT/rescan.csv"
  if command -v valgrind >/dev/null; then
    echo "instructions of a warm rescan (callgrind, median of 3): $(BULWARK_CACHE_DIR=$WARM ir "$BIN" scan --format json --output /dev/null "$A")${BASELINE_BIN:+, baseline $(BULWARK_CACHE_DIR=$BWARM ir "$BASELINE_BIN" scan --format json --output /dev/null "$A")}"
  fi
else
  echo "(rescan skipped: needs Docker and $SHARED/scripts/debian-rootfs.sh)"
fi
