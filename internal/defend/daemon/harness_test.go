package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/pipeline"
	"github.com/bulwark-sec/bulwark/internal/defend/probe"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// needEBPF skips with probe's reason when the eBPF sensor cannot run.
func needEBPF(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the eBPF sensor needs root")
	}
	r := probe.Run(context.Background())
	if r.Mode != probe.ModeEBPF {
		t.Skipf("eBPF sensor unavailable (bulwark defend probe): %s", r.Why)
	}
}

// collector is a sink that keeps everything.
type collector struct {
	mu     sync.Mutex
	alerts []event.Alert
	events []event.Event
}

func (c *collector) Alert(_ context.Context, a *event.Alert) {
	c.mu.Lock()
	c.alerts = append(c.alerts, *a)
	c.mu.Unlock()
}

func (c *collector) Event(_ context.Context, e *event.Event) {
	c.mu.Lock()
	c.events = append(c.events, *e)
	c.mu.Unlock()
}

// find returns the events matching f.
func (c *collector) find(f func(e *event.Event) bool) []event.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []event.Event
	for i := range c.events {
		if f(&c.events[i]) {
			out = append(out, c.events[i])
		}
	}
	return out
}

func (c *collector) findAlerts(f func(a *event.Alert) bool) []event.Alert {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []event.Alert
	for i := range c.alerts {
		if f(&c.alerts[i]) {
			out = append(out, c.alerts[i])
		}
	}
	return out
}

// agent is an agent running in the test process.
type agent struct {
	*Agent
	col    *collector
	cancel context.CancelFunc
	done   chan error
}

func startAgent(t *testing.T, opts Options) *agent {
	t.Helper()
	sock := testutil.NeedDocker(t)
	needEBPF(t)
	eng, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	col := &collector{}
	opts.Engine = eng
	if opts.Sinks == nil {
		opts.Sinks = []pipeline.Sink{col}
	}
	ready := make(chan *Agent, 1)
	opts.Ready = func(a *Agent) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	ag := &agent{col: col, cancel: cancel, done: make(chan error, 1)}
	go func() { ag.done <- Run(ctx, opts) }()
	select {
	case a := <-ready:
		ag.Agent = a
	case err := <-ag.done:
		cancel()
		t.Fatalf("agent stopped: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("agent not ready after 60s")
	}
	t.Cleanup(ag.stop)
	return ag
}

func (a *agent) stop() {
	a.cancel()
	<-a.done
}

// settle waits until the agent has read what the kernel wrote.
func (a *agent) settle() {
	deadline := time.Now().Add(5 * time.Second)
	for a.ks != nil && time.Now().Before(deadline) {
		if p, _ := a.ks.RingUsage(); p == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

var (
	imageOnce sync.Once
	imageName string
	imageErr  string
)

// attackImage builds (once per test binary) an image of a real Debian
// rootfs plus the test tool, named xmrig and worker too. It is removed
// when the package's tests end (see TestMain).
func attackImage(t *testing.T) string {
	t.Helper()
	sock := testutil.NeedDocker(t)
	rootfs := testutil.DebianRootfs(t, "bookworm")
	imageOnce.Do(func() {
		base := testutil.DockerImport(t, sock, rootfs, "bulwark-test/defend-bookworm:1")
		dir := t.TempDir()
		build := exec.Command("go", "build", "-o", filepath.Join(dir, "tool"), "./testdata/tool")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			imageErr = "building the tool: " + err.Error() + "\n" + string(out)
			return
		}
		df := "FROM " + base + "\nCOPY tool /usr/local/bin/tool\nCOPY tool /usr/local/bin/xmrig\nCOPY tool /usr/local/bin/worker\n"
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
			imageErr = err.Error()
			return
		}
		name := "bulwark-test/defend-attacks:" + randomID()
		cmd := exec.Command("docker", "-H", "unix://"+sock, "build", "-q", "-t", name, dir)
		cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			imageErr = "docker build: " + err.Error() + "\n" + string(out)
			return
		}
		imageName = name
		cleanupImage = func() { exec.Command("docker", "-H", "unix://"+sock, "rmi", "-f", name).Run() }
	})
	if imageErr != "" {
		t.Fatal(imageErr)
	}
	return imageName
}

var cleanupImage = func() {}

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupImage()
	os.Exit(code)
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// runNoFatal runs a container to its end and returns its id (empty when it
// could not be created), output and exit code; safe from any goroutine.
// With an agent, the container is started only once the agent has the
// engine's description of it (its create event): otherwise, on a loaded
// machine, its first acts can come before the engine answers the agent's
// inspect (it waits a second at most) and are attributed by container id
// alone, without the image.
func runNoFatal(t *testing.T, a *agent, args ...string) (id, out string, code int) {
	sock := testutil.NeedDocker(t)
	name := "bulwark-defend-" + randomID()
	full := append([]string{"-H", "unix://" + sock, "create", "--name", name, "--network", "none"}, args...)
	b, err := exec.Command("docker", full...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			b = append(b, ee.Stderr...)
		}
		return "", err.Error() + "\n" + string(b), -1
	}
	t.Cleanup(func() { exec.Command("docker", "-H", "unix://"+sock, "rm", "-f", name).Run() })
	id = strings.TrimSpace(string(b))
	for deadline := time.Now().Add(30 * time.Second); a != nil && !a.table.Described(id); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return "", "the agent had no description of the container 30s after its create event", -1
		}
	}
	b, err = exec.Command("docker", "-H", "unix://"+sock, "start", "-a", name).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		return "", err.Error() + "\n" + string(b), -1
	}
	return id, string(b), code
}

// inContainer selects events of one container.
func inContainer(id string) func(e *event.Event) bool {
	return func(e *event.Event) bool { return e.Container != nil && (id == "" || e.Container.ID == id) }
}

func and(fs ...func(e *event.Event) bool) func(e *event.Event) bool {
	return func(e *event.Event) bool {
		for _, f := range fs {
			if !f(e) {
				return false
			}
		}
		return true
	}
}

func kind(k event.Kind) func(e *event.Event) bool {
	return func(e *event.Event) bool { return e.Kind == k }
}

func comm(c string) func(e *event.Event) bool {
	return func(e *event.Event) bool { return e.Process.Comm == c }
}

func filePath(p string) func(e *event.Event) bool {
	return func(e *event.Event) bool { return e.File != nil && e.File.Path == p }
}

func filePrefix(p string) func(e *event.Event) bool {
	return func(e *event.Event) bool { return e.File != nil && strings.HasPrefix(e.File.Path, p) }
}
