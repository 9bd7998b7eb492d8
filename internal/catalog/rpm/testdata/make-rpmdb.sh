#!/usr/bin/env bash
# Builds real rpm databases for the rpm cataloger's tests.
#
#   make-rpmdb.sh OUTDIR
#
# With Debian's rpm tools (apt-get install rpm; sqlite3 and db5.3-util for
# the Berkeley DB copy and the fuzz seeds) it builds a set of small packages from a spec written here
# (several subpackages, one noarch, one with an epoch, one with a file list
# large enough to spill into overflow pages, a subpackage whose source
# package has another name), installs them with `rpm -i --justdb` into a
# fresh database, imports a real OpenPGP key (a gpg-pubkey pseudo-package)
# and writes:
#
#   OUTDIR/var/lib/rpm/rpmdb.sqlite   the database rpm wrote (sqlite backend)
#   OUTDIR/var/lib/rpm/Packages       the same headers in a Berkeley DB hash
#                                     database written by db5.3_load, keyed by
#                                     header number as rpm did (only when
#                                     db5.3_load and sqlite3 are installed)
#   OUTDIR/expected.txt               `rpm -qa` of the sqlite database
#   OUTDIR/expected-bdb.txt           `rpm -qa` of the Berkeley DB copy, read
#                                     by rpm's own bdb_ro backend
#
# Each expected line is NAME, [EPOCH:]VERSION-RELEASE, ARCH, SOURCERPM and
# LICENSE separated by tabs, sorted. The checked-in testdata/ was made with
# `make-rpmdb.sh testdata` using rpm 4.18.0 and db5.3-util 5.3.28 on Debian 12.
set -euo pipefail
out=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
qf='%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'

mkdir -p "$work"/{SPECS,BUILD,RPMS,SRPMS,BUILDROOT}
cat >"$work/SPECS/fixture.spec" <<'SPEC'
Name:           bulwark-fixture
Version:        4.9
Release:        8.el9
Epoch:          2
Summary:        Fixture packages for the Bulwark rpm cataloger
License:        BSD and GPLv2+
%global debug_package %{nil}

%description
Main package, with an epoch.

%package -n bulwark-subid
Summary:        Subpackage named apart from its source
License:        GPL-2.0-or-later

%description -n bulwark-subid
Subpackage.

%package -n bulwark-data
Summary:        Architecture-independent data
License:        Public Domain
BuildArch:      noarch

%description -n bulwark-data
Noarch subpackage.

%package -n bulwark-many-files
Summary:        A file list large enough for overflow pages
License:        MIT

%description -n bulwark-many-files
Many files.

%install
mkdir -p %{buildroot}/usr/share/bulwark/many
echo main > %{buildroot}/usr/share/bulwark/main.txt
echo subid > %{buildroot}/usr/share/bulwark/subid.txt
echo data > %{buildroot}/usr/share/bulwark/data.txt
for i in $(seq 1 400); do echo $i > %{buildroot}/usr/share/bulwark/many/a-rather-long-file-name-to-grow-the-header-$i.txt; done

%files
/usr/share/bulwark/main.txt

%files -n bulwark-subid
/usr/share/bulwark/subid.txt

%files -n bulwark-data
/usr/share/bulwark/data.txt

%files -n bulwark-many-files
/usr/share/bulwark/many
SPEC

# Thirty more packages so that the sqlite table needs interior pages.
{
  echo 'Name: bulwark-filler'
  echo 'Version: 1.0'
  echo 'Release: 1'
  echo 'Summary: Filler'
  echo 'License: MIT'
  echo '%global debug_package %{nil}'
  echo '%description'
  echo 'Filler.'
  for i in $(seq -w 1 30); do
    echo "%package -n bulwark-filler-$i"
    echo "Summary: Filler $i"
    echo "Version: 1.$i"
    echo "%description -n bulwark-filler-$i"
    echo "Filler $i with a description long enough to take some room in the header: $(printf 'x%.0s' $(seq 1 300))"
    echo "%files -n bulwark-filler-$i"
  done
} >"$work/SPECS/filler.spec"

for spec in fixture filler; do
  rpmbuild --quiet -bb --define "_topdir $work" "$work/SPECS/$spec.spec" >/dev/null 2>"$work/rpmbuild.log" ||
    { cat "$work/rpmbuild.log" >&2; exit 1; }
done

db="$work/db"
mkdir -p "$db"
rpm --dbpath "$db" --define '_db_backend sqlite' --initdb
find "$work/RPMS" -name '*.rpm' -print0 | sort -z |
  xargs -0 rpm --dbpath "$db" --define '_db_backend sqlite' -i --justdb --nodeps --noscripts --notriggers --ignorearch --ignoreos --nosignature
gpg --no-default-keyring --keyring /usr/share/keyrings/debian-archive-bookworm-stable.gpg \
  --export --armor >"$work/key.asc" 2>/dev/null
rpm --dbpath "$db" --define '_db_backend sqlite' --import "$work/key.asc"

mkdir -p "$out/var/lib/rpm"
rpm --dbpath "$db" --define '_db_backend sqlite' -qa --qf "$qf" | LC_ALL=C sort >"$out/expected.txt"
cp "$db/rpmdb.sqlite" "$out/var/lib/rpm/rpmdb.sqlite"

if command -v db5.3_load >/dev/null && command -v sqlite3 >/dev/null; then
  # db_load's bytevalue format: each key and value as a line of hex digits.
  # rpm keyed Packages by the header number in the host's byte order.
  {
    printf 'VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n'
    sqlite3 "$db/rpmdb.sqlite" 'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum' |
      while IFS='|' read -r hnum hex; do
        printf ' %08x\n %s\n' "$hnum" "$hex" | sed -E '1s/ (..)(..)(..)(..)/ \4\3\2\1/' | tr 'A-F' 'a-f'
      done
    printf 'DATA=END\n'
  } >"$work/packages.dump"
  bdb="$work/bdb"
  mkdir -p "$bdb"
  rm -f "$out/var/lib/rpm/Packages"
  db5.3_load -f "$work/packages.dump" "$out/var/lib/rpm/Packages"
  cp "$out/var/lib/rpm/Packages" "$bdb/Packages"
  rpm --dbpath "$bdb" --define '_db_backend bdb_ro' -qa --qf "$qf" 2>/dev/null | LC_ALL=C sort >"$out/expected-bdb.txt"
fi

# Small seeds for the fuzz targets: two headers in 512-byte pages, so that
# one of them spills into overflow pages.
if command -v sqlite3 >/dev/null; then
  mkdir -p "$out/seeds"
  sel="SELECT hnum, hex(blob) FROM Packages WHERE hnum IN (SELECT hnum FROM Packages ORDER BY length(blob) LIMIT 2)"
  rm -f "$out/seeds/small.sqlite"
  sqlite3 "$out/seeds/small.sqlite" "PRAGMA page_size=512; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL); ATTACH '$db/rpmdb.sqlite' AS src; INSERT INTO Packages SELECT hnum, blob FROM src.Packages WHERE hnum IN (SELECT hnum FROM src.Packages ORDER BY length(blob) LIMIT 2);"
  if command -v db5.3_load >/dev/null; then
    {
      printf 'VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n'
      sqlite3 "$db/rpmdb.sqlite" "$sel" | while IFS='|' read -r hnum hex; do
        printf ' %08x\n %s\n' "$hnum" "$hex" | sed -E '1s/ (..)(..)(..)(..)/ \4\3\2\1/' | tr 'A-F' 'a-f'
      done
      printf 'DATA=END\n'
    } >"$work/small.dump"
    rm -f "$out/seeds/small.bdb"
    db5.3_load -c db_pagesize=512 -f "$work/small.dump" "$out/seeds/small.bdb"
  fi
fi
