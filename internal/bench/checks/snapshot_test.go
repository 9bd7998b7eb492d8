package checks

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/go-connections/nat"
	"github.com/google/go-cmp/cmp"
)

// engineSnapshot is a healthy engine with nothing configured.
func engineSnapshot() *facts.Snapshot {
	s := &facts.Snapshot{
		Host:   facts.Host{Targets: map[string]string{}, Files: map[string]facts.File{}},
		Daemon: facts.Daemon{ArgsSource: "/proc/1/cmdline", Args: []string{"-H", "fd://"}},
	}
	s.Engine.Info.Driver = "overlay2"
	s.Engine.Info.LoggingDriver = "json-file"
	s.Engine.Info.SecurityOptions = []string{"name=seccomp,profile=default"}
	s.Engine.Info.Swarm.LocalNodeState = swarm.LocalNodeStateInactive
	s.Engine.Version.Version = "20.10.24"
	return s
}

func TestDaemonChecks(t *testing.T) {
	ids := []string{"2.2", "2.3", "2.4", "2.5", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "2.17", "2.18"}
	base := map[string]bench.Status{
		"2.2": bench.Warn, "2.3": bench.Pass, "2.4": bench.Pass, "2.5": bench.Pass, "2.7": bench.Info, "2.8": bench.Info,
		"2.9": bench.Warn, "2.10": bench.Pass, "2.11": bench.Pass, "2.12": bench.Warn, "2.13": bench.Warn, "2.14": bench.Warn,
		"2.15": bench.Warn, "2.16": bench.Warn, "2.17": bench.Pass, "2.18": bench.Pass,
	}
	loopback := registry.NetIPNet(net.IPNet{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)})
	wide := registry.NetIPNet(net.IPNet{IP: net.IPv4(10, 0, 0, 0), Mask: net.CIDRMask(8, 32)})
	tests := []struct {
		name   string
		args   []string
		config string
		edit   func(s *facts.Snapshot)
		want   map[string]bench.Status
	}{
		{name: "defaults"},
		{name: "hardening flags", args: []string{"--icc=false", "--log-level", "info", "--userns-remap=default", "--no-new-privileges",
			"--live-restore", "--userland-proxy=false", "--default-ulimit", "nofile=1024:2048", "--authorization-plugin=guard"},
			want: map[string]bench.Status{"2.2": bench.Pass, "2.8": bench.Pass, "2.9": bench.Pass, "2.12": bench.Pass,
				"2.14": bench.Pass, "2.15": bench.Warn /* /info decides, see next case */, "2.16": bench.Pass}},
		{name: "same keys in daemon.json", config: `{"icc": false, "log-level": "info", "userns-remap": "default",
			"no-new-privileges": true, "userland-proxy": false, "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 2048, "Soft": 1024}},
			"authorization-plugins": ["guard"]}`,
			edit: func(s *facts.Snapshot) { s.Engine.Info.LiveRestoreEnabled = true },
			want: map[string]bench.Status{"2.2": bench.Pass, "2.8": bench.Pass, "2.9": bench.Pass, "2.12": bench.Pass,
				"2.14": bench.Pass, "2.15": bench.Pass, "2.16": bench.Pass}},
		{name: "bad settings", args: []string{"--log-level=debug", "--iptables=false", "--cgroup-parent=/foo",
			"--storage-opt", "dm.basesize=20G", "-H", "tcp://0.0.0.0:2375", "--experimental"},
			edit: func(s *facts.Snapshot) {
				s.Engine.Info.ExperimentalBuild = true
				s.Engine.Info.RegistryConfig = &registry.ServiceConfig{InsecureRegistryCIDRs: []*registry.NetIPNet{&loopback, &wide}}
				s.Engine.Info.LoggingDriver = "none"
				s.Engine.Info.SecurityOptions = nil
			},
			want: map[string]bench.Status{"2.3": bench.Warn, "2.4": bench.Warn, "2.5": bench.Warn, "2.7": bench.Warn,
				"2.10": bench.Warn, "2.11": bench.Warn, "2.17": bench.Warn, "2.18": bench.Warn}},
		{name: "tcp with tls but no verify", args: []string{"-H", "tcp://0.0.0.0:2376", "--tls"}, want: map[string]bench.Status{"2.7": bench.Warn}},
		{name: "tcp with tlsverify", config: `{"hosts": ["tcp://10.0.0.1:2376"], "tlsverify": true, "tlscacert": "/a", "tlscert": "/b", "tlskey": "/c"}`,
			// dockerd refuses hosts in both places, so the command line has none.
			edit: func(s *facts.Snapshot) { s.Daemon.Args = nil },
			want: map[string]bench.Status{"2.7": bench.Pass}},
		{name: "remote logging, loopback registry only", edit: func(s *facts.Snapshot) {
			s.Engine.Info.LoggingDriver = "syslog"
			s.Engine.Info.RegistryConfig = &registry.ServiceConfig{InsecureRegistryCIDRs: []*registry.NetIPNet{&loopback}}
		}, want: map[string]bench.Status{"2.13": bench.Pass}},
		{name: "icc from the bridge when the command line is unknown", edit: func(s *facts.Snapshot) {
			s.Daemon.Args, s.Daemon.ArgsSource, s.Daemon.ArgsErr = nil, "", "no dockerd"
			s.Engine.Networks = []network.Summary{{Name: "bridge", Driver: "bridge", Options: map[string]string{
				"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "false"}}}
		}, want: map[string]bench.Status{"2.2": bench.Pass, "2.3": bench.Skip, "2.4": bench.Skip, "2.5": bench.Skip, "2.7": bench.Skip, "2.8": bench.Skip,
			"2.10": bench.Skip, "2.11": bench.Skip, "2.14": bench.Skip, "2.16": bench.Skip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := engineSnapshot()
			s.Daemon.Args = append(s.Daemon.Args, tt.args...)
			if tt.config != "" {
				cfg, err := facts.ParseDaemonJSON([]byte(tt.config))
				if err != nil {
					t.Fatal(err)
				}
				s.Daemon.Config, s.Daemon.ConfigExists = cfg, true
			}
			if tt.edit != nil {
				tt.edit(s)
			}
			if diff := cmp.Diff(merge(base, tt.want), statuses(t, s, Config{}, ids...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// hardened returns a container that passes every 5.x check.
func hardened(name string) facts.Container {
	pids := int64(64)
	c := facts.Container{Processes: []string{"app"}}
	c.Inspect.ContainerJSONBase = &container.ContainerJSONBase{
		ID: name + "-id", Name: "/" + name,
		State: &container.State{Running: true, Health: &container.Health{Status: "healthy"}},
		HostConfig: &container.HostConfig{
			NetworkMode: "none", CapDrop: []string{"ALL"}, ReadonlyRootfs: true,
			SecurityOpt: []string{"no-new-privileges"}, PidMode: "", IpcMode: "private",
			Resources: container.Resources{Memory: 64 << 20, PidsLimit: &pids, CPUShares: 512},
		},
	}
	c.Inspect.Config = &container.Config{User: "1000"}
	return c
}

func TestContainerChecks(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *facts.Container)
		warn []string
	}{
		{name: "hardened"},
		{name: "root user", edit: func(c *facts.Container) { c.Inspect.Config.User = "0:0" }, warn: []string{"4.1"}},
		{name: "SYS_ADMIN", edit: func(c *facts.Container) { c.Inspect.HostConfig.CapAdd = []string{"CAP_SYS_ADMIN", "chown"} }, warn: []string{"5.4"}},
		{name: "privileged", edit: func(c *facts.Container) { c.Inspect.HostConfig.Privileged = true }, warn: []string{"5.5"}},
		{name: "etc read-only", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/etc", Destination: "/h"}}
		}, warn: []string{"5.6"}},
		{name: "narrow read-only file under etc is fine", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/etc/localtime", Destination: "/etc/localtime"}}
		}},
		{name: "writable below usr", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/usr/local", Destination: "/x", RW: true}}
		}, warn: []string{"5.6"}},
		{name: "sshd", edit: func(c *facts.Container) { c.Processes = []string{"/usr/sbin/sshd -D"} }, warn: []string{"5.7"}},
		{name: "port 80 on all interfaces", edit: func(c *facts.Container) {
			c.Inspect.HostConfig.PortBindings = nat.PortMap{"80/tcp": {{HostIP: "", HostPort: "80"}}}
		}, warn: []string{"5.8", "5.14"}},
		{name: "high port on one address", edit: func(c *facts.Container) {
			c.Inspect.HostConfig.PortBindings = nat.PortMap{"80/tcp": {{HostIP: "10.0.0.5", HostPort: "8080"}}}
		}},
		{name: "host network", edit: func(c *facts.Container) { c.Inspect.HostConfig.NetworkMode = "host" }, warn: []string{"5.10"}},
		{name: "no limits", edit: func(c *facts.Container) { c.Inspect.HostConfig.Resources = container.Resources{} }, warn: []string{"5.11", "5.12", "5.29"}},
		{name: "writable root", edit: func(c *facts.Container) { c.Inspect.HostConfig.ReadonlyRootfs = false }, warn: []string{"5.13"}},
		{name: "restart always", edit: func(c *facts.Container) { c.Inspect.HostConfig.RestartPolicy.Name = "always" }, warn: []string{"5.15"}},
		{name: "on-failure 3", edit: func(c *facts.Container) {
			c.Inspect.HostConfig.RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}
		}},
		{name: "host namespaces", edit: func(c *facts.Container) {
			hc := c.Inspect.HostConfig
			hc.PidMode, hc.IpcMode, hc.UTSMode, hc.UsernsMode = "host", "host", "host", "host"
		}, warn: []string{"5.16", "5.17", "5.21", "5.31"}},
		{name: "device", edit: func(c *facts.Container) {
			c.Inspect.HostConfig.Devices = []container.DeviceMapping{{PathOnHost: "/dev/kvm", CgroupPermissions: "rwm"}}
		}, warn: []string{"5.18"}},
		{name: "rshared", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/srv", Destination: "/srv", Propagation: mount.PropagationRShared}}
		}, warn: []string{"5.20"}},
		{name: "seccomp unconfined (old syntax)", edit: func(c *facts.Container) {
			c.Inspect.HostConfig.SecurityOpt = append(c.Inspect.HostConfig.SecurityOpt, "seccomp:unconfined")
		}, warn: []string{"5.22"}},
		{name: "cgroup parent", edit: func(c *facts.Container) { c.Inspect.HostConfig.CgroupParent = "/custom" }, warn: []string{"5.25"}},
		{name: "no-new-privileges false", edit: func(c *facts.Container) { c.Inspect.HostConfig.SecurityOpt = []string{"no-new-privileges=false"} }, warn: []string{"5.26"}},
		{name: "no health", edit: func(c *facts.Container) { c.Inspect.State.Health = nil }, warn: []string{"5.27"}},
		{name: "docker socket", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock"}}
		}, warn: []string{"5.32"}},
		{name: "socket directory of a custom engine", edit: func(c *facts.Container) {
			c.Inspect.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/run/x", Destination: "/engine"}}
		}, warn: []string{"5.32"}},
		{name: "stopped container still judged", edit: func(c *facts.Container) {
			c.Inspect.State = &container.State{Status: "exited"}
			c.Inspect.HostConfig.Privileged = true
		}, warn: []string{"5.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := hardened("c1")
			if tt.edit != nil {
				tt.edit(&c)
			}
			s := engineSnapshot()
			s.Host.Targets[facts.TargetDockerSock] = "/run/x/engine.sock"
			s.Engine.Containers = []facts.Container{c}
			st := statuses(t, s, Config{}, "4.1", "5")
			if diff := cmp.Diff(tt.warn, warned(st)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDaemonNoNewPrivilegesCoversContainers(t *testing.T) {
	s := engineSnapshot()
	c := hardened("c1")
	c.Inspect.HostConfig.SecurityOpt = nil
	s.Engine.Containers = []facts.Container{c}
	if st := statuses(t, s, Config{}, "5.26")["5.26"]; st != bench.Warn {
		t.Fatalf("5.26 = %s, want warn", st)
	}
	s.Daemon.Config = map[string]json.RawMessage{"no-new-privileges": json.RawMessage("true")}
	if st := statuses(t, s, Config{}, "5.26")["5.26"]; st != bench.Pass {
		t.Errorf("5.26 with daemon-wide no-new-privileges = %s, want pass", st)
	}
}

func TestImageChecks(t *testing.T) {
	raw := `{"inspect": {"Id": "sha256:aaaa", "RepoTags": ["app:1"], "Config": {"Env": ["PATH=/bin", "DB_PASSWORD=hunter2", "TOKEN_FILE=/run/secrets/t"]}},
	 "history": [
	  {"CreatedBy": "/bin/sh -c #(nop)  CMD [\"app\"]"},
	  {"CreatedBy": "/bin/sh -c #(nop) ADD file:abc in /opt/app "},
	  {"CreatedBy": "/bin/sh -c apt-get update"},
	  {"CreatedBy": "/bin/sh -c apt-get update && apt-get install -y curl"},
	  {"CreatedBy": "/bin/sh -c #(nop) ADD file:base in / "}]}`
	var img facts.Image
	if err := json.Unmarshal([]byte(raw), &img); err != nil {
		t.Fatal(err)
	}
	s := engineSnapshot()
	s.Engine.Images = []facts.Image{img}
	rep := bench.Run(All(Config{}), bench.Selection{Include: []string{"4.6", "4.7", "4.9", "4.10"}}, s)
	got := map[string]string{}
	for _, r := range rep.Results {
		got[r.ID] = string(r.Status) + ": " + strings.Join(r.Items, "; ")
	}
	want := map[string]string{
		"4.6":  "warn: app:1: no healthcheck",
		"4.7":  "warn: app:1: /bin/sh -c apt-get update",
		"4.9":  "warn: app:1: /bin/sh -c #(nop) ADD file:abc in /opt/app",
		"4.10": "warn: app:1: ENV DB_PASSWORD",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, r := range rep.Results {
		if strings.Contains(r.Details+strings.Join(r.Items, ""), "hunter2") {
			t.Errorf("%s leaks a secret value", r.ID)
		}
	}
}

func TestSwarmChecks(t *testing.T) {
	s := engineSnapshot()
	if st := statuses(t, s, Config{}, "7"); len(warned(st)) != 0 || st["7.1"] != bench.Info {
		t.Fatalf("swarm inactive: %v", st)
	}
	s.Engine.Info.Swarm = swarm.Info{LocalNodeState: swarm.LocalNodeStateActive, ControlAvailable: true, Managers: 2}
	s.Engine.Swarm = &swarm.Swarm{}
	s.Engine.Networks = []network.Summary{{Name: "ovl", Driver: "overlay"}, {Name: "sec", Driver: "overlay", Options: map[string]string{"encrypted": ""}}}
	s.Host.Listeners = []facts.Listener{{Addr: "::", Port: 2377}, {Addr: "10.0.0.1", Port: 7946}}
	want := map[string]bench.Status{"7.1": bench.Warn, "7.2": bench.Warn, "7.3": bench.Warn, "7.4": bench.Info, "7.5": bench.Warn,
		"7.6": bench.Note, "7.7": bench.Info, "7.8": bench.Info, "7.9": bench.Info}
	if diff := cmp.Diff(want, statuses(t, s, Config{}, "7")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if st := statuses(t, s, Config{}, "5.1")["5.1"]; st != bench.Warn {
		t.Errorf("5.1 with swarm active = %s", st)
	}
}

// An audit that could read nothing must not pass anything.
func TestNothingReadableMeansNoPass(t *testing.T) {
	s := &facts.Snapshot{
		Host:   facts.Host{MountsErr: "x", GroupsErr: "x", ListenersErr: "x", Audit: facts.Audit{Err: "x"}},
		Daemon: facts.Daemon{ArgsErr: "x", ConfigErr: "x"},
		Engine: facts.Engine{Err: "connection refused"},
	}
	s.Env.ContentTrust, s.Env.ContentTrustSet = "1", true
	rep := bench.Run(All(Config{}), bench.Selection{Include: []string{"all"}}, s)
	for _, r := range rep.Results {
		if r.Status == bench.Pass && r.ID != "4.5" {
			t.Errorf("%s passes with no readable input: %s", r.ID, r.Details)
		}
	}
}
