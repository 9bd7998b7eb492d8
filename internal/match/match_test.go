package match

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func fixedAt(v string) []advisory.Range {
	return []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
}

func testDB(t *testing.T, advs ...*advisory.Advisory) *vulndb.DB {
	t.Helper()
	p := filepath.Join(t.TempDir(), "db")
	if _, err := vulndb.Build(context.Background(), p, vulndb.Advisories(advs), vulndb.BuildOptions{BuiltAt: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type row struct {
	ID, Pkg, Fixed, Reachable string
	Status                    advisory.Status
	Severity                  advisory.Severity
	Aliases                   []string
}

func run(t *testing.T, db *vulndb.DB, pkgs []sbom.Package, d *sbom.Distro) ([]row, *Result) {
	t.Helper()
	ecos, err := db.Ecosystems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(db, ecos)
	eng.Explain = true
	res, err := eng.Match(context.Background(), pkgs, d)
	if err != nil {
		t.Fatal(err)
	}
	var rows []row
	for _, v := range res.Vulnerabilities {
		rows = append(rows, row{v.ID, v.Package.Name, v.FixedVersion, v.Reachable, v.Status, v.Severity, v.Aliases})
	}
	return rows, res
}

var bookworm = &sbom.Distro{ID: "debian", VersionID: "12", Codename: "bookworm"}

func deb(name, ver, src, srcVer string) sbom.Package {
	return sbom.Package{Name: name, Version: ver, Type: sbom.Deb, SourceName: src, SourceVersion: srcVer}
}

func TestDebian(t *testing.T) {
	db := testDB(t,
		&advisory.Advisory{ID: "DSA-5001-1", Source: "debian-dsa", Aliases: []string{"CVE-2024-0001", "CVE-2024-0002"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:12", Package: "openssl", Ranges: fixedAt("3.0.11-1~deb12u2"), Status: advisory.Fixed},
				{Ecosystem: "Debian:11", Package: "openssl", Ranges: fixedAt("1.1.1w-0+deb11u1"), Status: advisory.Fixed},
			}},
		// The tracker's CVE record for the same flaw merges into the DSA.
		&advisory.Advisory{ID: "CVE-2024-0001", Source: "debian-tracker", Severity: []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: "openssl", Ranges: fixedAt("3.0.11-1~deb12u2"), Status: advisory.Fixed}}},
		&advisory.Advisory{ID: "CVE-2024-0100", Source: "debian-tracker",
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.Unfixed, Severity: []advisory.Score{{Type: "URGENCY", Score: "low"}}}}},
		&advisory.Advisory{ID: "CVE-2024-0101", Source: "debian-tracker",
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.WillNotFix}}},
		&advisory.Advisory{ID: "CVE-2024-0102", Source: "debian-tracker",
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.NotAffected}}},
		&advisory.Advisory{ID: "DSA-5002-1", Source: "debian-dsa", Aliases: []string{"CVE-2024-0200"},
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: "glibc", Ranges: fixedAt("2.36-9+deb12u4"), Status: advisory.Fixed}}},
	)
	pkgs := []sbom.Package{
		deb("libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"),
		deb("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4"), // has the fix
		deb("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1"),
	}
	got, res := run(t, db, pkgs, bookworm)
	want := []row{
		{ID: "DSA-5001-1", Pkg: "libssl3", Fixed: "3.0.11-1~deb12u2", Status: advisory.Fixed, Severity: advisory.Critical, Aliases: []string{"CVE-2024-0001", "CVE-2024-0002"}},
		{ID: "CVE-2024-0100", Pkg: "libssl3", Status: advisory.Unfixed, Severity: advisory.Low, Aliases: []string{}},
		{ID: "CVE-2024-0101", Pkg: "libssl3", Status: advisory.WillNotFix, Severity: advisory.UnknownSeverity, Aliases: []string{}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	reasons := map[string]string{}
	for _, d := range res.Dropped {
		reasons[d.ID] = d.Reason
	}
	if reasons["DSA-5002-1"] == "" || reasons["CVE-2024-0102"] == "" {
		t.Errorf("dropped candidates not explained: %v", reasons)
	}
	// Another release's advisories never apply.
	got, _ = run(t, db, []sbom.Package{deb("libssl3", "1.1.1n-0+deb11u1", "openssl", "1.1.1n-0+deb11u1")}, bookworm)
	for _, r := range got {
		if r.ID == "DSA-5001-1" && r.Fixed != "3.0.11-1~deb12u2" {
			t.Errorf("bullseye fix applied to bookworm: %+v", r)
		}
	}
}

func TestOSVRanges(t *testing.T) {
	db := testDB(t,
		&advisory.Advisory{ID: "PYSEC-1", Source: "osv-pypi", Aliases: []string{"CVE-1"}, Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "jinja2",
			Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "2.10.1"}, {Introduced: "3.0.0a1"}, {Fixed: "3.0.2"}}}}}}},
		&advisory.Advisory{ID: "PYSEC-2", Source: "osv-pypi", Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "jinja2",
			Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "2.0"}, {LastAffected: "2.10"}}}}}}},
		&advisory.Advisory{ID: "PYSEC-3", Source: "osv-pypi", Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "jinja2",
			Versions: []string{"2.9.6"}}}},
		&advisory.Advisory{ID: "GHSA-x", Source: "osv-npm", Affected: []advisory.Affected{{Ecosystem: "npm", Package: "lodash",
			Ranges: []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "4.17.12"}}}}}}},
		&advisory.Advisory{ID: "GHSA-y", Source: "osv-npm", Withdrawn: time.Unix(1, 0), Affected: []advisory.Affected{{Ecosystem: "npm", Package: "lodash",
			Ranges: []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}}}}}}},
	)
	tests := []struct {
		pkg  sbom.Package
		want []string
	}{
		{sbom.Package{Name: "Jinja2", Version: "2.9.6", Type: sbom.Python}, []string{"PYSEC-1 fixed 2.10.1", "PYSEC-2 affected ", "PYSEC-3 affected "}},
		{sbom.Package{Name: "jinja2", Version: "2.10", Type: sbom.Python}, []string{"PYSEC-1 fixed 2.10.1", "PYSEC-2 affected "}},
		{sbom.Package{Name: "jinja2", Version: "2.10.1", Type: sbom.Python}, nil},
		{sbom.Package{Name: "jinja2", Version: "3.0.0", Type: sbom.Python}, []string{"PYSEC-1 fixed 3.0.2"}},
		{sbom.Package{Name: "jinja2", Version: "3.0.0a1", Type: sbom.Python}, []string{"PYSEC-1 fixed 3.0.2"}},
		{sbom.Package{Name: "jinja2", Version: "3.0.2", Type: sbom.Python}, nil},
		{sbom.Package{Name: "lodash", Version: "4.17.4", Type: sbom.NPM}, []string{"GHSA-x fixed 4.17.12"}},
		{sbom.Package{Name: "lodash", Version: "4.17.12", Type: sbom.NPM}, nil},
	}
	for _, tt := range tests {
		rows, _ := run(t, db, []sbom.Package{tt.pkg}, nil)
		var got []string
		for _, r := range rows {
			got = append(got, r.ID+" "+string(r.Status)+" "+r.Fixed)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.pkg.Name, tt.pkg.Version, d)
		}
	}
}

func TestGoReachability(t *testing.T) {
	db := testDB(t,
		&advisory.Advisory{ID: "GO-2022-0001", Source: "osv-go", Affected: []advisory.Affected{{Ecosystem: "Go", Package: "golang.org/x/text",
			Ranges:  []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "0.3.8"}}}},
			Imports: []advisory.Import{{Path: "golang.org/x/text/language", Symbols: []string{"Parse", "MatchStrings"}}}}}},
		&advisory.Advisory{ID: "GO-2022-0002", Source: "osv-go", Affected: []advisory.Affected{{Ecosystem: "Go", Package: "golang.org/x/text",
			Ranges:  []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "0.3.7"}}}},
			Imports: []advisory.Import{{Path: "golang.org/x/text/encoding/unicode", Symbols: []string{"utf16Decoder.Transform"}}}}}},
		&advisory.Advisory{ID: "GO-2023-0003", Source: "osv-go", Affected: []advisory.Affected{{Ecosystem: "Go", Package: "stdlib",
			Ranges:  []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "1.20.0"}, {Fixed: "1.20.5"}}}},
			Imports: []advisory.Import{{Path: "net/http"}}}}},
	)
	pkgs := []sbom.Package{
		{Name: "golang.org/x/text", Version: "v0.3.6", Type: sbom.GoModule, Symbols: []string{"golang.org/x/text/language.Parse", "golang.org/x/text/language.Tag.String"}},
		{Name: "stdlib", Version: "1.20.3", Type: sbom.GoStdlib, Symbols: []string{"fmt.Println", "net/http.ListenAndServe"}},
		{Name: "golang.org/x/text", Version: "v0.3.6", Type: sbom.GoModule, Locations: []sbom.Location{{Path: "stripped"}}},
	}
	got, _ := run(t, db, pkgs, nil)
	want := []row{
		{ID: "GO-2022-0001", Pkg: "golang.org/x/text", Fixed: "0.3.8", Status: advisory.Fixed, Reachable: "true", Severity: advisory.UnknownSeverity, Aliases: []string{}},
		{ID: "GO-2022-0001", Pkg: "golang.org/x/text", Fixed: "0.3.8", Status: advisory.Fixed, Reachable: "unknown", Severity: advisory.UnknownSeverity, Aliases: []string{}},
		{ID: "GO-2022-0002", Pkg: "golang.org/x/text", Fixed: "0.3.7", Status: advisory.Fixed, Reachable: "false", Severity: advisory.UnknownSeverity, Aliases: []string{}},
		{ID: "GO-2022-0002", Pkg: "golang.org/x/text", Fixed: "0.3.7", Status: advisory.Fixed, Reachable: "unknown", Severity: advisory.UnknownSeverity, Aliases: []string{}},
		{ID: "GO-2023-0003", Pkg: "stdlib", Fixed: "1.20.5", Status: advisory.Fixed, Reachable: "true", Severity: advisory.UnknownSeverity, Aliases: []string{}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
