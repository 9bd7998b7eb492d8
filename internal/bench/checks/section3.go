package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

func section3() []bench.Check {
	return []bench.Check{
		ownerCheck("3.1", "docker.service file ownership is root:root", 1, true, facts.TargetDockerService, false),
		modeCheck("3.2", "docker.service file permissions are 644 or stricter", 1, true, facts.TargetDockerService, 0o644, false),
		ownerCheck("3.3", "docker.socket file ownership is root:root", 1, true, facts.TargetDockerSocketUnit, false),
		modeCheck("3.4", "docker.socket file permissions are 644 or stricter", 1, true, facts.TargetDockerSocketUnit, 0o644, false),
		ownerCheck("3.5", "/etc/docker ownership is root:root", 1, true, facts.TargetEtcDocker, false),
		modeCheck("3.6", "/etc/docker permissions are 755 or stricter", 1, true, facts.TargetEtcDocker, 0o755, false),
		check("3.7", "Registry certificate files are owned by root:root", 1, true,
			"chown -R root:root /etc/docker/certs.d", certsOwner),
		check("3.8", "Registry certificate files are 444 or stricter", 1, true,
			"chmod 444 every file under /etc/docker/certs.d", certsMode),
		ownerCheck("3.9", "TLS CA certificate ownership is root:root", 1, true, facts.TargetTLSCACert, false),
		modeCheck("3.10", "TLS CA certificate permissions are 444 or stricter", 1, true, facts.TargetTLSCACert, 0o444, false),
		ownerCheck("3.11", "Docker server certificate ownership is root:root", 1, true, facts.TargetTLSCert, false),
		modeCheck("3.12", "Docker server certificate permissions are 444 or stricter", 1, true, facts.TargetTLSCert, 0o444, false),
		ownerCheck("3.13", "Docker server key ownership is root:root", 1, true, facts.TargetTLSKey, false),
		modeCheck("3.14", "Docker server key permissions are 400", 1, true, facts.TargetTLSKey, 0o400, true),
		ownerCheck("3.15", "Docker socket ownership is root:docker", 1, true, facts.TargetDockerSock, true),
		modeCheck("3.16", "Docker socket permissions are 660 or stricter", 1, true, facts.TargetDockerSock, 0o660, false),
		ownerCheck("3.17", "daemon.json ownership is root:root", 2, true, facts.TargetDaemonJSON, false),
		modeCheck("3.18", "daemon.json permissions are 644 or stricter", 2, true, facts.TargetDaemonJSON, 0o644, false),
		ownerCheck("3.19", "/etc/default/docker ownership is root:root", 2, true, facts.TargetDefaultDocker, false),
		modeCheck("3.20", "/etc/default/docker permissions are 644 or stricter", 2, true, facts.TargetDefaultDocker, 0o644, false),
		modeCheck("3.21", "/etc/sysconfig/docker permissions are 644 or stricter", 2, true, facts.TargetSysconfigDocker, 0o644, false),
		ownerCheck("3.22", "/etc/sysconfig/docker ownership is root:root", 2, true, facts.TargetSysconfigDocker, false),
		ownerCheck("3.23", "containerd socket ownership is root:root", 1, true, facts.TargetContainerdSock, false),
		modeCheck("3.24", "containerd socket permissions are 660 or stricter", 1, true, facts.TargetContainerdSock, 0o660, false),
	}
}

// notApplicable explains an unresolved role.
var notApplicable = map[string]string{
	facts.TargetDockerService:    "no docker.service unit file on this host",
	facts.TargetDockerSocketUnit: "no docker.socket unit file on this host",
	facts.TargetTLSCACert:        "the daemon is not configured for TLS",
	facts.TargetTLSCert:          "the daemon is not configured for TLS",
	facts.TargetTLSKey:           "the daemon is not configured for TLS",
	facts.TargetDockerSock:       "the engine is not reached over a unix socket",
}

// fileTarget resolves a role to an existing file, or to the outcome that
// explains why it cannot be judged.
func fileTarget(s *facts.Snapshot, role string) (string, facts.File, *bench.Outcome) {
	p, f, ok := s.Target(role)
	var o bench.Outcome
	switch {
	case p == "":
		why := notApplicable[role]
		if why == "" {
			why = "no " + role + " on this host"
		}
		o = info("%s", why)
	case !ok:
		o = skip("%s was not examined", p)
	case f.Err != "":
		o = skip("cannot stat %s: %s", p, f.Err)
	case !f.Exists:
		o = info("%s does not exist", p)
	default:
		return p, f, nil
	}
	return p, f, &o
}

func groupName(s *facts.Snapshot, gid int) string {
	for _, g := range s.Host.Groups {
		if g.GID == gid {
			return g.Name
		}
	}
	return fmt.Sprint(gid)
}

func userName(uid int) string {
	if uid == 0 {
		return "root"
	}
	return fmt.Sprint(uid)
}

// ownerCheck wants uid 0 and gid 0, or with dockerGroup the docker group
// (root's group, which is stricter, is accepted too).
func ownerCheck(id, title string, level int, scored bool, role string, dockerGroup bool) bench.Check {
	want := "root:root"
	if dockerGroup {
		want = "root:docker"
	}
	return check(id, title, level, scored, "chown "+want+" on the file", func(s *facts.Snapshot) bench.Outcome {
		p, f, o := fileTarget(s, role)
		if o != nil {
			return *o
		}
		owner := userName(f.UID) + ":" + groupName(s, f.GID)
		groupOK := f.GID == 0 || dockerGroup && groupName(s, f.GID) == "docker"
		if f.UID == 0 && groupOK {
			return pass("%s is owned by %s", p, owner)
		}
		return warn([]string{p}, "%s is owned by %s, want %s", p, owner, want)
	})
}

// modeCheck compares permission bits as octal: no bit beyond max may be set
// (exact demands the mode equal max). Setuid, setgid and sticky bits count
// as beyond any max here.
func modeCheck(id, title string, level int, scored bool, role string, max uint32, exact bool) bench.Check {
	return check(id, title, level, scored, fmt.Sprintf("chmod %o on the file", max), func(s *facts.Snapshot) bench.Outcome {
		p, f, o := fileTarget(s, role)
		if o != nil {
			return *o
		}
		if modeOK(f.Mode, max, exact) {
			return pass("%s has mode %04o", p, f.Mode)
		}
		if exact {
			return warn([]string{p}, "%s has mode %04o, want %04o", p, f.Mode, max)
		}
		return warn([]string{p}, "%s has mode %04o, which allows more than %04o", p, f.Mode, max)
	})
}

func modeOK(mode, max uint32, exact bool) bool {
	if exact {
		return mode == max
	}
	return mode&^max == 0
}

// certFiles lists entries under certs.d, or the outcome explaining why there
// are none to judge.
func certFiles(s *facts.Snapshot) ([]string, *bench.Outcome) {
	dir, _, o := fileTarget(s, facts.TargetCertsD)
	if o != nil {
		return nil, o
	}
	var out []string
	for p := range s.Host.Files {
		if strings.HasPrefix(p, dir+"/") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		r := info("%s is empty", dir)
		return nil, &r
	}
	return out, nil
}

func certsOwner(s *facts.Snapshot) bench.Outcome {
	files, o := certFiles(s)
	if o != nil {
		return *o
	}
	var bad []string
	for _, p := range files {
		f := s.Host.Files[p]
		if f.Err != "" {
			return skip("cannot stat %s: %s", p, f.Err)
		}
		if f.UID != 0 || f.GID != 0 {
			bad = append(bad, fmt.Sprintf("%s (%s:%s)", p, userName(f.UID), groupName(s, f.GID)))
		}
	}
	if len(bad) > 0 {
		return warn(bad, "%d of %d entries under certs.d are not owned by root:root", len(bad), len(files))
	}
	return pass("all %d entries under certs.d are owned by root:root", len(files))
}

func certsMode(s *facts.Snapshot) bench.Outcome {
	files, o := certFiles(s)
	if o != nil {
		return *o
	}
	var bad []string
	n := 0
	for _, p := range files {
		f := s.Host.Files[p]
		if f.Err != "" {
			return skip("cannot stat %s: %s", p, f.Err)
		}
		if f.Type == "dir" {
			continue // directories need their x bits
		}
		n++
		if !modeOK(f.Mode, 0o444, false) {
			bad = append(bad, fmt.Sprintf("%s (%04o)", p, f.Mode))
		}
	}
	if len(bad) > 0 {
		return warn(bad, "%d of %d files under certs.d allow more than 0444", len(bad), n)
	}
	if n == 0 {
		return info("no files under certs.d")
	}
	return pass("all %d files under certs.d are 0444 or stricter", n)
}
