package daemonjson

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/swarm"
	"github.com/google/go-cmp/cmp"
)

// snapshot is a daemon started by systemd with args and daemon.json cfg,
// whose engine answered with the defaults of Docker 20.10.
func snapshot(t *testing.T, args []string, cfg string) *facts.Snapshot {
	t.Helper()
	s := &facts.Snapshot{SchemaVersion: facts.SchemaVersion, HostRoot: "/",
		Daemon: facts.Daemon{PID: 42, Args: args, ArgsSource: "/proc/42/cmdline", ConfigFile: "/etc/docker/daemon.json"},
		Host:   facts.Host{Targets: map[string]string{}, Files: map[string]facts.File{}}}
	if cfg != "" {
		m, err := facts.ParseDaemonJSON([]byte(cfg))
		if err != nil {
			t.Fatal(err)
		}
		s.Daemon.Config, s.Daemon.ConfigExists = m, true
		s.Host.Files["/etc/docker/daemon.json"] = facts.File{Exists: true, Type: "file", Mode: 0o644}
	}
	s.Host.Targets[facts.TargetDaemonJSON] = "/etc/docker/daemon.json"
	s.Engine.Info.Driver = "overlay2"
	s.Engine.Info.LoggingDriver = "json-file"
	s.Engine.Info.SecurityOptions = []string{"name=seccomp,profile=default"}
	s.Engine.Info.Swarm.LocalNodeState = swarm.LocalNodeStateInactive
	if strings.Contains(cfg, `"experimental": true`) {
		s.Engine.Version.Experimental = true
	}
	return s
}

func keys(p *Proposal) (changed, left []string) {
	for _, c := range p.Changes {
		changed = append(changed, string(c.Action)+" "+c.Key)
	}
	for _, o := range p.LeftOut {
		left = append(left, o.Key)
	}
	return changed, left
}

func TestPropose(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		cfg     string
		opt     Options
		mutate  func(*facts.Snapshot)
		changed []string
		left    []string
		fixes   []string
		// reason: a left-out key whose reason must mention a word.
		reason map[string]string
	}{
		{
			name: "default daemon", args: []string{"-H", "fd://"},
			changed: []string{"add icc", "add default-ulimits", "add userns-remap", "add log-opts", "add no-new-privileges", "add live-restore", "add userland-proxy"},
			left:    []string{"authorization-plugins", "log-driver"},
			fixes:   []string{"2.2", "2.9", "2.14", "2.15", "2.16"},
		},
		{
			name: "debug level and experimental in daemon.json", args: []string{"-H", "fd://"},
			cfg:     `{"log-level": "debug", "experimental": true, "insecure-registries": ["10.0.0.5:5000"], "icc": false}`,
			changed: []string{"change log-level", "remove insecure-registries", "add default-ulimits", "add userns-remap", "add log-opts", "add no-new-privileges", "add live-restore", "add userland-proxy", "remove experimental"},
			left:    []string{"authorization-plugins", "log-driver"},
			fixes:   []string{"2.3", "2.5", "2.9", "2.14", "2.15", "2.16", "2.18"},
		},
		{
			// The test engines of this project: no bridge, no iptables.
			name: "iptables off on the command line", args: []string{"-H", "unix:///run/x.sock", "--bridge=none", "--iptables=false", "--ip-masq=false"},
			changed: []string{"add default-ulimits", "add userns-remap", "add log-opts", "add no-new-privileges", "add live-restore"},
			left:    []string{"icc", "iptables", "authorization-plugins", "log-driver", "userland-proxy"},
			fixes:   []string{"2.9", "2.14", "2.15"},
			reason:  map[string]string{"icc": "refuses to start", "iptables": "command line", "userland-proxy": "unreachable"},
		},
		{
			name: "option on the command line is never duplicated", args: []string{"--log-level", "debug", "--live-restore=false"},
			changed: []string{"add icc", "add default-ulimits", "add userns-remap", "add log-opts", "add no-new-privileges", "add userland-proxy"},
			left:    []string{"log-level", "authorization-plugins", "log-driver", "live-restore"},
			fixes:   []string{"2.2", "2.9", "2.14", "2.16"},
			reason:  map[string]string{"log-level": "--log-level=debug", "live-restore": "ExecStart"},
		},
		{
			name: "swarm manager and rootless", args: []string{},
			mutate: func(s *facts.Snapshot) {
				s.Engine.Info.Swarm.LocalNodeState = swarm.LocalNodeStateActive
				s.Engine.Info.SecurityOptions = append(s.Engine.Info.SecurityOptions, "name=rootless")
			},
			changed: []string{"add icc", "add default-ulimits", "add log-opts", "add no-new-privileges", "add userland-proxy"},
			left:    []string{"userns-remap", "authorization-plugins", "log-driver", "live-restore"},
			fixes:   []string{"2.2", "2.14", "2.16"},
			reason:  map[string]string{"live-restore": "swarm", "userns-remap": "rootless"},
		},
		{
			name: "journald on the host; log options of json-file dropped", args: []string{},
			cfg: `{"log-opts": {"max-size": "5m"}, "live-restore": true, "userns-remap": "default", "icc": false, "userland-proxy": false, "no-new-privileges": true, "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 1024}}}`,
			opt: Options{HostHas: func(p string) bool { return p == "/run/systemd/journal/socket" }},
			mutate: func(s *facts.Snapshot) {
				s.Engine.Info.LiveRestoreEnabled = true
				s.Engine.Info.SecurityOptions = append(s.Engine.Info.SecurityOptions, "name=userns")
			},
			changed: []string{"add log-driver", "remove log-opts"},
			left:    []string{"authorization-plugins"},
			fixes:   []string{"2.13"},
		},
		{
			name: "chosen driver with its options; excluded keys", args: []string{},
			opt:     Options{LogDriver: "syslog", LogOpts: map[string]string{"syslog-address": "udp://10.0.0.9:514"}, Exclude: []string{"userns-remap", "icc"}},
			changed: []string{"add default-ulimits", "add log-driver", "add log-opts", "add no-new-privileges", "add live-restore", "add userland-proxy"},
			left:    []string{"icc", "userns-remap", "authorization-plugins"},
			fixes:   []string{"2.13", "2.14", "2.15", "2.16"},
			reason:  map[string]string{"icc": "--exclude"},
		},
		{
			name: "tcp without TLS and a plugin loaded", args: []string{"-H", "tcp://0.0.0.0:2375"},
			cfg:     `{"icc": false, "authorization-plugins": ["guard"]}`,
			changed: []string{"add default-ulimits", "add userns-remap", "add log-opts", "add no-new-privileges", "add live-restore", "add userland-proxy"},
			left:    []string{"log-driver", "hosts"},
			fixes:   []string{"2.9", "2.14", "2.15", "2.16"},
			reason:  map[string]string{"hosts": "bulwark harden tls"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot(t, tt.args, tt.cfg)
			if tt.mutate != nil {
				tt.mutate(s)
			}
			p, err := Propose(s, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			changed, left := keys(p)
			if diff := cmp.Diff(tt.changed, changed); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.left, left); diff != "" {
				t.Errorf("left out (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.fixes, p.Fixes); diff != "" {
				t.Errorf("fixes (-want +got):\n%s", diff)
			}
			for _, o := range p.LeftOut {
				if w := tt.reason[o.Key]; w != "" && !strings.Contains(o.Reason, w) {
					t.Errorf("%s left out because %q, want it to mention %q", o.Key, o.Reason, w)
				}
			}
			// Every key claimed to fix a check does: the simulated check passes.
			after, err := Simulate(s, p.Proposed)
			if err != nil {
				t.Fatal(err)
			}
			st := harden.Statuses(after, Checked...)
			for _, c := range p.Changes {
				for _, id := range c.Checks {
					if id == "5.26" {
						continue // judged per container; none here
					}
					if st[id] != bench.Pass {
						t.Errorf("%s claims %s, which is %s after the change", c.Key, id, st[id])
					}
				}
			}
			// The proposed file is valid and proposing again changes nothing
			// the environment allows.
			file, err := p.File()
			if err != nil {
				t.Fatal(err)
			}
			again, err := facts.ParseDaemonJSON(file)
			if err != nil {
				t.Fatalf("proposed file: %v\n%s", err, file)
			}
			after.Daemon.Config = again
			p2, err := Propose(after, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(p2.Changes) != 0 {
				t.Errorf("second proposal still changes %v", p2.Changes)
			}
		})
	}
}

func TestProposeKeepsUnknownKeysAndDiffs(t *testing.T) {
	s := snapshot(t, []string{}, `{"data-root": "/srv/docker", "log-level": "warn", "features": {"buildkit": true}}`)
	p, err := Propose(s, Options{Exclude: []string{"userns-remap", "default-ulimits", "log-opts", "icc", "no-new-privileges", "live-restore", "userland-proxy"}})
	if err != nil {
		t.Fatal(err)
	}
	file, _ := p.File()
	want := "{\n  \"data-root\": \"/srv/docker\",\n  \"features\": {\n    \"buildkit\": true\n  },\n  \"log-level\": \"info\"\n}\n"
	if diff := cmp.Diff(want, string(file)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	wantDiff := `--- /etc/docker/daemon.json
+++ /etc/docker/daemon.json (proposed)
@@ -3,5 +3,5 @@
   "features": {
     "buildkit": true
   },
-  "log-level": "warn"
+  "log-level": "info"
 }
`
	if diff := cmp.Diff(wantDiff, p.Diff); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	var text strings.Builder
	if err := WriteText(&text, p); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`~ "log-level": "warn" -> "info"   [2.3]`, "*2.3    warn -> pass", "may break:", "Left out:"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, text.String())
		}
	}
	b, err := json.Marshal(p)
	if err != nil || !json.Valid(b) {
		t.Fatalf("json: %v", err)
	}
}

func TestProposeRisksNameContainers(t *testing.T) {
	s := snapshot(t, []string{}, "")
	for _, c := range []struct {
		name string
		hc   container.HostConfig
	}{{"/web", container.HostConfig{}}, {"/monitor", container.HostConfig{PidMode: "host"}}, {"/vpn", container.HostConfig{Privileged: true}}} {
		hc := c.hc
		s.Engine.Containers = append(s.Engine.Containers, facts.Container{Inspect: container.InspectResponse{
			ContainerJSONBase: &container.ContainerJSONBase{ID: c.name, Name: c.name, HostConfig: &hc, State: &container.State{}}}})
	}
	p, err := Propose(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Key == "userns-remap" })
	if i < 0 || !strings.Contains(p.Changes[i].Risk, "monitor, vpn") {
		t.Errorf("userns-remap risk should name monitor and vpn: %+v", p.Changes)
	}
	// 5.26 turns from warn to pass through the daemon-wide setting.
	if !slices.Contains(p.Fixes, "5.26") {
		t.Errorf("fixes %v lack 5.26", p.Fixes)
	}
}

func TestProposeRefusesBrokenConfig(t *testing.T) {
	s := snapshot(t, []string{}, "")
	s.Daemon.ConfigErr = "facts: parsing daemon.json: unexpected end of JSON input"
	if _, err := Propose(s, Options{}); err == nil || !strings.Contains(err.Error(), "fix or remove it first") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Propose(nil, Options{}); err == nil {
		t.Fatal("nil snapshot accepted")
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct{ name, a, b, want string }{
		{"equal", "x\n", "x\n", ""},
		{"from empty", "", "a\nb\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"to empty", "a\n", "", "--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
			"--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, unifiedDiff("a", "b", tt.a, tt.b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// limitsSample is /proc/PID/limits of a dockerd (Linux 6.x).
const limitsSample = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max processes             unlimited            unlimited            processes 
Max open files            20000                20000                files     
Max locked memory         8388608              8388608              bytes     
`

func TestParseLimits(t *testing.T) {
	tests := []struct {
		text    string
		want    uint64
		wantErr bool
	}{
		{limitsSample, 20000, false},
		{"Max open files            1024                 unlimited            files\n", ^uint64(0), false},
		{"Max open files 1024\n", 0, true},
		{"Max open files 1 -3 files\n", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLimits(tt.text)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLimits(%q) = %d, %v; want %d, error %t", tt.text, got, err, tt.want, tt.wantErr)
		}
	}
	s := snapshot(t, []string{}, "")
	p, err := Propose(s, Options{DaemonNofile: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Proposed["default-ulimits"]); got != `{"nofile":{"Hard":20000,"Name":"nofile","Soft":20000}}` {
		t.Errorf("default-ulimits = %s, want dockerd's own limit", got)
	}
}
