package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

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
// rootfs plus the test tool, named xmrig and worker too. The image is
// named by its content and kept for later runs (testutil.DockerBuildCached).
func attackImage(t *testing.T) string {
	t.Helper()
	sock := testutil.NeedDocker(t)
	rootfs := testutil.DebianRootfs(t, "bookworm")
	imageOnce.Do(func() {
		base := testutil.DockerImport(t, sock, rootfs, "bulwark-test/defend-bookworm:1")
		dir := t.TempDir()
		wd, _ := os.Getwd()
		tool, err := testutil.Build(testutil.GoBuild{Dir: wd, Pkg: "./testdata/tool", Env: []string{"CGO_ENABLED=0"},
			Sources: []string{filepath.Join(wd, "testdata", "tool")}})
		if err != nil {
			imageErr = "building the tool: " + err.Error()
			return
		}
		b, err := os.ReadFile(tool)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "tool"), b, 0o755)
		}
		if err != nil {
			imageErr = err.Error()
			return
		}
		df := "FROM " + base + "\nCOPY tool /usr/local/bin/tool\nCOPY tool /usr/local/bin/xmrig\nCOPY tool /usr/local/bin/worker\n"
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
			imageErr = err.Error()
			return
		}
		imageName = testutil.DockerBuildCached(t, sock, dir, "bulwark-test/defend-attacks", "DOCKER_BUILDKIT=0")
	})
	if imageErr != "" {
		t.Fatal(imageErr)
	}
	if imageName == "" {
		t.Fatal("the attack image was not built (see the first test that asked for it)")
	}
	return imageName
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// runNoFatal runs a container to its end and returns its id (empty when it
// could not be created), output and exit code; safe from any goroutine.
// args are `docker run` arguments (the few flags runSpec knows, the image,
// the command).
// With an agent, the container is started only once the agent has the
// engine's description of it (its create event): otherwise, on a loaded
// machine, its first acts can come before the engine answers the agent's
// inspect (it waits a second at most) and are attributed by container id
// alone, without the image.
//
// The container is made through the Engine API with networking disabled:
// its own network namespace with only loopback, as --network none gives,
// but the engine sets up no network sandbox for it. That sandbox's two
// re-executions of dockerd (the setkey hook and the IPv6 sysctl) were
// ~0.3 CPU-s of each of this package's ~35 container starts, and the
// three docker CLI processes per container another ~0.2.
func runNoFatal(t *testing.T, a *agent, args ...string) (id, out string, code int) {
	sock := testutil.NeedDocker(t)
	cfg, hc, err := runSpec(args)
	if err != nil {
		return "", err.Error(), -1
	}
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		return "", err.Error(), -1
	}
	t.Cleanup(func() { api.Close() }) // after the removal below (cleanups run last first)
	ctx := context.Background()
	created, err := api.ContainerCreate(ctx, cfg, hc, nil, nil, "bulwark-defend-"+randomID())
	if err != nil {
		return "", "create: " + err.Error(), -1
	}
	id = created.ID
	t.Cleanup(func() { api.ContainerRemove(context.Background(), id, container.RemoveOptions{Force: true}) })
	for deadline := time.Now().Add(30 * time.Second); a != nil && !a.table.Described(id); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return "", "the agent had no description of the container 30s after its create event", -1
		}
	}
	exited, waitErr := api.ContainerWait(ctx, id, container.WaitConditionNextExit)
	if err := api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return "", "start: " + err.Error(), -1
	}
	select {
	case w := <-exited:
		code = int(w.StatusCode)
	case err := <-waitErr:
		return "", "wait: " + err.Error(), -1
	}
	logs, err := api.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return "", "logs: " + err.Error(), -1
	}
	defer logs.Close()
	var b strings.Builder
	if _, err := stdcopy.StdCopy(&b, &b, logs); err != nil {
		return "", "logs: " + err.Error(), -1
	}
	return id, b.String(), code
}

// runSpec turns `docker run` arguments into the Engine API's container
// configuration, for the flags these tests use; any other flag is an
// error rather than silently dropped.
func runSpec(args []string) (*container.Config, *container.HostConfig, error) {
	cfg := &container.Config{NetworkDisabled: true}
	hc := &container.HostConfig{NetworkMode: "none"}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		flag, val, inline := strings.Cut(args[0], "=")
		if !inline {
			if len(args) < 2 {
				return nil, nil, fmt.Errorf("flag %s without a value", flag)
			}
			val, args = args[1], args[1:]
		}
		args = args[1:]
		switch flag {
		case "-v", "--volume":
			hc.Binds = append(hc.Binds, val)
		case "--pid":
			hc.PidMode = container.PidMode(val)
		case "--cap-add":
			hc.CapAdd = append(hc.CapAdd, val)
		case "--security-opt":
			hc.SecurityOpt = append(hc.SecurityOpt, val)
		case "-e", "--env":
			cfg.Env = append(cfg.Env, val)
		default:
			return nil, nil, fmt.Errorf("runSpec does not know flag %s", flag)
		}
	}
	if len(args) == 0 {
		return nil, nil, errors.New("no image")
	}
	cfg.Image, cfg.Cmd = args[0], args[1:]
	return cfg, hc, nil
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
