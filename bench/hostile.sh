#!/usr/bin/env bash
# Adversarial images (docs/PERFORMANCE.md, "Hostile images"): every image
# of internal/testutil/hostile at full size, scanned by this build, which
# must finish or refuse each within 30 s, under 300 MB of peak RSS and
# 1 GiB of temporary disk; with BASE=/path/to/bulwark (main's binary) the
# same images are scanned by it too (capped at 60 s and 2 GB).
#   bench/hostile.sh                 # generates the images once into bench/out/hostile (minutes)
#   BASE=/tmp/main/bulwark bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
BULWARK_BENCH_HOSTILE=1 BULWARK_BENCH_BASE=${BASE:-} BULWARK_BENCH_OUT=$PWD/bench/out/hostile.md \
  go test -count=1 -timeout 60m -run '^TestHostileImages$' -v ./internal/cli/ | grep -v '^=== RUN'
cat bench/out/hostile.md
