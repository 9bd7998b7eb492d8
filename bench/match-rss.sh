#!/usr/bin/env bash
# Peak memory of a whole `bulwark scan` that matches ~2,000 packages against
# the database compiled from all of ../shared/advisories (docs/PERFORMANCE.md,
# "Matching"). The packages come from the feeds themselves (PyPI and Go
# names, Debian source packages), at versions every record applies to.
# Needs python3 to write the CycloneDX input.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${BULWARK_SHARED:-$(cd .. && pwd)/shared}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
make -s build
BIN=$PWD/bin/bulwark
DB=$OUT/full.db
"$BIN" db import --db "$DB" "$SHARED/advisories" >/dev/null
SHARED=$SHARED python3 - "$OUT/sbom2000.json" <<'PY'
import json, os, re, sys, zipfile
shared = os.environ["SHARED"]
comps, seen = [], set()
def add(purl):
    if purl in seen or len(comps) >= 2000:
        return
    seen.add(purl)
    comps.append({"type": "library", "name": purl.split("/")[-1].split("@")[0],
                  "version": purl.split("@")[-1].split("?")[0], "purl": purl, "bom-ref": purl})
for eco, tmpl in (("PyPI", "pkg:pypi/{}@1.0"), ("Go", "pkg:golang/{}@v0.1.0")):
    z = zipfile.ZipFile(f"{shared}/advisories/osv/{eco}/all.zip")
    for n in z.namelist()[:3000]:
        for a in json.loads(z.read(n)).get("affected", []):
            add(tmpl.format(a["package"]["name"]))
for p in re.findall(r"\[bullseye\] - (\S+)", open(f"{shared}/advisories/debian/DSA/list").read()):
    add(f"pkg:deb/debian/{p}@1.0-1?distro=debian-11")
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "container", "name": "synthetic", "bom-ref": "root"}},
           "components": comps}, open(sys.argv[1], "w"))
print(f"{len(comps)} packages")
PY
for _ in 1 2 3; do
  /usr/bin/time -f "%e s wall, %M KB peak RSS" "$BIN" scan --db "$DB" --format json --output /dev/null "sbom:$OUT/sbom2000.json"
done
