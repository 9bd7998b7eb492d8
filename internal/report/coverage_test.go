package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func debs(n int) []sbom.Package {
	var ps []sbom.Package
	for i := range n {
		ps = append(ps, sbom.Package{Name: fmt.Sprintf("p%02d", i), Version: "1", Type: sbom.Deb})
	}
	return ps
}

func keys(ps []sbom.Package) []report.PackageKey {
	var out []report.PackageKey
	for i := range ps {
		out = append(out, report.KeyOf(&ps[i]))
	}
	return out
}

// TestCoverageDerived: assessed, the counts and the text follow from how
// matching went, never from a default that reads as clean.
func TestCoverageDerived(t *testing.T) {
	pkgs := debs(3)
	noData := report.Gap{Status: report.NotChecked, Reason: "no data for Debian 12", Ecosystem: "Debian:12", Count: 2, Packages: keys(pkgs[:2])}
	tests := []struct {
		name     string
		cov      report.Coverage
		pkgs     []sbom.Package
		assessed report.Assessment
		text     string
		data     string
	}{
		{"matched, all checked", matched(report.PackageCounts{Checked: 3}, nil), pkgs, report.AssessedFull, "", "matched"},
		{"matched, some not", matched(report.PackageCounts{Checked: 1, NotChecked: 2}, []report.Gap{noData}), pkgs, report.AssessedPartial,
			"not checked for 2 of 3 packages (no data for Debian 12)", "matched; not checked for 2 of 3 packages (no data for Debian 12)"},
		{"matched, none checked", matched(report.PackageCounts{NotChecked: 2}, []report.Gap{noData}), pkgs[:2], report.AssessedNone,
			"not checked for 2 of 2 packages (no data for Debian 12)", "matched; not checked for 2 of 2 packages (no data for Debian 12)"},
		{"nothing identifiable", report.Coverage{Matching: report.Matched}, nil, report.AssessedNone,
			"not checked (nothing identifiable in the target)", "matched; not checked (nothing identifiable in the target)"},
		{"no database", report.Coverage{Matching: report.NoDatabase, OSDetected: true}, pkgs, report.AssessedNone,
			"not checked for 3 of 3 packages (no vulnerability database)", "skipped: no vulnerability database"},
		{"no database, no packages", report.Coverage{Matching: report.NoDatabase, OSDetected: true}, nil, report.AssessedNone,
			"not checked (no vulnerability database)", "skipped: no vulnerability database"},
		{"inventory only", report.Coverage{OSDetected: true}, pkgs, report.AssessedNone,
			"not checked for 3 of 3 packages (vulnerability matching not requested)", "skipped: vulnerability matching not requested"},
		{"dockerfile", report.Coverage{Matching: report.NotApplicable}, nil, report.AssessedFull, "", "skipped: a Dockerfile has no packages"},
		{"two reasons", matched(report.PackageCounts{Checked: 0, NotChecked: 3}, []report.Gap{noData,
			{Status: report.NotChecked, Reason: "no data for crates.io", Ecosystem: "crates.io", Count: 1, Packages: keys(pkgs[2:])}}), pkgs, report.AssessedNone,
			"not checked for 3 of 3 packages (no data for Debian 12: 2; no data for crates.io: 1)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &report.Report{Packages: tt.pkgs, Coverage: tt.cov}
			r.Normalize()
			c := r.Coverage
			if c.Assessed != tt.assessed || c.NotCheckedText() != tt.text || (tt.data != "" && c.VulnerabilityData != tt.data) {
				t.Errorf("assessed %q, text %q, data %q", c.Assessed, c.NotCheckedText(), c.VulnerabilityData)
			}
			if c.Matching != report.Matched && c.Matching != report.NotApplicable {
				if c.PackageStatus.NotChecked != len(tt.pkgs) || (len(tt.pkgs) > 0 && (len(c.Gaps) != 1 || len(c.Gaps[0].Packages) != len(tt.pkgs))) {
					t.Errorf("not matched, but counts %+v gaps %+v", c.PackageStatus, c.Gaps)
				}
				for _, p := range tt.pkgs {
					if c.PackageChecked(p.Type, p.Name) {
						t.Errorf("%s counts as checked", p.Name)
					}
				}
			}
		})
	}
	u := reporttest.Sample().Coverage
	if got := u.UnsupportedText(); got != "1 package cannot be matched (the application's own code, not a published release)" {
		t.Errorf("unsupported text %q", got)
	}
	p := reporttest.Partial().Coverage
	if p.Assessed != report.AssessedPartial || !p.PackageChecked(sbom.Python, "PyYAML") || p.PackageChecked(sbom.Deb, "zlib1g") {
		t.Errorf("partial sample: %+v", p)
	}
}

func matched(n report.PackageCounts, gaps []report.Gap) report.Coverage {
	var c report.Coverage
	c.SetMatched(n, gaps)
	c.OSDetected = true
	return c
}

// TestReadLegacyCoverage: reports of schema 1.x (assessed true/false,
// vulnerability_data as text) read back with their coverage translated,
// and a gap they could not list leaves every package's status unknown.
func TestReadLegacyCoverage(t *testing.T) {
	doc := func(assessed bool, data string) string {
		return fmt.Sprintf(`{"schema_version":"1.3.0","tool":{"name":"bulwark","version":"v1"},"target":{"name":"x","kind":"dir"},
			"os":{"id":"debian","version":"12"},
			"coverage":{"assessed":%t,"os_detected":true,"package_databases":["var/lib/dpkg/status (dpkg)"],"catalogers":[],"files":1,"vulnerability_data":%q},
			"packages":[{"name":"a","version":"1","type":"deb","purl":"","locations":[]},{"name":"b","version":"1","type":"python","purl":"","locations":[]}],
			"vulnerabilities":[]}`, assessed, data)
	}
	tests := []struct {
		name     string
		in       string
		matching report.Matching
		assessed report.Assessment
		counts   report.PackageCounts
		checkedB bool
	}{
		{"matched", doc(true, "matched"), report.Matched, report.AssessedFull, report.PackageCounts{Checked: 2}, true},
		{"no data", doc(true, "matched; no advisory data for Debian:12 (1 package)"), report.Matched, report.AssessedPartial,
			report.PackageCounts{Checked: 1, NotChecked: 1}, false},
		{"no database", doc(true, "skipped: no vulnerability database (run `bulwark db update`)"), report.NoDatabase, report.AssessedNone,
			report.PackageCounts{NotChecked: 2}, false},
		{"server", doc(true, "skipped: matched by the server"), report.ByServer, report.AssessedNone, report.PackageCounts{NotChecked: 2}, false},
		{"scanner off", doc(true, "skipped: vuln scanner not selected"), report.ScannerOff, report.AssessedNone, report.PackageCounts{NotChecked: 2}, false},
		{"not requested", doc(false, "skipped: not requested"), report.NotRequested, report.AssessedNone, report.PackageCounts{NotChecked: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := report.ReadJSON(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			c := r.Coverage
			if c.Matching != tt.matching || c.Assessed != tt.assessed || r.SchemaVersion != report.SchemaVersion {
				t.Errorf("matching %q assessed %q schema %s", c.Matching, c.Assessed, r.SchemaVersion)
			}
			if d := cmp.Diff(tt.counts, c.PackageStatus); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
			if got := c.PackageChecked(sbom.Python, "b"); got != tt.checkedB {
				t.Errorf("python b checked: %v, want %v", got, tt.checkedB)
			}
		})
	}
}
