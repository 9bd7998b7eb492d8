package checks

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// docker runs the docker CLI against the engine at sock.
func docker(t testing.TB, sock string, args ...string) string {
	t.Helper()
	out, err := dockerErr(sock, args...)
	if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func dockerErr(sock string, args ...string) (string, error) {
	cmd := exec.Command("docker", append([]string{"-H", "unix://" + sock}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

const sleeperSource = `package main

import (
	"os"
	"time"
)

// Sleeps forever; "health" answers the image's HEALTHCHECK.
func main() {
	if len(os.Args) > 1 && os.Args[1] == "health" {
		return
	}
	for {
		time.Sleep(time.Hour)
	}
}
`

// testImage imports a tiny image without pulling: one static Go binary at
// /app (and again at /usr/sbin/sshd, so a container can run a process named
// sshd), with a HEALTHCHECK.
func testImage(t *testing.T, sock string) string {
	t.Helper()
	bin, err := os.ReadFile(testutil.ProgramBinary(t, "sleeper", sleeperSource, nil, "CGO_ENABLED=0", "GOFLAGS="))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"usr/", "usr/sbin/", "tmp/"} {
		if err := tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"app", "usr/sbin/sshd"} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(bin))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(bin); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(t.TempDir(), "rootfs.tar")
	if err := os.WriteFile(tarPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprintf("bulwark-bench-test:%d", os.Getpid())
	// The checks read only that a container has a health check (the engine
	// sets State.Health when it starts one); the first probe is an interval
	// away. At 2 s the containers of a run took ~150 probes, each a docker
	// exec (runc, shim and a process), for nothing the test looks at.
	docker(t, sock, "import", "--change", `CMD ["/app"]`, "--change", `HEALTHCHECK --interval=1h CMD ["/app","health"]`, tarPath, tag)
	t.Cleanup(func() { _, _ = dockerErr(sock, "rmi", "-f", tag) })
	return tag
}

// gatherEngine gathers facts from the engine at sock with the host at "/".
func gatherEngine(t *testing.T, sock string) *facts.Snapshot {
	t.Helper()
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := facts.Gather(ctx, api, facts.Options{DockerHost: api.DaemonHost()})
	if err != nil {
		t.Fatal(err)
	}
	if s.Engine.Err != "" {
		t.Fatalf("engine: %s", s.Engine.Err)
	}
	return s
}

// TestContainersOnRealEngine starts containers that each break one
// recommendation and checks that exactly the matching checks warn.
func TestContainersOnRealEngine(t *testing.T) {
	t.Parallel() // its own containers or engines: nothing shared
	sock := testutil.NeedDocker(t)
	testutil.NeedCommand(t, "docker")
	img := testImage(t, sock)

	// The hardening the CIS text asks for, as separate options.
	hardening := map[string][]string{
		"capdrop": {"--cap-drop", "ALL"}, "readonly": {"--read-only"}, "user": {"--user", "1000"},
		"nnp": {"--security-opt", "no-new-privileges"}, "memory": {"--memory", "64m"}, "pids": {"--pids-limit", "64"},
	}
	cpu := []string{"--cpu-shares", "512"}
	tests := []struct {
		name  string
		add   []string
		drop  []string
		entry string
		want  []string
	}{
		// Exactly the hardening listed in the issue; it sets no CPU share.
		{name: "hardened", want: []string{"5.12"}},
		{name: "hardened-cpu", add: append([]string{"-e", "API_TOKEN=not-for-snapshots"}, cpu...)},
		{name: "cap-sys-admin", add: append([]string{"--cap-add", "SYS_ADMIN"}, cpu...), want: []string{"5.4"}},
		{name: "privileged", add: append([]string{"--privileged"}, cpu...), want: []string{"5.5"}},
		{name: "pid-host", add: append([]string{"--pid", "host"}, cpu...), want: []string{"5.16"}},
		{name: "ipc-host", add: append([]string{"--ipc", "host"}, cpu...), want: []string{"5.17"}},
		{name: "uts-host", add: append([]string{"--uts", "host"}, cpu...), want: []string{"5.21"}},
		{name: "docker-sock", add: append([]string{"-v", sock + ":/var/run/docker.sock:ro"}, cpu...), want: []string{"5.32"}},
		{name: "sensitive-dir", add: append([]string{"-v", "/etc:/host-etc:ro"}, cpu...), want: []string{"5.6"}},
		{name: "no-limits", drop: []string{"memory"}, want: []string{"5.11", "5.12"}},
		{name: "no-pids-limit", drop: []string{"pids"}, add: cpu, want: []string{"5.29"}},
		{name: "root-user", drop: []string{"user"}, add: cpu, want: []string{"4.1"}},
		{name: "writable-rootfs", drop: []string{"readonly"}, add: cpu, want: []string{"5.13"}},
		{name: "no-nnp", drop: []string{"nnp"}, add: cpu, want: []string{"5.26"}},
		{name: "seccomp-unconfined", add: append([]string{"--security-opt", "seccomp=unconfined"}, cpu...), want: []string{"5.22"}},
		{name: "restart-always", add: append([]string{"--restart", "always"}, cpu...), want: []string{"5.15"}},
		{name: "device", add: append([]string{"--device", "/dev/null:/dev/x"}, cpu...), want: []string{"5.18"}},
		{name: "sshd", add: cpu, entry: "/usr/sbin/sshd", want: []string{"5.7"}},
	}
	prefix := fmt.Sprintf("bulwark-bench-%d-", os.Getpid())
	var names []string
	runs := make([][]string, len(tests))
	for i, tt := range tests {
		args := []string{"run", "-d", "--network", "none", "--name", prefix + tt.name}
		for _, k := range []string{"capdrop", "readonly", "user", "nnp", "memory", "pids"} {
			if !contains(tt.drop, k) {
				args = append(args, hardening[k]...)
			}
		}
		args = append(args, tt.add...)
		if tt.entry != "" {
			args = append(args, "--entrypoint", tt.entry)
		}
		runs[i] = append(args, img)
		names = append(names, prefix+tt.name)
	}
	t.Cleanup(func() { _, _ = dockerErr(sock, append([]string{"rm", "-f"}, names...)...) })
	// Start them a few at a time: each docker run costs about a second.
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, errs[i] = dockerErr(sock, runs[i]...)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("docker %s: %v", strings.Join(runs[i], " "), err)
		}
	}

	s := gatherEngine(t, sock)
	var recorded bytes.Buffer
	if err := facts.Save(&recorded, s); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(recorded.Bytes(), []byte("not-for-snapshots")) || !bytes.Contains(recorded.Bytes(), []byte("API_TOKEN=")) {
		t.Error("environment values must be redacted from snapshots, names kept")
	}
	byName := map[string]facts.Container{}
	for _, c := range s.Engine.Containers {
		byName[c.Name()] = c
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[prefix+tt.name]
			if !ok {
				t.Fatalf("container %s not gathered", prefix+tt.name)
			}
			if !c.Running() {
				t.Fatalf("container %s is not running", prefix+tt.name)
			}
			one := *s
			one.Engine.Containers = []facts.Container{c}
			st := statuses(t, &one, Config{}, "4.1", "5")
			if diff := cmp.Diff(tt.want, warned(st)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			for _, id := range []string{"5.7", "5.27"} {
				if st[id] == bench.Skip {
					t.Errorf("%s skipped on a running container", id)
				}
			}
		})
	}

	// Without the host's /proc (an empty host root), process lists come
	// from the Engine API's top instead, with the same verdict.
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	noProc, err := facts.Gather(context.Background(), api, facts.Options{HostRoot: t.TempDir(), DockerHost: api.DaemonHost()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range noProc.Engine.Containers {
		if c.Name() != prefix+"sshd" {
			continue
		}
		one := *noProc
		one.Engine.Containers = []facts.Container{c}
		if st := statuses(t, &one, Config{}, "5.7")["5.7"]; st != bench.Warn {
			t.Errorf("5.7 from top = %s (processes %q, %s), want warn", st, c.Processes, c.ProcessesErr)
		}
	}

	// The whole engine: every violating container is named in its check.
	rep := bench.Run(All(Config{}), bench.Selection{Include: []string{"5.4", "5.16", "5.32"}}, s)
	for _, r := range rep.Results {
		if r.Status != bench.Warn {
			t.Errorf("%s over all containers = %s, want warn", r.ID, r.Status)
		}
	}
}

// engine is an extra dockerd started with its own flags.
type engine struct {
	name, sock string
}

// startEngine starts an extra engine through the shared script and stops
// it, removing its state, when the test ends.
func startEngine(t *testing.T, script, name string, flags ...string) (engine, error) {
	e := engine{name: name, sock: "/run/bulwark-bench-test/" + name + ".sock"}
	cmd := exec.Command(script, flags...)
	cmd.Env = append(os.Environ(), "DOCKER_SOCK="+e.sock, "DOCKERD_LOG="+filepath.Join(os.TempDir(), "dockerd-"+name+".log"))
	out, err := cmd.CombinedOutput()
	t.Cleanup(func() { stopEngine(name, e.sock) })
	if err != nil {
		return e, fmt.Errorf("starting engine %s: %v\n%s", name, err, out)
	}
	return e, nil
}

func stopEngine(name, sock string) {
	pidfile := "/run/docker-" + name + ".pid"
	if data, err := os.ReadFile(pidfile); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	for _, p := range []string{"/var/lib/docker-" + name, "/run/docker-" + name, sock, pidfile} {
		_ = os.RemoveAll(p)
	}
}

// TestDaemonSettingsOnRealEngines starts engines with and without hardening
// settings, as flags and as daemon.json, and checks that exactly the related
// 2.x results flip.
func TestDaemonSettingsOnRealEngines(t *testing.T) {
	t.Parallel() // its own containers or engines: nothing shared
	testutil.NeedDocker(t)
	testutil.NeedCommand(t, "docker")
	script := testutil.Shared(t, "scripts/start-dockerd.sh")
	id := strconv.Itoa(os.Getpid())
	cfg := filepath.Join(t.TempDir(), "daemon.json")
	if err := os.WriteFile(cfg, []byte(`{"userns-remap": "default", "live-restore": true, "no-new-privileges": true,
 "userland-proxy": false, "log-level": "debug"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	specs := []struct {
		name  string
		flags []string
		flips []string
	}{
		{name: "base"},
		{name: "flags", flags: []string{"--userns-remap=default", "--live-restore", "--no-new-privileges", "--userland-proxy=false", "--log-level", "info"},
			flips: []string{"2.9", "2.14", "2.15", "2.16"}},
		{name: "json", flags: []string{"--config-file", cfg}, flips: []string{"2.3", "2.9", "2.14", "2.15", "2.16"}},
	}
	engines := make([]engine, len(specs))
	errs := make([]error, len(specs))
	// The first engine with userns-remap=default may have to create the
	// dockremap user; two doing it at once would race, so it starts alone.
	engines[1], errs[1] = startEngine(t, script, "bb"+id+specs[1].name, specs[1].flags...)
	var wg sync.WaitGroup
	for _, i := range []int{0, 2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			engines[i], errs[i] = startEngine(t, script, "bb"+id+specs[i].name, specs[i].flags...)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	results := make([]map[string]bench.Status, len(specs))
	for i, e := range engines {
		s := gatherEngine(t, e.sock)
		if want := e.sock; s.Host.Targets[facts.TargetDockerSock] != want || s.Daemon.PID == 0 {
			t.Fatalf("%s: audited dockerd pid %d with socket %q, want the one serving %s", e.name, s.Daemon.PID, s.Host.Targets[facts.TargetDockerSock], want)
		}
		results[i] = statuses(t, s, Config{}, "2")
	}
	base := results[0]
	for _, id := range []string{"2.9", "2.14", "2.15", "2.16"} {
		if base[id] != bench.Warn {
			t.Errorf("base engine: %s = %s, want warn", id, base[id])
		}
	}
	if base["2.3"] != bench.Pass {
		t.Errorf("base engine: 2.3 = %s, want pass", base["2.3"])
	}
	for i, sp := range specs[1:] {
		var flipped []string
		for id, st := range results[i+1] {
			if st != base[id] {
				flipped = append(flipped, id)
			}
		}
		sortIDs(flipped)
		if diff := cmp.Diff(sp.flips, flipped); diff != "" {
			t.Errorf("%s: flipped checks (-want +got):\n%s", sp.name, diff)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortIDs(ids []string) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && bench.CompareIDs(ids[j-1], ids[j]) > 0; j-- {
			ids[j-1], ids[j] = ids[j], ids[j-1]
		}
	}
}

// TestSwarmOnRealEngine runs section 7 against a one-node swarm on an extra
// engine, before and after hardening it.
func TestSwarmOnRealEngine(t *testing.T) {
	t.Parallel() // its own containers or engines: nothing shared
	testutil.NeedDocker(t)
	testutil.NeedCommand(t, "docker")
	script := testutil.Shared(t, "scripts/start-dockerd.sh")
	e, err := startEngine(t, script, "bb"+strconv.Itoa(os.Getpid())+"swarm")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"5.1", "2.15", "7"}
	before := statuses(t, gatherEngine(t, e.sock), Config{}, ids...)
	want := map[string]bench.Status{"5.1": bench.Pass, "2.15": bench.Warn}
	for _, id := range []string{"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "7.9"} {
		want[id] = bench.Info // not in a swarm
	}
	if diff := cmp.Diff(want, before); diff != "" {
		t.Fatalf("before swarm init (-want +got):\n%s", diff)
	}

	// Loopback only: the swarm ports must not listen on every interface.
	docker(t, e.sock, "swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377")
	inSwarm := statuses(t, gatherEngine(t, e.sock), Config{}, ids...)
	want = map[string]bench.Status{"5.1": bench.Warn, "2.15": bench.Info, "7.1": bench.Pass, "7.2": bench.Pass,
		"7.3": bench.Warn /* ingress is not encrypted */, "7.4": bench.Info, "7.5": bench.Warn, "7.6": bench.Note,
		"7.7": bench.Info, "7.8": bench.Info, "7.9": bench.Info}
	if diff := cmp.Diff(want, inSwarm); diff != "" {
		t.Errorf("in a swarm (-want +got):\n%s", diff)
	}

	docker(t, e.sock, "swarm", "update", "--autolock=true")
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	docker(t, e.sock, "secret", "create", "bench-test", secret)
	hardened := statuses(t, gatherEngine(t, e.sock), Config{}, "7.4", "7.5")
	if diff := cmp.Diff(map[string]bench.Status{"7.4": bench.Pass, "7.5": bench.Pass}, hardened); diff != "" {
		t.Errorf("after autolock and a secret (-want +got):\n%s", diff)
	}
}
