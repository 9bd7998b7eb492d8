package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func TestHardenDaemonCommand(t *testing.T) {
	t.Parallel()
	snap := benchSnapshot(t)
	out, errs, code := runCLI("harden", "daemon", "--facts", snap)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{`+ "userns-remap": "default"   [2.9]`, "may break:", "Left out:", "*2.9", "+++ /etc/docker/daemon.json (proposed)"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	dir := t.TempDir()
	out, errs, code = runCLI("harden", "daemon", "--facts", snap, "--format", "json", "--output", dir, "--exclude", "icc")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p struct {
		Fixes    []string                   `json:"fixes"`
		Proposed map[string]json.RawMessage `json:"proposed"`
		LeftOut  []struct{ Key string }     `json:"left_out"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if _, ok := p.Proposed["icc"]; ok {
		t.Error("--exclude icc ignored")
	}
	file, err := os.ReadFile(filepath.Join(dir, "daemon.json"))
	if err != nil {
		t.Fatal(err)
	}
	var written map[string]json.RawMessage
	if err := json.Unmarshal(file, &written); err != nil || len(written) != len(p.Proposed) {
		t.Errorf("written daemon.json %s (%v) differs from the proposal", file, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "daemon.json.diff")); err != nil {
		t.Error(err)
	}
	// Never over an existing file without --force.
	if _, errs, code := runCLI("harden", "daemon", "--facts", snap, "--output", dir); code != ExitInput || !strings.Contains(errs, "file exists") {
		t.Errorf("second write: exit %d, %s", code, errs)
	}
	if _, _, code := runCLI("harden", "daemon", "--facts", snap, "--output", dir, "--force"); code != 0 {
		t.Errorf("--force: exit %d", code)
	}
	for _, args := range [][]string{
		{"harden", "daemon", "--facts", snap, "--format", "xml"},
		{"harden", "daemon", "--facts", snap, "--log-opt", "max-size=1m"},
		{"harden", "daemon", "--facts", snap, "--log-driver", "syslog", "--log-opt", "novalue"},
		{"harden", "daemon", "--facts", filepath.Join(dir, "missing.json")},
	} {
		if _, _, code := runCLI(args...); code != ExitInput {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestHardenTLSCommand(t *testing.T) {
	t.Parallel()
	snap := benchSnapshot(t)
	dir := filepath.Join(t.TempDir(), "tls")
	out, errs, code := runCLI("harden", "tls", "--facts", snap, "--output", dir, "--hostname", "docker.test", "--ip", "127.0.0.1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"--tlsverify", "export DOCKER_CERT_PATH=" + filepath.Join(dir, "client"), "2.7"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for f, mode := range map[string]os.FileMode{"ca.pem": 0o444, "ca-key.pem": 0o400, "server-key.pem": 0o400, "client/key.pem": 0o400} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v %v, want %o", f, st, err, mode)
		}
	}
	if _, errs, code := runCLI("harden", "tls", "--facts", snap, "--output", dir); code != ExitInput || !strings.Contains(errs, "file exists") {
		t.Errorf("second create: exit %d %s", code, errs)
	}
	out, errs, code = runCLI("harden", "tls", "rotate", "--facts", snap, "--output", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("rotate: exit %d: %s", code, errs)
	}
	var rep struct {
		Action       string
		Files        []struct{ Path, Mode string }
		Certificates []struct {
			Role     string   `json:"role"`
			DNSNames []string `json:"dns_names"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Action != "rotate" || len(rep.Files) != 5 || rep.Files[1].Mode != "0400" {
		t.Errorf("rotate report %+v", rep)
	}
	if len(rep.Certificates) < 2 || strings.Join(rep.Certificates[1].DNSNames, ",") != "docker.test" {
		t.Errorf("rotation lost the SANs: %+v", rep.Certificates)
	}
	// The listen address must be named by the server certificate.
	out, _, _ = runCLI("harden", "tls", "--facts", snap, "--output", filepath.Join(t.TempDir(), "t2"), "--listen", "10.9.9.9:2376")
	if !strings.Contains(out, "does not name 10.9.9.9") {
		t.Errorf("no warning for a listen address outside the SANs:\n%s", out)
	}
	for _, args := range [][]string{
		{"harden", "tls", "--facts", snap, "--output", t.TempDir(), "--ip", "not-an-ip"},
		{"harden", "tls", "--facts", snap, "--output", t.TempDir(), "--listen", ":2376"},
		{"harden", "tls", "--facts", snap, "--output", t.TempDir(), "--key-type", "rsa"},
		{"harden", "tls", "rotate", "--facts", snap, "--output", t.TempDir()},
	} {
		if _, _, code := runCLI(args...); code != ExitInput {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestHardenRunCommand(t *testing.T) {
	layer := testutil.LayerTar(t, testutil.Entry{Name: "tmp/", Mode: 0o1777}, testutil.Entry{Name: "app", Body: "elf", Mode: 0o755})
	img, err := mutate.Config(testutil.Image(t, layer), v1.Config{Cmd: []string{"/app"}, ExposedPorts: map[string]struct{}{"443/tcp": {}}})
	if err != nil {
		t.Fatal(err)
	}
	arch := testutil.WriteDockerArchive(t, img, "example.test/api:2")
	t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock") // no engine: the image alone decides
	dir := t.TempDir()
	out, errs, code := runCLI("harden", "run", "docker-archive:"+arch, "--format", "json", "--output", dir, "--memory", "1g",
		"--health-cmd", "/app -probe 'https://127.0.0.1:443/'")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p struct {
		User    string   `json:"user"`
		Command string   `json:"command"`
		Fixes   []string `json:"fixes"`
		Health  struct {
			Test []string `json:"test"`
		} `json:"health"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if p.User != "65532:65532" || !strings.Contains(p.Command, "--memory 1g") || !strings.Contains(p.Command, "ip_unprivileged_port_start=443") {
		t.Errorf("profile %+v", p)
	}
	if strings.Join(p.Health.Test, " ") != "CMD /app -probe https://127.0.0.1:443/" {
		t.Errorf("health %q", p.Health.Test)
	}
	if !strings.Contains(strings.Join(p.Fixes, ","), "4.1") {
		t.Errorf("fixes %v", p.Fixes)
	}
	compose, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil || !strings.Contains(string(compose), "services:\n  api:\n") {
		t.Errorf("compose.yaml: %v\n%s", err, compose)
	}
	for _, args := range [][]string{
		{"harden", "run", "docker-archive:" + arch, "--network", "host"},
		{"harden", "run", "docker-archive:" + arch, "--memory", "lots"},
		{"harden", "run", "docker-archive:" + arch, "--health-cmd", `"open`},
		{"harden", "run", "docker-archive:" + filepath.Join(dir, "missing.tar")},
		{"harden", "run"},
	} {
		if _, _, code := runCLI(args...); code != ExitInput {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
