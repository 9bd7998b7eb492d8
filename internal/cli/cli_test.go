package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

var binary string

func TestMain(m *testing.M) {
	var err error
	if binary, err = testutil.BulwarkBinary(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
}

// run executes the real binary with a private HOME and cache.
func run(t *testing.T, args ...string) result {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "BULWARK_CACHE_DIR="+filepath.Join(home, "cache"), "DOCKER_HOST=unix:///nonexistent.sock")
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

// TestHostileInput is acceptance 5 of the scan foundation: every kind of
// bad input ends with one line on stderr and exit code 2, and nothing is
// written outside the cache.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	escape := filepath.Join(t.TempDir(), "escaped")
	rel := "../../../../../../../../.." + escape
	bomb := func() []byte {
		// 1.5 GiB of zeros in one tar member: ~1.5 MiB of gzip, beyond
		// the 1 GiB / 100× decompression limit.
		var raw bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&raw, gzip.BestSpeed)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 3 << 29, Typeflag: tar.TypeReg})
		chunk := make([]byte, 1<<20)
		for range 3 << 9 {
			tw.Write(chunk)
		}
		tw.Close()
		zw.Close()
		return raw.Bytes()
	}()
	valid := testutil.DockerArchive(t, "ok:1", testutil.LayerTar(t, testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"}))
	validBytes, _ := os.ReadFile(valid)
	truncated := filepath.Join(t.TempDir(), "truncated.tar")
	os.WriteFile(truncated, validBytes[:len(validBytes)/2], 0o644)
	notImage := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notImage, []byte("just some text, not an image\n"), 0o644)
	plainDir := t.TempDir()
	os.WriteFile(filepath.Join(plainDir, "README"), []byte("hello"), 0o644)
	plainTar := testutil.TarDir(t, plainDir)

	tests := []struct {
		name, target, wantMsg string
	}{
		{"dotdot entry", testutil.DockerArchive(t, "x:1", testutil.LayerTar(t, testutil.Entry{Name: rel, Body: "pwned"})), "leaves the image root"},
		{"absolute entry", testutil.DockerArchive(t, "x:1", testutil.LayerTar(t, testutil.Entry{Name: escape, Body: "pwned"})), "absolute name"},
		{"symlink escape", testutil.DockerArchive(t, "x:1", testutil.LayerTar(t, testutil.Entry{Name: "etc/os-release", Type: tar.TypeSymlink, Link: "../../../../etc/os-release"})), "leaves the image root"},
		{"hardlink escape", testutil.DockerArchive(t, "x:1", testutil.LayerTar(t, testutil.Entry{Name: "etc/passwd", Type: tar.TypeLink, Link: "../../../etc/passwd"})), "hard link"},
		{"gzip bomb", testutil.DockerArchive(t, "x:1", bomb), "decompression limit"},
		{"truncated archive", truncated, "truncated.tar"},
		{"not an image", notImage, "not a container image"},
		{"tar without image", plainTar, "no manifest.json or index.json"},
		{"unknown scheme", "oci-layout:" + t.TempDir(), "index.json"},
		{"missing path", "./no/such/image.tar", "no such file"},
		{"layer not a tar", testutil.DockerArchive(t, "x:1", []byte("garbage, not a tar")), "not a tar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "scan", "--format", "json", tt.target)
			if r.code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "bulwark: ") {
				t.Errorf("stderr is not one bulwark: line:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantMsg) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.wantMsg)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			if _, err := os.Lstat(escape); err == nil {
				t.Fatalf("%s was created outside the image", escape)
			}
		})
	}
}

func TestScanJSONAndGates(t *testing.T) {
	t.Parallel()
	img := testutil.DockerArchive(t, "demo:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: "Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n"},
	))
	r := run(t, "scan", "--format", "json", img)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != report.SchemaVersion || len(rep.Packages) != 1 || rep.OS == nil || rep.OS.ID != "debian" {
		t.Fatalf("unexpected report: %+v", rep)
	}

	empty := testutil.DockerArchive(t, "empty:1", testutil.LayerTar(t, testutil.Entry{Name: "app/run.sh", Body: "#!/bin/sh\n"}))
	r = run(t, "scan", "--format", "json", "--fail-on", "unassessed", empty)
	if r.code != 1 || !strings.Contains(r.stderr, "vulnerability coverage is none") {
		t.Errorf("unassessed image: exit %d, stderr %q; want 1", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"assessed": "none"`) {
		t.Errorf("report does not say not assessed")
	}
	// A severity gate needs advisory data: without a database it is an
	// error, never a silent pass.
	r = run(t, "scan", "--format", "json", "--fail-on", "critical", empty)
	if r.code != 2 || !strings.Contains(r.stderr, "no vulnerability database") {
		t.Errorf("severity gate without a database: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
	db := filepath.Join(t.TempDir(), "bulwark.db")
	osvDir := t.TempDir()
	os.WriteFile(filepath.Join(osvDir, "DSA-9999-1.json"), []byte(`{"id":"DEBIAN-TEST-1","modified":"2024-01-01T00:00:00Z",
		"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
		"affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}]}]}`), 0o644)
	if r := run(t, "db", "import", "--db", db, osvDir); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	r = run(t, "scan", "--format", "json", "--db", db, "--fail-on", "critical", empty)
	if r.code != 0 {
		t.Errorf("severity gate on an empty image: exit %d %s", r.code, r.stderr)
	}
	r = run(t, "scan", "--format", "json", "--db", db, "--fail-on", "critical", img)
	if r.code != 1 || !strings.Contains(r.stdout, `"fixed_version": "1.0-2"`) {
		t.Errorf("critical finding: exit %d, stderr %q; want 1", r.code, r.stderr)
	}
	r = run(t, "scan", "--format", "json", "--db", db, "--fail-on", "critical", "--offline", "registry:127.0.0.1:1/x")
	if r.code != 2 || !strings.Contains(r.stderr, "offline") {
		t.Errorf("offline registry: exit %d %q", r.code, r.stderr)
	}

	out := filepath.Join(t.TempDir(), "report.json")
	r = run(t, "sbom", "--format", "json", "--output", out, img)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("sbom --output: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte(`"purl": "pkg:deb/debian/a@1.0-1?arch=all&distro=debian-12"`)) {
		t.Errorf("sbom output: %v\n%s", err, b)
	}

	for _, args := range [][]string{{"scan"}, {"scan", "--format", "xml", img}, {"scan", "--fail-on", "huge", img}, {"nosuchcommand"}} {
		if r := run(t, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
	if r := run(t, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "bulwark ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

func TestScannersAndDockerfile(t *testing.T) {
	t.Parallel()
	img := testutil.DockerArchive(t, "cfg:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "root/.git-credentials", Body: "https://bob:s3cretPassw0rd@github.com\n"},
	))
	r := run(t, "scan", "--format", "json", "--scanners", "misconfig,secret", img)
	if r.code != 0 || !strings.Contains(r.stdout, `"BW-FILE-003"`) || !strings.Contains(r.stdout, `"BW-IMG-001"`) {
		t.Errorf("misconfig scan: exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "s3cretPassw0rd") {
		t.Error("credential printed in the report")
	}
	r = run(t, "scan", "--format", "json", "--scanners", "misconfig", "--fail-on", "high", img)
	if r.code != 1 {
		t.Errorf("--fail-on high with a credentials file: exit %d, want 1", r.code)
	}
	// An ignore entry for the rule at that path accepts it; the finding
	// moves to suppressed_findings and no longer fails the gate.
	ign := filepath.Join(t.TempDir(), "ignore.yaml")
	os.WriteFile(ign, []byte("ignores:\n  - id: BW-FILE-003\n    path: /root/**\n    reason: throw-away credentials of the build\n"+
		"  - id: BW-IMG-001\n    reason: the entrypoint drops privileges\n"), 0o644)
	r = run(t, "scan", "--format", "json", "--scanners", "misconfig", "--fail-on", "high", "--ignore-file", ign, img)
	if r.code != 0 || !strings.Contains(r.stdout, `"suppressed_findings": [`) || !strings.Contains(r.stdout, "throw-away credentials") {
		t.Errorf("--fail-on high with the credentials file ignored: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	os.WriteFile(ign, []byte("ignores:\n  - id: BW-FILE-003\n    path: /home/**\n    reason: elsewhere\n"+
		"  - id: BW-IMG-001\n    reason: the entrypoint drops privileges\n"), 0o644)
	if r := run(t, "scan", "--format", "json", "--scanners", "misconfig", "--fail-on", "high", "--ignore-file", ign, img); r.code != 1 {
		t.Errorf("ignore entry for another path: exit %d, want 1", r.code)
	}
	// --skip-path keeps checkers (and catalogers) away from a tree; the
	// report says what was not examined.
	r = run(t, "scan", "--format", "json", "--scanners", "misconfig,secret", "--skip-path", "/root/**", img)
	if r.code != 0 || strings.Contains(r.stdout, `"BW-FILE-003"`) || !strings.Contains(r.stdout, "paths not examined (--skip-path): /root/**") {
		t.Errorf("--skip-path /root/**: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	if r := run(t, "scan", "--skip-path", "root/[x", img); r.code != 2 || !strings.Contains(r.stderr, "--skip-path") {
		t.Errorf("malformed --skip-path: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, "scan", "--format", "json", "--scanners", "", img)
	if r.code != 0 || strings.Contains(r.stdout, `"BW-`) {
		t.Errorf("--scanners '' still checked: %d %s", r.code, r.stderr)
	}
	if r := run(t, "scan", "--scanners", "vuln,bogus", img); r.code != 2 {
		t.Errorf("unknown scanner: exit %d", r.code)
	}

	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM debian\nRUN apt-get update\nEXPOSE 22\n"), 0o644)
	r = run(t, "scan", "--format", "json", "--fail-on", "medium", df)
	if r.code != 1 || !strings.Contains(r.stdout, `"line": 3`) || !strings.Contains(r.stdout, `"kind": "dockerfile"`) {
		t.Errorf("Dockerfile scan: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	os.WriteFile(df, []byte("FROM debian:12\nHEALTHCHECK CMD true\nUSER 1000\n"), 0o644)
	if r := run(t, "scan", "--fail-on", "low", df); r.code != 0 {
		t.Errorf("clean Dockerfile: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(df, []byte("FROM debian\nRUN <<EOF\n"), 0o644)
	if r := run(t, "scan", df); r.code != 2 {
		t.Errorf("malformed Dockerfile: exit %d %s", r.code, r.stderr)
	}
}

// TestOutputToDevices: --output never replaces what is not a regular file
// (a rename over /dev/null would turn it into one).
func TestOutputToDevices(t *testing.T) {
	t.Parallel()
	img := testutil.DockerArchive(t, "o:1", testutil.LayerTar(t, testutil.Entry{Name: "etc/os-release", Body: "ID=debian\n"}))
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if r := run(t, "scan", "--scanners", "", "--format", "json", "--output", fifo, img); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if b := <-got; !bytes.Contains(b, []byte(`"schema_version"`)) {
		t.Errorf("report not written into the FIFO: %q", b)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("FIFO replaced: %v %v", st.Mode(), err)
	}
	link := filepath.Join(t.TempDir(), "link.json")
	real := filepath.Join(t.TempDir(), "real.json")
	os.WriteFile(real, nil, 0o644)
	os.Symlink(real, link)
	if r := run(t, "sbom", "--format", "json", "--output", link, img); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(real); !bytes.Contains(b, []byte(`"packages"`)) {
		t.Error("output not written through the symlink")
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("symlink replaced")
	}
}

// TestScanRecordsHistory: a matched scan leaves its summary where `bulwark
// guard`'s scan gate looks.
func TestScanRecordsHistory(t *testing.T) {
	t.Parallel()
	img := testutil.DockerArchive(t, "hist:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: "Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n"},
	))
	osvDir := t.TempDir()
	os.WriteFile(filepath.Join(osvDir, "x.json"), []byte(`{"id":"DEBIAN-TEST-2","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}]}]}`), 0o644)
	db := filepath.Join(t.TempDir(), "db")
	if r := run(t, "db", "import", "--db", db, osvDir); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cache := t.TempDir()
	r := run(t, "scan", "--format", "json", "--db", db, "--cache-dir", cache, img)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	var rep report.Report
	json.Unmarshal([]byte(r.stdout), &rep)
	e, err := history.Latest(context.Background(), filepath.Join(cache, "history"), rep.Target.ID)
	if err != nil {
		t.Fatalf("no history for %s: %v", rep.Target.ID, err)
	}
	if len(e.Findings) != 1 || e.Findings[0].Package != "a" {
		t.Errorf("history entry: %+v", e)
	}
}
