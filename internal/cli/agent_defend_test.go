package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// needDefendHost skips unless this host can run the eBPF sensor (root,
// `bulwark defend probe` choosing ebpf) and a Docker engine; it returns
// the engine's socket and a bookworm base image imported into it.
func needDefendHost(t *testing.T) (sock, base string) {
	t.Helper()
	sock = testutil.NeedDocker(t)
	if os.Geteuid() != 0 {
		t.Skip("the eBPF sensor needs root")
	}
	var probe struct{ Mode, Why string }
	out, _ := exec.Command(binary, "defend", "probe", "--format", "json").Output()
	if json.Unmarshal(out, &probe) != nil || probe.Mode != "ebpf" {
		t.Skipf("eBPF sensor unavailable (bulwark defend probe): %s", probe.Why)
	}
	return sock, testutil.DockerImport(t, sock, testutil.DebianRootfs(t, "bookworm"), "bulwark-test/defend-bookworm:1")
}

// TestAgentDefend runs `bulwark agent --defend` against a real server, the
// real engine and the eBPF sensor: a container reading /etc/shadow shows
// up at the server as a runtime alert of its host, and the image's model
// as well.
func TestAgentDefend(t *testing.T) {
	t.Parallel()
	sock, base := needDefendHost(t)

	ctx := context.Background()
	st, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, NoWorkers: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	secret, hash := store.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{Name: "n1", Role: store.Agent, Host: "node-1", Hash: hash}); err != nil {
		t.Fatal(err)
	}

	actx, cancel := context.WithCancel(ctx)
	ag := exec.CommandContext(actx, binary, "agent", "--server", hs.URL, "--token", secret, "--no-bench", "--no-scan",
		"--defend", "--defend-mode", "ebpf", "--models", filepath.Join(t.TempDir(), "models.db"), "--docker-host", "unix://"+sock)
	ag.Cancel = func() error { return ag.Process.Signal(os.Interrupt) }
	stderr, _ := ag.StderrPipe()
	if err := ag.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var log strings.Builder
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		var once sync.Once
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "following") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	defer func() { cancel(); ag.Wait() }()
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("agent --defend not ready:\n%s", log.String())
	}

	name := "bulwark-agent-defend-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + time.Now().Format("150405.000000")
	name = strings.ReplaceAll(name, ".", "")
	id, b, _ := testutil.RunContainer(t, sock, name, base, "cat", "/etc/shadow")
	var got []store.RuntimeAlert
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && len(got) == 0 {
		time.Sleep(200 * time.Millisecond)
		got, _ = st.RuntimeAlerts(ctx, store.RuntimeFilter{Container: id, Rule: "read-shadow"})
	}
	// Not enforcing: the rule's kill is reported as what would have been done.
	if len(got) != 1 || got[0].Host != "node-1" || got[0].Process != "cat" || got[0].Response != "alert" || !strings.Contains(string(got[0].Alert), "would kill") {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("runtime alerts at the server: %+v (container said %q)\n%s", got, b, log.String())
	}
	cancel()
	ag.Wait()
	ms, err := st.RuntimeModels(ctx, "node-1")
	if err != nil || len(ms) == 0 {
		t.Errorf("no model at the server after the agent stopped: %v", err)
	}
}
