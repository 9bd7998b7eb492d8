package cli_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// osvDir writes OSV records into a new directory for `db import`.
func osvDir(t *testing.T, records map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range records {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func importDB(t *testing.T, srcs ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "bulwark.db")
	if r := run(t, append([]string{"db", "import", "--db", db}, srcs...)...); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	return db
}

// TestNeverAFalseClean is acceptance 2 of "never a false clean", through
// the binary: a real Debian 12 (bookworm) root filesystem against the
// advisory feeds bundled with the repository, which hold no Debian 12
// data. No format may say 0 where nothing was checked; --fail-on
// unassessed fails; the scan gate refuses the image; diff does not call
// findings fixed that the new scan did not check. A mixed image (some
// packages checked, some not) is partial.
func TestNeverAFalseClean(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("scans a real Debian root filesystem")
	}
	rootfs := testutil.DebianRootfs(t, "bookworm")
	bundled := filepath.Join(testutil.RepoRoot(t), "testdata", "demo", "advisories")
	db := importDB(t, bundled)
	archive := saveArchive(t, rootfs, "bulwark-coverage/bookworm:12")
	// One layer cache for every run: the first scan reads the layer, the
	// others reuse its result. Only vulnerabilities are looked for.
	cache := t.TempDir()
	scanArgs := func(extra ...string) []string {
		return append(append([]string{"scan", "--cache-dir", cache, "--scanners", "vuln", "--db", db}, extra...), "docker-archive:"+archive)
	}

	base := run(t, scanArgs("--format", "json")...)
	if base.code != 0 {
		t.Fatalf("scan: exit %d: %s", base.code, base.stderr)
	}
	rep := decode(t, base.stdout)
	n := len(rep.Packages)
	if n < 50 || rep.OS == nil || rep.OS.Version != "12" {
		t.Fatalf("bookworm inventory: %d packages, OS %+v", n, rep.OS)
	}
	notChecked := fmt.Sprintf("not checked for %d of %d packages (no data for Debian 12)", n, n)

	t.Run("json", func(t *testing.T) {
		c := rep.Coverage
		if c.Assessed != report.AssessedNone || c.Matching != report.Matched || c.PackageStatus != (report.PackageCounts{NotChecked: n}) ||
			len(c.Gaps) != 1 || c.Gaps[0].Reason != "no data for Debian 12" || c.Gaps[0].Ecosystem != "Debian:12" || len(c.Gaps[0].Packages) != n ||
			c.VulnerabilityData != "matched; "+notChecked {
			t.Errorf("coverage %+v", c)
		}
		if !strings.Contains(base.stdout, `"assessed": "none"`) {
			t.Error(`json lacks "assessed": "none"`)
		}
		reporttest.Validate(t, []byte(base.stdout), schemas(t)["json"]...)
	})

	t.Run("every format", func(t *testing.T) {
		tmpl := filepath.Join(t.TempDir(), "coverage.tmpl")
		os.WriteFile(tmpl, []byte(`{{.Coverage.Assessed}}|{{.Coverage.PackageStatus.NotChecked}}|{{.Coverage.VulnerabilityData}}`), 0o644)
		for _, tt := range []struct {
			format string
			extra  []string
			want   []string
		}{
			{"table", nil, []string{"\nVulnerabilities: " + notChecked + "\n"}},
			{"sarif", nil, []string{`"toolExecutionNotifications"`, `"id": "coverage/not-checked"`, `"level": "error"`,
				`"text": "Vulnerabilities ` + notChecked + `"`, `"coverage.assessed": "none"`}},
			{"cyclonedx", nil, []string{`"name": "bulwark:coverage:assessed",` + "\n" + `          "value": "none"`,
				`"text": "Vulnerabilities ` + notChecked + ` (coverage: none)"`, `"text": "Not checked for vulnerabilities: no data for Debian 12"`}},
			{"spdx-json", nil, []string{`"comment": "bulwark:coverage:assessed=none"`, `"comment": "bulwark:vulnerabilities=not_checked: no data for Debian 12"`}},
			{"junit", nil, []string{`<property name="bulwark.coverage.assessed" value="none">`,
				`<failure message="Vulnerabilities ` + notChecked + `" type="coverage">`}},
			{"html", nil, []string{`<div class="banner banner-error" role="alert" data-notice="coverage/not-checked">Vulnerabilities ` + notChecked + `</div>`}},
			{"template", []string{"--template", tmpl}, []string{fmt.Sprintf("none|%d|matched; %s", n, notChecked)}},
		} {
			t.Run(tt.format, func(t *testing.T) {
				r := run(t, scanArgs(append([]string{"--format", tt.format}, tt.extra...)...)...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stdout, w) {
						t.Errorf("%s output lacks %q", tt.format, w)
					}
				}
				if strings.Contains(r.stdout, "Vulnerabilities: 0") {
					t.Errorf("%s output says 0 vulnerabilities", tt.format)
				}
				if sch := schemas(t)[tt.format]; sch != nil {
					reporttest.Validate(t, []byte(r.stdout), sch...)
				}
				if tt.format == "junit" {
					var s struct {
						Failures int `xml:"failures,attr"`
					}
					if err := xml.Unmarshal([]byte(r.stdout), &s); err != nil || s.Failures < 1 {
						t.Errorf("junit: %v, %d failures", err, s.Failures)
					}
				}
			})
		}
	})

	t.Run("fail-on", func(t *testing.T) {
		for _, tt := range []struct {
			failOn string
			code   int
		}{{"", 0}, {"unassessed", 1}, {"partial", 1}, {"unassessed-none", 1}, {"critical,unassessed", 1}, {"critical", 0}} {
			r := run(t, scanArgs("--format", "json", "--fail-on", tt.failOn)...)
			if r.code != tt.code {
				t.Errorf("--fail-on %q: exit %d, want %d: %s", tt.failOn, r.code, tt.code, r.stderr)
			}
			if tt.code == 1 && !strings.Contains(r.stderr, "vulnerability coverage is none: "+notChecked) {
				t.Errorf("--fail-on %q: stderr %q", tt.failOn, r.stderr)
			}
			if tt.failOn == "critical" && r.stderr != "bulwark: warning: --fail-on critical passed, but vulnerabilities were "+notChecked+"; add \"unassessed\" to fail on that\n" {
				t.Errorf("--fail-on critical passed without a word: stderr %q", r.stderr)
			}
		}
	})

	t.Run("no database", func(t *testing.T) {
		// The private HOME of run has no database.
		r := run(t, "scan", "--cache-dir", cache, "--scanners", "vuln", "--format", "json", "docker-archive:"+archive)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 0 || len(lines) != 1 || !strings.Contains(lines[0], "no vulnerability database at ") || !strings.Contains(lines[0], "vulnerabilities not checked") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		got := decode(t, r.stdout)
		if got.Coverage.Assessed != report.AssessedNone || got.Coverage.Matching != report.NoDatabase || got.Coverage.PackageStatus.NotChecked != n {
			t.Errorf("coverage without a database: %+v", got.Coverage)
		}
		r = run(t, "scan", "--cache-dir", cache, "--scanners", "vuln", "--format", "table", "docker-archive:"+archive)
		if want := fmt.Sprintf("\nVulnerabilities: not checked for %d of %d packages (no vulnerability database)\n", n, n); !strings.Contains(r.stdout, want) {
			t.Errorf("table without a database lacks %q", want)
		}
	})

	t.Run("diff", func(t *testing.T) {
		// The same image scanned earlier against data that covered Debian
		// 12 had findings (zlib below a fix); today's database has no
		// Debian 12 data. Nothing was fixed: it was not checked.
		withData := importDB(t, bundled, osvDir(t, map[string]string{"DEBIAN-CVE-2099-0001": `{"id":"DEBIAN-CVE-2099-0001","modified":"2024-01-01T00:00:00Z",
			"affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:9.9-1"}]}]}]}`}))
		old := run(t, scanArgs("--db", withData, "--format", "json")...)
		oldRep := decode(t, old.stdout)
		if old.code != 0 || len(oldRep.Vulnerabilities) == 0 || oldRep.Coverage.Assessed != report.AssessedFull {
			t.Fatalf("earlier scan: exit %d, %d findings, coverage %s: %s", old.code, len(oldRep.Vulnerabilities), oldRep.Coverage.Assessed, old.stderr)
		}
		saved := filepath.Join(t.TempDir(), "old.json")
		os.WriteFile(saved, []byte(old.stdout), 0o644)
		r := run(t, "diff", "--cache-dir", cache, "--db", db, "--format", "json", saved, "docker-archive:"+archive)
		var d struct {
			Fixed           []report.Vulnerability `json:"fixed"`
			NoLongerChecked []report.Vulnerability `json:"no_longer_checked"`
			New             struct{ Assessed string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); r.code != 0 || err != nil {
			t.Fatalf("diff: exit %d %v: %s", r.code, err, r.stderr)
		}
		if len(d.Fixed) != 0 || len(d.NoLongerChecked) != len(oldRep.Vulnerabilities) || d.New.Assessed != "none" {
			t.Errorf("diff: %d fixed, %d no longer checked of %d, new side %q", len(d.Fixed), len(d.NoLongerChecked), len(oldRep.Vulnerabilities), d.New.Assessed)
		}
		r = run(t, "diff", "--cache-dir", cache, "--db", db, "--format", "table", saved, "docker-archive:"+archive)
		want := fmt.Sprintf("Vulnerabilities: 0 introduced, 0 fixed, 0 unchanged, %d no longer checked", len(oldRep.Vulnerabilities))
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "New: bulwark-coverage/bookworm:12 (docker-archive) — vulnerabilities "+notChecked) {
			t.Errorf("diff table lacks %q:\n%s", want, r.stdout)
		}
		if r := run(t, "diff", "--cache-dir", cache, "--db", db, "--fail-on", "unassessed", saved, "docker-archive:"+archive); r.code != 1 {
			t.Errorf("diff --fail-on unassessed: exit %d", r.code)
		}
	})

	t.Run("mixed is partial", func(t *testing.T) {
		root := testutil.DebianRootWith(t, "bookworm", map[string][]byte{
			"usr/lib/python3/dist-packages/PyYAML-5.3.dist-info/METADATA": []byte("Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3\n")})
		mixed := importDB(t, bundled, osvDir(t, map[string]string{"PYSEC-2099-1": `{"id":"PYSEC-2099-1","modified":"2024-01-01T00:00:00Z",
			"affected":[{"package":{"ecosystem":"PyPI","name":"pyyaml"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.4"}]}]}]}`}))
		args := func(extra ...string) []string {
			return append(append([]string{"scan", "--no-cache", "--scanners", "vuln", "--db", mixed}, extra...), "dir:"+root)
		}
		r := run(t, args("--format", "json")...)
		got := decode(t, r.stdout)
		if r.code != 0 || got.Coverage.Assessed != report.AssessedPartial || got.Coverage.PackageStatus != (report.PackageCounts{Checked: 1, NotChecked: n}) ||
			len(got.Vulnerabilities) != 1 {
			t.Errorf("mixed: exit %d, coverage %+v, %d findings", r.code, got.Coverage.PackageStatus, len(got.Vulnerabilities))
		}
		r = run(t, args("--format", "table")...)
		want := fmt.Sprintf("\nVulnerabilities: 1 (critical 0, high 0, medium 0, low 0, unknown 1); not checked for %d of %d packages (no data for Debian 12)\n", n, n+1)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("mixed table lacks %q:\n%.600s", want, r.stdout)
		}
		if r := run(t, args("--format", "sarif")...); !strings.Contains(r.stdout, `"level": "warning"`) || !strings.Contains(r.stdout, `"coverage.assessed": "partial"`) {
			t.Error("mixed sarif: no warning notification")
		}
		for failOn, code := range map[string]int{"unassessed": 1, "unassessed-none": 0} {
			if r := run(t, args("--format", "json", "--fail-on", failOn)...); r.code != code {
				t.Errorf("mixed --fail-on %s: exit %d, want %d", failOn, r.code, code)
			}
		}
	})

	t.Run("scan gate", func(t *testing.T) {
		sock := testutil.NeedDocker(t)
		// The rootfs as imported once and kept for every test and run; the
		// scan history below is this test's own.
		name := testutil.DebianImage(t, sock, "bookworm")

		cache := t.TempDir()
		r := runEnv(t, []string{"DOCKER_HOST=unix://" + sock}, "scan", "--db", db, "--cache-dir", cache, "--format", "json", "docker:"+name)
		if r.code != 0 {
			t.Fatalf("scan docker:%s: exit %d: %s", name, r.code, r.stderr)
		}
		dir := t.TempDir()
		body := `{"Image":"` + name + `","User":"1000","HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`
		req := filepath.Join(dir, "create.json")
		os.WriteFile(req, []byte(`{"RequestMethod":"POST","RequestUri":"/v1.43/containers/create","RequestBody":"`+base64.StdEncoding.EncodeToString([]byte(body))+`"}`), 0o644)
		for _, tt := range []struct {
			coverage string
			code     int
		}{{"", 1}, {"require_coverage: partial", 1}, {"require_coverage: any", 0}} {
			pol := filepath.Join(dir, "policy.yaml")
			os.WriteFile(pol, []byte("version: 1\nscan_gate:\n  history_dir: "+filepath.Join(cache, "history")+"\n  "+tt.coverage+"\n"), 0o644)
			r := runEnv(t, nil, "guard", "test", "--engine", "--docker-host", "unix://"+sock, "--policy", pol, req)
			if r.code != tt.code {
				t.Errorf("%q: exit %d, want %d\n%s%s", tt.coverage, r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.code == 1 && (!strings.Contains(r.stdout, "rule scan-gate:") || !strings.Contains(r.stdout, "not fully checked for vulnerabilities") ||
				!strings.Contains(r.stdout, notChecked)) {
				t.Errorf("%q: refusal does not say why:\n%s", tt.coverage, r.stdout)
			}
		}
	})
}

// saveArchive writes a docker-archive in the `docker save` form with one
// uncompressed layer, the rootfs tarball as it is (streamed, not held in
// memory, and not compressed: a 200 MB layer would take longer to gzip
// than every scan of this test together).
func saveArchive(t *testing.T, rootfs, tag string) string {
	t.Helper()
	f, err := os.Open(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		t.Fatal(err)
	}
	diffID := "sha256:" + hex.EncodeToString(h.Sum(nil))
	cfg := `{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["` + diffID + `"]}}`
	sum := sha256.Sum256([]byte(cfg))
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	manifest := `[{"Config":"` + cfgName + `","RepoTags":["` + tag + `"],"Layers":["layer/layer.tar"]}]`
	p := filepath.Join(t.TempDir(), "image.tar")
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tw := tar.NewWriter(out)
	add := func(name string, size int64, body io.Reader) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	add(cfgName, int64(len(cfg)), strings.NewReader(cfg))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	add("layer/layer.tar", size, f)
	add("manifest.json", int64(len(manifest)), strings.NewReader(manifest))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// runEnv is run with extra environment (the real Docker socket).
func runEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "HOME="+home, "BULWARK_CACHE_DIR="+filepath.Join(home, "cache")), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}
