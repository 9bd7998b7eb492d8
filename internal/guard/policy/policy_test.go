package policy

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefault(t *testing.T) {
	p, err := Parse(bytes.NewReader(DefaultYAML()))
	if err != nil {
		t.Fatalf("the built-in policy does not parse: %v", err)
	}
	if d := cmp.Diff(Default(), p); d != "" {
		t.Errorf("Default() differs from its text (-Default +parsed):\n%s", d)
	}
	want := Containers{
		AllowHostNamespaces: []string{},
		AllowCapabilities: []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
			"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"},
		AllowDevices: []string{},
		SensitiveHostPaths: []string{"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/proc", "/root",
			"/sbin", "/sys", "/usr", "/var/lib/docker", "/var/lib/containerd", "/var/log", "/run/containerd",
			"/var/run/docker.sock", "/run/docker.sock", "/run/docker", "/etc/docker"},
		AllowHostPaths:         []string{"/etc/localtime", "/etc/timezone"},
		AllowVolumeDrivers:     []string{},
		RequireNoNewPrivileges: true,
		RequireReadOnlyRootfs:  true,
	}
	if d := cmp.Diff(want, p.Containers); d != "" {
		t.Errorf("default container rules (-want +got):\n%s", d)
	}
	if p.Mode != Enforce || !p.Requests.RequireBody || !p.ScanGate.Enabled || p.ScanGate.Severity != "critical" || p.ScanGate.RequireCoverage != CoverageFull ||
		!p.ScanGate.RequireScan || p.Plugins.AllowInstall || !p.Exec.Allow || p.Exec.AllowRoot || p.Services.Allow {
		t.Errorf("default policy is not the secure default: %+v", p)
	}
}

func TestParseOverDefault(t *testing.T) {
	p, err := Parse(strings.NewReader(`version: 1
mode: audit
containers:
  allow_capabilities: [cap_net_admin, sys_time]
  allow_host_namespaces: [PID]
  sensitive_host_paths: [/srv/secrets/, /etc]
scan_gate:
  severity: HIGH
  max_age: 168h
  history_dir: /var/cache/bulwark/history
images:
  allowed_registries: [Registry.Example:5000, index.docker.io]
exemptions:
  - users: [ops]
    rules: [exec-root, host-pid]
    reason: incident response
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != Audit {
		t.Errorf("mode %q", p.Mode)
	}
	if d := cmp.Diff([]string{"NET_ADMIN", "SYS_TIME"}, p.Containers.AllowCapabilities); d != "" {
		t.Errorf("a list replaces the default list, normalised (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"/srv/secrets", "/etc"}, p.Containers.SensitiveHostPaths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"pid"}, p.Containers.AllowHostNamespaces); d != "" {
		t.Errorf("namespaces (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"registry.example:5000", "docker.io"}, p.Images.AllowedRegistries); d != "" {
		t.Errorf("registries (-want +got):\n%s", d)
	}
	if p.ScanGate.Severity != "high" || p.ScanGate.MaxAge.Duration != 168*time.Hour || !p.ScanGate.Enabled {
		t.Errorf("scan gate %+v", p.ScanGate)
	}
	// Keys not set keep their defaults.
	if !p.Containers.RequireReadOnlyRootfs || p.Containers.AllowPrivileged || !p.Requests.RequireBody {
		t.Errorf("unset keys lost their defaults: %+v", p.Containers)
	}
	if !p.Exempt("ops", "host-pid") || p.Exempt("ops", "privileged") || p.Exempt("dev", "host-pid") || p.Exempt("", "host-pid") {
		t.Error("exemptions")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty policy"},
		{"version", "version: 2", "version: 2 is not supported"},
		{"unknown key", "version: 1\ncontainers:\n  allow_priviliged: true\n", "unknown key 'allow_priviliged' in the policy line 3; did you mean 'allow_privileged'?"},
		{"mode", "version: 1\nmode: permissive\n", `mode: "permissive"`},
		{"namespace", "version: 1\ncontainers:\n  allow_host_namespaces: [mount]\n", `"mount"`},
		{"capability", "version: 1\ncontainers:\n  allow_capabilities: [\"SYS ADMIN\"]\n", "not a capability name"},
		{"relative path", "version: 1\ncontainers:\n  sensitive_host_paths: [etc]\n", "not an absolute path"},
		{"allow root path", "version: 1\ncontainers:\n  allow_host_paths: [/]\n", "every host path"},
		{"severity", "version: 1\nscan_gate:\n  severity: severe\n", "scan_gate.severity"},
		{"duration", "version: 1\nscan_gate:\n  max_age: a week\n", "not a duration"},
		{"coverage", "version: 1\nscan_gate:\n  require_coverage: most\n", "scan_gate.require_coverage"},
		{"negative duration", "version: 1\nscan_gate:\n  max_age: -1h\n", "not a duration"},
		{"registry", "version: 1\nimages:\n  allowed_registries: [docker.io/library]\n", "not a registry"},
		{"exemption rule", "version: 1\nexemptions:\n  - users: [a]\n    rules: [privileges]\n    reason: x\n", `unknown rule "privileges"`},
		{"exemption body", "version: 1\nexemptions:\n  - users: [a]\n    rules: [request-body]\n    reason: x\n", "cannot be exempted"},
		{"exemption no users", "version: 1\nexemptions:\n  - rules: [exec]\n    reason: x\n", "no users"},
		{"exemption empty user", "version: 1\nexemptions:\n  - users: [\"\"]\n    rules: [exec]\n    reason: x\n", "empty user name"},
		{"exemption reason", "version: 1\nexemptions:\n  - users: [a]\n    rules: [exec]\n", "no reason"},
		{"two documents", "version: 1\n---\nversion: 1\n", "more than one YAML document"},
		{"wrong type", "version: 1\nexec:\n  allow: sometimes\n", "'sometimes' is not true or false"},
		{"not yaml", "version: [1\n", "yaml"},
		{"relative history", "version: 1\nscan_gate:\n  history_dir: cache\n", "history_dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader("version: 1\n" + strings.Repeat("#", maxSize))); err == nil {
		t.Error("oversized policy accepted")
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load("/nonexistent/policy.yaml"); err == nil || !strings.HasPrefix(err.Error(), "policy: ") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(DefaultYAML()))
	f.Add("version: 1\nmode: audit\ncontainers:\n  allow_capabilities: [ALL]\n")
	f.Add("version: 1\nexemptions:\n  - users: [a]\n    rules: [exec]\n    reason: x\n")
	f.Add("version: 1\nscan_gate: {max_age: 1h, severity: low}\n")
	f.Add("version: &a 1\nmode: *a\n")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		// Whatever parses is valid by construction.
		if p.Version != 1 || (p.Mode != Enforce && p.Mode != Audit) {
			t.Fatalf("accepted invalid policy %+v", p)
		}
		if err := p.validate(); err != nil {
			t.Fatalf("accepted policy fails validation: %v", err)
		}
		for _, r := range Rules {
			p.Exempt("u", r)
		}
	})
}
