package diff_test

import (
	"bytes"
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
	if err := diff.WriteJSON(&buf, d); err != nil || !strings.Contains(buf.String(), `"diff_version": "1.0.0"`) {
		t.Errorf("json: %v", err)
	}
}

func TestIdentical(t *testing.T) {
	p := pkg(sbom.Deb, "a", "1")
	r := &report.Report{Packages: []sbom.Package{p}, Vulnerabilities: []report.Vulnerability{vuln("CVE-1", advisory.High, p)}}
	d := diff.Compare(r, r)
	if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Introduced)+len(d.Fixed) != 0 || d.Unchanged != 1 {
		t.Errorf("identical reports: %+v", d)
	}
}
