package facts

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree creates files under root; keys are host paths.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fakeProc(pid, start string, args ...string) map[string]string {
	cmdline := "dockerd\x00"
	for _, a := range args {
		cmdline += a + "\x00"
	}
	return map[string]string{
		"/proc/" + pid + "/comm":    "dockerd\n",
		"/proc/" + pid + "/cmdline": cmdline,
		"/proc/" + pid + "/stat":    pid + " (dockerd) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " + start + " 0 0",
		"/proc/" + pid + "/status":  "Name:\tdockerd\nUid:\t0\t0\t0\t0\n",
	}
}

func TestGatherPicksDockerdBySocket(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"/proc/1/mountinfo":       "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n",
		"/etc/group":              "root:x:0:\ndocker:x:998:alice\n",
		"/etc/docker/custom.json": `{"icc": false, "tlsverify": true, "tlscacert": "/etc/docker/tls/ca.pem"}`,
	}
	// The newest dockerd serves another socket; the audited one is older.
	for k, v := range fakeProc("100", "500", "-H", "unix:///run/a.sock", "--config-file", "/etc/docker/custom.json") {
		files[k] = v
	}
	for k, v := range fakeProc("200", "900", "-H", "unix:///run/b.sock") {
		files[k] = v
	}
	writeTree(t, root, files)

	s, err := Gather(context.Background(), nil, Options{HostRoot: root, DockerHost: "unix:///var/run/../run/a.sock"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Daemon.PID != 100 || s.Daemon.ArgsSource != "/proc/100/cmdline" {
		t.Fatalf("picked pid %d from %q, want 100", s.Daemon.PID, s.Daemon.ArgsSource)
	}
	if s.Daemon.ConfigFile != "/etc/docker/custom.json" || !s.Daemon.ConfigExists || s.Daemon.ConfigErr != "" {
		t.Errorf("config %q exists=%v err=%q", s.Daemon.ConfigFile, s.Daemon.ConfigExists, s.Daemon.ConfigErr)
	}
	if got := s.Daemon.Setting("icc").Bool(true); got {
		t.Error("icc from --config-file not read")
	}
	wantTargets := map[string]string{
		TargetDockerSock:  "/run/a.sock",
		TargetDaemonJSON:  "/etc/docker/custom.json",
		TargetTLSCACert:   "/etc/docker/tls/ca.pem",
		TargetTLSCert:     "/root/.docker/cert.pem", // dockerd's default
		TargetDataRoot:    "/var/lib/docker",
		TargetDockerd:     "/usr/bin/dockerd", // absent from this root
		TargetSwarmRootCA: "/var/lib/docker/swarm/certificates/swarm-root-ca.crt",
	}
	for role, want := range wantTargets {
		if got := s.Host.Targets[role]; got != want {
			t.Errorf("target %s = %q, want %q", role, got, want)
		}
	}
	if diff := cmp.Diff([]Group{{Name: "root", Members: []string{}}, {Name: "docker", GID: 998, Members: []string{"alice"}}}, s.Host.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if s.Engine.Err == "" {
		t.Error("no engine: Engine.Err is empty")
	}

	// With no matching socket, the newest dockerd is chosen.
	s, err = Gather(context.Background(), nil, Options{HostRoot: root, DockerHost: "unix:///run/other.sock"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Daemon.PID != 200 {
		t.Errorf("fallback picked pid %d, want the newest (200)", s.Daemon.PID)
	}
}

func TestGatherUnitFallbackAndConfinement(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"/lib/systemd/system/docker.service":                 "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --userns-remap=default\n",
		"/etc/systemd/system/docker.service.d/override.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --log-level debug\n",
		"/etc/docker/daemon.json":                            "{not json",
		"/usr/sbin/dockerd":                                  "",
	})
	// A symlink out of the root must not be followed.
	if err := os.MkdirAll(filepath.Join(root, "etc/default"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "etc/default/docker")); err != nil {
		t.Fatal(err)
	}
	s, err := Gather(context.Background(), nil, Options{HostRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"-H", "fd://", "--log-level", "debug"}, s.Daemon.Args); diff != "" {
		t.Errorf("args from unit + drop-in (-want +got):\n%s", diff)
	}
	if s.Daemon.ArgsSource != "/lib/systemd/system/docker.service ExecStart" {
		t.Errorf("ArgsSource = %q", s.Daemon.ArgsSource)
	}
	if s.Daemon.ConfigErr == "" {
		t.Error("malformed daemon.json: no ConfigErr")
	}
	if f := s.Host.Files["/etc/default/docker"]; f.Err == "" || f.Exists {
		t.Errorf("escaping symlink: %+v, want an error", f)
	}
	if got := s.Host.Targets[TargetDockerd]; got != "/usr/sbin/dockerd" {
		t.Errorf("dockerd binary = %q, want /usr/sbin/dockerd", got)
	}
	if s.Daemon.ArgsErr != "" || s.Host.MountsErr == "" {
		t.Errorf("ArgsErr=%q MountsErr=%q: want no args error and a mounts error", s.Daemon.ArgsErr, s.Host.MountsErr)
	}
}

func TestGatherBadRoot(t *testing.T) {
	if _, err := Gather(context.Background(), nil, Options{HostRoot: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing host root: no error")
	}
}

func TestContainerProcessesFromProc(t *testing.T) {
	idA := strings.Repeat("a", 64)
	idB := strings.Repeat("b", 64)
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"/proc/10/cgroup": "0::/system.slice/docker-" + idA + ".scope\n",
		"/proc/10/comm":   "app\n",
		"/proc/11/cgroup": "4:memory:/docker/" + idA + "\n1:cpu:/docker/" + idA + "\n",
		"/proc/11/comm":   "sshd\n",
		"/proc/12/cgroup": "0::/docker/" + idB + "b\n", // not an id: 65 hex digits
		"/proc/12/comm":   "other\n",
		"/proc/13/cgroup": "0::/\n",
		"/proc/13/comm":   "init\n",
	})
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := (&host{root: r}).containerProcesses(map[string]bool{idA: true, idB: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{idA: {"app", "sshd"}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzHexIDs(f *testing.F) {
	f.Add("0::/docker/" + strings.Repeat("f", 64) + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, id := range hexIDs(s) {
			if len(id) != 64 || !strings.Contains(s, id) {
				t.Fatalf("hexIDs returned %q", id)
			}
		}
	})
}
