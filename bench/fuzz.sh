#!/usr/bin/env bash
# Runs every Fuzz target of the module for a while each: bench/fuzz.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-10s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $fn"
    go test -run '^$' -fuzz "^$fn\$" -fuzztime "$t" -fuzzminimizetime 5s "$pkg"
  done
done
