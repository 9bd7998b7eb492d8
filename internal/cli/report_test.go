package cli_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// copyDir copies a fixture tree (regular files, directories, symlinks).
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	return dst
}

func schemas(t *testing.T) map[string][]reporttest.Schema {
	root := testutil.RepoRoot(t)
	rep := filepath.Join(root, "internal", "report")
	return map[string][]reporttest.Schema{
		"json":  {{URL: "https://github.com/bulwark-sec/bulwark/docs/report-schema.json", Path: filepath.Join(root, "docs", "report-schema.json")}},
		"sarif": {{URL: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", Path: filepath.Join(rep, "sarif", "testdata", "sarif-2.1.0.schema.json")}},
		"cyclonedx": {
			{URL: "http://cyclonedx.org/schema/bom-1.6.schema.json", Path: filepath.Join(rep, "cyclonedx", "testdata", "bom-1.6.SNAPSHOT.schema.json")},
			{URL: "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json", Path: filepath.Join(rep, "cyclonedx", "testdata", "spdx.SNAPSHOT.schema.json")},
			{URL: "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json", Path: filepath.Join(rep, "cyclonedx", "testdata", "jsf-0.82.SNAPSHOT.schema.json")},
		},
		"spdx-json": {{URL: "http://spdx.org/rdf/terms/2.3", Path: filepath.Join(rep, "spdx", "testdata", "spdx-2.3.schema.json")}},
	}
}

func decode(t *testing.T, s string) *report.Report {
	t.Helper()
	r, err := report.ReadJSON(strings.NewReader(s))
	if err != nil {
		t.Fatalf("json report: %v\n%.500s", err, s)
	}
	return r
}

func vulnIDs(vs []report.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID+" "+v.Package.Name)
	}
	slices.Sort(out)
	return out
}

// TestRealScans runs the binary on a real scan: the mixed fixture (the
// edited Debian bullseye dpkg status, a Go binary, a Python dist-info and
// an npm package) against a database of the real Debian, Go and PyPI feeds
// plus one npm record. It covers acceptance 1 on real output (every
// format validates against its schema) and acceptance 4 (exit codes,
// ignore-file expiry, VEX suppression and diff on real scans).
func TestRealScans(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a real root filesystem and a database from the shared feeds")
	}
	root := reporttest.Mixed(t)
	db := reporttest.MixedDB(t)
	target := "dir:" + root
	scanArgs := func(extra ...string) []string {
		return append(append([]string{"scan", "--no-cache", "--db", db}, extra...), target)
	}

	base := run(t, scanArgs("--format", "json")...)
	if base.code != 0 {
		t.Fatalf("scan: exit %d: %s", base.code, base.stderr)
	}
	rep := decode(t, base.stdout)
	ids := vulnIDs(rep.Vulnerabilities)
	for _, want := range []string{"GHSA-p6mc-m468-83gw lodash", "GO-2021-0113 golang.org/x/text", "PYSEC-2021-142 PyYAML", "DSA-5343-1 libssl1.1"} {
		if !slices.Contains(ids, want) {
			t.Fatalf("real scan lacks %s; has %v", want, ids)
		}
	}

	t.Run("formats validate", func(t *testing.T) {
		for format, sch := range schemas(t) {
			r := run(t, scanArgs("--format", format)...)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
			}
			reporttest.Validate(t, []byte(r.stdout), sch...)
		}
		r := run(t, scanArgs("--format", "junit")...)
		var suites struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil || suites.Failures != len(rep.Vulnerabilities)+len(rep.Findings) {
			t.Errorf("junit: %v, %d failures for %d vulnerabilities and %d other findings", err, suites.Failures, len(rep.Vulnerabilities), len(rep.Findings))
		}
		out := filepath.Join(t.TempDir(), "report.html")
		if r := run(t, scanArgs("--format", "html", "--output", out)...); r.code != 0 {
			t.Fatalf("html: %d %s", r.code, r.stderr)
		}
		if b, _ := os.ReadFile(out); !strings.Contains(string(b), "GHSA-p6mc-m468-83gw") || strings.Contains(string(b), "https:") {
			t.Errorf("html report: %d bytes, lacks the finding or holds a URL", len(b))
		}
		tmpl := filepath.Join(t.TempDir(), "ids.tmpl")
		os.WriteFile(tmpl, []byte(`{{range .Vulnerabilities}}{{.ID}} {{.Package.Name}}{{"\n"}}{{end}}`), 0o644)
		r = run(t, scanArgs("--format", "template", "--template", tmpl)...)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		slices.Sort(lines)
		if r.code != 0 || !slices.Equal(lines, ids) {
			t.Errorf("template: exit %d, %d lines for %d findings: %s", r.code, len(lines), len(ids), r.stderr)
		}
		r = run(t, scanArgs("--format", "table")...)
		if r.code != 0 || !strings.Contains(r.stdout, "npm (1)") || strings.Contains(r.stdout, "\x1b[") {
			t.Errorf("table (piped, so plain): exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("exit codes", func(t *testing.T) {
		// lodash's advisory is the only finding rated high.
		for _, tt := range []struct {
			args []string
			code int
		}{
			{nil, 0},
			{[]string{"--fail-on", "high"}, 1},
			{[]string{"--fail-on", "critical"}, 0},
			{[]string{"--fail-on", "unknown"}, 1},
			{[]string{"--fail-on", "high", "--severity", "critical,medium"}, 0},
			{[]string{"--fail-on", "high", "--ignore-unfixed"}, 1},
			{[]string{"--severity", "severe"}, 2},
			{[]string{"--format", "template"}, 2},
			{[]string{"--template", "x.tmpl"}, 2},
			{[]string{"--vex", "/nonexistent.json"}, 2},
			{[]string{"--ignore-file", "/nonexistent.yaml"}, 2},
		} {
			r := run(t, scanArgs(append([]string{"--format", "json"}, tt.args...)...)...)
			if r.code != tt.code {
				t.Errorf("%v: exit %d, want %d; stderr %s", tt.args, r.code, tt.code, r.stderr)
			}
			if tt.code == 2 && (r.stdout != "" || strings.Count(r.stderr, "\n") != 1) {
				t.Errorf("%v: usage error must be one line and no report: %q %q", tt.args, r.stdout, r.stderr)
			}
		}
	})

	t.Run("ignore file and expiry", func(t *testing.T) {
		dir := t.TempDir()
		live := filepath.Join(dir, "live.yaml")
		os.WriteFile(live, []byte("ignores:\n  - id: CVE-2020-8203\n    package: lodash\n    reason: prototype pollution needs a merge of untrusted input; we do none\n    expires: 2999-12-31\n"), 0o644)
		expired := filepath.Join(dir, "expired.yaml")
		os.WriteFile(expired, []byte("ignores:\n  - id: GHSA-p6mc-m468-83gw\n    reason: accepted for the 1.0 release\n    expires: 2021-06-30\n"), 0o644)

		r := run(t, scanArgs("--format", "json", "--fail-on", "high", "--ignore-file", live)...)
		if r.code != 0 {
			t.Errorf("live entry: exit %d, want 0: %s", r.code, r.stderr)
		}
		got := decode(t, r.stdout)
		if len(got.Suppressed) != 1 || got.Suppressed[0].ID != "GHSA-p6mc-m468-83gw" || got.Suppressed[0].Suppression.Kind != "ignore" ||
			!strings.Contains(got.Suppressed[0].Suppression.Reason, "untrusted input") || len(got.Vulnerabilities) != len(rep.Vulnerabilities)-1 {
			t.Errorf("live entry: suppressed %+v", got.Suppressed)
		}
		reporttest.Validate(t, []byte(r.stdout), schemas(t)["json"]...)

		r = run(t, scanArgs("--format", "json", "--fail-on", "high", "--ignore-file", expired)...)
		if r.code != 1 {
			t.Errorf("expired entry: exit %d, want 1", r.code)
		}
		got = decode(t, r.stdout)
		var lodash *report.Vulnerability
		for i, v := range got.Vulnerabilities {
			if v.ID == "GHSA-p6mc-m468-83gw" {
				lodash = &got.Vulnerabilities[i]
			}
		}
		if len(got.Suppressed) != 0 || lodash == nil || lodash.Suppression == nil || !lodash.Suppression.Expired || lodash.Suppression.Expires != "2021-06-30" {
			t.Errorf("expired entry: finding %+v, suppressed %d", lodash, len(got.Suppressed))
		}
		r = run(t, scanArgs("--format", "table", "--ignore-file", expired)...)
		if !strings.Contains(r.stdout, "ignore entry expired on 2021-06-30") {
			t.Errorf("table does not say the entry expired:\n%s", r.stdout)
		}
		// The default file in the working directory is used when present.
		cmd := exec.Command(binary, scanArgs("--format", "json", "--fail-on", "high")...)
		cmd.Dir = dir
		os.WriteFile(filepath.Join(dir, ".bulwarkignore.yaml"), []byte("ignores:\n  - id: CVE-2020-8203\n    reason: default file\n"), 0o644)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "BULWARK_CACHE_DIR="+t.TempDir())
		if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), `"reason": "default file"`) {
			t.Errorf("default ignore file not used: %v", err)
		}
	})

	t.Run("vex", func(t *testing.T) {
		doc := filepath.Join(t.TempDir(), "app.openvex.json")
		os.WriteFile(doc, []byte(`{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/lodash-1",
  "author": "App Team",
  "timestamp": "2024-05-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2020-8203"}, "products": [{"@id": "pkg:npm/lodash@4.17.15"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
     "impact_statement": "zipObjectDeep is never called"},
    {"vulnerability": {"name": "CVE-2020-14343"}, "products": [{"@id": "pkg:pypi/pyyaml"}],
     "status": "affected", "action_statement": "upgrade PyYAML"},
    {"vulnerability": {"name": "GO-2021-0113"}, "products": [{"@id": "pkg:golang/golang.org/x/text@v0.3.5"}],
     "status": "fixed", "impact_statement": "patched in our vendored copy"}
  ]
}`), 0o644)
		r := run(t, scanArgs("--format", "json", "--fail-on", "high", "--vex", doc)...)
		if r.code != 0 {
			t.Errorf("exit %d, want 0: %s", r.code, r.stderr)
		}
		got := decode(t, r.stdout)
		if d := vulnIDs(got.Suppressed); !slices.Equal(d, []string{"GHSA-p6mc-m468-83gw lodash", "GO-2021-0113 golang.org/x/text"}) {
			t.Errorf("suppressed %v", d)
		}
		for _, v := range got.Suppressed {
			s := v.Suppression
			if s.Kind != "vex" || s.Statement != "https://example.com/vex/lodash-1" || s.Source != doc {
				t.Errorf("%s: suppression %+v", v.ID, s)
			}
			if v.ID == "GHSA-p6mc-m468-83gw" && (s.Status != "not_affected" || s.Justification != "vulnerable_code_not_in_execute_path" || s.Reason != "zipObjectDeep is never called") {
				t.Errorf("lodash: suppression %+v", s)
			}
		}
		if !slices.Contains(vulnIDs(got.Vulnerabilities), "PYSEC-2021-142 PyYAML") {
			t.Error("an affected statement suppressed a finding")
		}
		// The justification reaches the other formats.
		for format, want := range map[string]string{
			"sarif":     `"justification": "VEX not_affected (vulnerable_code_not_in_execute_path): zipObjectDeep is never called`,
			"cyclonedx": `"justification": "code_not_reachable"`,
			"table":     "VEX not_affected (vulnerable_code_not_in_execute_path)",
			"html":      "VEX not_affected (vulnerable_code_not_in_execute_path)",
			"junit":     "VEX not_affected (vulnerable_code_not_in_execute_path)",
		} {
			r := run(t, scanArgs("--format", format, "--vex", doc)...)
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s output lacks %q", format, want)
			}
			if sch := schemas(t)[format]; sch != nil {
				reporttest.Validate(t, []byte(r.stdout), sch...)
			}
		}
	})

	t.Run("sbom target", func(t *testing.T) {
		for _, format := range []string{"cyclonedx", "spdx-json"} {
			file := filepath.Join(t.TempDir(), "sbom.json")
			if r := run(t, "sbom", "--no-cache", "--format", format, "--output", file, target); r.code != 0 {
				t.Fatalf("sbom %s: %d %s", format, r.code, r.stderr)
			}
			b, _ := os.ReadFile(file)
			reporttest.Validate(t, b, schemas(t)[format]...)
			r := run(t, "scan", "--db", db, "--format", "json", "sbom:"+file)
			if r.code != 0 {
				t.Fatalf("scan sbom:%s: %d %s", format, r.code, r.stderr)
			}
			if got := vulnIDs(decode(t, r.stdout).Vulnerabilities); !slices.Equal(got, ids) {
				t.Errorf("sbom:%s reports %d findings, the image %d", format, len(got), len(ids))
			}
		}
		// Converting one SBOM format into the other keeps the findings.
		cdxFile := filepath.Join(t.TempDir(), "app.cdx.json")
		if r := run(t, "sbom", "--no-cache", "--format", "cyclonedx", "--output", cdxFile, target); r.code != 0 {
			t.Fatalf("sbom: %d %s", r.code, r.stderr)
		}
		converted := run(t, "sbom", "--format", "spdx-json", "sbom:"+cdxFile)
		if converted.code != 0 {
			t.Fatalf("conversion: %d %s", converted.code, converted.stderr)
		}
		reporttest.Validate(t, []byte(converted.stdout), schemas(t)["spdx-json"]...)
		spdxFile := filepath.Join(t.TempDir(), "app.spdx.json")
		os.WriteFile(spdxFile, []byte(converted.stdout), 0o644)
		if r := run(t, "scan", "--db", db, "--format", "json", "sbom:"+spdxFile); !slices.Equal(vulnIDs(decode(t, r.stdout).Vulnerabilities), ids) {
			t.Errorf("the converted SBOM gives other findings")
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX","components":7}`), 0o644)
		if r := run(t, "scan", "--db", db, "sbom:"+bad); r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("broken SBOM: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("diff", func(t *testing.T) {
		// The next release: lodash upgraded, PyYAML gone, left-pad new.
		next := copyDir(t, root)
		os.WriteFile(filepath.Join(next, "srv/app/node_modules/lodash/package.json"), []byte(`{"name":"lodash","version":"4.17.21"}`), 0o644)
		os.RemoveAll(filepath.Join(next, "usr/lib/python3/dist-packages/PyYAML-5.3.dist-info"))
		os.MkdirAll(filepath.Join(next, "srv/app/node_modules/left-pad"), 0o755)
		os.WriteFile(filepath.Join(next, "srv/app/node_modules/left-pad/package.json"), []byte(`{"name":"left-pad","version":"1.3.0"}`), 0o644)

		saved := filepath.Join(t.TempDir(), "old.json")
		os.WriteFile(saved, []byte(base.stdout), 0o644)
		for _, old := range []string{target, saved} {
			r := run(t, "diff", "--no-cache", "--db", db, "--format", "json", "--fail-on", "high", old, "dir:"+next)
			if r.code != 0 {
				t.Fatalf("diff %s: exit %d: %s", old, r.code, r.stderr)
			}
			var d struct {
				Added, Removed []struct{ Name, Version string }
				Changed        []struct{ Name, From, To string }
				Introduced     []report.Vulnerability
				Fixed          []report.Vulnerability
			}
			if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
				t.Fatal(err)
			}
			if len(d.Added) != 1 || d.Added[0].Name != "left-pad" || len(d.Removed) != 1 || d.Removed[0].Name != "PyYAML" ||
				len(d.Changed) != 1 || d.Changed[0].Name != "lodash" || d.Changed[0].From != "4.17.15" || d.Changed[0].To != "4.17.21" {
				t.Errorf("packages: added %v removed %v changed %v", d.Added, d.Removed, d.Changed)
			}
			if got := vulnIDs(d.Fixed); !slices.Equal(got, []string{"GHSA-p6mc-m468-83gw lodash", "PYSEC-2020-96 PyYAML", "PYSEC-2021-142 PyYAML"}) || len(d.Introduced) != 0 {
				t.Errorf("fixed %v, introduced %v", got, vulnIDs(d.Introduced))
			}
		}
		// Going back introduces the high lodash advisory: exit 1.
		r := run(t, "diff", "--no-cache", "--db", db, "--fail-on", "high", "dir:"+next, target)
		if r.code != 1 || !strings.Contains(r.stdout, "GHSA-p6mc-m468-83gw") || !strings.Contains(r.stderr, "introduced") {
			t.Errorf("reverse diff: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		// Unless it is suppressed.
		ign := filepath.Join(t.TempDir(), "ignore.yaml")
		os.WriteFile(ign, []byte("ignores:\n  - id: CVE-2020-8203\n    reason: accepted\n"), 0o644)
		if r := run(t, "diff", "--no-cache", "--db", db, "--fail-on", "high", "--ignore-file", ign, "dir:"+next, target); r.code != 0 {
			t.Errorf("reverse diff with the finding ignored: exit %d %s", r.code, r.stderr)
		}
		if r := run(t, "diff", target); r.code != 2 {
			t.Errorf("diff with one argument: exit %d", r.code)
		}
	})
}

// TestDockerCLIPlugin installs the binary as a Docker CLI plugin in a
// fresh HOME and runs it through the real docker CLI.
func TestDockerCLIPlugin(t *testing.T) {
	t.Parallel()
	docker := testutil.NeedCommand(t, "docker")
	home := t.TempDir()
	plugins := filepath.Join(home, ".docker", "cli-plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(plugins, "docker-bulwark")); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(plugins, "docker-bulwark"), "docker-cli-plugin-metadata").Output()
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]string
	if err := json.Unmarshal(out, &meta); err != nil || meta["SchemaVersion"] != "0.1.0" || meta["Vendor"] != "Bulwark" || meta["Version"] == "" || meta["ShortDescription"] == "" {
		t.Fatalf("metadata %s: %v", out, err)
	}
	dockerRun := func(args ...string) (string, error) {
		cmd := exec.Command(docker, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "DOCKER_CONFIG="+filepath.Join(home, ".docker"), "BULWARK_CACHE_DIR="+filepath.Join(home, "cache"))
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if s, err := dockerRun("bulwark", "version"); err != nil || !strings.HasPrefix(s, "bulwark ") {
		t.Errorf("docker bulwark version: %v\n%s", err, s)
	}
	if s, _ := dockerRun("--help"); !strings.Contains(s, "bulwark") {
		t.Errorf("docker --help does not list the plugin:\n%s", s)
	}
	img := testutil.DockerArchive(t, "demo:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: "Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n"}))
	s, err := dockerRun("bulwark", "sbom", "--format", "cyclonedx", img)
	if err != nil || !strings.Contains(s, `"purl": "pkg:deb/debian/a@1.0-1?arch=all&distro=debian-12"`) {
		t.Errorf("docker bulwark sbom: %v\n%.2000s", err, s)
	}
	// Exit codes pass through docker.
	cmd := exec.Command(docker, "bulwark", "scan", "--format", "xml", img)
	cmd.Env = append(os.Environ(), "HOME="+home, "DOCKER_CONFIG="+filepath.Join(home, ".docker"))
	if err := cmd.Run(); err == nil {
		t.Error("bad format through docker: no error")
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("bad format through docker: %v, want exit 2", err)
	}
}

// TestSchemaCoversEveryScanner: the json of Dockerfile scans and of image
// scans with misconfiguration and secret findings validates too, so the
// schema keeps up with the scanners that write into the report.
func TestSchemaCoversEveryScanner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM debian:12\nENV API_TOKEN=abc\nADD https://example.com/x.tar.gz /x\nRUN curl -k https://example.com | sh\n"), 0o644)
	img := testutil.DockerArchive(t, "cfg:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "root/.aws/credentials", Body: "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"},
		testutil.Entry{Name: "etc/shadow", Body: "root::19000:0:99999:7:::\n", Mode: 0o644}))
	for _, target := range []string{df, img} {
		r := run(t, "scan", "--format", "json", "--scanners", "misconfig,secret", target)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", target, r.code, r.stderr)
		}
		reporttest.Validate(t, []byte(r.stdout), schemas(t)["json"]...)
		if !strings.Contains(r.stdout, `"class"`) {
			t.Errorf("%s: no misconfiguration or secret finding in the report", target)
		}
		for _, format := range []string{"sarif"} {
			r := run(t, "scan", "--format", format, "--scanners", "misconfig,secret", target)
			reporttest.Validate(t, []byte(r.stdout), schemas(t)[format]...)
		}
	}
}
