// Package reporttest supports the tests of report formats: sample
// reports (a small one that exercises every field and awkward value, and
// large ones for benchmarks), JSON Schema validation against the official
// schema files kept in each format's testdata, and redaction of the
// fields that change on every run. Only _test.go files import it.
package reporttest

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Created is the fixed creation time of sample reports.
var Created = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func pkg(name, version string, t sbom.Type, d *sbom.Distro, mod func(*sbom.Package)) sbom.Package {
	p := sbom.Package{Name: name, Version: version, Type: t, Locations: []sbom.Location{}}
	if mod != nil {
		mod(&p)
	}
	sbom.SetPURL(&p, d)
	return p
}

func ref(p sbom.Package) report.PackageRef {
	return report.PackageRef{Name: p.Name, Version: p.Version, Type: p.Type, PURL: p.PURL, Locations: p.Locations}
}

// Sample is a small report with every kind of package, severity, status
// and suppression, and text that needs escaping in every format.
func Sample() *report.Report {
	d := &sbom.Distro{ID: "debian", VersionID: "12", Codename: "bookworm"}
	status := []sbom.Location{{Path: "var/lib/dpkg/status", LayerDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"}}
	bin := []sbom.Location{{Path: "usr/local/bin/app server", LayerDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"}}
	libssl := pkg("libssl3", "3.0.11-1~deb12u1", sbom.Deb, d, func(p *sbom.Package) {
		p.Arch, p.SourceName, p.SourceVersion, p.Locations, p.License = "amd64", "openssl", "3.0.11-1~deb12u1", status, []string{"Apache-2.0"}
	})
	zlib := pkg("zlib1g", "1:1.2.13.dfsg-1", sbom.Deb, d, func(p *sbom.Package) {
		p.Arch, p.SourceName, p.SourceVersion, p.Locations = "amd64", "zlib", "1:1.2.13.dfsg-1", status
	})
	app := pkg("example.com/app", "(devel)", sbom.GoModule, nil, func(p *sbom.Package) {
		p.Main, p.GoVersion, p.Platform, p.Locations = true, "go1.22.1", "linux/amd64", bin
	})
	text := pkg("golang.org/x/text", "v0.3.5", sbom.GoModule, nil, func(p *sbom.Package) { p.GoVersion, p.Locations = "go1.22.1", bin })
	stdlib := pkg("stdlib", "1.22.1", sbom.GoStdlib, nil, func(p *sbom.Package) { p.GoVersion, p.Locations = "go1.22.1", bin })
	yaml := pkg("PyYAML", "5.3", sbom.Python, nil, func(p *sbom.Package) {
		p.Locations = []sbom.Location{{Path: "usr/lib/python3/dist-packages/PyYAML-5.3.dist-info/METADATA"}}
	})
	scoped := pkg("@babel/traverse", "7.20.0", sbom.NPM, nil, func(p *sbom.Package) {
		p.Locations, p.Dev = []sbom.Location{{Path: "app/node_modules/@babel/traverse/package.json"}}, true
	})
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: "v1.2.3"},
		CreatedAt:     Created,
		Target: report.Target{Name: "registry.example/app:1.4", Kind: "docker-archive", ID: "sha256:3333333333333333333333333333333333333333333333333333333333333333",
			RepoTags: []string{"registry.example/app:1.4"}, Layers: []report.Layer{{DiffID: status[0].LayerDigest, Size: 1000}, {DiffID: bin[0].LayerDigest, Size: 200}}},
		OS: &report.OS{ID: "debian", Version: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Source: "etc/os-release"},
		Coverage: report.Coverage{OSDetected: true, PackageDatabases: []string{"var/lib/dpkg/status (dpkg)"},
			Catalogers: []string{"dpkg", "gobinary"}, Files: 1234, Notes: []string{"a note with <angle> & \"quotes\""}},
		Packages: []sbom.Package{libssl, zlib, app, text, stdlib, yaml, scoped},
		Database: &report.Database{BuiltAt: Created.Add(-time.Hour), Sources: []string{"debian-dsa", "osv-go"}},
	}
	r.Vulnerabilities = []report.Vulnerability{
		{ID: "DSA-5532-1", Aliases: []string{"CVE-2023-5363"}, Package: ref(libssl), FixedVersion: "3.0.11-1~deb12u2", Severity: advisory.High,
			SeveritySource: "CVSS_V3 7.5", Status: advisory.Fixed, DataSource: "debian-dsa", Title: "openssl - security update <script>alert(1)</script>",
			Match: report.Explanation{Advisory: "DSA-5532-1", Ecosystem: "Debian:12", Package: "openssl", Ordering: "dpkg", Range: "< 3.0.11-1~deb12u2"}},
		{ID: "CVE-2023-45853", Aliases: []string{}, Package: ref(zlib), Severity: advisory.Critical, SeveritySource: "CVSS_V3 9.8",
			Status: advisory.WillNotFix, DataSource: "debian-tracker", Title: "MiniZip integer overflow",
			Match:       report.Explanation{Advisory: "CVE-2023-45853", Ecosystem: "Debian:12", Package: "zlib", Ordering: "dpkg", Range: "will-not-fix in Debian:12"},
			Suppression: &report.Suppression{Kind: report.SuppressedByIgnore, Reason: "minizip is not used", Source: ".bulwarkignore.yaml", Expires: "2026-01-31", Expired: true}},
		{ID: "GO-2021-0113", Aliases: []string{"CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"}, Package: ref(text), FixedVersion: "0.3.7", Severity: advisory.UnknownSeverity,
			Status: advisory.Fixed, DataSource: "osv-go", Title: "Out-of-bounds read in golang.org/x/text/language", Reachable: "unknown",
			Match: report.Explanation{Advisory: "GO-2021-0113", Ecosystem: "Go", Package: "golang.org/x/text", Ordering: "go", Range: "SEMVER [0, 0.3.7)"}},
		{ID: "PYSEC-2020-176", Aliases: []string{"CVE-2020-14343"}, Package: ref(yaml), FixedVersion: "5.4", Severity: advisory.Medium,
			Status: advisory.Fixed, DataSource: "osv-pypi", Title: "PyYAML: arbitrary code execution — “full_load”",
			Match: report.Explanation{Advisory: "PYSEC-2020-176", Ecosystem: "PyPI", Package: "pyyaml", Ordering: "pep440", Range: "ECOSYSTEM [0, 5.4)"}},
		{ID: "GHSA-67hx-6x53-jw92", Aliases: []string{"CVE-2023-45133"}, Package: ref(scoped), Severity: advisory.Low,
			Status: advisory.StatusAffected, DataSource: "osv-npm", Title: "",
			Match: report.Explanation{Advisory: "GHSA-67hx-6x53-jw92", Ecosystem: "npm", Package: "@babel/traverse", Ordering: "npm", Range: "all versions"}},
	}
	r.Suppressed = []report.Vulnerability{
		{ID: "GO-2024-2598", Aliases: []string{"CVE-2024-24783"}, Package: ref(stdlib), FixedVersion: "1.22.2", Severity: advisory.Medium,
			Status: advisory.Fixed, DataSource: "osv-go", Title: "Verify panics on certificates with an unknown public key algorithm in crypto/x509", Reachable: "false",
			Match:       report.Explanation{Advisory: "GO-2024-2598", Ecosystem: "Go", Package: "stdlib", Ordering: "go", Range: "SEMVER [1.22.0-0, 1.22.1)"},
			Suppression: &report.Suppression{Kind: report.SuppressedByVEX, Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path", Reason: "x509 verification is not used", Source: "app.openvex.json", Statement: "https://example.com/vex/1"}},
		{ID: "DSA-5417-1", Aliases: []string{"CVE-2023-2650"}, Package: ref(libssl), FixedVersion: "3.0.9-1", Severity: advisory.Medium,
			Status: advisory.Fixed, DataSource: "debian-dsa", Title: "openssl - security update",
			Match:       report.Explanation{Advisory: "DSA-5417-1", Ecosystem: "Debian:12", Package: "openssl", Ordering: "dpkg", Range: "< 3.0.9-1"},
			Suppression: &report.Suppression{Kind: report.SuppressedByIgnore, Reason: "accepted until the base image moves", Source: ".bulwarkignore.yaml", Expires: "2030-12-31"}},
	}
	r.Coverage.SetMatched(report.PackageCounts{Checked: 6, Unsupported: 1}, []report.Gap{{Status: report.Unsupported,
		Reason: "the application's own code, not a published release", Count: 1, Packages: []report.PackageKey{report.KeyOf(&app)}}})
	r.Filters = &report.Filters{IgnoreFile: ".bulwarkignore.yaml", VEX: []string{"app.openvex.json"}, Filtered: 2}
	r.Findings = []finding.Finding{
		{Rule: finding.Rule{ID: "BW-SECRET-AWS", Class: finding.Secret, Severity: advisory.Critical, Title: "AWS access key",
			Remediation: "Remove the key from the image and rotate it"},
			Evidence: finding.Evidence{Path: "srv/app/.env", LayerDigest: bin[0].LayerDigest, Line: 3, Match: "AKIA************MPLE"}},
		{Rule: finding.Rule{ID: "BW-MISCONFIG-ROOT", Class: finding.Misconfig, Severity: advisory.Medium, Title: "Image runs as root",
			Description: "No USER instruction: containers run as root", Remediation: "Add USER with a non-root user", CIS: "4.1"},
			Evidence: finding.Evidence{Key: "User"}},
		{Rule: finding.Rule{ID: "BW-MISCONFIG-SSH-PORT", Class: finding.Misconfig, Severity: advisory.Low, Title: "Image exposes an administration port",
			Remediation: "Do not expose 22/tcp"},
			Evidence:    finding.Evidence{Key: "ExposedPorts", Match: "22/tcp"},
			Suppression: &report.Suppression{Kind: report.SuppressedByIgnore, Reason: "bastion image", Source: ".bulwarkignore.yaml", Expires: "2026-01-31", Expired: true}},
	}
	r.SuppressedFindings = []finding.Finding{
		{Rule: finding.Rule{ID: "BW-SECRET-PRIVATE-KEY", Class: finding.Secret, Severity: advisory.High, Title: "Private key"},
			Evidence:    finding.Evidence{Path: "srv/app/test/fixtures/key.pem", LayerDigest: bin[0].LayerDigest, Line: 1, Match: "----****************"},
			Suppression: &report.Suppression{Kind: report.SuppressedByIgnore, Reason: "throw-away test key", Source: ".bulwarkignore.yaml"}},
	}
	r.Normalize()
	return r
}

// Partial is Sample as a database without data for Debian 12 leaves it:
// the two Debian packages not checked (and so without findings), the
// others checked; its coverage is partial.
func Partial() *report.Report {
	r := Sample()
	var keys []report.PackageKey
	for i := range r.Packages {
		if r.Packages[i].Type == sbom.Deb {
			keys = append(keys, report.KeyOf(&r.Packages[i]))
		}
	}
	notDeb := func(v report.Vulnerability) bool { return v.Package.Type == sbom.Deb }
	r.Vulnerabilities = slices.DeleteFunc(r.Vulnerabilities, notDeb)
	r.Suppressed = slices.DeleteFunc(r.Suppressed, notDeb)
	gaps := append([]report.Gap{{Status: report.NotChecked, Reason: "no data for Debian 12", Ecosystem: "Debian:12", Count: len(keys), Packages: keys}},
		r.Coverage.Gaps...)
	r.Coverage.SetMatched(report.PackageCounts{Checked: r.Coverage.PackageStatus.Checked - len(keys), NotChecked: len(keys), Unsupported: 1}, gaps)
	r.Normalize()
	return r
}

// Large is a report with n findings over n/4 packages, for benchmarks.
func Large(n int) *report.Report {
	r := Sample()
	d := &sbom.Distro{ID: "debian", VersionID: "12"}
	sevs := []advisory.Severity{advisory.Critical, advisory.High, advisory.Medium, advisory.Low, advisory.UnknownSeverity}
	r.Packages, r.Vulnerabilities, r.Suppressed = nil, nil, nil
	np := max(n/4, 1)
	for i := range np {
		r.Packages = append(r.Packages, pkg(fmt.Sprintf("lib%05d", i), fmt.Sprintf("1.%d.0-1", i%50), sbom.Deb, d, func(p *sbom.Package) {
			p.Arch, p.SourceName = "amd64", fmt.Sprintf("src%05d", i/3)
			p.Locations = []sbom.Location{{Path: "var/lib/dpkg/status", LayerDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"}}
		}))
	}
	for i := range n {
		p := r.Packages[i%np]
		v := report.Vulnerability{ID: fmt.Sprintf("CVE-2024-%05d", i), Aliases: []string{fmt.Sprintf("DSA-%d-1", 5000+i)}, Package: ref(p),
			Severity: sevs[i%len(sevs)], Status: advisory.Fixed, FixedVersion: "2.0.0-1", DataSource: "debian-tracker",
			Title: fmt.Sprintf("%s: buffer overflow in parser number %d <x>", p.Name, i),
			Match: report.Explanation{Advisory: fmt.Sprintf("CVE-2024-%05d", i), Ecosystem: "Debian:12", Package: p.SourceName, Ordering: "dpkg", Range: "< 2.0.0-1"}}
		if i%20 == 0 {
			v.Suppression = &report.Suppression{Kind: report.SuppressedByVEX, Status: "not_affected", Justification: "component_not_present", Reason: "not shipped"}
			r.Suppressed = append(r.Suppressed, v)
			continue
		}
		r.Vulnerabilities = append(r.Vulnerabilities, v)
	}
	r.Coverage.SetMatched(report.PackageCounts{Checked: np}, nil)
	r.Normalize()
	return r
}

// Schema is one schema document and the URL its references know it by.
type Schema struct {
	URL  string
	Path string
}

// Validate checks doc against the first schema; the others are the
// documents it references. Formats are asserted, not just types.
func Validate(t testing.TB, doc []byte, schemas ...Schema) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, s := range schemas {
		b, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatalf("schema: %v", err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("schema %s: %v", s.Path, err)
		}
		if err := c.AddResource(s.URL, v); err != nil {
			t.Fatalf("schema %s: %v", s.Path, err)
		}
	}
	sch, err := c.Compile(schemas[0].URL)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemas[0].Path, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("output does not validate against %s:\n%v", schemas[0].Path, err)
	}
}

// redactions replace what changes on every run.
var redactions = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`urn:uuid:[0-9a-f-]{36}`), "urn:uuid:REDACTED"},
	{regexp.MustCompile(`-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`), `-REDACTED"`},
}

// Redact removes run-specific values (UUIDs) from b.
func Redact(b []byte) []byte {
	for _, r := range redactions {
		b = r.re.ReplaceAll(b, []byte(r.with))
	}
	return b
}

// CPUTime is the CPU time (user and system) the process has used so far;
// benchmarks report it beside wall time, which on a shared machine mostly
// measures the neighbours.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// CheckReadOwn checks an SBOM a format reader read back from what its
// writer made of r: exactly r's packages (their Symbols aside, which
// SBOMs do not carry), OS, subject and id, the format's name, and
// nothing skipped.
func CheckReadOwn(t testing.TB, r *report.Report, doc *report.SBOM, format string) {
	t.Helper()
	if d := cmp.Diff(r.Packages, doc.Packages, cmpopts.IgnoreFields(sbom.Package{}, "Symbols")); d != "" {
		t.Errorf("packages (-report +sbom):\n%s", d)
	}
	if d := cmp.Diff(r.OS, doc.OS); d != "" {
		t.Errorf("OS (-report +sbom):\n%s", d)
	}
	if doc.Format != format || doc.Subject != r.Target.Name || doc.ID != r.Target.ID || doc.Skipped != 0 {
		t.Errorf("format %q subject %q id %q skipped %d", doc.Format, doc.Subject, doc.ID, doc.Skipped)
	}
}

// PackageView is what tests of the SBOM readers compare of a package read
// from another tool's document.
type PackageView struct {
	Name, Version string
	Type          sbom.Type
	Source, SrcV  string
	Arch          string
}

// View lists the packages' views, in order.
func View(ps []sbom.Package) []PackageView {
	var out []PackageView
	for _, p := range ps {
		out = append(out, PackageView{p.Name, p.Version, p.Type, p.SourceName, p.SourceVersion, p.Arch})
	}
	return out
}

// NewView is a PackageView, for tables of expected packages.
func NewView(name, version string, typ sbom.Type, source, sourceVersion, arch string) PackageView {
	return PackageView{name, version, typ, source, sourceVersion, arch}
}
