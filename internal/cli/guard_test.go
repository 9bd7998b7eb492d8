package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

func TestGuardPolicyCommands(t *testing.T) {
	t.Parallel()
	r := run(t, "guard", "policy", "default")
	if r.code != 0 || r.stdout != string(policy.DefaultYAML()) {
		t.Fatalf("policy default: %d %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(r.stdout), 0o644)
	if r := run(t, "guard", "policy", "check", good); r.code != 0 || !strings.Contains(r.stdout, "valid") {
		t.Errorf("check default: %+v", r)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\ncontainers:\n  allow_priviliged: true\n"), 0o644)
	r = run(t, "guard", "policy", "check", bad)
	if r.code != 2 || !strings.Contains(r.stderr, "allow_priviliged") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("check typo: %+v", r)
	}
}

func TestGuardTest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	hard := `{"Image":"app:1","User":"1000","HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`
	allow := write("allow.json", `{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":"`+base64.StdEncoding.EncodeToString([]byte(hard))+`"}`)
	deny := write("deny.json", `{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":{"Image":"a","User":"1","HostConfig":{"CapAdd":["SYS_ADMIN"],"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}}`)
	cve := write("cve.json", `{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestHeaders":{"Content-Length":"0"}}`)
	broken := write("broken.json", `{"RequestMethod":`)

	r := run(t, "guard", "test", allow)
	if r.code != 0 || !strings.Contains(r.stdout, "allow /containers/create") || !strings.Contains(r.stdout, "note: offline") {
		t.Errorf("allowed request: %+v", r)
	}
	r = run(t, "guard", "test", allow, deny, cve)
	if r.code != 1 || !strings.Contains(r.stdout, "rule cap-add:") || !strings.Contains(r.stdout, "rule request-body:") ||
		!strings.Contains(r.stderr, "2 of 3 requests denied") {
		t.Errorf("denied requests: %+v", r)
	}
	r = run(t, "guard", "test", "--format", "json", deny)
	var d struct {
		Allow bool
		Rule  string
	}
	if r.code != 1 || json.Unmarshal([]byte(r.stdout), &d) != nil || d.Allow || d.Rule != "cap-add" {
		t.Errorf("json: %+v", r)
	}
	for _, args := range [][]string{{"guard", "test", broken}, {"guard", "test"}, {"guard", "test", "--policy", "/nonexistent", allow}} {
		if r := run(t, args...); r.code != 2 || r.stderr == "" {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

// TestGuardServeReload runs `bulwark guard serve`, changes its policy
// file and sends SIGHUP while a client keeps asking: every request is
// answered, the new policy takes over, a broken policy leaves the last
// good one in force, and SIGTERM ends it cleanly.
func TestGuardServeReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yaml")
	base := "version: 1\nscan_gate:\n  enabled: false\n"
	os.WriteFile(pol, []byte(base), 0o644)
	sock := filepath.Join(dir, "bulwark.sock")
	audit := filepath.Join(dir, "audit.jsonl")
	cmd := exec.Command(binary, "guard", "serve", "--policy", pol, "--socket", sock, "--audit-log", audit, "--docker-host", "unix:///nonexistent.sock")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	ask := func(uri, body string) (bool, string, error) {
		req, _ := json.Marshal(map[string]any{"RequestMethod": "POST", "RequestUri": uri, "RequestBody": []byte(body)})
		resp, err := c.Post("http://plugin/AuthZPlugin.AuthZReq", "application/json", bytes.NewReader(req))
		if err != nil {
			return false, "", err
		}
		defer resp.Body.Close()
		var r struct {
			Allow bool
			Msg   string
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		return r.Allow, r.Msg, err
	}
	execReq := func() (bool, string, error) { return ask("/v1.41/containers/c1/exec", `{"User":"1000","Cmd":["sh"]}`) }
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, _, err := execReq(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin never answered: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ok, msg, _ := execReq(); !ok {
		t.Fatalf("exec denied under the first policy: %s", msg)
	}
	if !strings.Contains(stderr.String(), "listening on "+sock) {
		t.Errorf("guard serve does not say where it listens: %s", stderr.String())
	}

	// A client keeps asking through both reloads.
	var answered, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := ask("/v1.41/containers/create", `{"Image":"a","User":"1","HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`); err != nil {
				failed.Add(1)
			} else {
				answered.Add(1)
			}
		}
	}()

	os.WriteFile(pol, []byte(base+"exec:\n  allow: false\n"), 0o644)
	cmd.Process.Signal(syscall.SIGHUP)
	deadline = time.Now().Add(10 * time.Second)
	for {
		ok, msg, err := execReq()
		if err == nil && !ok {
			if !strings.Contains(msg, "rule exec:") {
				t.Errorf("message %q", msg)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reload never took effect: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A broken policy keeps the last good one.
	os.WriteFile(pol, []byte("version: 1\nexec:\n  allow: perhaps\n"), 0o644)
	cmd.Process.Signal(syscall.SIGHUP)
	time.Sleep(300 * time.Millisecond)
	if ok, _, err := execReq(); err != nil || ok {
		t.Errorf("after a broken reload: allow=%v err=%v", ok, err)
	}
	if !strings.Contains(stderr.String(), "reload failed") {
		t.Errorf("broken reload not reported: %s", stderr.String())
	}
	close(stop)
	wg.Wait()
	if failed.Load() != 0 || answered.Load() == 0 {
		t.Errorf("during reloads: %d answered, %d failed", answered.Load(), failed.Load())
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve exit: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(sock); err == nil {
		t.Error("socket left behind")
	}
	b, _ := os.ReadFile(audit)
	if n := strings.Count(string(b), "\n"); int64(n) < answered.Load() {
		t.Errorf("audit log has %d lines for %d answered requests", n, answered.Load())
	}
}

func TestGuardErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nmode: permissive\n"), 0o644)
	for _, args := range [][]string{
		{"guard", "watch"}, // no engine at DOCKER_HOST
		{"guard", "watch", "--format", "xml"},
		{"guard", "serve", "--policy", bad, "--socket", filepath.Join(dir, "s.sock")},
		{"guard", "serve", "--socket", "/proc/bulwark.sock"},
		{"guard", "policy", "check"},
	} {
		r := run(t, args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.HasPrefix(r.stderr, "bulwark: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
