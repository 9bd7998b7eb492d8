package daemonjson

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/swarm"
)

// wantNofile is the open-files limit proposed for containers.
const wantNofile = 65536

// decision is what a rule wants for its key.
type decision struct {
	none   bool            // already as wanted: nothing to do
	value  json.RawMessage // the value to set
	remove bool            // delete the key (dockerd's default is the good one)
	omit   string          // left out, and why
	risk   string          // extra risk found in the snapshot
}

// rule is one daemon.json key.
type rule struct {
	key    string
	checks []string
	effect string
	risk   string
	// plan decides from the snapshot and the proposal so far.
	plan func(s *facts.Snapshot, opt Options, proposed map[string]json.RawMessage) decision
	// simulate moves the engine facts the way dockerd would once the key
	// has value v (present false: the key was removed).
	simulate func(s *facts.Snapshot, v json.RawMessage, present bool)
}

func set(v any) decision {
	b, err := json.Marshal(v)
	if err != nil {
		// Only literal values built in this file reach here.
		return decision{omit: "internal error: " + err.Error()}
	}
	return decision{value: b}
}

// iptablesOff reports whether dockerd runs with iptables management off,
// and how it was turned off.
func iptablesOff(s *facts.Snapshot) (bool, string) {
	st := s.Daemon.Setting("iptables")
	if st.Bool(true) {
		return false, ""
	}
	return true, st.Source + "=" + st.Last()
}

// fromJSON reports whether the setting's effective value comes from
// daemon.json (so the proposal can change it).
func fromJSON(st facts.Setting) bool { return st.Set && st.Source == "daemon.json" }

var rules = []rule{
	{
		key: "icc", checks: []string{"2.2"},
		effect: "Containers on the default bridge can no longer reach each other; published ports and user-defined networks are unaffected.",
		risk:   "Containers on the default bridge that talk to each other directly stop reaching each other: move them to a user-defined network (docker network create) or link them.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if off, how := iptablesOff(s); off {
				return decision{omit: fmt.Sprintf("iptables management is off (%s): dockerd enforces icc=false with iptables rules and refuses to start with icc=false without them", how)}
			}
			if !s.Daemon.Setting("icc").Bool(true) {
				return decision{none: true}
			}
			return set(false)
		},
	},
	{
		key: "log-level", checks: []string{"2.3"},
		effect: "The daemon logs at info: enough to audit, without the request bodies and secrets debug level can record.",
		risk:   "Less detail in dockerd's own log while troubleshooting; raise it temporarily when needed.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			st := s.Daemon.Setting("log-level")
			if !st.Set || strings.EqualFold(st.Last(), "info") {
				return decision{none: true}
			}
			return set("info")
		},
	},
	{
		key: "iptables", checks: []string{"2.4"},
		effect: "Docker manages the iptables rules that isolate and publish containers.",
		risk:   "Docker adds DOCKER chains and sets the FORWARD policy to DROP; a firewall managed by another tool must leave them in place.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			st := s.Daemon.Setting("iptables")
			if st.Bool(true) {
				return decision{none: true}
			}
			return decision{remove: true}
		},
	},
	{
		key: "insecure-registries", checks: []string{"2.5"},
		effect: "The daemon talks to registries over verified TLS only.",
		risk:   "Pulls and pushes to the registries listed now fail until each serves a certificate the host trusts (put its CA in /etc/docker/certs.d/HOST:PORT/ca.crt).",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			st := s.Daemon.Setting("insecure-registries")
			if !st.Set || len(st.Values) == 0 {
				return decision{none: true}
			}
			return decision{remove: true}
		},
	},
	{
		key: "default-ulimits", checks: []string{"2.8"},
		effect: "Every container starts with a bounded number of open files (65536, or dockerd's own limit when lower) unless it asks for another (--ulimit).",
		risk:   "Services that need more open files (busy proxies, databases) must ask for it with --ulimit nofile=N:N.",
		plan: func(s *facts.Snapshot, opt Options, _ map[string]json.RawMessage) decision {
			if st := s.Daemon.Setting("default-ulimits"); st.Set && len(st.Values) > 0 {
				return decision{none: true}
			}
			n := uint64(wantNofile)
			d := decision{}
			if opt.DaemonNofile > 0 && opt.DaemonNofile < n {
				// Under userns-remap a container's root cannot raise a hard
				// limit above dockerd's own: runc fails with "error setting
				// rlimit type 7: operation not permitted".
				n = opt.DaemonNofile
				d.risk = fmt.Sprintf("The limit is dockerd's own hard limit (%d), since containers under userns-remap cannot be given more.", n)
			} else if opt.DaemonNofile == 0 {
				d.risk = "dockerd's own limit is unknown: with userns-remap, a default above it stops every container from starting."
			}
			v := set(map[string]any{"nofile": map[string]any{"Name": "nofile", "Soft": n, "Hard": n}})
			v.risk = d.risk
			return v
		},
	},
	{
		key: "userns-remap", checks: []string{"2.9"},
		effect: "Root in a container maps to an unprivileged host user (dockremap, from /etc/subuid and /etc/subgid): a container escape no longer lands as host root.",
		risk: "The daemon keeps images and containers for the remapped user in a new directory under data-root, so existing ones are not visible until pulled or created again; " +
			"bind-mounted host files owned by root are seen as nobody and cannot be written unless chowned to the subordinate range; " +
			"--privileged, --pid=host, --network=host and --userns=host containers need --userns=host.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			opts := s.Engine.Info.SecurityOptions
			if slices.Contains(opts, "name=rootless") {
				return decision{omit: "the daemon runs rootless, which already maps container root to an unprivileged user; userns-remap does not apply"}
			}
			if slices.Contains(opts, "name=userns") {
				return decision{none: true}
			}
			if st := s.Daemon.Setting("userns-remap"); st.Set && st.Last() != "" {
				return decision{none: true}
			}
			d := set("default")
			if hit := hostNamespaceContainers(s); len(hit) > 0 {
				d.risk = "On this engine these containers need --userns=host to start again: " + strings.Join(hit, ", ") + "."
			}
			return d
		},
		simulate: func(s *facts.Snapshot, v json.RawMessage, present bool) {
			opts := slices.DeleteFunc(slices.Clone(s.Engine.Info.SecurityOptions), func(o string) bool { return o == "name=userns" })
			var name string
			if present && json.Unmarshal(v, &name) == nil && name != "" {
				opts = append(opts, "name=userns")
			}
			s.Engine.Info.SecurityOptions = opts
		},
	},
	{
		key: "authorization-plugins", checks: []string{"2.12"},
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if len(s.Engine.Info.Plugins.Authorization) > 0 {
				return decision{none: true}
			}
			if st := s.Daemon.Setting("authorization-plugins"); st.Set && len(st.Values) > 0 {
				return decision{none: true}
			}
			return decision{omit: "needs an authorization plugin that is installed and running (for example `bulwark guard`); a plugin listed here but not answering blocks every API request, so add it by hand once it runs"}
		},
	},
	{
		key: "log-driver", checks: []string{"2.13"},
		effect: "Container logs go to a collector instead of staying in files on this host only.",
		risk:   "`docker logs` reads only drivers that keep a local copy (json-file, local, journald, or any driver with dual logging on Engine 20.10+); the collector must be up, or containers block or drop logs depending on mode.",
		plan: func(s *facts.Snapshot, opt Options, _ map[string]json.RawMessage) decision {
			cur := currentLogDriver(s)
			switch {
			case opt.LogDriver != "":
				if opt.LogDriver == cur {
					return decision{none: true}
				}
				return set(opt.LogDriver)
			case !localLogDriver(cur):
				return decision{none: true}
			case opt.HostHas != nil && opt.HostHas("/run/systemd/journal/socket"):
				return decision{value: json.RawMessage(`"journald"`),
					risk: "journald keeps logs on this host until journald or a collector forwards them (ForwardToSyslog, systemd-journal-upload): set that up too."}
			}
			return decision{omit: fmt.Sprintf("the default driver %q keeps logs on this host and no collector is known: pass --log-driver (syslog, fluentd, gelf, journald…) and --log-opt for its address", cur)}
		},
		simulate: func(s *facts.Snapshot, v json.RawMessage, present bool) {
			var d string
			if present && json.Unmarshal(v, &d) == nil && d != "" {
				s.Engine.Info.LoggingDriver = d
			} else {
				s.Engine.Info.LoggingDriver = "json-file"
			}
		},
	},
	{
		key:    "log-opts",
		effect: "Options of the default log driver.",
		plan: func(s *facts.Snapshot, opt Options, proposed map[string]json.RawMessage) decision {
			st := s.Daemon.Setting("log-opts")
			var newDriver string
			if v, ok := proposed["log-driver"]; ok {
				_ = json.Unmarshal(v, &newDriver)
			}
			changed := newDriver != "" && newDriver != currentLogDriver(s)
			switch {
			case changed && len(opt.LogOpts) > 0:
				d := set(opt.LogOpts)
				d.risk = "dockerd refuses to start when an option is unknown to the driver."
				return d
			case changed && fromJSON(st):
				return decision{remove: true, risk: "the current options belong to the old driver, and dockerd refuses to start with options the new one does not know."}
			case changed:
				return decision{none: true}
			}
			drv := currentLogDriver(s)
			if (drv == "json-file" || drv == "local") && !st.Set {
				d := set(map[string]string{"max-size": "10m", "max-file": "3"})
				d.risk = "Only the last 30 MB of each container's log is kept on the host."
				return d
			}
			return decision{none: true}
		},
	},
	{
		key: "no-new-privileges", checks: []string{"2.14", "5.26"},
		effect: "No process in any container can gain privileges through setuid binaries or file capabilities.",
		risk:   "Images that rely on setuid programs (sudo, su, ping in older images) or file capabilities to raise privileges stop working that way.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if s.Daemon.Setting("no-new-privileges").Bool(false) {
				return decision{none: true}
			}
			return set(true)
		},
	},
	{
		key: "live-restore", checks: []string{"2.15"},
		effect: "Containers keep running while dockerd stops, restarts or is upgraded.",
		risk:   "An upgrade that skips major versions may fail to reattach running containers; daemon-wide settings reach running containers only when they restart.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if s.Engine.Info.LiveRestoreEnabled || s.Daemon.Setting("live-restore").Bool(false) {
				return decision{none: true}
			}
			if s.Engine.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive {
				return decision{omit: "this node is in a swarm, and dockerd refuses live-restore in swarm mode"}
			}
			return set(true)
		},
		simulate: func(s *facts.Snapshot, v json.RawMessage, present bool) {
			var b bool
			s.Engine.Info.LiveRestoreEnabled = present && json.Unmarshal(v, &b) == nil && b
		},
	},
	{
		key: "userland-proxy", checks: []string{"2.16"},
		effect: "Published ports are forwarded by iptables rules instead of one docker-proxy process per port.",
		risk:   "Reaching a published port through localhost relies on hairpin NAT (dockerd sets route_localnet); a few old kernels and IPv6-only setups need the proxy.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if !s.Daemon.Setting("userland-proxy").Bool(true) {
				return decision{none: true}
			}
			if off, how := iptablesOff(s); off {
				return decision{omit: fmt.Sprintf("iptables management is off (%s): the userland proxy is then the only thing forwarding published ports, and turning it off leaves them unreachable", how)}
			}
			return set(false)
		},
	},
	{
		key: "seccomp-profile", checks: []string{"2.17"},
		effect: "Containers get Docker's default seccomp profile again.",
		risk:   "Workloads that relied on running unconfined need their own profile (--security-opt seccomp=FILE).",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if st := s.Daemon.Setting("seccomp-profile"); st.Set && st.Last() == "unconfined" {
				return decision{remove: true}
			}
			return decision{none: true}
		},
		simulate: func(s *facts.Snapshot, v json.RawMessage, present bool) {
			var prof string
			if present {
				_ = json.Unmarshal(v, &prof)
			}
			if prof == "" {
				prof = "builtin"
			}
			for i, o := range s.Engine.Info.SecurityOptions {
				if strings.HasPrefix(o, "name=seccomp") {
					s.Engine.Info.SecurityOptions[i] = "name=seccomp,profile=" + prof
				}
			}
		},
	},
	{
		key: "experimental", checks: []string{"2.18"},
		effect: "Experimental API features are off.",
		risk:   "Commands that use experimental features (checkpoints, some build options) stop working.",
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if !s.Daemon.Setting("experimental").Bool(false) {
				return decision{none: true}
			}
			return decision{remove: true}
		},
		simulate: func(s *facts.Snapshot, v json.RawMessage, present bool) {
			var b bool
			on := present && json.Unmarshal(v, &b) == nil && b
			s.Engine.Version.Experimental = on
			s.Engine.Info.ExperimentalBuild = on
		},
	},
	{
		key: "hosts", checks: []string{"2.7"},
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			for _, h := range s.Daemon.Hosts() {
				if strings.HasPrefix(h, "tcp://") && !s.Daemon.Setting("tlsverify").Bool(false) {
					return decision{omit: "the daemon listens on " + h + " without verifying clients: create certificates with `bulwark harden tls` and apply its settings"}
				}
			}
			return decision{none: true}
		},
	},
	{
		key: "cgroup-parent", checks: []string{"2.10"},
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if st := s.Daemon.Setting("cgroup-parent"); st.Set && st.Last() != "" {
				return decision{omit: "a non-default cgroup parent is a deliberate placement; confirm it rather than remove it"}
			}
			return decision{none: true}
		},
	},
	{
		key: "storage-opts", checks: []string{"2.11"},
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			for _, v := range s.Daemon.Setting("storage-opts").Values {
				if strings.HasPrefix(strings.TrimSpace(v), "dm.basesize") {
					return decision{omit: "changing storage options needs a storage migration; plan it apart"}
				}
			}
			return decision{none: true}
		},
	},
	{
		key: "storage-driver", checks: []string{"2.6", "v1.8.0:2.7"},
		plan: func(s *facts.Snapshot, _ Options, _ map[string]json.RawMessage) decision {
			if d := s.Engine.Info.Driver; d == "aufs" || d == "devicemapper" {
				return decision{omit: "moving off " + d + " means exporting and re-creating every image and container; plan the migration apart"}
			}
			return decision{none: true}
		},
	},
}

// localLogDrivers keep logs on the host only (bench 2.13 judges the same).
func localLogDriver(d string) bool {
	switch d {
	case "", "json-file", "local", "none":
		return true
	}
	return false
}

// currentLogDriver is the engine's default log driver, from the engine
// when it answered, else from the configuration.
func currentLogDriver(s *facts.Snapshot) string {
	if s.Engine.Err == "" && s.Engine.Info.LoggingDriver != "" {
		return s.Engine.Info.LoggingDriver
	}
	if st := s.Daemon.Setting("log-driver"); st.Set {
		return st.Last()
	}
	return "json-file"
}

// hostNamespaceContainers names containers that share a host namespace or
// run privileged: they cannot start under userns-remap without --userns=host.
func hostNamespaceContainers(s *facts.Snapshot) []string {
	var out []string
	for _, c := range s.Engine.Containers {
		hc := c.Inspect.HostConfig
		if hc == nil || hc.UsernsMode.IsHost() {
			continue
		}
		if hc.Privileged || hc.NetworkMode.IsHost() || hc.PidMode.IsHost() {
			out = append(out, c.Name())
		}
	}
	slices.Sort(out)
	return out
}
