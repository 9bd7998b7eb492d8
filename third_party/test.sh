#!/usr/bin/env bash
# Vets every patched copy under third_party/ and runs upstream's tests of
# the code a patch can reach: in a module with a PATCHED file (the import
# paths of the packages the patch changed, one a line), only the packages
# whose tests depend on one of them, or are one; in the others, all.
# A test that reaches no changed package runs upstream's code unchanged,
# which upstream has tested: in oras-go that is 21 of its 30 packages, and
# skipping them saves ~16 s of a fresh clone's `make test`
# (docs/PERFORMANCE.md). go test's result cache serves the rest on later
# runs (no -count=1).
set -euo pipefail
GO=${GO:-go}
cd "$(dirname "$0")"
for m in */; do
	(
		cd "$m"
		"$GO" vet ./...
		if [ ! -f PATCHED ]; then
			"$GO" test ./...
			exit
		fi
		# Every line names a package of this module (go list fails if not).
		# shellcheck disable=SC2046 # one import path a word
		"$GO" list $(cat PATCHED) >/dev/null
		# Test variants ("p [p.test]", "p_test [p.test]") name the package
		# they test in ForTest; a dependency on a changed package is spelled
		# "q" or "q [p.test]".
		pkgs=$("$GO" list -test -f '{{.ForTest}}|{{.ImportPath}} {{join .Deps " "}}' ./... |
			awk -F'|' 'NR == FNR { if ($0 != "") patched[$0] = 1; next }
				$1 != "" { n = split($2, w, " "); for (i = 1; i <= n; i++) if (w[i] in patched) { print $1; break } }' PATCHED - |
			sort -u)
		if [ -z "$pkgs" ]; then
			echo "third_party/$m: no package's tests reach PATCHED" >&2
			exit 1
		fi
		# shellcheck disable=SC2086 # one import path a word
		"$GO" test $pkgs
	)
	# (no "|| exit" after the subshell: set -e does not apply inside one
	# whose status a || tests)
done
