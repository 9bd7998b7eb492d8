package checks

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/swarm"
)

func section5() []bench.Check {
	return []bench.Check{
		check("5.1", "Swarm mode is not enabled unless needed", 1, true,
			"If this node does not need swarm, leave it: docker swarm leave (--force on a manager).", swarmOff),
		check("5.2", "An AppArmor profile is applied to containers", 1, true,
			"Run containers with the default or a custom AppArmor profile (--security-opt apparmor=PROFILE); never apparmor=unconfined.", appArmor),
		check("5.3", "SELinux security options are set", 2, true,
			"On SELinux hosts, start dockerd with --selinux-enabled and give containers labels (--security-opt label=…).", seLinux),
		check("5.4", "Linux kernel capabilities are restricted", 1, true,
			"Add only the capabilities a container needs (--cap-add) and drop the rest (--cap-drop ALL).",
			containerCheck(allContainers, "add capabilities beyond Docker's default set", extraCaps)),
		check("5.5", "Privileged containers are not used", 1, true,
			"Do not run containers with --privileged; grant the specific capabilities or devices instead.",
			containerCheck(allContainers, "are privileged", func(c facts.Container) string {
				if hostConfig(c).Privileged {
					return "privileged"
				}
				return ""
			})),
		check("5.6", "Sensitive host directories are not mounted", 1, true,
			"Do not bind-mount /, /boot, /dev, /etc, /lib, /lib64, /proc, /sys or /usr; mount narrower paths read-only when a file is really needed.",
			containerCheck(allContainers, "mount sensitive host directories", sensitiveMounts)),
		check("5.7", "sshd is not run within containers", 1, true,
			"Remove the SSH daemon from the image; use docker exec for maintenance.", sshd),
		check("5.8", "Privileged ports are not mapped within containers", 1, true,
			"Publish container ports on host ports 1024 and above.",
			containerCheck(allContainers, "publish host ports below 1024", privilegedPorts)),
		check("5.9", "Only needed ports are open on the container", 1, false,
			"Publish only the ports the service needs; avoid -P/--publish-all.", openPorts),
		check("5.10", "The host's network namespace is not shared", 1, true,
			"Do not run containers with --network host.",
			containerCheck(allContainers, "share the host network namespace", func(c facts.Container) string {
				if hostConfig(c).NetworkMode.IsHost() {
					return "network mode host"
				}
				return ""
			})),
		check("5.11", "Memory usage for containers is limited", 1, true,
			"Give every container a memory limit (--memory).",
			containerCheck(allContainers, "have no memory limit", func(c facts.Container) string {
				if hostConfig(c).Memory <= 0 {
					return "no memory limit"
				}
				return ""
			})),
		check("5.12", "CPU priority is set appropriately", 1, true,
			"Give containers CPU shares or a CPU limit (--cpu-shares, --cpus).",
			containerCheck(allContainers, "have no CPU shares or limit", func(c facts.Container) string {
				hc := hostConfig(c)
				if (hc.CPUShares == 0 || hc.CPUShares == 1024) && hc.NanoCPUs == 0 && hc.CPUQuota == 0 && hc.CpusetCpus == "" {
					return "no CPU shares or limit"
				}
				return ""
			})),
		check("5.13", "The container's root filesystem is mounted read-only", 1, true,
			"Run containers with --read-only and mount writable volumes or tmpfs only where the service writes.",
			containerCheck(allContainers, "have a writable root filesystem", func(c facts.Container) string {
				if !hostConfig(c).ReadonlyRootfs {
					return "writable root filesystem"
				}
				return ""
			})),
		check("5.14", "Incoming container traffic is bound to a specific host interface", 1, true,
			"Publish ports on a chosen address (-p 10.0.0.5:8080:80) rather than on all interfaces.",
			containerCheck(allContainers, "publish ports on all host interfaces", wildcardPorts)),
		check("5.15", "The on-failure restart policy is limited to 5 retries", 1, true,
			"Use --restart on-failure:5 (or no restart policy) instead of always, unless-stopped or unlimited retries.",
			containerCheck(allContainers, "restart without a retry limit of 5", restartPolicy)),
		check("5.16", "The host's process namespace is not shared", 1, true,
			"Do not run containers with --pid host.",
			containerCheck(allContainers, "share the host PID namespace", func(c facts.Container) string {
				if hostConfig(c).PidMode.IsHost() {
					return "pid mode host"
				}
				return ""
			})),
		check("5.17", "The host's IPC namespace is not shared", 1, true,
			"Do not run containers with --ipc host.",
			containerCheck(allContainers, "share the host IPC namespace", func(c facts.Container) string {
				if hostConfig(c).IpcMode.IsHost() {
					return "ipc mode host"
				}
				return ""
			})),
		check("5.18", "Host devices are not directly exposed to containers", 1, false,
			"Pass devices (--device) only where required, with the narrowest permissions (r, w or m).",
			containerCheck(allContainers, "have host devices", func(c facts.Container) string {
				var ds []string
				for _, d := range hostConfig(c).Devices {
					ds = append(ds, d.PathOnHost+":"+d.CgroupPermissions)
				}
				return strings.Join(ds, ", ")
			})),
		check("5.19", "The default ulimit is overwritten at runtime only if needed", 1, false,
			"Override ulimits per container (--ulimit) only where the daemon default does not fit.", ulimits),
		check("5.20", "Mount propagation mode is not set to shared", 1, true,
			"Do not mount volumes with shared or rshared propagation.",
			containerCheck(allContainers, "mount with shared propagation", func(c facts.Container) string {
				var bad []string
				for _, m := range c.Inspect.Mounts {
					if m.Propagation == mount.PropagationShared || m.Propagation == mount.PropagationRShared {
						bad = append(bad, m.Destination+" ("+string(m.Propagation)+")")
					}
				}
				return strings.Join(bad, ", ")
			})),
		check("5.21", "The host's UTS namespace is not shared", 1, true,
			"Do not run containers with --uts host.",
			containerCheck(allContainers, "share the host UTS namespace", func(c facts.Container) string {
				if hostConfig(c).UTSMode.IsHost() {
					return "uts mode host"
				}
				return ""
			})),
		check("5.22", "The default seccomp profile is not disabled", 1, true,
			"Do not run containers with --security-opt seccomp=unconfined; give a custom profile if the default is too strict.",
			containerCheck(allContainers, "run without seccomp", func(c facts.Container) string {
				if v, ok := securityOpt(c, "seccomp"); ok && v == "unconfined" {
					return "seccomp=unconfined"
				}
				return ""
			})),
		manual("5.23", "docker exec is not used with --privileged", 2,
			"search the audit trail (ausearch -k docker) for docker exec --privileged; the engine keeps no history of exec sessions",
			"Do not use docker exec --privileged; restrict exec through an authorization plugin."),
		manual("5.24", "docker exec is not used with --user=root", 2,
			"search the audit trail (ausearch -k docker) for docker exec --user root or 0; the engine keeps no history of exec sessions",
			"Do not use docker exec --user root; restrict exec through an authorization plugin."),
		check("5.25", "The container's cgroup usage is confirmed", 1, true,
			"Do not set --cgroup-parent unless a container must live in a specific cgroup.",
			containerCheck(allContainers, "use a non-default cgroup parent", func(c facts.Container) string {
				if p := hostConfig(c).CgroupParent; p != "" {
					return "cgroup parent " + p
				}
				return ""
			})),
		check("5.26", "The container is restricted from acquiring additional privileges", 1, true,
			"Run containers with --security-opt no-new-privileges (or set it daemon-wide, see 2.14).", noNewPrivileges),
		check("5.27", "Container health is checked at runtime", 1, true,
			"Give every image a HEALTHCHECK or start containers with --health-cmd.",
			containerCheck(runningContainers, "have no health check", func(c facts.Container) string {
				if c.Inspect.State == nil || c.Inspect.State.Health == nil {
					return "no health check"
				}
				return ""
			})),
		manual("5.28", "Docker commands always make use of the latest version of their image", 1,
			"compare the digests of running images with the newest ones in their registries (docker pull, then recreate)",
			"Pull images before (re)starting containers and pin them by digest in deployment files."),
		check("5.29", "The PIDs cgroup limit is used", 1, true,
			"Give every container a process limit (--pids-limit).",
			containerCheck(allContainers, "have no PIDs limit", func(c facts.Container) string {
				if l := hostConfig(c).PidsLimit; l == nil || *l <= 0 {
					return "no PIDs limit"
				}
				return ""
			})),
		check("5.30", "Docker's default bridge docker0 is not used", 2, false,
			"Attach containers to user-defined networks instead of the default bridge.", defaultBridge),
		check("5.31", "The host's user namespace is not shared", 1, true,
			"Do not run containers with --userns host.",
			containerCheck(allContainers, "share the host user namespace", func(c facts.Container) string {
				if hostConfig(c).UsernsMode.IsHost() {
					return "userns mode host"
				}
				return ""
			})),
		check("5.32", "The Docker socket is not mounted inside any containers", 1, true,
			"Never mount the Docker socket (or its directory) into containers; whoever controls it controls the host.",
			dockerSocketMount),
	}
}

func containerCheck(sc scope, what string, bad func(facts.Container) string) func(*facts.Snapshot) bench.Outcome {
	return func(s *facts.Snapshot) bench.Outcome { return perContainer(s, sc, what, bad) }
}

func swarmOff(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	st := s.Engine.Info.Swarm.LocalNodeState
	if st == swarm.LocalNodeStateActive || st == swarm.LocalNodeStatePending {
		return warn(nil, "swarm mode is %s; leave the swarm if this node does not need it", st)
	}
	return pass("swarm mode is %s", orDefault(string(st), "inactive"))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func hostHas(s *facts.Snapshot, name string) bool {
	for _, o := range s.Engine.Info.SecurityOptions {
		if o == "name="+name || strings.HasPrefix(o, "name="+name+",") {
			return true
		}
	}
	return false
}

func appArmor(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if !hostHas(s, "apparmor") {
		return info("AppArmor is not enabled on this host")
	}
	return perContainer(s, allContainers, "run without an AppArmor profile", func(c facts.Container) string {
		p := c.Inspect.AppArmorProfile
		if v, ok := securityOpt(c, "apparmor"); ok {
			p = v
		}
		if p == "" || p == "unconfined" {
			return "apparmor " + orDefault(p, "(none)")
		}
		return ""
	})
}

func seLinux(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if !hostHas(s, "selinux") {
		return info("SELinux support is not enabled in the daemon")
	}
	return perContainer(s, allContainers, "run without SELinux labels", func(c facts.Container) string {
		if v, ok := securityOpt(c, "label"); ok && v == "disable" {
			return "label=disable"
		}
		if c.Inspect.ProcessLabel == "" && c.Inspect.MountLabel == "" {
			return "no SELinux label"
		}
		return ""
	})
}

// securityOpt returns the value of a --security-opt key; Docker accepts
// both "key=value" and the older "key:value".
func securityOpt(c facts.Container, key string) (string, bool) {
	for _, o := range hostConfig(c).SecurityOpt {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, ok = strings.Cut(o, ":")
		}
		if strings.EqualFold(k, key) {
			if !ok {
				v = "true"
			}
			return v, true
		}
	}
	return "", false
}

// defaultCaps is the capability set Docker Engine grants by default.
var defaultCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

func normCap(c string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
}

func extraCaps(c facts.Container) string {
	var extra []string
	for _, cp := range hostConfig(c).CapAdd {
		if n := normCap(cp); !slices.Contains(defaultCaps, n) {
			extra = append(extra, n)
		}
	}
	slices.Sort(extra)
	if len(extra) == 0 {
		return ""
	}
	return "adds " + strings.Join(extra, ", ")
}

// sensitiveDirs may not be mounted at all; below them, only read-only.
var sensitiveDirs = []string{"/", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr"}

func sensitiveMounts(c facts.Container) string {
	var bad []string
	for _, m := range c.Inspect.Mounts {
		if m.Type != mount.TypeBind {
			continue
		}
		src := path.Clean("/" + m.Source)
		for _, d := range sensitiveDirs {
			switch {
			case src == d:
				bad = append(bad, fmt.Sprintf("%s:%s (%s)", src, m.Destination, rwLabel(m.RW)))
			case m.RW && d != "/" && strings.HasPrefix(src, d+"/"):
				bad = append(bad, fmt.Sprintf("%s:%s (read-write)", src, m.Destination))
			default:
				continue
			}
			break
		}
	}
	return strings.Join(bad, ", ")
}

func rwLabel(rw bool) string {
	if rw {
		return "read-write"
	}
	return "read-only"
}

// bindings lists the host side of published ports: from the runtime view
// for running containers, from HostConfig for stopped ones.
func bindings(c facts.Container) map[string][]string {
	out := map[string][]string{}
	add := func(port string, ip, hostPort string) {
		out[port] = append(out[port], ip+"|"+hostPort)
	}
	if c.Running() && c.Inspect.NetworkSettings != nil && len(c.Inspect.NetworkSettings.Ports) > 0 {
		for p, bs := range c.Inspect.NetworkSettings.Ports {
			for _, b := range bs {
				add(string(p), b.HostIP, b.HostPort)
			}
		}
		return out
	}
	for p, bs := range hostConfig(c).PortBindings {
		for _, b := range bs {
			add(string(p), b.HostIP, b.HostPort)
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func privilegedPorts(c facts.Container) string {
	var bad []string
	bs := bindings(c)
	for _, p := range sortedKeys(bs) {
		for _, b := range bs[p] {
			_, hp, _ := strings.Cut(b, "|")
			if n, err := strconv.Atoi(hp); err == nil && n > 0 && n < 1024 {
				bad = append(bad, fmt.Sprintf("host port %d -> %s", n, p))
			}
		}
	}
	return strings.Join(bad, ", ")
}

func wildcardPorts(c facts.Container) string {
	var bad []string
	bs := bindings(c)
	for _, p := range sortedKeys(bs) {
		for _, b := range bs[p] {
			ip, hp, _ := strings.Cut(b, "|")
			if ip == "" || ip == "0.0.0.0" || ip == "::" || ip == "[::]" {
				bad = append(bad, fmt.Sprintf("%s:%s -> %s", orDefault(ip, "*"), hp, p))
			}
		}
	}
	return strings.Join(bad, ", ")
}

func openPorts(s *facts.Snapshot) bench.Outcome {
	o := perContainer(s, allContainers, "publish ports", func(c facts.Container) string {
		var ps []string
		bs := bindings(c)
		for _, p := range sortedKeys(bs) {
			for _, b := range bs[p] {
				ip, hp, _ := strings.Cut(b, "|")
				ps = append(ps, fmt.Sprintf("%s:%s->%s", orDefault(ip, "*"), hp, p))
			}
		}
		if hostConfig(c).PublishAllPorts {
			ps = append(ps, "--publish-all")
		}
		return strings.Join(ps, ", ")
	})
	if o.Status == bench.Warn {
		// Only a person knows which ports a service needs.
		o.Status, o.Details = bench.Note, o.Details+"; confirm each one is needed"
	}
	return o
}

func restartPolicy(c facts.Container) string {
	rp := hostConfig(c).RestartPolicy
	switch rp.Name {
	case container.RestartPolicyAlways, container.RestartPolicyUnlessStopped:
		return "restart policy " + string(rp.Name)
	case container.RestartPolicyOnFailure:
		if rp.MaximumRetryCount == 0 {
			return "on-failure without a retry limit"
		}
		if rp.MaximumRetryCount > 5 {
			return fmt.Sprintf("on-failure:%d", rp.MaximumRetryCount)
		}
	}
	return ""
}

func sshd(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	var bad, unread []string
	n := 0
	for _, c := range s.Engine.Containers {
		if !c.Running() {
			continue
		}
		n++
		if c.ProcessesErr != "" || c.Processes == nil {
			unread = append(unread, c.Name())
			continue
		}
		for _, p := range c.Processes {
			if path.Base(strings.Fields(p + " x")[0]) == "sshd" {
				bad = append(bad, c.Name()+": runs sshd")
				break
			}
		}
	}
	slices.Sort(bad)
	switch {
	case len(bad) > 0:
		return warn(bad, "%d of %d running containers run sshd", len(bad), n)
	case len(unread) > 0:
		slices.Sort(unread)
		return bench.Outcome{Status: bench.Skip, Items: unread,
			Details: fmt.Sprintf("process lists of %d running containers could not be read", len(unread))}
	case n == 0:
		return info("no running containers to check")
	default:
		return pass("none of %d running containers runs sshd", n)
	}
}

func ulimits(s *facts.Snapshot) bench.Outcome {
	o := perContainer(s, allContainers, "override ulimits", func(c facts.Container) string {
		var us []string
		for _, u := range hostConfig(c).Ulimits {
			if u != nil {
				us = append(us, fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
			}
		}
		return strings.Join(us, ", ")
	})
	switch o.Status {
	case bench.Warn:
		o.Status, o.Details = bench.Info, o.Details+"; confirm each override is needed"
	case bench.Pass:
		o.Details = "no container overrides the daemon's default ulimits"
	}
	return o
}

func noNewPrivileges(s *facts.Snapshot) bench.Outcome {
	if st := s.Daemon.Setting("no-new-privileges"); st.Bool(false) {
		return pass("the daemon sets no-new-privileges for every container (%s)", where(st))
	}
	return perContainer(s, allContainers, "may gain new privileges", func(c facts.Container) string {
		if v, ok := securityOpt(c, "no-new-privileges"); ok {
			if b, err := strconv.ParseBool(v); err == nil && b {
				return ""
			}
		}
		return "no-new-privileges not set"
	})
}

func defaultBridge(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if s.Engine.NetworksErr != "" {
		return skip("networks not readable: %s", s.Engine.NetworksErr)
	}
	bridge := ""
	for _, n := range s.Engine.Networks {
		if n.Options["com.docker.network.bridge.name"] == "docker0" {
			bridge = n.Name
		}
	}
	if bridge == "" {
		return pass("there is no docker0 bridge network")
	}
	return perContainer(s, allContainers, "are attached to docker0", func(c facts.Container) string {
		if c.Inspect.NetworkSettings != nil {
			if _, ok := c.Inspect.NetworkSettings.Networks[bridge]; ok {
				return "attached to " + bridge
			}
		}
		return ""
	})
}

func dockerSocketMount(s *facts.Snapshot) bench.Outcome {
	sock := s.Host.Targets[facts.TargetDockerSock]
	return perContainer(s, allContainers, "mount the Docker socket", func(c facts.Container) string {
		var bad []string
		for _, m := range c.Inspect.Mounts {
			src := facts.CanonicalPath(m.Source)
			switch {
			case path.Base(src) == "docker.sock" || path.Base(m.Destination) == "docker.sock":
				bad = append(bad, m.Source)
			case sock != "" && m.Type == mount.TypeBind && (src == sock || strings.HasPrefix(sock, src+"/")) && src != "/":
				// The engine's own socket, or a directory holding it.
				bad = append(bad, m.Source)
			}
		}
		return strings.Join(bad, ", ")
	})
}
