#!/usr/bin/env bash
# CPU seconds by command name of one `go test` run, from BSD process
# accounting (root; apt-get install acct): every process the run starts
# (test binaries, the bulwark binary, docker CLI, cosign, tar, go, link…),
# and, machine-wide, what the Docker engines start on its behalf (dockerd's
# re-exec "exe" for network namespaces and layer extraction, runc,
# containerd-shim, health probes). Long-lived daemons (the main dockerd,
# containerd, postgres) do not exit, so accounting never counts them; the
# main dockerd's own CPU is read from /proc before and after. Engine-side
# figures include whatever else runs on the machine meanwhile (extra
# engines a test starts and stops are counted there, as dockerd).
#
#   bench/testcpu.sh ./internal/scan/ ./internal/secrets/     # go test -count=1 ARGS
#   OUT=/tmp/cpu bench/testcpu.sh $(make -s testflags) ./...   # as make test
#
# The test binaries are built first, outside the measurement. Run it
# twice: the second run is the one with warm caches.
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_ENABLED=${CGO_ENABLED:-0} # as make test
OUT=${OUT:-bench/out/testcpu}
mkdir -p "$OUT"
command -v accton >/dev/null && command -v dump-acct >/dev/null || { echo "testcpu: needs accton and dump-acct (package acct)" >&2; exit 2; }
go test -count=1 "$@" -run '^$' >/dev/null
pacct=$OUT/pacct
: >"$pacct"
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
dpid=$(cat /var/run/docker.pid 2>/dev/null || echo 0)
d0=$(cpu_of "$dpid")
accton "$pacct" >/dev/null
trap 'accton off >/dev/null' EXIT
t0=$(date +%s.%N)
set +e
go test -count=1 "$@" >"$OUT/test.txt" 2>&1 &
gopid=$!
wait $gopid
rc=$?
set -e
t1=$(date +%s.%N)
accton off >/dev/null
trap - EXIT
d1=$(cpu_of "$dpid")
tail -n 40 "$OUT/test.txt" | grep -E '^(ok|FAIL|---)' || true
printf 'go test exit %d, wall %.1f s, main dockerd %.1f CPU-s\n' "$rc" "$(echo "$t1 - $t0" | bc)" "$(echo "($d1 - $d0) / 100" | bc -l)"
# dump-acct: comm|v3|utime|stime|elapsed|uid|gid|mem|io|pid|ppid|... (times in 1/100 s)
dump-acct "$pacct" | awk -F'|' -v root="$gopid" '
	{ gsub(/ /, "", $1); comm[NR] = $1; cpu[NR] = ($3 + $4) / 100; pid[NR] = $10 + 0; ppid[NR] = $11 + 0; parent[$10 + 0] = $11 + 0; name[$10 + 0] = $1 }
	END {
		for (i = 1; i <= NR; i++) {
			p = pid[i]; intree = 0
			for (k = 0; k < 64 && p != 0; k++) { if (p == root) { intree = 1; break } ; if (!(p in parent)) break; p = parent[p] }
			if (p == root) intree = 1
			if (intree) { tn[comm[i]]++; tc[comm[i]] += cpu[i]; ttot += cpu[i] }
			else if (name[ppid[i]] ~ /^(dockerd|containerd|containerd-shim|runc)$/ || comm[i] ~ /^(exe|runc|containerd-shim|runc:|dockerd|containerd)/) { en[comm[i]]++; ec[comm[i]] += cpu[i]; etot += cpu[i] }
		}
		printf "\nthe run and its processes: %.1f CPU-s\n", ttot
		for (c in tc) printf "%8.1f s %5d  %s\n", tc[c], tn[c], c | "sort -rn | head -20"
		close("sort -rn | head -20")
		printf "\nstarted by Docker engines (machine-wide): %.1f CPU-s\n", etot
		for (c in ec) printf "%8.1f s %5d  %s\n", ec[c], en[c], c | "sort -rn | head -10"
	}'
exit "$rc"
