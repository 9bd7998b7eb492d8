package guard

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/moby/profiles/seccomp"
)

// Judging the content of confinement profiles, not only the word
// "unconfined". `--security-opt seccomp=FILE` makes the client send the
// file's JSON; a profile whose default action allows everything, or that
// allows syscalls Docker's default profile blocks, confines nothing that
// matters. The threshold (docs/GUARD.md): the default action must refuse
// (errno, kill, trap), and no syscall of [dangerousSyscalls] may be
// allowed by a rule that applies without extra capabilities. The profile
// is decoded into moby's own profile type, with encoding/json as the
// daemon decodes it.

// dangerousSyscalls are syscalls Docker's default profile refuses to a
// container without added capabilities: kernel modules and kexec, mounts
// and namespaces, BPF and perf, keyrings, handles that escape a mount
// namespace, clocks, swap, reboot, accounting. ptrace, kcmp and
// process_vm_* are not listed: the default profile itself allows them on
// kernels 4.8 and later, where seccomp can no longer be bypassed with
// ptrace. TestDefaultSeccompProfilePasses checks the list against the
// default profile.
var dangerousSyscalls = []string{
	"_sysctl", "acct", "add_key", "bpf", "clock_settime", "create_module",
	"delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
	"init_module", "ioperm", "iopl", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
	"mount", "mount_setattr", "move_mount", "nfsservctl", "open_by_handle_at", "open_tree",
	"perf_event_open", "pivot_root", "query_module", "quotactl", "quotactl_fd", "reboot",
	"request_key", "setns", "settimeofday", "stime", "swapoff", "swapon", "syslog", "umount",
	"umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
}

// seccompActions: whether each action lets a syscall run. NOTIFY and
// TRACE hand the decision to a process the guard cannot see: counted as
// allowing.
var seccompActions = map[string]bool{
	"SCMP_ACT_ALLOW": true, "SCMP_ACT_LOG": true, "SCMP_ACT_NOTIFY": true, "SCMP_ACT_TRACE": true,
	"SCMP_ACT_ERRNO": false, "SCMP_ACT_KILL": false, "SCMP_ACT_KILL_PROCESS": false,
	"SCMP_ACT_KILL_THREAD": false, "SCMP_ACT_TRAP": false,
}

// seccompVerdict is what a profile leaves open.
type seccompVerdict struct {
	allowByDefault bool
	allowed        []string // dangerous syscalls allowed, sorted
	invalid        string   // the profile cannot be judged (the daemon would refuse it too)
}

func (v seccompVerdict) confined() bool {
	return v.invalid == "" && !v.allowByDefault && len(v.allowed) == 0
}

// judgeSeccomp reads a seccomp profile as the daemon does and measures it
// against the threshold.
func judgeSeccomp(profile string) seccompVerdict {
	var p seccomp.Seccomp
	if err := json.Unmarshal([]byte(profile), &p); err != nil {
		return seccompVerdict{invalid: "not a JSON seccomp profile: " + err.Error()}
	}
	def := string(p.DefaultAction)
	allows, known := seccompActions[def]
	if !known {
		return seccompVerdict{invalid: fmt.Sprintf("default action %q", def)}
	}
	if allows {
		return seccompVerdict{allowByDefault: true}
	}
	var v seccompVerdict
	for _, r := range p.Syscalls {
		if r == nil {
			continue
		}
		allows, known := seccompActions[string(r.Action)]
		if !known {
			return seccompVerdict{invalid: fmt.Sprintf("action %q", r.Action)}
		}
		// A rule included only with capabilities applies to containers
		// that have them, which the cap-add rule judges.
		if !allows || r.Includes != nil && len(r.Includes.Caps) > 0 {
			continue
		}
		for _, n := range append(slices.Clone(r.Names), r.Name) {
			if slices.Contains(dangerousSyscalls, n) && !slices.Contains(v.allowed, n) {
				v.allowed = append(v.allowed, n)
			}
		}
	}
	slices.Sort(v.allowed)
	return v
}

// apparmorProfiles lists the AppArmor profiles loaded on the host with
// their modes ("name (enforce)").
var apparmorProfiles = "/sys/kernel/security/apparmor/profiles"

// apparmorMode is the mode of a loaded AppArmor profile ("" when it is not
// loaded or AppArmor is off: the daemon then refuses the container).
func apparmorMode(name string) string {
	f, err := os.Open(apparmorProfiles)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n, mode, ok := strings.Cut(sc.Text(), " (")
		if ok && n == name {
			return strings.TrimSuffix(mode, ")")
		}
	}
	return ""
}

// apparmorUnconfined: a profile in complain or unconfined mode logs but
// refuses nothing, the same as apparmor=unconfined.
func apparmorUnconfined(name string) (bool, string) {
	switch m := apparmorMode(name); m {
	case "complain", "unconfined":
		return true, m
	}
	return false, ""
}
