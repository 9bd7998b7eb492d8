#!/usr/bin/env bash
# Where `bulwark version`'s start-up goes, per library: for each package
# named, a program that only imports it (`import _ "pkg"`, empty main) is
# built in this module and its instructions counted with callgrind. The
# count covers the package's whole import closure, so it says what linking
# that package costs every process; closures overlap (the sum is more than
# the binary's total). The "Start-up" table in docs/PERFORMANCE.md comes
# from here.
#
#   bench/startup-closure.sh                      # the default list below
#   bench/startup-closure.sh github.com/x/y ...   # other packages
#
# Needs valgrind. Counts do not depend on the machine's load; the
# collector is off (GOGC=off) so that a cycle starting in one probe and
# not another does not blur the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(
  github.com/bulwark-sec/bulwark/internal/cli
  github.com/bulwark-sec/bulwark/internal/verify
  github.com/sigstore/sigstore-go/pkg/verify
  github.com/sigstore/rekor/pkg/types/dsse/v0.0.1
  github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf
  github.com/go-openapi/strfmt
  github.com/asaskevich/govalidator
  github.com/notaryproject/notation-go/verifier
  github.com/google/go-containerregistry/pkg/v1/remote
  github.com/prometheus/client_golang/prometheus/promhttp
  github.com/klauspost/compress/zstd
  github.com/docker/docker/client
  github.com/distribution/reference
  github.com/docker/cli/cli/context/store
  github.com/CycloneDX/cyclonedx-go
  github.com/jackc/pgx/v5/pgxpool
  github.com/moby/buildkit/frontend/dockerfile/parser
  github.com/cilium/ebpf/link
  github.com/BurntSushi/toml
)
dir=$(mktemp -d "$PWD/internal/startupprobe.XXXXXX")
bin=$(mktemp)
trap 'rm -rf "$dir" "$bin"' EXIT
count() {
  CGO_ENABLED=0 go build -trimpath -o "$bin" "./internal/$(basename "$dir")"
  GOGC=off GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" 2>&1 >/dev/null |
    awk '/Collected/{print $4}'
}
printf 'package main\n\nfunc main() {}\n' >"$dir/main.go"
base=$(count)
printf '%12s  %s\n' "$base" "(empty program)"
for p in "${pkgs[@]}"; do
  printf 'package main\n\nimport _ "%s"\n\nfunc main() {}\n' "$p" >"$dir/main.go"
  n=$(count)
  printf '%12s  %s (+%s)\n' "$n" "$p" "$((n - base))"
done
