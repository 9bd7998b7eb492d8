package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// oneLine reports whether stderr is exactly one "bulwark: " line.
func oneLine(stderr string) bool {
	return strings.HasPrefix(stderr, "bulwark: ") && strings.Count(strings.TrimRight(stderr, "\n"), "\n") == 0
}

// TestCommandLineHelp: --version, flag help with readable value names, and
// mistakes answered with one line and a suggestion.
func TestCommandLineHelp(t *testing.T) {
	t.Parallel()
	if r := run(t, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "bulwark ") {
		t.Errorf("--version: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, tt := range []struct{ args []string }{
		{[]string{"guard", "serve", "--help"}},
		{[]string{"harden", "daemon", "--help"}},
		{[]string{"serve", "--help"}},
	} {
		r := run(t, tt.args...)
		for _, garbled := range []string{"--policy bulwark", "--facts bulwark", "--advisory-db bulwark", "`"} {
			if strings.Contains(r.stdout, garbled) {
				t.Errorf("%v: help shows %q:\n%s", tt.args, garbled, r.stdout)
			}
		}
	}
	if r := run(t, "guard", "serve", "--help"); !strings.Contains(r.stdout, "--policy FILE") {
		t.Errorf("guard serve --help does not name --policy FILE:\n%s", r.stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scna", "x"}, `did you mean "scan"?`},
		{[]string{"guard", "serv"}, `unknown command "serv" for "bulwark guard"; did you mean "serve"?`},
		{[]string{"db", "updte"}, `did you mean "update"?`},
		{[]string{"scan", "--formt", "json", "x"}, "unknown flag: --formt; did you mean --format?"},
		{[]string{"guard", "watch", "--polcy", "p.yaml"}, "did you mean --policy?"},
		{[]string{"bogus"}, "see bulwark --help"},
	} {
		r := run(t, tt.args...)
		if r.code != 2 || !oneLine(r.stderr) || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestTableByDefault: piped output is the table unless --format says
// otherwise (scan, sbom, diff), and diff renders a --template.
func TestTableByDefault(t *testing.T) {
	t.Parallel()
	img := testutil.DockerArchive(t, "tbl:1", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: "Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n"},
	))
	r := run(t, "scan", img)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Target:") || strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("scan piped: exit %d, want a plain table:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "sbom", img)
	if r.code != 0 || !strings.Contains(r.stdout, "NAME") || !strings.Contains(r.stdout, "1.0-1") {
		t.Errorf("sbom piped: exit %d, want a table:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "scan", "--format", "json", img); !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("scan --format json: %q", r.stdout)
	}
	if r := run(t, "diff", img, img); r.code != 0 || strings.HasPrefix(r.stdout, "{") {
		t.Errorf("diff piped: exit %d, want a table:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	tmpl := filepath.Join(t.TempDir(), "diff.tmpl")
	os.WriteFile(tmpl, []byte("{{.Old.Name}} -> {{.New.Name}}: {{len .Introduced}} introduced, {{len .Fixed}} fixed\n"), 0o644)
	r = run(t, "diff", "-f", "template", "--template", tmpl, img, img)
	if r.code != 0 || r.stdout != "tbl:1 -> tbl:1: 0 introduced, 0 fixed\n" {
		t.Errorf("diff -f template: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "diff", "-f", "template", img, img); r.code != 2 || !strings.Contains(r.stderr, "--template") {
		t.Errorf("diff -f template without --template: exit %d %q", r.code, r.stderr)
	}
}

// TestServeStartup: serve binds its port before minting the one-time admin
// token, warns without an advisory database, and keeps its store under the
// user's data directory.
func TestServeStartup(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	data := filepath.Join(home, "data")
	env := append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+data, "BULWARK_CACHE_DIR="+filepath.Join(home, "cache"), "BULWARK_DB="+filepath.Join(home, "none.db"))
	env = slicesDeleteEnv(env, "BULWARK_SERVER_DB", "BULWARK_ADMIN_TOKEN")

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cmd := exec.Command(binary, "serve", "--addr", busy.Addr().String())
	cmd.Env, cmd.Dir = env, t.TempDir()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !oneLine(errb.String()) || !strings.Contains(errb.String(), "--addr") {
		t.Errorf("busy port: %v, stderr %q; want exit 2, one line naming --addr", err, errb.String())
	}
	if strings.Contains(errb.String(), "bwt_") {
		t.Error("an admin token was minted although the port was busy")
	}
	if _, err := os.Stat(filepath.Join(data, "bulwark", "server.db")); err == nil {
		t.Error("the store was created although the port was busy")
	}

	cmd = exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--workers", "0")
	cmd.Env, cmd.Dir = env, t.TempDir()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var lines []string
	sc := bufio.NewScanner(stderr)
	done := make(chan struct{})
	go func() {
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.Contains(sc.Text(), `"msg":"listening"`) {
				break
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, "warning: no advisory database at "+filepath.Join(home, "none.db")) {
		t.Errorf("no warning about the missing advisory database:\n%s", out)
	}
	if !strings.Contains(out, "created the first admin token") {
		t.Errorf("no admin token:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(data, "bulwark", "server.db")); err != nil {
		t.Errorf("store not under the data directory: %v", err)
	}
	if ents, _ := os.ReadDir(cmd.Dir); len(ents) != 0 {
		t.Errorf("serve wrote into its working directory: %v", ents)
	}
}

// slicesDeleteEnv drops the named variables from env.
func slicesDeleteEnv(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// TestInputErrors: wrong input is one line naming the file, the line and
// what to do, without Go type names or text said twice.
func TestInputErrors(t *testing.T) {
	t.Parallel()
	demo := filepath.Join("..", "..", "testdata", "demo", "demo-image.tar")
	dir := t.TempDir()
	ign := filepath.Join(dir, ".bulwarkignore.yaml")
	os.WriteFile(ign, []byte("ignores:\n  - id: CVE-2020-8203\n    reson: not used\n"), 0o644)
	rootfs := t.TempDir()
	os.WriteFile(filepath.Join(rootfs, "README"), []byte("x"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--ignore-file", ign, demo}, "unknown key 'reson' in " + ign + " line 3; did you mean 'reason'?"},
		{[]string{"scan", "oci-archive:" + rootfs}, "is a directory, and oci-archive: wants a tar file (an OCI layout directory is oci-layout:"},
		{[]string{"scan", "oci-layout:" + demo}, "is a file, and oci-layout: wants a directory"},
		{[]string{"scan", "oci-layout:" + rootfs}, "has no index.json, so it is not an OCI image layout (a root filesystem is dir:"},
		{[]string{"scan", "oci-archive:" + demo}, "a docker save archive without index.json (scan it as docker-archive:"},
		{[]string{"scan", "dir:" + demo}, "is a file, and dir: wants a root filesystem directory"},
		{[]string{"scan", "--platform", "linux/s390x", demo}, "is a single-platform image for linux/amd64, not linux/s390x"},
		{[]string{"scan", "testdata/no-such-image"}, "testdata/no-such-image: no such file or directory"},
	} {
		r := run(t, tt.args...)
		if r.code != 2 || !oneLine(r.stderr) || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
		for _, goName := range []string{"ignore.Entry", "not found in type", "*os.PathError", "openat "} {
			if strings.Contains(r.stderr, goName) {
				t.Errorf("%v: stderr shows %q: %s", tt.args, goName, r.stderr)
			}
		}
	}
	// A name the local engine lacks and whose registry does not resolve
	// ends without a registry request; with a real engine, the engine's
	// doubled "no such image" text is said once.
	if _, err := net.LookupHost("index.docker.io"); err != nil {
		r := run(t, "scan", "nosuch-bulwark-image:1")
		if r.code != 2 || !oneLine(r.stderr) || !strings.Contains(r.stderr, "registry index.docker.io does not resolve") {
			t.Errorf("unresolvable registry: exit %d %q", r.code, r.stderr)
		}
	}
	sock := testutil.NeedDocker(t)
	cmd := exec.Command(binary, "scan", "--docker-host", "unix://"+sock, "docker:nosuch-bulwark-image:1")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, _ := cmd.CombinedOutput()
	if s := string(out); !oneLine(s) || strings.Count(strings.ToLower(s), "no such image") != 1 {
		t.Errorf("engine without the image: %q", s)
	}
}

// TestDBUpdateOffline: an update that cannot reach its feeds ends in one
// line pointing at --mirror and db import, and no run leaves a lock file.
func TestDBUpdateOffline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "db", "bulwark.db")
	// A refusing port on loopback stands for a network that goes nowhere.
	addr := testutil.RefusingAddr(t)
	r := run(t, "db", "update", "--db", db, "--mirror", "http://"+addr)
	if r.code != 2 || !strings.HasSuffix(strings.TrimSpace(r.stderr), "check --mirror, or compile local feed files with `bulwark db import DIR`") {
		t.Errorf("unreachable mirror: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, "db", "import", "--db", db, filepath.Join("..", "..", "testdata", "demo", "advisories")); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	// The demo's scan, with the layer cache in dir too.
	cmd := exec.Command(binary, "scan", "--db", db, "--cache-dir", filepath.Join(dir, "cache"), filepath.Join("..", "..", "testdata", "demo", "demo-image.tar"))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scan: %v\n%s", err, out)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".lock") {
			t.Errorf("lock file left behind: %s", p)
		}
		return nil
	})
}

// TestSeveritySummary: the vulnerability summary's "filtered out" counts
// the vulnerabilities --severity left out, not misconfigurations.
func TestSeveritySummary(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	if r := run(t, "db", "import", "--db", db, filepath.Join("..", "..", "testdata", "demo", "advisories")); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	r := run(t, "scan", "--db", db, "--severity", "high", filepath.Join("..", "..", "testdata", "demo", "demo-image.tar"))
	// 2 critical and 1 medium vulnerability and the low BW-IMG-002 are
	// left out.
	if r.code != 0 || !strings.Contains(r.stdout, "Vulnerabilities: 4 (critical 0, high 4, medium 0, low 0, unknown 0), 3 filtered out\n") {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBenchTableFooter: the 1.1 audit-rule warnings share one fix line,
// and the footer says what the score means.
func TestBenchTableFooter(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, f := range []string{"usr/bin/dockerd", "usr/bin/containerd", "usr/bin/runc", "run/containerd/containerd.sock",
		"var/lib/docker/x", "etc/docker/daemon.json", "lib/systemd/system/docker.service", "lib/systemd/system/docker.socket", "etc/default/docker"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(root, f), nil, 0o644)
	}
	r := run(t, "bench", "--host-root", root, "--check", "1.1")
	warns := strings.Count(r.stdout, "[WARN] 1.1.")
	if warns < 5 || strings.Count(r.stdout, "fix") != 1 || !strings.Contains(r.stdout, fmt.Sprintf("fix for the %d warnings 1.1.", warns)) {
		t.Errorf("%d warnings in 1.1; want one fix line for them:\n%s", warns, r.stdout)
	}
	if !strings.Contains(r.stdout, "scored checks that pass - ") || !strings.Contains(r.stdout, "higher is better") {
		t.Errorf("footer does not say what the score means:\n%s", r.stdout)
	}
}

// TestScanDirWithDockerfile: a directory holding a Dockerfile gets the
// Dockerfile rules too, with the file's name and line.
func TestScanDirWithDockerfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM debian:12\nRUN apt-get update\nADD http://example.com/app.tgz /app/\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644)
	r := run(t, "scan", "--format", "json", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{`"BW-IMG-005"`, `"BW-IMG-003"`, `"path": "Dockerfile"`, "Dockerfile rules applied to Dockerfile"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if r := run(t, "scan", "--format", "json", "--scanners", "vuln", dir); strings.Contains(r.stdout, "BW-IMG-") {
		t.Error("Dockerfile rules ran without the misconfig scanner")
	}
}

// TestGuardWatchSummary: a clean watch says how many containers it
// checked. The policy allows nearly everything, so whatever else runs on
// the shared engine does not break it.
func TestGuardWatchSummary(t *testing.T) {
	t.Parallel()
	sock := testutil.NeedDocker(t)
	pol := filepath.Join(t.TempDir(), "open.yaml")
	os.WriteFile(pol, []byte(`version: 1
containers:
  allow_privileged: true
  allow_host_namespaces: [pid, ipc, uts, network, userns, cgroup]
  allow_capabilities: [ALL]
  allow_device_cgroup_rules: true
  allow_device_requests: true
  sensitive_host_paths: []
  allow_seccomp_unconfined: true
  allow_apparmor_unconfined: true
  allow_selinux_disabled: true
  allow_unmasked_paths: true
  require_no_new_privileges: false
  allow_root_user: true
  require_read_only_rootfs: false
scan_gate:
  enabled: false
`), 0o644)
	cmd := exec.Command(binary, "guard", "watch", "--policy", pol, "--docker-host", "unix://"+sock)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	switch ee, _ := err.(*exec.ExitError); {
	case err == nil:
		if !regexp.MustCompile(`^\d+ containers? checked, none break the policy\n$`).MatchString(out.String()) {
			t.Errorf("clean watch: stdout %q, stderr %q", out.String(), errb.String())
		}
	case ee != nil && ee.ExitCode() == 1:
		if !strings.Contains(errb.String(), "containers checked break") && !strings.Contains(errb.String(), "container checked break") {
			t.Errorf("watch with violations: %q", errb.String())
		}
	default:
		t.Fatalf("guard watch: %v\n%s", err, errb.String())
	}
}
