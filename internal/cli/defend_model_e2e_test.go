package cli_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// work is what the test image's containers do: a listener and a client on
// the loopback (the containers have no network), a few programs, a file
// written. "id" adds a process; "port" adds an outbound port.
const work = `#!/bin/bash
set -e
port=8080
[ "$1" = port ] && port=9999
perl -MIO::Socket::INET -e '
  my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1:8080", Listen => 1, ReuseAddr => 1) or die "listen: $!";
  my $m = IO::Socket::INET->new(LocalAddr => "127.0.0.1:9999", Listen => 1, ReuseAddr => 1) or die "listen: $!"
    if $ARGV[0] == 9999;
  IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die "connect: $!";
' "$port"
ls / > /dev/null
cat /etc/hostname > /tmp/out
[ "$1" = id ] && id > /dev/null
sleep 0.3
echo done
`

// TestDefendModelAcceptance is acceptance 2 on the real engine and the eBPF
// sensor, through `bulwark defend run`: a container doing its normal work
// while the image's model learns (one container start) raises no model
// alert in the next container doing the same; a new process, and a new
// outbound port, each raise one.
func TestDefendModelAcceptance(t *testing.T) {
	t.Parallel()
	sock, base := needDefendHost(t)
	id := make([]byte, 6)
	rand.Read(id)
	suffix := hex.EncodeToString(id)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "work"), []byte(work), 0o755)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+base+"\nCOPY work /usr/local/bin/work\nCMD [\"/usr/local/bin/work\"]\n"), 0o644)
	// Named by its content and kept for later runs: the models this test
	// checks live in its own new database, not in the image.
	image := testutil.DockerBuildCached(t, sock, dir, "bulwark-test/defend-model", "DOCKER_BUILDKIT=0")
	imageID := testutil.Docker(t, sock, "image", "inspect", "-f", "{{.Id}}", image)

	// The agent: rules and models, learning through one container start.
	models := filepath.Join(t.TempDir(), "models.db")
	alertsFile := filepath.Join(t.TempDir(), "alerts.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	agent := exec.CommandContext(ctx, binary, "defend", "run", "--mode", "ebpf", "--json", alertsFile, "--models", models,
		"--learn", "0", "--learn-starts", "1", "--dedup", "0", "--all-events", "--docker-host", "unix://"+sock)
	agent.Cancel = func() error { return agent.Process.Signal(os.Interrupt) }
	stderr, _ := agent.StderrPipe()
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var log strings.Builder
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if strings.Contains(sc.Text(), "following") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			agent.Wait()
		}
	}
	t.Cleanup(stop)
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("defend run not ready after 90 s:\n%s", log.String())
	}

	// Each container's acts are judged before the next starts: the agent
	// shares the machine with other work, and a start counts when the
	// agent first sees the container, not when the engine starts it.
	run := func(label string, args ...string) string {
		t.Helper()
		id := runNamed(t, sock, image, suffix, label, args...)
		waitJudged(t, alertsFile, id)
		return id
	}
	learnt := run("learn") // start 1: learning
	var normal []string
	for range 2 { // starts 2 and 3: judged, doing the same work
		normal = append(normal, run("again"))
	}
	idID := run("id", "id")
	portID := run("port", "port")
	// Seeding reads the whole image from the engine, which on a busy
	// machine can outlast the containers above: wait (a while) for the
	// seeded model to be saved before stopping the agent, which abandons
	// a seeding in progress.
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if m, err := model.NewStore(models).Get(context.Background(), imageID); err == nil && m.Seed != nil {
			break
		}
	}
	stop()

	alerts := readAlerts(t, alertsFile)
	t.Cleanup(func() {
		if t.Failed() { // what the agent saw of the image, for the record
			b, _ := os.ReadFile(alertsFile)
			n := 0
			for _, l := range strings.Split(string(b), "\n") {
				if strings.Contains(l, imageID) && n < 60 {
					t.Log(l)
					n++
				}
			}
		}
	})
	modelAlerts := func(cid string) []event.Alert {
		var out []event.Alert
		for _, a := range alerts {
			if a.Rule == "model" && a.Event.Container != nil && a.Event.Container.ID == cid {
				out = append(out, a)
			}
		}
		return out
	}
	if got := modelAlerts(learnt); len(got) != 0 {
		t.Errorf("the learning container raised %d model alerts: %s", len(got), got[0].Output)
	}
	for _, cid := range normal {
		for _, a := range modelAlerts(cid) {
			t.Errorf("normal work after learning raised: %s (expected %s)", a.Output, a.Expected)
		}
	}
	if got := modelAlerts(idID); len(got) != 1 || !strings.Contains(got[0].Output, "/id (parent work)") || got[0].Expected == "" {
		t.Errorf("a new process: model alerts %+v", got)
	}
	var outbound int
	for _, a := range modelAlerts(portID) {
		switch {
		case strings.Contains(a.Output, "outbound connection to port 9999"):
			outbound++
		case strings.Contains(a.Output, "listening on port 9999"): // the listener the client needs
		default:
			t.Errorf("new port: unexpected model alert %s", a.Output)
		}
	}
	if outbound != 1 {
		t.Errorf("a new outbound port raised %d alerts, want 1", outbound)
	}

	// The model is in the store, active, with what it learned.
	st := model.NewStore(models)
	m, err := st.Get(context.Background(), imageID)
	if err != nil {
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("model of %s: %v\n%s", imageID, err, log.String())
	}
	if m.State != model.Active || m.Seed == nil || m.Seed.Exe != "/usr/local/bin/work" || len(m.Processes) < 3 || len(m.Outbound) == 0 {
		t.Errorf("stored model: state %s seed %+v processes %v outbound %v", m.State, m.Seed, m.Processes, m.Outbound)
	}
}

// runNamed runs the image's work with args in a fresh container and
// returns its ID.
func runNamed(t *testing.T, sock, image, suffix, label string, args ...string) string {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	name := "bulwark-defend-model-" + suffix + "-" + label + "-" + hex.EncodeToString(b)
	id, out, code := testutil.RunContainer(t, sock, name, image, append([]string{"/usr/local/bin/work"}, args...)...)
	if code != 0 || !strings.Contains(out, "done") {
		t.Fatalf("container %s: exit %d\n%s", label, code, out)
	}
	return id
}

// waitJudged waits until the agent has written the last exec of a
// container's work (its sleep) among all events (--all-events).
func waitJudged(t *testing.T, file, cid string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(file)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, `"kind":"exec"`) && strings.Contains(l, cid) && strings.Contains(l, `"comm":"sleep"`) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the agent did not report container %s's work within 60 s", cid[:12])
}

func readAlerts(t *testing.T, file string) []event.Alert {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []event.Alert
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var a event.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err == nil && a.Rule != "" {
			out = append(out, a)
		}
	}
	return out
}
