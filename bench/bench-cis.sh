#!/usr/bin/env bash
# Speed of `bulwark bench` against docker-bench-security's method, on one host
# in one run. Starts an extra Docker engine (its own data root, so nothing else
# on the host is counted or disturbed), runs N containers on it, then times:
#   1. bulwark bench (all CIS checks, facts gathered once, containers
#      inspected concurrently), best of 3 runs;
#   2. the baseline: one `docker inspect` (or `docker port` / `docker top`)
#      process per container per container check, as docker-bench-security's
#      tests/5_container_runtime.sh does.
# usage: bench/bench-cis.sh [N]   (default 100; needs root, Go, docker, dockerd)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
shared=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
out=bench/out
mkdir -p "$out"
name=bulwark-perf-$$
sock=/run/bulwark-perf/$name.sock
export DOCKER_HOST=unix://$sock

cleanup() {
  if [ -f "/run/docker-$name.pid" ]; then
    pid=$(cat "/run/docker-$name.pid")
    # Remove the containers while the engine runs, then stop it and wait:
    # its state may be deleted only once it and its shims are gone.
    docker ps -aq | xargs -r -n 50 docker rm -f >/dev/null 2>&1 || true
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "engine $pid still running; leaving /var/lib/docker-$name in place" >&2
      return
    fi
  fi
  rm -rf "/var/lib/docker-$name" "/run/docker-$name" "/run/docker-$name.pid" "$sock" "$work"
}
work=$(mktemp -d)
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
lt() { awk "BEGIN { exit !($1 < $2) }"; }

echo "building bulwark and a tiny image" >&2
go build -o "$out/bulwark" ./cmd/bulwark
cat >"$work/main.go" <<'GO'
package main

import "time"

func main() {
	for {
		time.Sleep(time.Hour)
	}
}
GO
printf 'module sleeper\n\ngo 1.22\n' >"$work/go.mod"
(cd "$work" && CGO_ENABLED=0 GOFLAGS= go build -o rootfs/app .)
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .

echo "starting engine $sock" >&2
DOCKER_SOCK=$sock DOCKERD_LOG=$work/dockerd.log "$shared/scripts/start-dockerd.sh" >/dev/null
docker import --change 'CMD ["/app"]' "$work/rootfs.tar" bulwark-perf:1 >/dev/null

echo "starting $N containers" >&2
seq 1 "$N" | xargs -P 8 -I{} docker run -d --network none --name "perf-{}" --memory 64m bulwark-perf:1 >/dev/null
running=$(docker ps -q | wc -l)
[ "$running" -eq "$N" ] || { echo "only $running of $N containers running" >&2; exit 1; }

echo "timing bulwark bench" >&2
best=
for i in 1 2 3; do
  t0=$(now)
  "$out/bulwark" bench --docker-host "$DOCKER_HOST" --format json --output "$work/report-$i.json"
  t1=$(now)
  t=$(calc "$t1 - $t0")
  echo "  run $i: ${t}s" >&2
  if [ -z "$best" ] || lt "$t" "$best"; then best=$t; fi
done
results=$(grep -c '"id":' "$work/report-1.json")

# docker-bench-security's per-container probes (tests/4_*.sh 4.1 and
# tests/5_container_runtime.sh), one process each.
formats=(
  '{{ .Config.User }}'                        # 4.1
  '{{ .AppArmorProfile }}'                    # 5.2
  '{{ .HostConfig.SecurityOpt }}'             # 5.3
  '{{ .HostConfig.CapAdd }}'                  # 5.4
  '{{ .HostConfig.Privileged }}'              # 5.5
  '{{ .Mounts }}'                             # 5.6
  '{{ .NetworkSettings.Ports }}'              # 5.9
  '{{ .HostConfig.NetworkMode }}'             # 5.10
  '{{ .HostConfig.Memory }}'                  # 5.11
  '{{ .HostConfig.CpuShares }}'               # 5.12
  '{{ .HostConfig.ReadonlyRootfs }}'          # 5.13
  '{{ .HostConfig.RestartPolicy.Name }}'      # 5.15
  '{{ .HostConfig.PidMode }}'                 # 5.16
  '{{ .HostConfig.IpcMode }}'                 # 5.17
  '{{ .HostConfig.Devices }}'                 # 5.18
  '{{ .HostConfig.Ulimits }}'                 # 5.19
  '{{range $m := .Mounts}}{{$m.Propagation}}{{end}}' # 5.20
  '{{ .HostConfig.UTSMode }}'                 # 5.21
  '{{ .HostConfig.SecurityOpt }}'             # 5.22
  '{{ .HostConfig.CgroupParent }}'            # 5.25
  '{{ .HostConfig.SecurityOpt }}'             # 5.26
  '{{ .State.Health }}'                       # 5.27
  '{{ .HostConfig.PidsLimit }}'               # 5.29
  '{{ .NetworkSettings.Networks }}'           # 5.30
  '{{ .HostConfig.UsernsMode }}'              # 5.31
  '{{ .Mounts }}'                             # 5.32
)
echo "timing the baseline: ${#formats[@]} inspects + 2 port + 1 top per container" >&2
ids=$(docker ps -q)
t0=$(now)
calls=0
for f in "${formats[@]}"; do
  for c in $ids; do docker inspect --format "$f" "$c" >/dev/null; calls=$((calls + 1)); done
done
for c in $ids; do
  docker port "$c" >/dev/null; docker port "$c" >/dev/null  # 5.8, 5.14
  docker top "$c" >/dev/null                                 # 5.7 (bench: docker exec ps)
  calls=$((calls + 3))
done
t1=$(now)
base=$(calc "$t1 - $t0")

ratio=$(calc "100 * $best / $base")
{
  echo "bench-cis: $N running containers, $(nproc) CPUs, Docker $(docker version --format '{{.Server.Version}}')"
  printf 'bulwark bench (all %d checks, best of 3): %.2f s\n' "$results" "$best"
  printf 'baseline (%d docker CLI calls):          %.2f s\n' "$calls" "$base"
  printf 'ratio: %.2f%% of the baseline (target < 10%%); bulwark under 5 s: %s\n' "$ratio" \
    "$(lt "$best" 5 && echo yes || echo NO)"
} | tee "$out/bench-cis.txt"
