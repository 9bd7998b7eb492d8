package checks

import (
	"net"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/swarm"
)

func section2() []bench.Check {
	return []bench.Check{
		check("2.1", "Run the daemon rootless where possible", 1, false,
			"Consider running dockerd in rootless mode (dockerd-rootless-setuptool.sh install) where its limitations are acceptable.",
			rootless),
		check("2.2", "Inter-container traffic on the default bridge is restricted", 1, true,
			`Set "icc": false in daemon.json (or start dockerd with --icc=false) and link containers that must talk through user-defined networks.`,
			icc),
		check("2.3", "Daemon logging level is info", 1, true,
			`Remove log-level from daemon.json and the dockerd command line, or set it to "info".`,
			logLevel),
		check("2.4", "Docker is allowed to manage iptables", 1, true,
			`Remove "iptables": false from daemon.json and --iptables=false from the dockerd command line.`,
			boolSetting("iptables", true, true, "Docker manages iptables rules")),
		check("2.5", "No insecure registries", 1, true,
			"Remove insecure-registries from daemon.json and --insecure-registry from the dockerd command line; give each registry a TLS certificate.",
			insecureRegistries),
		check("2.6", "aufs storage driver is not used", 1, true,
			"Move to the overlay2 storage driver (storage-driver in daemon.json) and migrate images and containers.",
			storageDriverNot("aufs")),
		check("2.7", "TLS authentication when the daemon listens on TCP", 1, true,
			"When dockerd listens on tcp://, set tlsverify with tlscacert, tlscert and tlskey so only clients with a certificate signed by your CA can connect (see `bulwark harden`).",
			tcpTLS),
		check("2.8", "Default ulimits are configured", 1, false,
			`Set "default-ulimits" in daemon.json (or --default-ulimit) to limits that suit the workloads.`,
			defaultUlimits),
		check("2.9", "User namespace remapping is enabled", 2, true,
			`Set "userns-remap": "default" in daemon.json (or --userns-remap=default) so root in a container maps to an unprivileged host user.`,
			usernsRemap),
		check("2.10", "Default cgroup parent is confirmed", 2, true,
			"Leave cgroup-parent unset unless a different parent cgroup is deliberately required, and document why.",
			cgroupParent),
		check("2.11", "Base device size is not changed", 2, true,
			"Remove dm.basesize from storage-opts in daemon.json and --storage-opt on the dockerd command line.",
			baseDeviceSize),
		check("2.12", "Authorization for Docker client commands is enabled", 2, true,
			`Install an authorization plugin (for example bulwark guard) and list it in "authorization-plugins" in daemon.json.`,
			authzPlugin),
		check("2.13", "Centralised and remote logging is configured", 2, true,
			`Set "log-driver" in daemon.json to a driver that ships logs off the host (syslog, journald with forwarding, fluentd, gelf, splunk, awslogs…).`,
			remoteLogging),
		check("2.14", "Containers cannot gain new privileges by default", 1, true,
			`Set "no-new-privileges": true in daemon.json (or --no-new-privileges).`,
			boolSetting("no-new-privileges", false, true, "no-new-privileges is on for every container")),
		check("2.15", "Live restore is enabled", 1, true,
			`Set "live-restore": true in daemon.json (or --live-restore) so containers keep running while dockerd restarts.`,
			liveRestore),
		check("2.16", "Userland proxy is disabled", 1, true,
			`Set "userland-proxy": false in daemon.json (or --userland-proxy=false) so published ports use iptables rules instead of a proxy process.`,
			boolSetting("userland-proxy", true, false, "the userland proxy is off")),
		check("2.17", "A daemon-wide seccomp profile is applied", 2, false,
			"Keep seccomp enabled; where the default profile is too broad, write a stricter one and set seccomp-profile in daemon.json.",
			daemonSeccomp),
		check("2.18", "Experimental features are disabled", 1, true,
			"Do not start production engines with --experimental or \"experimental\": true.",
			experimental),
		check("v1.8.0:2.7", "devicemapper storage driver is not used", 1, false,
			"Move to the overlay2 storage driver; devicemapper was removed in Docker Engine 25.0.",
			storageDriverNot("devicemapper")),
	}
}

func rootless(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if slices.Contains(s.Engine.Info.SecurityOptions, "name=rootless") {
		return pass("the daemon runs rootless")
	}
	if s.Daemon.PID != 0 && s.Daemon.UID != 0 {
		return pass("dockerd (pid %d) runs as uid %d", s.Daemon.PID, s.Daemon.UID)
	}
	return info("the daemon runs as root; rootless mode removes root from the daemon but limits some features")
}

// bridgeICC reads the bridge driver's enable_icc option of the default
// bridge network, which shows the effective setting whatever set it.
func bridgeICC(s *facts.Snapshot) (string, bool) {
	for _, n := range s.Engine.Networks {
		if n.Driver == "bridge" && n.Options["com.docker.network.bridge.default_bridge"] == "true" {
			v, ok := n.Options["com.docker.network.bridge.enable_icc"]
			return v, ok
		}
	}
	return "", false
}

func icc(s *facts.Snapshot) bench.Outcome {
	st, why := setting(s, "icc")
	if why == "" {
		if st.Bool(true) {
			return warn(nil, "inter-container communication on the default bridge is allowed (%s)", where(st))
		}
		return pass("icc is disabled (%s)", where(st))
	}
	if v, ok := bridgeICC(s); ok {
		if v == "false" {
			return pass("the default bridge has enable_icc=false")
		}
		return warn(nil, "the default bridge has enable_icc=%s", v)
	}
	return skip("%s", why)
}

func logLevel(s *facts.Snapshot) bench.Outcome {
	st, why := setting(s, "log-level")
	if why != "" {
		return skip("%s", why)
	}
	if !st.Set {
		return pass("log level is the default (info)")
	}
	if strings.EqualFold(st.Last(), "info") {
		return pass("log level is info (%s)", st.Source)
	}
	return warn(nil, "log level is %q (%s)", st.Last(), st.Source)
}

// boolSetting passes when the option's effective value (def when unset) is
// want.
func boolSetting(key string, def, want bool, good string) func(*facts.Snapshot) bench.Outcome {
	return func(s *facts.Snapshot) bench.Outcome {
		st, why := setting(s, key)
		if why != "" {
			return skip("%s", why)
		}
		if st.Bool(def) == want {
			if !st.Set {
				return pass("%s (default)", good)
			}
			return pass("%s (%s)", good, where(st))
		}
		if !st.Set {
			return warn(nil, "%s is %t by default and not changed", key, def)
		}
		return warn(nil, "%s is %s (%s)", key, st.Last(), st.Source)
	}
}

func insecureRegistries(s *facts.Snapshot) bench.Outcome {
	if s.Engine.Err == "" && s.Engine.Info.RegistryConfig != nil {
		rc := s.Engine.Info.RegistryConfig
		var bad []string
		for _, c := range rc.InsecureRegistryCIDRs {
			if c == nil {
				continue
			}
			n := net.IPNet(*c)
			if ones, _ := n.Mask.Size(); n.IP.IsLoopback() && ones >= 8 {
				continue // the engine's built-in 127.0.0.0/8
			}
			bad = append(bad, n.String())
		}
		for name, ic := range rc.IndexConfigs {
			if ic != nil && !ic.Secure {
				bad = append(bad, name)
			}
		}
		slices.Sort(bad)
		if len(bad) > 0 {
			return warn(bad, "the engine accepts insecure registries: %s", strings.Join(bad, ", "))
		}
		return pass("no insecure registries beyond loopback")
	}
	st, why := setting(s, "insecure-registries")
	if why != "" {
		return skip("%s", why)
	}
	if st.Set && len(st.Values) > 0 {
		return warn(st.Values, "insecure registries configured (%s)", where(st))
	}
	return pass("no insecure registries configured")
}

func storageDriverNot(driver string) func(*facts.Snapshot) bench.Outcome {
	return func(s *facts.Snapshot) bench.Outcome {
		if o, down := engineDown(s); down {
			return o
		}
		d := s.Engine.Info.Driver
		if d == driver {
			return warn(nil, "the storage driver is %s", d)
		}
		return pass("the storage driver is %s", d)
	}
}

func tcpTLS(s *facts.Snapshot) bench.Outcome {
	hosts, why := setting(s, "hosts")
	if why != "" {
		return skip("%s", why)
	}
	var tcp []string
	for _, h := range hosts.Values {
		if strings.HasPrefix(strings.ToLower(h), "tcp://") {
			tcp = append(tcp, h)
		}
	}
	if len(tcp) == 0 {
		return info("the daemon does not listen on TCP")
	}
	verify, _ := setting(s, "tlsverify")
	if !verify.Bool(false) {
		tlsOn, _ := setting(s, "tls")
		if tlsOn.Bool(false) {
			return warn(tcp, "TLS is on for %s but clients are not verified (tlsverify is off)", strings.Join(tcp, ", "))
		}
		return warn(tcp, "the daemon listens on %s without TLS", strings.Join(tcp, ", "))
	}
	var missing []string
	for _, k := range []string{"tlscacert", "tlscert", "tlskey"} {
		if st, _ := setting(s, k); !st.Set {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return pass("tlsverify is on for %s (%s left at the ~/.docker defaults)", strings.Join(tcp, ", "), strings.Join(missing, ", "))
	}
	return pass("tlsverify is on for %s", strings.Join(tcp, ", "))
}

func defaultUlimits(s *facts.Snapshot) bench.Outcome {
	st, why := setting(s, "default-ulimits")
	if why != "" {
		return skip("%s", why)
	}
	if st.Set && len(st.Values) > 0 {
		return pass("default ulimits: %s", where(st))
	}
	return info("no default ulimits: containers inherit the daemon's limits")
}

func usernsRemap(s *facts.Snapshot) bench.Outcome {
	if s.Engine.Err == "" && slices.Contains(s.Engine.Info.SecurityOptions, "name=userns") {
		return pass("user namespace remapping is active")
	}
	st, why := setting(s, "userns-remap")
	if st.Set && st.Last() != "" {
		return pass("userns-remap is %s (%s)", st.Last(), st.Source)
	}
	if s.Engine.Err == "" {
		return warn(nil, "user namespace remapping is off")
	}
	if why != "" {
		return skip("%s", why)
	}
	return warn(nil, "userns-remap is not set")
}

func cgroupParent(s *facts.Snapshot) bench.Outcome {
	st, why := setting(s, "cgroup-parent")
	if why != "" {
		return skip("%s", why)
	}
	if st.Set && st.Last() != "" {
		return warn([]string{st.Last()}, "the default cgroup parent is changed to %s (%s); confirm it is intended", st.Last(), st.Source)
	}
	return pass("the default cgroup parent is used")
}

func baseDeviceSize(s *facts.Snapshot) bench.Outcome {
	st, why := setting(s, "storage-opts")
	if why != "" {
		return skip("%s", why)
	}
	for _, v := range st.Values {
		if strings.HasPrefix(strings.TrimSpace(v), "dm.basesize") {
			return warn([]string{v}, "storage option %s changes the base device size (%s)", v, st.Source)
		}
	}
	return pass("dm.basesize is not set")
}

func authzPlugin(s *facts.Snapshot) bench.Outcome {
	if s.Engine.Err == "" && len(s.Engine.Info.Plugins.Authorization) > 0 {
		return pass("authorization plugins: %s", strings.Join(s.Engine.Info.Plugins.Authorization, ", "))
	}
	st, why := setting(s, "authorization-plugins")
	if st.Set && len(st.Values) > 0 {
		return pass("authorization plugins: %s", where(st))
	}
	if s.Engine.Err == "" {
		return warn(nil, "no authorization plugin is loaded")
	}
	if why != "" {
		return skip("%s", why)
	}
	return warn(nil, "no authorization plugin is configured")
}

// localLogDrivers keep logs on the host only.
var localLogDrivers = map[string]bool{"json-file": true, "local": true, "none": true, "": true}

func remoteLogging(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	d := s.Engine.Info.LoggingDriver
	if localLogDrivers[d] {
		return warn(nil, "the default log driver %q keeps logs on the host only", d)
	}
	return pass("the default log driver is %s", d)
}

func liveRestore(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if s.Engine.Info.LiveRestoreEnabled {
		return pass("live restore is enabled")
	}
	if s.Engine.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive {
		return info("live restore is off; it is incompatible with swarm mode, which is active")
	}
	return warn(nil, "live restore is disabled")
}

func daemonSeccomp(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	for _, opt := range s.Engine.Info.SecurityOptions {
		if !strings.HasPrefix(opt, "name=seccomp") {
			continue
		}
		profile := "default"
		for _, kv := range strings.Split(opt, ",") {
			if v, ok := strings.CutPrefix(kv, "profile="); ok {
				profile = v
			}
		}
		switch profile {
		case "unconfined":
			return warn(nil, "seccomp is unconfined daemon-wide")
		case "default", "builtin":
			return pass("Docker's default seccomp profile applies; review whether a stricter one is needed")
		default:
			return pass("custom seccomp profile %s", profile)
		}
	}
	return warn(nil, "seccomp is not available or not enabled on this engine")
}

func experimental(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if s.Engine.Version.Experimental || s.Engine.Info.ExperimentalBuild {
		return warn(nil, "experimental features are enabled")
	}
	return pass("experimental features are disabled")
}
