package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/dockerhost/dockerhosttest"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestDockerHostSpellings runs every command that reaches a Docker engine
// with every way the Docker CLI names one (socket path, unix://, tcp://,
// HOST:PORT, DOCKER_HOST with and without TLS, DOCKER_CONTEXT, the current
// context with TLS) and checks each reached the engine at the address the
// spelling names.
func TestDockerHostSpellings(t *testing.T) {
	t.Parallel()
	sock := testutil.NeedDocker(t)
	id := make([]byte, 6)
	rand.Read(id)
	image := "bulwark-test/dockerhost:" + hex.EncodeToString(id)
	layer := filepath.Join(t.TempDir(), "rootfs.tar")
	os.WriteFile(layer, testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "etc/passwd", Body: "root:x:0:0::/root:/bin/sh\n"}), 0o644)
	testutil.DockerImport(t, sock, layer, image)
	t.Cleanup(func() { exec.Command("docker", "-H", "unix://"+sock, "rmi", "-f", image).Run() })
	server, token := agentServer(t)
	req := filepath.Join(t.TempDir(), "create.json")
	os.WriteFile(req, []byte(`{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":{"Image":"`+image+`"}}`), 0o644)

	commands := []struct {
		name string
		args []string
	}{
		{"scan", []string{"scan", "--format", "json", "docker:" + image}},
		{"sbom", []string{"sbom", "--format", "json", "docker:" + image}},
		{"bench", []string{"bench", "--format", "json"}},
		{"guard test", []string{"guard", "test", "--engine", req}},
		{"harden run", []string{"harden", "run", "--format", "json", image}},
		{"agent", []string{"agent", "--once", "--no-bench", "--server", server, "--token", token, "--images", image}},
		{"defend run", []string{"defend", "run", "--mode", "proc", "--json", os.DevNull}},
	}
	// One proxy per command, so connection counts are the command's own
	// while commands run side by side.
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := dockerhosttest.Start(t, sock)
			for _, sp := range p.Spellings(t, t.TempDir()) {
				args := c.args
				if sp.Flag != "" {
					args = append([]string{args[0]}, args[1:]...)
					args = append(args, "--docker-host", sp.Flag)
				}
				before := sp.Want.Conns()
				r := runDockerHost(t, c.name == "defend run", sp.Env, args...)
				if r.code == 2 || sp.Want.Conns() == before {
					t.Errorf("%s: exit %d, %d connections to %s; stderr:\n%s", sp.Name, r.code, sp.Want.Conns()-before, sp.Want.Addr, r.stderr)
				}
			}
		})
	}
	// A spelling the client cannot dial is refused the same way by every
	// command, before anything runs.
	for _, c := range commands {
		t.Run(c.name+"/ssh", func(t *testing.T) {
			t.Parallel()
			r := runDockerHost(t, false, nil, append(c.args, "--docker-host", "ssh://me@build-host")...)
			if r.code != 2 || !strings.Contains(r.stderr, "forward the engine's socket") {
				t.Errorf("--docker-host ssh://: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}

// agentServer is a real bulwark server (embedded store) with an agent
// token, for the agent to submit to.
func agentServer(t *testing.T) (url, token string) {
	t.Helper()
	ctx := context.Background()
	st, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(ctx, server.Config{Store: st, Workers: 0})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	secret, hash := store.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{Name: "node-1", Role: store.Agent, Host: "node-1", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	return hs.URL, secret
}

// runDockerHost runs the binary with env added; a long-running command
// (defend run) is stopped once it says it is following containers.
func runDockerHost(t *testing.T, untilReady bool, env []string, args ...string) result {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "BULWARK_CACHE_DIR="+filepath.Join(home, "cache"), "DOCKER_HOST=", "DOCKER_CONFIG="+filepath.Join(home, ".docker"))
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	if untilReady {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = pw
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			errb.Write(buf[:n])
			if strings.Contains(errb.String(), "following") {
				cmd.Process.Signal(syscall.SIGTERM)
			}
			if err != nil {
				break
			}
		}
		pr.Close()
	} else {
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	err := cmd.Wait()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}
