package checks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/google/go-cmp/cmp"
)

func TestFileChecksOnFakeHostRoot(t *testing.T) {
	const docker = 998
	unit := "[Service]\nExecStart=/usr/bin/dockerd -H unix:///run/docker.sock --tlsverify --tlscacert=/etc/docker/tls/ca.pem --tlscert=/etc/docker/tls/cert.pem --tlskey=/etc/docker/tls/key.pem\n"
	base := map[string]fakeFile{
		"/etc/group":                          {content: "root:x:0:\ndocker:x:998:\nstaff:x:50:\n", mode: 0o644},
		"/lib/systemd/system/docker.service":  {content: unit, mode: 0o644},
		"/lib/systemd/system/docker.socket":   {content: "[Socket]\n", mode: 0o644},
		"/etc/docker":                         {dir: true, mode: 0o755},
		"/etc/docker/daemon.json":             {content: "{}", mode: 0o644},
		"/etc/docker/certs.d/reg:5000":        {dir: true, mode: 0o755},
		"/etc/docker/certs.d/reg:5000/ca.crt": {content: "x", mode: 0o444},
		"/etc/docker/tls/ca.pem":              {content: "x", mode: 0o444},
		"/etc/docker/tls/cert.pem":            {content: "x", mode: 0o444},
		"/etc/docker/tls/key.pem":             {content: "x", mode: 0o400},
		"/run/docker.sock":                    {mode: 0o660, gid: docker},
		"/etc/default/docker":                 {content: "", mode: 0o644},
		"/etc/sysconfig/docker":               {content: "", mode: 0o644},
		"/run/containerd/containerd.sock":     {mode: 0o660},
	}
	all3 := []string{"3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12",
		"3.13", "3.14", "3.15", "3.16", "3.17", "3.18", "3.19", "3.20", "3.21", "3.22", "3.23", "3.24"}
	tests := []struct {
		name   string
		change map[string]fakeFile
		drop   []string
		warn   []string
		info   []string
	}{
		{name: "all good"},
		{name: "group-writable unit", change: map[string]fakeFile{"/lib/systemd/system/docker.service": {content: unit, mode: 0o664}}, warn: []string{"3.2"}},
		// 0640 is "smaller" than 644 as a decimal number but not a subset.
		{name: "socket unit 0640 is fine", change: map[string]fakeFile{"/lib/systemd/system/docker.socket": {content: "", mode: 0o640}}},
		{name: "setuid unit", change: map[string]fakeFile{"/lib/systemd/system/docker.socket": {content: "", mode: 0o4644}}, warn: []string{"3.4"}},
		{name: "etc/docker owned by staff", change: map[string]fakeFile{"/etc/docker": {dir: true, mode: 0o775, gid: 50}}, warn: []string{"3.5", "3.6"}},
		{name: "writable cert and key owned by user", change: map[string]fakeFile{
			"/etc/docker/certs.d/reg:5000/client.key": {content: "k", mode: 0o600, uid: 1000},
			"/etc/docker/tls/key.pem":                 {content: "k", mode: 0o600},
			"/etc/docker/tls/cert.pem":                {content: "c", mode: 0o644, gid: 50},
		}, warn: []string{"3.7", "3.8", "3.11", "3.12", "3.14"}},
		{name: "socket world-writable, owned by staff", change: map[string]fakeFile{"/run/docker.sock": {mode: 0o666, gid: 50}}, warn: []string{"3.15", "3.16"}},
		{name: "socket root:root is fine", change: map[string]fakeFile{"/run/docker.sock": {mode: 0o600}}},
		{name: "config files loose", change: map[string]fakeFile{
			"/etc/docker/daemon.json":         {content: "{}", mode: 0o666, uid: 1000},
			"/etc/default/docker":             {content: "", mode: 0o646},
			"/etc/sysconfig/docker":           {content: "", mode: 0o644, gid: 50},
			"/run/containerd/containerd.sock": {mode: 0o666, gid: 50},
		}, warn: []string{"3.17", "3.18", "3.20", "3.22", "3.23", "3.24"}},
		{name: "missing optional files", drop: []string{"/etc/default/docker", "/etc/sysconfig/docker", "/lib/systemd/system/docker.socket", "/etc/docker/certs.d/reg:5000", "/etc/docker/certs.d/reg:5000/ca.crt"},
			info: []string{"3.3", "3.4", "3.7", "3.8", "3.19", "3.20", "3.21", "3.22"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]fakeFile{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tt.change {
				files[k] = v
			}
			for _, k := range tt.drop {
				delete(files, k)
			}
			s := fakeRoot(t, files, facts.Options{})
			if s.Daemon.ArgsSource == "" {
				t.Fatalf("daemon args not found: %s", s.Daemon.ArgsErr)
			}
			st := statuses(t, s, Config{}, "3")
			want := map[string]bench.Status{}
			for _, id := range all3 {
				want[id] = bench.Pass
			}
			for _, id := range tt.warn {
				want[id] = bench.Warn
			}
			for _, id := range tt.info {
				want[id] = bench.Info
			}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFileChecksWithoutTLSOrUnits(t *testing.T) {
	s := fakeRoot(t, map[string]fakeFile{"/etc/docker": {dir: true, mode: 0o755}}, facts.Options{})
	st := statuses(t, s, Config{}, "3")
	for _, id := range []string{"3.1", "3.2", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.17"} {
		if st[id] != bench.Info {
			t.Errorf("%s = %s, want info (nothing to judge)", id, st[id])
		}
	}
	if st["3.5"] != bench.Pass || st["3.6"] != bench.Pass {
		t.Errorf("/etc/docker checks = %s/%s, want pass", st["3.5"], st["3.6"])
	}
}

// icc, iptables and similar keys cannot be set on test engines (they need
// iptables), so they are judged from daemon.json on a fake host root.
func TestDaemonJSONOnFakeHostRoot(t *testing.T) {
	unit := fakeFile{content: "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n", mode: 0o644}
	tests := []struct {
		name, json string
		want       map[string]bench.Status
	}{
		{"none", "", map[string]bench.Status{"2.2": bench.Warn, "2.4": bench.Pass, "2.8": bench.Info, "2.10": bench.Pass, "2.11": bench.Pass, "2.14": bench.Warn, "2.16": bench.Warn}},
		{"hardened", `{"icc": false, "iptables": true, "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
			"no-new-privileges": true, "userland-proxy": false}`,
			map[string]bench.Status{"2.2": bench.Pass, "2.4": bench.Pass, "2.8": bench.Pass, "2.10": bench.Pass, "2.11": bench.Pass, "2.14": bench.Pass, "2.16": bench.Pass}},
		{"loosened", `{"icc": true, "iptables": false, "cgroup-parent": "/custom", "storage-opts": ["dm.basesize=50G"]}`,
			map[string]bench.Status{"2.2": bench.Warn, "2.4": bench.Warn, "2.8": bench.Info, "2.10": bench.Warn, "2.11": bench.Warn, "2.14": bench.Warn, "2.16": bench.Warn}},
		{"unreadable", `{"icc": false`,
			map[string]bench.Status{"2.2": bench.Skip, "2.4": bench.Skip, "2.8": bench.Skip, "2.10": bench.Skip, "2.11": bench.Skip, "2.14": bench.Skip, "2.16": bench.Skip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]fakeFile{"/lib/systemd/system/docker.service": unit}
			if tt.json != "" {
				files["/etc/docker/daemon.json"] = fakeFile{content: tt.json, mode: 0o644}
			}
			s := fakeRoot(t, files, facts.Options{})
			got := statuses(t, s, Config{}, "2.2", "2.4", "2.8", "2.10", "2.11", "2.14", "2.16")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
