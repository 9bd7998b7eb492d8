package plugin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// The engine under test: started with --authorization-plugin=bulwark-test
// after the plugin listens on its socket.
const (
	pluginName   = "bulwark-test"
	pluginSocket = "/run/docker/plugins/" + pluginName + ".sock"
	engineSocket = "/run/bulwark-test/guard.sock"
	enginePID    = "/run/docker-guard.pid"
)

// guarded is a running engine whose every API call goes through the
// plugin served by this test process.
type guarded struct {
	srv      *Server
	g        *guard.Guard
	auditLog string
	api      *client.Client
}

var engineMu sync.Mutex

// The engine lives for the whole test binary: the first test that needs
// it starts it, TestMain stops it. Each test serves its own plugin (its
// policy, its audit log) on pluginSocket while it runs, and the engine
// dials the socket for each connection, so it asks the current test's
// server. An engine per test cost ~1 CPU-s and ~4 s of wall time each
// (the start script polls once a second).
var engineProc struct {
	started bool   // by this process, which holds the lock
	unlock  func() // releases lockEngine's lock
}

func TestMain(m *testing.M) {
	code := m.Run()
	if engineProc.started {
		if err := stopEngine(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	if engineProc.unlock != nil {
		engineProc.unlock()
	}
	os.Exit(code)
}

// startGuarded serves the plugin with p on pluginSocket and makes sure the
// engine behind it runs. The plugin stops at the end of the test; the
// engine stays for the next one.
func startGuarded(t *testing.T, p *policy.Policy) *guarded {
	t.Helper()
	testutil.NeedDocker(t)
	testutil.NeedCommand(t, "dockerd")
	script := testutil.Shared(t, "scripts/start-dockerd.sh")
	if os.Geteuid() != 0 {
		t.Skip("starting an engine needs root")
	}
	engineMu.Lock()
	t.Cleanup(engineMu.Unlock)
	if engineProc.unlock == nil {
		engineProc.unlock = lockEngine(t)
		// One left from an interrupted run may have been started with
		// other flags.
		if err := stopEngine(); err != nil {
			t.Fatal(err)
		}
	}

	api, err := client.NewClientWithOpts(client.WithHost("unix://"+engineSocket), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { api.Close() })
	g, err := guard.New(p, guard.Options{Engine: api})
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "audit.jsonl")
	audit, err := OpenAuditLog(logPath)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(g, audit)
	ctx, cancel := context.WithCancel(context.Background())
	l, err := Listen(ctx, pluginSocket)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		audit.Close()
		os.Remove(pluginSocket)
	})

	if !engineRunning() {
		cmd := exec.Command(script, "--authorization-plugin="+pluginName)
		cmd.Env = append(os.Environ(), "DOCKER_SOCK="+engineSocket)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("starting the engine: %v\n%s", err, out)
		}
		engineProc.started = true
	}
	return &guarded{srv: srv, g: g, auditLog: logPath, api: api}
}

// lockEngine serialises test processes (two `go test` runs on one
// machine) over the one engine socket and plugin name, until the returned
// function is called.
func lockEngine(t *testing.T) (unlock func()) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(engineSocket), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(filepath.Dir(engineSocket), "guard.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Minute)
	for syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			f.Close()
			t.Fatal("the guard test engine stayed locked by another test process")
		}
		time.Sleep(200 * time.Millisecond)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }
}

// enginePid is the test engine's process ID from its pidfile (0: none).
func enginePid() int {
	b, err := os.ReadFile(enginePID)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// engineRunning says whether the test engine's process is alive (and
// still dockerd: the pidfile of one that died may name another process).
func engineRunning() bool {
	pid := enginePid()
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return pid > 0 && err == nil && strings.TrimSpace(string(comm)) == "dockerd"
}

// stopEngine kills the test engine (if running) and waits for it to exit.
func stopEngine() error {
	pid := enginePid()
	if pid == 0 || syscall.Kill(pid, syscall.SIGTERM) != nil {
		return nil
	}
	for range 300 {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("guard test engine %d did not stop", pid)
}

// docker runs the CLI against the guarded engine and returns its
// combined output and error.
func (e *guarded) docker(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", append([]string{"-H", "unix://" + engineSocket}, args...)...).CombinedOutput()
	return string(out), err
}

func (e *guarded) mustDocker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := e.docker(args...)
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// records reads the audit log.
func (e *guarded) records(t *testing.T) []Record {
	t.Helper()
	b, err := os.ReadFile(e.auditLog)
	if err != nil {
		t.Fatal(err)
	}
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// raw sends one hand-made HTTP request to the guarded engine and returns
// the status code and body.
func raw(t *testing.T, request string) (int, string) {
	t.Helper()
	c, err := net.Dial("unix", engineSocket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	// The daemon may answer (and close) before reading all of a large
	// body, so the write runs beside the read and its error is moot.
	go c.Write([]byte(request))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

// toolSource is the program of the tool image.
const toolSource = `package main

import (
	"os"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		if d, err := time.ParseDuration(os.Args[1] + "s"); err == nil {
			time.Sleep(d)
		}
	}
}
`

// toolImage is a root filesystem with one static program installed as
// /bin/true (exits 0) and /bin/sleep (sleeps for its argument), as a
// tarball for docker import.
func toolImage(t *testing.T) string {
	t.Helper()
	return programImage(t, toolSource, []string{"true", "sleep"}, nil)
}

// programImage is a root filesystem with one static program built from
// source (package main) and installed as /bin/NAME for each of names,
// empty /etc and /tmp directories and files (path: content), as a tarball
// for docker import. It is made once per toolchain and content and kept
// with the test fixtures (testutil.CachedDir).
func programImage(t *testing.T, source string, names []string, files map[string]string) string {
	t.Helper()
	key := fmt.Sprintf("guard program image\x00%s\x00%q", source, names)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		key += fmt.Sprintf("\x00%q\x00%q", p, files[p])
	}
	dir := testutil.CachedDir(t, key, func(dir string) error {
		src := filepath.Join(dir, "src")
		root := filepath.Join(dir, "root")
		for _, d := range []string{src, filepath.Join(root, "bin"), filepath.Join(root, "etc")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o1777); err != nil {
			return err
		}
		os.WriteFile(filepath.Join(src, "go.mod"), []byte("module guardtool\n\ngo 1.22\n"), 0o644)
		os.WriteFile(filepath.Join(src, "main.go"), []byte(source), 0o644)
		for p, body := range files {
			if err := os.WriteFile(filepath.Join(root, p), []byte(body), 0o644); err != nil {
				return err
			}
		}
		// The latency test runs under chrt -f; a Go build under real-time
		// scheduling can livelock its own threads, so it runs as normal.
		bin := filepath.Join(root, "bin", names[0])
		build := []string{"go", "build", "-trimpath", "-o", bin, "."}
		if _, err := exec.LookPath("chrt"); err == nil {
			build = append([]string{"chrt", "-o", "0"}, build...)
		}
		cmd := exec.Command(build[0], build[1:]...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building the test program: %v\n%s", err, out)
		}
		for _, n := range names[1:] {
			if err := os.Link(bin, filepath.Join(root, "bin", n)); err != nil {
				return err
			}
		}
		if out, err := exec.Command("tar", "-C", root, "-cf", filepath.Join(dir, "image.tar"), ".").CombinedOutput(); err != nil {
			return fmt.Errorf("tar: %v\n%s", err, out)
		}
		return nil
	})
	return filepath.Join(dir, "image.tar")
}

// importImage imports tarball into the guarded engine as name.
func (e *guarded) importImage(t *testing.T, tarball, name string) string {
	t.Helper()
	if _, err := e.docker("image", "inspect", name); err == nil {
		return name
	}
	e.mustDocker(t, "import", tarball, name)
	return name
}

func hasRule(out, rule string) bool { return strings.Contains(out, "rule "+rule+":") }
