package checks

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/swarm"
)

func section7() []bench.Check {
	return []bench.Check{
		swarmCheck("7.1", "The minimum number of manager nodes is created in a swarm", true,
			"Run an odd number of managers (1, 3 or 5); demote extras with docker node demote.", managers),
		swarmCheck("7.2", "Swarm services are bound to a specific host interface", true,
			"Initialise or join the swarm with --listen-addr and --advertise-addr set to a specific interface address.", swarmPorts),
		swarmCheck("7.3", "All Docker swarm overlay networks are encrypted", true,
			"Create overlay networks with --opt encrypted.", overlayEncrypted),
		swarmCheck("7.4", "Docker's secret management commands are used for managing secrets", false,
			"Store service secrets with docker secret create and grant them to services with --secret.", secrets),
		swarmCheck("7.5", "Swarm manager is run in auto-lock mode", true,
			"Enable auto-lock: docker swarm update --autolock=true, and keep the unlock key offline.", autolock),
		{
			ID: "7.6", Section: Section("7.6"), Title: "The swarm manager auto-lock key is rotated periodically", Level: 1,
			Remediation: "Rotate the unlock key on a schedule: docker swarm unlock-key --rotate.",
			Eval: onlyInSwarm(func(s *facts.Snapshot) bench.Outcome {
				return bench.Outcome{Status: bench.Note, Details: "the engine keeps no record of unlock-key rotation: check your rotation log"}
			}),
		},
		swarmCheck("7.7", "Node certificates are rotated as appropriate", false,
			"Set the node certificate lifetime to your policy: docker swarm update --cert-expiry DURATION.", certExpiry),
		swarmCheck("7.8", "CA certificates are rotated as appropriate", false,
			"Rotate the swarm root CA on a schedule: docker swarm ca --rotate.", caAge),
		swarmCheck("7.9", "Management plane traffic is separated from data plane traffic", false,
			"Initialise the swarm with --advertise-addr on the management network and --data-path-addr on the data network.", planes),
	}
}

func swarmCheck(id, title string, scored bool, remediation string, eval func(*facts.Snapshot) bench.Outcome) bench.Check {
	return check(id, title, 1, scored, remediation, onlyInSwarm(eval))
}

// onlyInSwarm makes section 7 not applicable on nodes outside a swarm.
func onlyInSwarm(eval func(*facts.Snapshot) bench.Outcome) func(*facts.Snapshot) bench.Outcome {
	return func(s *facts.Snapshot) bench.Outcome {
		if o, down := engineDown(s); down {
			return o
		}
		if s.Engine.Info.Swarm.LocalNodeState != swarm.LocalNodeStateActive {
			return info("swarm mode is not active")
		}
		return eval(s)
	}
}

func managers(s *facts.Snapshot) bench.Outcome {
	n := s.Engine.Info.Swarm.Managers
	switch {
	case n == 0:
		return skip("manager count not reported (this node is a worker)")
	case n%2 == 0:
		return warn(nil, "%d managers: an even count tolerates no more failures than %d", n, n-1)
	case n > 7:
		return warn(nil, "%d managers: more than 7 slows consensus without adding useful fault tolerance", n)
	default:
		return pass("%s (tolerates %d failures)", plural(n, "manager"), (n-1)/2)
	}
}

func swarmPorts(s *facts.Snapshot) bench.Outcome {
	if s.Host.ListenersErr != "" {
		return skip("listening sockets not readable: %s", s.Host.ListenersErr)
	}
	var bad []string
	for _, l := range s.Host.Listeners {
		if (l.Port == 2377 || l.Port == 7946) && (l.Addr == "0.0.0.0" || l.Addr == "::") {
			bad = append(bad, fmt.Sprintf("%s:%d", l.Addr, l.Port))
		}
	}
	slices.Sort(bad)
	bad = slices.Compact(bad)
	if len(bad) > 0 {
		return warn(bad, "swarm ports listen on all interfaces")
	}
	return pass("swarm ports are bound to specific addresses")
}

func overlayEncrypted(s *facts.Snapshot) bench.Outcome {
	if s.Engine.NetworksErr != "" {
		return skip("networks not readable: %s", s.Engine.NetworksErr)
	}
	var bad []string
	n := 0
	for _, nw := range s.Engine.Networks {
		if nw.Driver != "overlay" {
			continue
		}
		n++
		if _, ok := nw.Options["encrypted"]; !ok {
			bad = append(bad, nw.Name)
		}
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		return warn(bad, "%d of %d overlay networks are not encrypted", len(bad), n)
	}
	return pass("all %d overlay networks are encrypted", n)
}

func secrets(s *facts.Snapshot) bench.Outcome {
	if s.Engine.SecretsErr != "" {
		return skip("secrets not readable: %s", s.Engine.SecretsErr)
	}
	if s.Engine.Secrets > 0 {
		return pass("%s managed by the swarm", plural(s.Engine.Secrets, "secret"))
	}
	return info("the swarm manages no secrets; confirm services get theirs another safe way")
}

func autolock(s *facts.Snapshot) bench.Outcome {
	if s.Engine.Swarm == nil {
		return skip("swarm settings not readable: %s", s.Engine.SwarmErr)
	}
	if s.Engine.Swarm.Spec.EncryptionConfig.AutoLockManagers {
		return pass("managers are auto-locked")
	}
	return warn(nil, "manager auto-lock is off")
}

func certExpiry(s *facts.Snapshot) bench.Outcome {
	if s.Engine.Swarm == nil {
		return skip("swarm settings not readable: %s", s.Engine.SwarmErr)
	}
	return info("node certificates expire after %s; confirm this matches your rotation policy", s.Engine.Swarm.Spec.CAConfig.NodeCertExpiry)
}

func caAge(s *facts.Snapshot) bench.Outcome {
	p, f, o := fileTarget(s, facts.TargetSwarmRootCA)
	if o != nil {
		return *o
	}
	age := s.GatheredAt.Sub(f.ModTime).Round(time.Hour)
	return info("%s was last written %s ago (%s); confirm this matches your rotation policy", p, age, f.ModTime.Format(time.DateOnly))
}

func planes(s *facts.Snapshot) bench.Outcome {
	if s.Engine.NodesErr != "" {
		return skip("nodes not readable: %s", s.Engine.NodesErr)
	}
	var items []string
	for _, n := range s.Engine.Nodes {
		addr := n.Status.Addr
		if n.ManagerStatus != nil {
			addr = n.ManagerStatus.Addr
		}
		items = append(items, n.Description.Hostname+": "+addr)
	}
	slices.Sort(items)
	return bench.Outcome{Status: bench.Info, Items: items,
		Details: "management addresses of the nodes; the data-path address is not exposed by the API: confirm it is on a separate network"}
}

func itoa(n int) string { return strconv.Itoa(n) }
