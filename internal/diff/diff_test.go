package diff_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/diff"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func pkg(t sbom.Type, name, version string) sbom.Package {
	return sbom.Package{Type: t, Name: name, Version: version}
}

func vuln(id string, sev advisory.Severity, p sbom.Package) report.Vulnerability {
	return report.Vulnerability{ID: id, Severity: sev, Package: report.PackageRef{Name: p.Name, Version: p.Version, Type: p.Type}}
}

func names(vs []report.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID+" "+v.Package.Name)
	}
	return out
}

func TestCompare(t *testing.T) {
	sslOld, sslNew := pkg(sbom.Deb, "libssl3", "3.0.11-1"), pkg(sbom.Deb, "libssl3", "3.0.13-1")
	zlib := pkg(sbom.Deb, "zlib1g", "1:1.2.13.dfsg-1")
	curlOld, curlNew := pkg(sbom.Deb, "curl", "7.88.1-10+deb12u5"), pkg(sbom.Deb, "curl", "7.88.1-10+deb12u4") // a downgrade
	textA, textB := pkg(sbom.GoModule, "golang.org/x/text", "v0.3.5"), pkg(sbom.GoModule, "golang.org/x/text", "v0.14.0")
	yaml := pkg(sbom.Python, "PyYAML", "5.3")
	pad := pkg(sbom.NPM, "left-pad", "1.3.0")

	old := &report.Report{Target: report.Target{Name: "app:1", Kind: "docker"},
		// x/text at two versions in two binaries: one of them goes.
		Packages: []sbom.Package{sslOld, zlib, curlOld, textA, textB, yaml},
		Vulnerabilities: []report.Vulnerability{
			vuln("CVE-2024-0001", advisory.High, sslOld),          // fixed by the upgrade
			vuln("CVE-2024-0002", advisory.Medium, sslOld),        // still there after the upgrade
			vuln("GO-2021-0113", advisory.UnknownSeverity, textA), // fixed: v0.3.5 is gone
			vuln("PYSEC-2021-142", advisory.Medium, yaml),         // fixed: package removed
			vuln("CVE-2023-45853", advisory.Critical, zlib),       // suppressed in new
		},
	}
	new := &report.Report{Target: report.Target{Name: "app:2", Kind: "docker"},
		Packages: []sbom.Package{sslNew, zlib, curlNew, textB, pad},
		Vulnerabilities: []report.Vulnerability{
			vuln("CVE-2024-0002", advisory.Medium, sslNew),
			vuln("CVE-2024-0100", advisory.Critical, curlNew), // introduced
			vuln("GHSA-aaaa", advisory.Low, pad),              // introduced
		},
		Suppressed: []report.Vulnerability{vuln("CVE-2023-45853", advisory.Critical, zlib)},
	}
	old.Coverage.SetMatched(report.PackageCounts{Checked: len(old.Packages)}, nil)
	new.Coverage.SetMatched(report.PackageCounts{Checked: len(new.Packages)}, nil)
	d := diff.Compare(old, new)
	if got := []string{d.Old.Name, d.New.Name}; !cmp.Equal(got, []string{"app:1", "app:2"}) {
		t.Errorf("sides %v", got)
	}
	wantChanged := []diff.Change{
		{Name: "curl", Type: sbom.Deb, From: "7.88.1-10+deb12u5", To: "7.88.1-10+deb12u4", Downgrade: true},
		{Name: "libssl3", Type: sbom.Deb, From: "3.0.11-1", To: "3.0.13-1"},
	}
	if c := cmp.Diff(wantChanged, d.Changed); c != "" {
		t.Errorf("changed (-want +got):\n%s", c)
	}
	if c := cmp.Diff([]sbom.Package{pad}, d.Added); c != "" {
		t.Errorf("added (-want +got):\n%s", c)
	}
	if c := cmp.Diff([]sbom.Package{textA, yaml}, d.Removed); c != "" {
		t.Errorf("removed (-want +got):\n%s", c)
	}
	if c := cmp.Diff([]string{"CVE-2024-0100 curl", "GHSA-aaaa left-pad"}, names(d.Introduced)); c != "" {
		t.Errorf("introduced (-want +got):\n%s", c)
	}
	if c := cmp.Diff([]string{"CVE-2024-0001 libssl3", "PYSEC-2021-142 PyYAML", "GO-2021-0113 golang.org/x/text"}, names(d.Fixed)); c != "" {
		t.Errorf("fixed (-want +got):\n%s", c)
	}
	if d.Unchanged != 1 || len(d.NewlySuppressed) != 0 {
		t.Errorf("unchanged %d, newly suppressed %v", d.Unchanged, names(d.NewlySuppressed))
	}
	for sev, n := range map[advisory.Severity]int{advisory.Critical: 1, advisory.High: 1, advisory.Low: 2, advisory.UnknownSeverity: 2} {
		if got := d.IntroducedAtLeast(sev); got != n {
			t.Errorf("introduced at or above %s: %d, want %d", sev, got, n)
		}
	}

	var buf bytes.Buffer
	if err := diff.WriteTable(&buf, d, diff.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Packages: 1 added, 2 removed, 2 changed", "Vulnerabilities: 2 introduced, 3 fixed, 1 unchanged",
		"(downgrade)", "INTRODUCED", "CVE-2024-0100"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := diff.WriteJSON(&buf, d); err != nil || !strings.Contains(buf.String(), `"diff_version": "1.1.0"`) {
		t.Errorf("json: %v", err)
	}
}

// TestNoLongerChecked: a finding gone from a new report that did not
// check its package is not fixed.
func TestNoLongerChecked(t *testing.T) {
	ssl, zlib, yaml := pkg(sbom.Deb, "libssl3", "3.0.11-1"), pkg(sbom.Deb, "zlib1g", "1:1.2.13.dfsg-1"), pkg(sbom.Python, "PyYAML", "5.3")
	pad := pkg(sbom.NPM, "left-pad", "1.3.0")
	old := &report.Report{Packages: []sbom.Package{ssl, zlib, yaml, pad},
		Vulnerabilities: []report.Vulnerability{vuln("DSA-1", advisory.High, ssl), vuln("DSA-2", advisory.Low, zlib),
			vuln("PYSEC-1", advisory.Medium, yaml), vuln("GHSA-1", advisory.Low, pad)}}
	old.Coverage.SetMatched(report.PackageCounts{Checked: 4}, nil)
	old.Normalize()
	debs := []report.PackageKey{report.KeyOf(&ssl), report.KeyOf(&zlib)}
	for _, tt := range []struct {
		name      string
		new       func(*report.Report)
		fixed     []string
		unchecked []string
	}{
		{"no data for the release", func(r *report.Report) {
			r.Coverage.SetMatched(report.PackageCounts{Checked: 1, NotChecked: 2},
				[]report.Gap{{Status: report.NotChecked, Reason: "no data for Debian 12", Ecosystem: "Debian:12", Count: 2, Packages: debs}})
		}, []string{"GHSA-1 left-pad", "PYSEC-1 PyYAML"}, []string{"DSA-1 libssl3", "DSA-2 zlib1g"}},
		{"no database", func(r *report.Report) { r.Coverage.Matching = report.NoDatabase },
			[]string{"GHSA-1 left-pad"}, []string{"DSA-1 libssl3", "DSA-2 zlib1g", "PYSEC-1 PyYAML"}},
		{"everything checked", func(r *report.Report) { r.Coverage.SetMatched(report.PackageCounts{Checked: 3}, nil) },
			[]string{"DSA-1 libssl3", "DSA-2 zlib1g", "GHSA-1 left-pad", "PYSEC-1 PyYAML"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The Debian packages and PyYAML stay; left-pad is gone, so
			// its finding is fixed by the removal whatever was checked.
			nr := &report.Report{Packages: []sbom.Package{ssl, zlib, yaml}}
			tt.new(nr)
			nr.Normalize()
			d := diff.Compare(old, nr)
			if c := cmp.Diff(sorted(tt.fixed), sorted(names(d.Fixed))); c != "" {
				t.Errorf("fixed (-want +got):\n%s", c)
			}
			if c := cmp.Diff(sorted(tt.unchecked), sorted(names(d.NoLongerChecked))); c != "" {
				t.Errorf("no longer checked (-want +got):\n%s", c)
			}
			var buf bytes.Buffer
			diff.WriteTable(&buf, d, diff.TableOptions{})
			if len(tt.unchecked) > 0 && !strings.Contains(buf.String(), fmt.Sprintf("%d no longer checked", len(d.NoLongerChecked))) {
				t.Errorf("table:\n%s", buf.String())
			}
		})
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func TestIdentical(t *testing.T) {
	p := pkg(sbom.Deb, "a", "1")
	r := &report.Report{Packages: []sbom.Package{p}, Vulnerabilities: []report.Vulnerability{vuln("CVE-1", advisory.High, p)}}
	d := diff.Compare(r, r)
	if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Introduced)+len(d.Fixed) != 0 || d.Unchanged != 1 {
		t.Errorf("identical reports: %+v", d)
	}
}
