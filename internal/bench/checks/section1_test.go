package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/google/go-cmp/cmp"
)

// hostForAudit has every file 1.1.3–1.1.18 can ask about.
var hostForAudit = map[string]fakeFile{
	"/usr/bin/dockerd":                   {mode: 0o755},
	"/run/containerd":                    {dir: true, mode: 0o711},
	"/var/lib/docker":                    {dir: true, mode: 0o710},
	"/etc/docker":                        {dir: true, mode: 0o755},
	"/lib/systemd/system/docker.service": {content: "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n", mode: 0o644},
	"/run/containerd/containerd.sock":    {mode: 0o660},
	"/lib/systemd/system/docker.socket":  {content: "[Socket]\n", mode: 0o644},
	"/etc/default/docker":                {mode: 0o644},
	"/etc/docker/daemon.json":            {content: "{}", mode: 0o644},
	"/etc/containerd/config.toml":        {mode: 0o644},
	"/etc/sysconfig/docker":              {mode: 0o644},
	"/usr/bin/containerd":                {mode: 0o755},
	"/usr/bin/containerd-shim":           {mode: 0o755},
	"/usr/bin/containerd-shim-runc-v1":   {mode: 0o755},
	"/usr/bin/containerd-shim-runc-v2":   {mode: 0o755},
	"/usr/bin/runc":                      {mode: 0o755},
}

const fullRules = `-w /usr/bin/dockerd -k docker
-a always,exit -F path=/run/containerd -F perm=war -k docker
-w /var/lib/docker -k docker
-w /etc/docker -k docker
-w /lib/systemd/system/docker.service -k docker
-w /run/containerd/containerd.sock -k docker
-w /lib/systemd/system/docker.socket -k docker
-w /etc/default/docker -k docker
-w /etc/docker/daemon.json -k docker
-w /etc/containerd/config.toml -k docker
-w /etc/sysconfig/docker -k docker
-w /usr/bin/containerd -k docker
-w /usr/bin/containerd-shim -k docker
-w /usr/bin/containerd-shim-runc-v1 -k docker
-w /usr/bin/containerd-shim-runc-v2 -k docker
-w /usr/bin/runc -k docker
`

func TestAuditChecksOnRulesFiles(t *testing.T) {
	auditIDs := []string{"1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10", "1.1.11",
		"1.1.12", "1.1.13", "1.1.14", "1.1.15", "1.1.16", "1.1.17", "1.1.18"}
	tests := []struct {
		name  string
		rules string
		drop  []string
		want  map[string]bench.Status // differences from all-pass
	}{
		{name: "every path watched", rules: fullRules},
		{name: "no rules", rules: "", want: allOf(auditIDs, bench.Warn)},
		{
			// docker-bench greps substrings; exact paths must be required.
			name: "near misses do not count",
			rules: `-w /etc/docker/daemon.json -k docker
-w /usr/bin/dockerd-rootless.sh -k docker
-w /usr/bin/containerd-shim-runc-v2 -k docker
-w /var/lib/docker/volumes -k docker
# -w /usr/bin/runc -k docker
`,
			want: merge(allOf(auditIDs, bench.Warn), map[string]bench.Status{"1.1.11": bench.Pass, "1.1.17": bench.Pass}),
		},
		{
			name:  "docker.sock counts for 1.1.9 (v1.7.0 target)",
			rules: "-w /var/run/docker.sock -k docker\n",
			want:  merge(allOf(auditIDs, bench.Warn), map[string]bench.Status{"1.1.9": bench.Pass}),
		},
		{
			name:  "absent files are not applicable",
			rules: fullRules,
			drop:  []string{"/etc/sysconfig/docker", "/usr/bin/containerd-shim-runc-v1", "/usr/bin/containerd-shim"},
			want:  map[string]bench.Status{"1.1.13": bench.Info, "1.1.15": bench.Info, "1.1.16": bench.Info},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := filepath.Join(t.TempDir(), "docker.rules")
			if err := os.WriteFile(rules, []byte(tt.rules), 0o644); err != nil {
				t.Fatal(err)
			}
			files := map[string]fakeFile{}
			for k, v := range hostForAudit {
				files[k] = v
			}
			for _, k := range tt.drop {
				delete(files, k)
			}
			s := fakeRoot(t, files, facts.Options{AuditRules: []string{rules}, DockerHost: "unix:///run/docker.sock"})
			if s.Host.Files["/run/docker.sock"].Exists {
				t.Fatal("fixture: docker.sock should not exist")
			}
			// 1.1.9 has a socket to audit only once it exists.
			s.Host.Files["/run/docker.sock"] = facts.File{Exists: true, Type: "socket"}
			want := merge(allOf(auditIDs, bench.Pass), tt.want)
			if diff := cmp.Diff(want, statuses(t, s, Config{}, auditIDs...)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuditRulesUnreadable(t *testing.T) {
	s := fakeRoot(t, hostForAudit, facts.Options{AuditRules: []string{filepath.Join(t.TempDir(), "missing.rules")}})
	if st := statuses(t, s, Config{}, "1.1.3")["1.1.3"]; st != bench.Skip {
		t.Errorf("1.1.3 with unreadable rules = %s, want skip", st)
	}
}

func TestSeparatePartitionAndDockerGroup(t *testing.T) {
	snap := func(mounts []facts.Mount, groups string) *facts.Snapshot {
		return &facts.Snapshot{Host: facts.Host{
			Targets: map[string]string{facts.TargetDataRoot: "/var/lib/docker"},
			Mounts:  mounts,
			Groups:  facts.ParseGroup(groups),
		}}
	}
	root := facts.Mount{Point: "/", FSType: "ext4", Source: "/dev/sda1"}
	tests := []struct {
		name    string
		s       *facts.Snapshot
		trusted []string
		want    map[string]bench.Status
	}{
		{"own mount, no members", snap([]facts.Mount{root, {Point: "/var/lib/docker", FSType: "xfs"}}, "docker:x:1:\n"), nil,
			map[string]bench.Status{"1.1.1": bench.Pass, "1.1.2": bench.Pass}},
		{"on /var, members listed", snap([]facts.Mount{root, {Point: "/var"}}, "docker:x:1:alice\n"), nil,
			map[string]bench.Status{"1.1.1": bench.Warn, "1.1.2": bench.Info}},
		{"untrusted member", snap([]facts.Mount{root}, "docker:x:1:alice,mallory\n"), []string{"alice"},
			map[string]bench.Status{"1.1.1": bench.Warn, "1.1.2": bench.Warn}},
		{"all trusted", snap([]facts.Mount{root}, "docker:x:1:alice\n"), []string{"alice", "bob"},
			map[string]bench.Status{"1.1.1": bench.Warn, "1.1.2": bench.Pass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := statuses(t, tt.s, Config{TrustedUsers: tt.trusted}, "1.1.1", "1.1.2")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func allOf(ids []string, st bench.Status) map[string]bench.Status {
	m := map[string]bench.Status{}
	for _, id := range ids {
		m[id] = st
	}
	return m
}

func merge(a, b map[string]bench.Status) map[string]bench.Status {
	out := map[string]bench.Status{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
