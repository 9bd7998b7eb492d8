package daemonjson

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/harden/hardentest"
	"github.com/google/go-cmp/cmp"
)

const helloSource = `package main

import "fmt"

func main() { fmt.Println("hello from a container") }
`

// TestProposalOnRealEngine is the acceptance test of `harden daemon`: an
// engine with a weak daemon.json is gathered, the proposal is written over
// its daemon.json, the engine restarted, and bench run again. Every 2.x
// check the proposal claims now passes, the real verdicts equal the
// simulated ones, and the engine still runs a container.
func TestProposalOnRealEngine(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := harden.WriteFile(dir, "daemon.json", []byte(`{"log-level": "debug", "experimental": true}`+"\n"), 0o600, harden.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "daemon.json")
	flags := []string{"--config-file", cfg}
	e := hardentest.StartEngine(t, "hd"+strconv.Itoa(os.Getpid()), flags...)

	before := hardentest.Gather(t, e.Sock)
	if before.Daemon.ConfigFile != cfg {
		t.Fatalf("gathered config file %q, want %q", before.Daemon.ConfigFile, cfg)
	}
	nofile, err := DaemonNofile("/", before.Daemon.PID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Propose(before, Options{DaemonNofile: nofile})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"2.3", "2.8", "2.9", "2.14", "2.15", "2.18"} {
		if !slices.ContainsFunc(p.Checks, func(tr harden.Transition) bool { return tr.ID == id && tr.After == bench.Pass }) {
			t.Errorf("proposal does not move %s: %+v", id, p.Checks)
		}
	}
	// The engine runs without bridge and iptables: keys that need them are
	// left out, with the reason.
	var left []string
	for _, o := range p.LeftOut {
		left = append(left, o.Key)
	}
	for _, k := range []string{"icc", "iptables", "userland-proxy"} {
		if !slices.Contains(left, k) {
			t.Errorf("%s not left out on an engine without iptables: %v", k, left)
		}
	}
	file, err := p.File()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := harden.WriteFile(dir, "daemon.json", file, 0o644, harden.WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	e.Restart(t, flags...)

	after := hardentest.Gather(t, e.Sock)
	real := harden.Statuses(after, Checked...)
	for _, tr := range p.Checks {
		if tr.After == bench.Pass && real[tr.ID] != bench.Pass {
			t.Errorf("%s claimed to pass, real status %s", tr.ID, real[tr.ID])
		}
	}
	simulated, err := Simulate(before, p.Proposed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(harden.Statuses(simulated, Checked...), real); diff != "" {
		t.Errorf("simulated vs real bench statuses (-simulated +real):\n%s", diff)
	}

	// The hardened engine still runs a container (userns-remap gives it a
	// fresh image store, so the image is imported after the restart).
	bin := hardentest.StaticBinary(t, helloSource)
	tarball := hardentest.RootfsTar(t, hardentest.File{Name: "hello", Mode: 0o755, Body: bin})
	img := hardentest.Import(t, e.Sock, tarball, "bulwark-harden-hello:1", `CMD ["/hello"]`)
	if out := e.Docker(t, "run", "--rm", "--network", "none", img); out != "hello from a container" {
		t.Errorf("container printed %q", out)
	}
}

// TestLeftOutKeysOnFakeHostRoot covers the keys a test engine cannot take
// (icc and userland-proxy need iptables): a host root whose docker.service
// runs dockerd with iptables on is gathered, the proposal written into it,
// and the host gathered again. bench judges the written file as the
// simulation did.
func TestLeftOutKeysOnFakeHostRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to own the fake host's files as root")
	}
	root := t.TempDir()
	write := func(p, content string) {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n")
	write("etc/docker/daemon.json", `{"log-level": "debug", "icc": true, "userland-proxy": true}`)
	write("etc/group", "root:x:0:\ndocker:x:998:\n")
	gather := func() *facts.Snapshot {
		s, err := facts.Gather(context.Background(), nil, facts.Options{HostRoot: root})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := gather()
	if !before.Daemon.ArgsKnown() {
		t.Fatalf("fake host's command line not found: %s", before.Daemon.ArgsErr)
	}
	p, err := Propose(before, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"2.2", "2.3", "2.9", "2.14", "2.16"} {
		if !slices.Contains(p.Fixes, id) {
			t.Errorf("fixes %v lack %s", p.Fixes, id)
		}
	}
	file, err := p.File()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := harden.WriteFile(filepath.Join(root, "etc/docker"), "daemon.json", file, 0o644, harden.WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	after := gather()
	real := harden.Statuses(after, Checked...)
	for _, id := range p.Fixes {
		if real[id] != bench.Pass {
			t.Errorf("%s claimed fixed, real status %s", id, real[id])
		}
	}
	simulated, err := Simulate(before, p.Proposed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(harden.Statuses(simulated, Checked...), real); diff != "" {
		t.Errorf("simulated vs real (-simulated +real):\n%s", diff)
	}
}
