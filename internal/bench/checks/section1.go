package checks

import (
	"path"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

func section1(cfg Config) []bench.Check {
	cs := []bench.Check{
		check("1.1.1", "Separate partition for Docker data", 1, true,
			"Put the Docker data root (usually /var/lib/docker) on its own filesystem, for example a dedicated LVM volume mounted there, so containers filling it cannot exhaust the root filesystem.",
			separatePartition),
		check("1.1.2", "Only trusted users can control the Docker daemon", 1, true,
			"Remove users who should not have root-equivalent access from the docker group (gpasswd -d USER docker); pass the trusted list with --trusted-users.",
			func(s *facts.Snapshot) bench.Outcome { return dockerGroup(s, cfg.TrustedUsers) }),
		auditCheck("1.1.3", "Auditing of the dockerd binary", 1, facts.TargetDockerd),
		auditCheck("1.1.4", "Auditing of /run/containerd", 1, facts.TargetRunContainerd),
		auditCheck("1.1.5", "Auditing of the Docker data root", 1, facts.TargetDataRoot),
		auditCheck("1.1.6", "Auditing of /etc/docker", 1, facts.TargetEtcDocker),
		auditCheck("1.1.7", "Auditing of the docker.service unit file", 2, facts.TargetDockerService),
		auditCheck("1.1.8", "Auditing of containerd.sock", 2, facts.TargetContainerdSock),
		check("1.1.9", "Auditing of docker.socket / docker.sock", 2, true,
			auditRemediation, dockerSocketAudit),
		auditCheck("1.1.10", "Auditing of /etc/default/docker", 2, facts.TargetDefaultDocker),
		auditCheck("1.1.11", "Auditing of daemon.json", 2, facts.TargetDaemonJSON),
		auditCheck("1.1.12", "Auditing of /etc/containerd/config.toml", 2, facts.TargetContainerdConfig),
		auditCheck("1.1.13", "Auditing of /etc/sysconfig/docker", 2, facts.TargetSysconfigDocker),
		auditCheck("1.1.14", "Auditing of the containerd binary", 2, facts.TargetContainerd),
		auditCheck("1.1.15", "Auditing of containerd-shim", 2, facts.TargetShim),
		auditCheck("1.1.16", "Auditing of containerd-shim-runc-v1", 2, facts.TargetShimRuncV1),
		auditCheck("1.1.17", "Auditing of containerd-shim-runc-v2", 2, facts.TargetShimRuncV2),
		auditCheck("1.1.18", "Auditing of the runc binary", 2, facts.TargetRunc),
		manual("1.2.1", "Container host is hardened", 1,
			"review the host against an operating-system hardening baseline (for example the CIS benchmark for its distribution)",
			"Harden the host OS: minimal packages, patched kernel, restricted logins, a host firewall."),
		check("1.2.2", "Docker engine is up to date", 1, false,
			"Upgrade Docker Engine to a release its vendor still supports.", engineVersion),
	}
	return cs
}

const auditRemediation = "Add a watch rule for the path to /etc/audit/rules.d/docker.rules (for example `-w PATH -p rwxa -k docker`) and load it with `augenrules --load` or restart auditd."

func separatePartition(s *facts.Snapshot) bench.Outcome {
	dir := s.Host.Targets[facts.TargetDataRoot]
	if dir == "" {
		return skip("Docker data root unknown")
	}
	if s.Host.MountsErr != "" {
		return skip("mount table not readable: %s", s.Host.MountsErr)
	}
	var best facts.Mount
	found := false
	for _, m := range s.Host.Mounts {
		p := facts.CanonicalPath(m.Point)
		if p == dir {
			return pass("%s is its own mount (%s from %s)", dir, m.FSType, m.Source)
		}
		if (p == "/" || strings.HasPrefix(dir, p+"/")) && (!found || len(p) > len(best.Point)) {
			best, found = facts.Mount{Point: p, FSType: m.FSType, Source: m.Source}, true
		}
	}
	if !found {
		return skip("no mount in the table covers %s", dir)
	}
	return warn(nil, "%s is not a mount point: it lives on the %s filesystem mounted at %s", dir, best.FSType, best.Point)
}

func dockerGroup(s *facts.Snapshot, trusted []string) bench.Outcome {
	if s.Host.GroupsErr != "" {
		return skip("group database not readable: %s", s.Host.GroupsErr)
	}
	i := slices.IndexFunc(s.Host.Groups, func(g facts.Group) bool { return g.Name == "docker" })
	if i < 0 {
		return pass("there is no docker group: only root can use the socket")
	}
	members := s.Host.Groups[i].Members
	if len(members) == 0 {
		return pass("the docker group has no members")
	}
	if len(trusted) == 0 {
		return bench.Outcome{Status: bench.Info, Items: members,
			Details: "docker group members (root-equivalent); give --trusted-users to judge them: " + strings.Join(members, ", ")}
	}
	var untrusted []string
	for _, m := range members {
		if !slices.Contains(trusted, m) {
			untrusted = append(untrusted, m)
		}
	}
	if len(untrusted) > 0 {
		return warn(untrusted, "docker group members not on the trusted list: %s", strings.Join(untrusted, ", "))
	}
	return pass("all %d docker group members are trusted", len(members))
}

// auditCheck builds one of 1.1.3–1.1.18: an audit rule must watch exactly
// the path that plays role on this host.
func auditCheck(id, title string, level int, role string) bench.Check {
	return check(id, title, level, true, auditRemediation, func(s *facts.Snapshot) bench.Outcome {
		return auditOutcome(s, []string{role})
	})
}

// auditOutcome passes when a rule watches the path of any of roles (several
// when CIS versions disagree on the target).
func auditOutcome(s *facts.Snapshot, roles []string) bench.Outcome {
	var present []string
	for _, role := range roles {
		p, f, ok := s.Target(role)
		switch {
		case p == "":
			continue
		case !ok:
			return skip("%s was not examined", p)
		case f.Err != "":
			return skip("cannot stat %s: %s", p, f.Err)
		case f.Exists:
			present = append(present, p)
		}
	}
	if len(present) == 0 {
		return info("nothing to audit: %s", describeMissing(s, roles))
	}
	if s.Host.Audit.Err != "" {
		return skip("audit rules not readable: %s", s.Host.Audit.Err)
	}
	rules := facts.ParseAuditRules(strings.Join(s.Host.Audit.Rules, "\n"))
	for _, p := range present {
		if r, ok := facts.AuditRuleFor(rules, p); ok {
			return pass("%s is audited: %s", p, r.Raw)
		}
	}
	return warn(present, "no audit rule watches %s (rules from %s)", strings.Join(present, " or "), s.Host.Audit.Source)
}

func describeMissing(s *facts.Snapshot, roles []string) string {
	var parts []string
	for _, role := range roles {
		if p := s.Host.Targets[role]; p != "" {
			parts = append(parts, p+" does not exist")
		} else {
			parts = append(parts, "no "+role+" on this host")
		}
	}
	return strings.Join(parts, "; ")
}

// dockerSocketAudit is 1.1.9: v1.6.0 names the docker.socket unit, v1.7.0
// the docker.sock it creates; a rule on either satisfies it.
func dockerSocketAudit(s *facts.Snapshot) bench.Outcome {
	roles := []string{facts.TargetDockerSocketUnit}
	if p := s.Host.Targets[facts.TargetDockerSock]; p != "" && path.Base(p) == "docker.sock" {
		roles = append(roles, facts.TargetDockerSock)
	}
	return auditOutcome(s, roles)
}

func engineVersion(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	v := s.Engine.Version
	return info("Docker Engine %s (API %s, %s/%s); compare with the releases its vendor supports", v.Version, v.APIVersion, v.Os, v.Arch)
}
