package rules

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

var ctr = &event.Container{ID: "4f1c0ffee", Name: "web", Image: "nginx:1.25", ImageID: "sha256:ab"}

// ev builds a container event; mutate adjusts it.
func ev(kind event.Kind, comm string, mutate func(*event.Event)) *event.Event {
	e := &event.Event{
		Kind:      kind,
		Process:   event.Process{PID: 42, PPID: 1, Comm: comm, Exe: "/usr/bin/" + comm, Args: []string{comm}, ParentComm: "sh", UID: 0},
		Container: ctr,
	}
	if mutate != nil {
		mutate(e)
	}
	return e
}

func exe(path string, args ...string) func(*event.Event) {
	return func(e *event.Event) {
		e.Process.Exe = path
		e.File = &event.File{Path: path}
		e.Process.Args = append([]string{e.Process.Comm}, args...)
	}
}

func open(path string, write bool) func(*event.Event) {
	return func(e *event.Event) { e.File = &event.File{Path: path, Write: write} }
}

func both(fs ...func(*event.Event)) func(*event.Event) {
	return func(e *event.Event) {
		for _, f := range fs {
			f(e)
		}
	}
}

// defaultCases are, per default rule, events it must select and close
// events it must not.
var defaultCases = map[string]struct{ pos, neg []*event.Event }{
	"terminal-shell-in-container": {
		pos: []*event.Event{ev(event.Exec, "bash", func(e *event.Event) { e.Process.TTY = true })},
		neg: []*event.Event{ev(event.Exec, "bash", nil), ev(event.Exec, "vim", func(e *event.Event) { e.Process.TTY = true })},
	},
	"shell-spawned-by-server": {
		pos: []*event.Event{ev(event.Exec, "sh", func(e *event.Event) { e.Process.ParentComm = "nginx" }),
			ev(event.Exec, "bash", func(e *event.Event) {
				e.Process.ParentComm = "php"
				e.Process.Ancestors = []string{"php-fpm", "containerd-shim"}
			})},
		neg: []*event.Event{ev(event.Exec, "sh", func(e *event.Event) { e.Process.ParentComm = "bash" }),
			ev(event.Exec, "nginx", func(e *event.Event) { e.Process.ParentComm = "nginx" })},
	},
	"package-manager-in-container": {
		pos: []*event.Event{ev(event.Exec, "apt-get", exe("/usr/bin/apt-get", "install", "-y", "nmap")), ev(event.Exec, "dpkg", exe("/usr/bin/dpkg", "-i", "x.deb")), ev(event.Exec, "apk", nil)},
		neg: []*event.Event{ev(event.Exec, "apt-config", nil), ev(event.Exec, "npm", exe("/usr/local/bin/npm", "start"))},
	},
	"language-installer-in-container": {
		pos: []*event.Event{ev(event.Exec, "pip", exe("/usr/bin/pip", "install", "requests")), ev(event.Exec, "npm", exe("/usr/local/bin/npm", "install", "left-pad"))},
		neg: []*event.Event{ev(event.Exec, "npm", exe("/usr/local/bin/npm", "start")), ev(event.Exec, "node", exe("/usr/local/bin/node", "install.js"))},
	},
	"exec-from-writable-dir": {
		pos: []*event.Event{ev(event.Exec, "x", exe("/tmp/x")), ev(event.Exec, "payload", exe("/dev/shm/a/payload")), ev(event.Exec, "x", exe("/var/tmp/x"))},
		neg: []*event.Event{ev(event.Exec, "x", exe("/tmpfoo/x")), ev(event.Exec, "ls", exe("/bin/ls"))},
	},
	"exec-from-memfd": {
		pos: []*event.Event{ev(event.Exec, "3", func(e *event.Event) { e.Process.Exe = "/memfd:x (deleted)"; e.Process.ExeFromMemfd = true })},
		neg: []*event.Event{ev(event.Exec, "ls", exe("/bin/ls"))},
	},
	"exec-not-in-image": {
		pos: []*event.Event{ev(event.Exec, "tool", both(exe("/usr/local/bin/tool"), func(e *event.Event) { e.Process.ExeUpperLayer = true }))},
		neg: []*event.Event{ev(event.Exec, "tool", exe("/usr/local/bin/tool")),
			ev(event.Exec, "x", both(exe("/tmp/x"), func(e *event.Event) { e.Process.ExeUpperLayer = true }))}, // exec-from-writable-dir's
	},
	"memfd-create-in-container": {
		pos: []*event.Event{ev(event.MemfdCreate, "python3", open("memfd:x", false))},
		neg: []*event.Event{ev(event.MemfdCreate, "runc:[1:CHILD]", open("memfd:runc_cloned:/proc/self/exe", false))},
	},
	"write-below-binary-dir": {
		pos: []*event.Event{ev(event.Open, "cp", open("/usr/bin/ls", true)), ev(event.Open, "sh", open("/bin/evil", true)), ev(event.Open, "curl", open("/usr/local/sbin/x", true))},
		neg: []*event.Event{ev(event.Open, "cat", open("/usr/bin/ls", false)), ev(event.Open, "sh", open("/usr/binx", true)), ev(event.Open, "sh", open("/home/bin/x", true))},
	},
	"write-below-system-dir": {
		pos: []*event.Event{ev(event.Open, "cp", open("/usr/lib/x86_64-linux-gnu/libc.so.6", true)), ev(event.Open, "sh", open("/lib/modules/x", true))},
		neg: []*event.Event{ev(event.Open, "python3", open("/usr/lib/python3.11/__pycache__/os.cpython-311.pyc", true)),
			ev(event.Open, "cp", open("/usr/bin/ls", true)), // write-below-binary-dir's
			ev(event.Open, "cat", open("/usr/lib/os-release", false))},
	},
	"write-below-etc": {
		pos: []*event.Event{ev(event.Open, "sh", open("/etc/passwd", true)), ev(event.Open, "tee", open("/etc/ld.so.preload", true))},
		neg: []*event.Event{ev(event.Open, "cat", open("/etc/passwd", false)), ev(event.Open, "sh", open("/etcetera", true))},
	},
	"write-kernel-hook": {
		pos: []*event.Event{ev(event.Open, "sh", open("/sys/fs/cgroup/rdma/x/release_agent", true)), ev(event.Open, "sh", open("/proc/sys/kernel/core_pattern", true))},
		neg: []*event.Event{ev(event.Open, "cat", open("/proc/sys/kernel/core_pattern", false)), ev(event.Open, "sh", open("/sys/fs/cgroup/cpu.max", true))},
	},
	"read-shadow": {
		pos: []*event.Event{ev(event.Open, "cat", open("/etc/shadow", false)), ev(event.Open, "vi", open("/etc/gshadow", true))},
		neg: []*event.Event{ev(event.Open, "cat", open("/etc/passwd", false)), ev(event.Open, "cat", open("/etc/shadow.d/x", false))},
	},
	"read-private-key": {
		pos: []*event.Event{ev(event.Open, "cat", open("/root/.ssh/id_rsa", false)), ev(event.Open, "python3", open("/home/app/.ssh/id_ed25519", false)),
			ev(event.Open, "cat", open("/etc/ssl/private/server.key", false))},
		neg: []*event.Event{ev(event.Open, "sshd", open("/etc/ssh/ssh_host_ed25519_key", false)), ev(event.Open, "nginx", open("/etc/ssl/private/server.key", false)),
			ev(event.Open, "cat", open("/root/.ssh/id_rsa.pub", false))},
	},
	"miner-process": {
		pos: []*event.Event{ev(event.Exec, "xmrig", exe("/opt/xmrig")), ev(event.Exec, "kswapd0", exe("/tmp/.x/kswapd0"))},
		neg: []*event.Event{ev(event.Exec, "xmrig-proxy", nil), ev(event.Open, "xmrig", open("/etc/hosts", false))},
	},
	"miner-pool-connection": {
		pos: []*event.Event{ev(event.Connect, "curl", func(e *event.Event) {
			e.Net = &event.Net{Family: "inet", Addr: netip.MustParseAddr("203.0.113.7"), Port: 3333}
		})},
		neg: []*event.Event{ev(event.Connect, "curl", func(e *event.Event) {
			e.Net = &event.Net{Family: "inet", Addr: netip.MustParseAddr("203.0.113.7"), Port: 443}
		})},
	},
	"reverse-shell": {
		pos: []*event.Event{ev(event.Exec, "sh", func(e *event.Event) { e.Process.StdinSocket = true; e.Process.StdoutSocket = true }),
			ev(event.Exec, "bash", func(e *event.Event) { e.Process.StdoutSocket = true }),
			ev(event.Exec, "id", func(e *event.Event) {
				e.Process.ParentComm = "bash"
				e.Process.StdinSocket = true
				e.Process.StdoutSocket = true
			})},
		neg: []*event.Event{ev(event.Exec, "sh", nil),
			ev(event.Exec, "php", func(e *event.Event) {
				e.Process.ParentComm = "php-fpm"
				e.Process.StdinSocket = true
				e.Process.StdoutSocket = true
			}),
			ev(event.Exec, "id", func(e *event.Event) { e.Process.ParentComm = "bash"; e.Process.StdoutSocket = true })},
	},
	"docker-socket-from-container": {
		pos: []*event.Event{ev(event.Connect, "docker", func(e *event.Event) { e.Net = &event.Net{Family: "unix", Path: "/var/run/docker.sock"} })},
		neg: []*event.Event{ev(event.Connect, "app", func(e *event.Event) { e.Net = &event.Net{Family: "unix", Path: "/run/app.sock"} }),
			ev(event.Open, "cat", open("/var/run/docker.sock", false))},
	},
	"ptrace-in-container": {
		pos: []*event.Event{ev(event.Ptrace, "gdb", func(e *event.Event) { e.Op = "attach"; e.Target = &event.Process{PID: 43, Comm: "app"} })},
		neg: []*event.Event{ev(event.Exec, "gdb", nil)},
	},
	"setns-in-container": {
		pos: []*event.Event{ev(event.SetNS, "nsenter", func(e *event.Event) { e.NSFlags = []string{"mnt", "pid"} })},
		neg: []*event.Event{ev(event.SetNS, "runc:[2:INIT]", func(e *event.Event) { e.NSFlags = []string{"mnt"} })},
	},
	"unshare-in-container": {
		pos: []*event.Event{ev(event.Unshare, "unshare", func(e *event.Event) { e.NSFlags = []string{"user"} })},
		neg: []*event.Event{ev(event.Unshare, "runc:[1:CHILD]", nil)},
	},
	"module-load-from-container": {
		pos: []*event.Event{ev(event.ModuleLoad, "insmod", both(open("/tmp/rootkit.ko", false), func(e *event.Event) { e.Op = "rootkit" }))},
		neg: []*event.Event{ev(event.Exec, "insmod", nil)},
	},
	"mount-in-container": {
		pos: []*event.Event{ev(event.Mount, "mount", func(e *event.Event) { e.Mount = &event.MountInfo{Source: "/dev/sda1", Target: "/mnt", FSType: "ext4"} })},
		neg: []*event.Event{ev(event.Mount, "runc:[1:CHILD]", func(e *event.Event) { e.Mount = &event.MountInfo{Source: "proc", Target: "/proc", FSType: "proc"} }),
			ev(event.Umount, "umount", func(e *event.Event) { e.Mount = &event.MountInfo{Target: "/mnt"} })},
	},
	"setuid-root": {
		pos: []*event.Event{ev(event.SetUID, "exploit", func(e *event.Event) { e.Process.UID = 1000; e.Cred = &event.Cred{UID: 0, GID: -1} })},
		neg: []*event.Event{ev(event.SetUID, "nginx", func(e *event.Event) { e.Process.UID = 0; e.Cred = &event.Cred{UID: 101, GID: -1} }),
			ev(event.SetUID, "su", func(e *event.Event) { e.Process.UID = 0; e.Cred = &event.Cred{UID: 0, GID: -1} })},
	},
	"capset-in-container": {
		pos: []*event.Event{ev(event.CapSet, "app", func(e *event.Event) { e.Cred = &event.Cred{UID: -1, GID: -1, Caps: 1 << 21} })},
		neg: []*event.Event{ev(event.CapSet, "runc:[2:INIT]", func(e *event.Event) { e.Cred = &event.Cred{UID: -1, GID: -1} })},
	},
	"bpf-from-container": {
		pos: []*event.Event{ev(event.BPF, "bpftool", func(e *event.Event) { e.Op = "prog_load" })},
		neg: []*event.Event{ev(event.Exec, "bpftool", nil)},
	},
}

func TestDefaultRules(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	mitre := regexp.MustCompile(`^(T\d{4}(\.\d{3})?|TA\d{4})$`)
	for _, r := range s.Rules() {
		c, ok := defaultCases[r.ID]
		if !ok {
			t.Errorf("%s: no test cases", r.ID)
			continue
		}
		if !slices.ContainsFunc(r.Tags, mitre.MatchString) {
			t.Errorf("%s: no MITRE ATT&CK id among its tags %v", r.ID, r.Tags)
		}
		if r.Desc == "" || !r.Enabled {
			t.Errorf("%s: no description, or disabled", r.ID)
		}
		for _, e := range c.pos {
			if !has(s, e, r.ID) {
				t.Errorf("%s: does not select %s %+v", r.ID, e, e.Process)
			}
			a := r.Alert(e)
			if strings.Contains(a.Output, "%") {
				t.Errorf("%s: output not filled in: %s", r.ID, a.Output)
			}
			// The same act on the host is no business of the default rules.
			h := *e
			h.Container = nil
			if got := s.Match(&h, nil); len(got) > 0 {
				t.Errorf("%s: a host process matched %s", r.ID, got[0].ID)
			}
		}
		for _, e := range c.neg {
			if has(s, e, r.ID) {
				t.Errorf("%s: selects the benign %s %+v", r.ID, e, e.Process)
			}
		}
	}
	for id := range defaultCases {
		if s.Rule(id) == nil {
			t.Errorf("test cases for %s, which is not a default rule", id)
		}
	}
}

// TestDefaultKernelForms pins which default rules the sensor can enforce in
// the kernel: a deny needs it (the act is refused before it happens).
func TestDefaultKernelForms(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range s.Kernel() {
		got = append(got, k.Rule)
		if !k.ContainerOnly {
			t.Errorf("%s: kernel form is not scoped to containers", k.Rule)
		}
	}
	want := []string{"package-manager-in-container", "exec-from-writable-dir", "write-below-binary-dir",
		"read-shadow", "miner-process", "docker-socket-from-container", "ptrace-in-container", "module-load-from-container"}
	if !slices.Equal(got, want) {
		t.Errorf("kernel-checkable default rules = %v\nwant %v", got, want)
	}
	for _, r := range s.Rules() {
		if _, ok := r.Kernel(); r.Response == event.Deny && !ok {
			t.Errorf("%s: deny without a kernel form", r.ID)
		}
	}
}

func TestDefaultYAMLIsCopy(t *testing.T) {
	b := DefaultYAML()
	b[0] = 'X'
	if DefaultYAML()[0] == 'X' {
		t.Error("DefaultYAML shares its bytes")
	}
}
