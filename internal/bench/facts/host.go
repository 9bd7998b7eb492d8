package facts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxHostFile bounds any single host file read (unit files, daemon.json,
// rules, /proc tables).
const maxHostFile = 8 << 20

// host reads the host filesystem confined to its root.
type host struct {
	root *os.Root
}

// rel turns an absolute host path into a path relative to the root.
func rel(p string) string {
	r := strings.TrimPrefix(path.Clean("/"+p), "/")
	if r == "" {
		return "."
	}
	return r
}

func (h *host) read(p string) ([]byte, error) {
	f, err := h.root.Open(rel(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxHostFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxHostFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxHostFile)
	}
	return data, nil
}

func (h *host) exists(p string) bool {
	_, err := h.root.Stat(rel(p))
	return err == nil
}

// stat follows symlinks that stay inside the root; one that leads out is
// reported as an error, not followed.
func (h *host) stat(p string) File {
	fi, err := h.root.Stat(rel(p))
	if errors.Is(err, fs.ErrNotExist) {
		return File{}
	}
	if err != nil {
		return File{Err: err.Error()}
	}
	return fileOf(fi)
}

func fileOf(fi fs.FileInfo) File {
	f := File{Exists: true, Mode: uint32(fi.Mode().Perm()), ModTime: fi.ModTime().UTC()}
	m := fi.Mode()
	if m&fs.ModeSetuid != 0 {
		f.Mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		f.Mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		f.Mode |= 0o1000
	}
	switch {
	case m.IsRegular():
		f.Type = "file"
	case m.IsDir():
		f.Type = "dir"
	case m&fs.ModeSocket != 0:
		f.Type = "socket"
	case m&fs.ModeSymlink != 0:
		f.Type = "symlink"
	default:
		f.Type = "other"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.UID, f.GID = int(st.Uid), int(st.Gid)
	}
	return f
}

// procEntry is one dockerd process seen in /proc.
type procEntry struct {
	pid   int
	start uint64
	args  []string
	exe   string
	uid   int
}

// dockerdProcesses lists processes whose command name is dockerd.
func (h *host) dockerdProcesses() ([]procEntry, error) {
	d, err := h.root.Open("proc")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	var out []procEntry
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		comm, err := h.read("/proc/" + n + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != "dockerd" {
			continue
		}
		cmd, err := h.read("/proc/" + n + "/cmdline")
		if err != nil {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(cmd), "\x00"), "\x00")
		p := procEntry{pid: pid, args: []string{}}
		if len(argv) > 1 {
			p.args = argv[1:]
		}
		if st, err := h.read("/proc/" + n + "/stat"); err == nil {
			p.start, _ = parseStatStart(string(st))
		}
		if st, err := h.read("/proc/" + n + "/status"); err == nil {
			p.uid, _ = parseStatusUID(string(st))
		}
		if exe, err := h.root.Readlink(rel("/proc/" + n + "/exe")); err == nil {
			p.exe = strings.TrimSuffix(exe, " (deleted)")
		}
		out = append(out, p)
	}
	return out, nil
}

// unitDirs are searched in systemd's precedence order.
var unitDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"}

// unitFile returns the path of a systemd unit, "" when none exists.
func (h *host) unitFile(name string) string {
	for _, d := range unitDirs {
		p := d + "/" + name
		if f := h.stat(p); f.Exists && f.Type == "file" {
			return p
		}
	}
	return ""
}

// unitTexts returns a unit's text followed by its drop-ins, in the order
// systemd applies them.
func (h *host) unitTexts(name, unit string) []string {
	data, err := h.read(unit)
	if err != nil {
		return nil
	}
	texts := []string{string(data)}
	var dropins []string
	seen := map[string]bool{}
	for _, d := range unitDirs {
		dir, err := h.root.Open(rel(d + "/" + name + ".d"))
		if err != nil {
			continue
		}
		names, _ := dir.Readdirnames(-1)
		dir.Close()
		for _, n := range names {
			if strings.HasSuffix(n, ".conf") && !seen[n] {
				seen[n] = true
				dropins = append(dropins, d+"/"+name+".d/"+n)
			}
		}
	}
	slices.SortFunc(dropins, func(a, b string) int { return strings.Compare(path.Base(a), path.Base(b)) })
	for _, p := range dropins {
		if data, err := h.read(p); err == nil {
			texts = append(texts, string(data))
		}
	}
	return texts
}

// daemon finds the dockerd serving dockerHost (falling back to the newest
// dockerd, then to the docker.service ExecStart) and reads its daemon.json.
func (h *host) daemon(ctx context.Context, dockerHost string) Daemon {
	d := Daemon{Args: []string{}}
	procs, err := h.dockerdProcesses()
	if err != nil {
		d.ArgsErr = fmt.Sprintf("listing processes: %v", err)
	}
	if p, ok := pickDockerd(procs, dockerHost); ok {
		d.PID, d.Exe, d.UID, d.Args = p.pid, p.exe, p.uid, p.args
		d.ArgsSource = fmt.Sprintf("/proc/%d/cmdline", p.pid)
	} else if unit := h.unitFile("docker.service"); unit != "" {
		if args := ParseExecStart(h.unitTexts("docker.service", unit)...); args != nil {
			// The unit stands in for an unreadable /proc (the audit runs in
			// a container without the host's PID namespace).
			d.Args, d.ArgsSource, d.ArgsErr = args, unit+" ExecStart", ""
		}
	}
	if d.ArgsSource == "" && d.ArgsErr == "" {
		d.ArgsErr = "no dockerd process visible under " + h.root.Name() + "/proc and no docker.service unit"
	}
	slog.DebugContext(ctx, "facts: dockerd", "pid", d.PID, "source", d.ArgsSource, "args", d.Args)

	d.ConfigFile = "/etc/docker/daemon.json"
	if s := d.Setting("config-file"); s.Set && s.Last() != "" {
		d.ConfigFile = CanonicalPath(s.Last())
	}
	data, err := h.read(d.ConfigFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		d.ConfigErr = fmt.Sprintf("reading %s: %v", d.ConfigFile, err)
	default:
		d.ConfigExists = true
		if len(bytes.TrimSpace(data)) == 0 {
			// dockerd accepts an empty file as no configuration.
			break
		}
		if d.Config, err = ParseDaemonJSON(data); err != nil {
			d.ConfigErr = err.Error()
		}
	}
	return d
}

// pickDockerd chooses the process serving dockerHost, else the newest.
func pickDockerd(procs []procEntry, dockerHost string) (procEntry, bool) {
	if len(procs) == 0 {
		return procEntry{}, false
	}
	want := NormalizeHost(dockerHost)
	for _, p := range procs {
		d := Daemon{Args: p.args}
		if slices.Contains(d.Hosts(), want) {
			return p, true
		}
	}
	newest := procs[0]
	for _, p := range procs[1:] {
		if p.start > newest.start || p.start == newest.start && p.pid > newest.pid {
			newest = p
		}
	}
	return newest, true
}

// binary returns where a program lives on the host: preferred when given
// (the running dockerd's executable), else the first standard directory
// holding it, else /usr/bin/NAME (reported missing).
func (h *host) binary(name, preferred string) string {
	if preferred != "" && h.exists(preferred) {
		return CanonicalPath(preferred)
	}
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"} {
		if p := d + "/" + name; h.exists(p) {
			return p
		}
	}
	return "/usr/bin/" + name
}

// audit reads audit rules: the given files when any, else the kernel's via
// `auditctl -l`, else the rules files under the host root.
func (h *host) audit(ctx context.Context, files []string) Audit {
	if len(files) > 0 {
		var rules []string
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return Audit{Source: strings.Join(files, ", "), Rules: []string{}, Err: fmt.Sprintf("reading audit rules: %v", err)}
			}
			rules = append(rules, ruleLines(string(data))...)
		}
		return Audit{Source: strings.Join(files, ", "), Rules: nonNil(rules)}
	}
	var ctlErr string
	if p, err := exec.LookPath("auditctl"); err == nil {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(cctx, p, "-l").Output()
		cancel()
		if err == nil {
			return Audit{Source: "auditctl -l", Rules: nonNil(ruleLines(string(out)))}
		}
		ctlErr = fmt.Sprintf("auditctl -l: %v", err)
	}
	var rules, read []string
	paths := []string{"/etc/audit/audit.rules"}
	if dir, err := h.root.Open(rel("/etc/audit/rules.d")); err == nil {
		names, _ := dir.Readdirnames(-1)
		dir.Close()
		slices.Sort(names)
		for _, n := range names {
			if strings.HasSuffix(n, ".rules") {
				paths = append(paths, "/etc/audit/rules.d/"+n)
			}
		}
	}
	for _, p := range paths {
		data, err := h.read(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Audit{Source: p, Rules: []string{}, Err: fmt.Sprintf("reading %s: %v", p, err)}
		}
		read = append(read, p)
		rules = append(rules, ruleLines(string(data))...)
	}
	src := strings.Join(read, ", ")
	switch {
	case src == "" && ctlErr != "":
		// auditctl exists, so auditd may hold rules we cannot see.
		return Audit{Source: "auditctl -l", Rules: []string{}, Err: ctlErr + ", and no rules files under /etc/audit"}
	case src == "":
		src = "no auditctl and no rules files under /etc/audit"
	case ctlErr != "":
		src += " (" + ctlErr + ")"
	}
	return Audit{Source: src, Rules: nonNil(rules)}
}

func ruleLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || l == "No rules" {
			continue
		}
		out = append(out, l)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// walk records every entry under dir (not dir itself), up to limit.
func (h *host) walk(dir string, files map[string]File, limit int) {
	queue := []string{dir}
	for len(queue) > 0 && len(files) < limit {
		d := queue[0]
		queue = queue[1:]
		f, err := h.root.Open(rel(d))
		if err != nil {
			continue
		}
		names, _ := f.Readdirnames(-1)
		f.Close()
		slices.Sort(names)
		for _, n := range names {
			p := d + "/" + n
			st := h.stat(p)
			files[p] = st
			if st.Type == "dir" {
				queue = append(queue, p)
			}
			if len(files) >= limit {
				return
			}
		}
	}
}

// containerProcesses maps each container id in ids to the command names of
// the host processes whose cgroup path names it (cgroupfs "/docker/ID",
// systemd "docker-ID.scope", nested or namespaced paths alike).
func (h *host) containerProcesses(ids map[string]bool) (map[string][]string, error) {
	d, err := h.root.Open("proc")
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, n := range names {
		if _, err := strconv.Atoi(n); err != nil {
			continue
		}
		cg, err := h.read("/proc/" + n + "/cgroup")
		if err != nil {
			continue // the process ended
		}
		for _, id := range hexIDs(string(cg)) {
			if !ids[id] {
				continue
			}
			if comm, err := h.read("/proc/" + n + "/comm"); err == nil {
				out[id] = append(out[id], strings.TrimSpace(string(comm)))
			}
			break
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out, nil
}

// hexIDs returns the runs of exactly 64 lower-case hex digits in s: the
// container ids in a cgroup file.
func hexIDs(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		hex := i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f')
		switch {
		case hex && start < 0:
			start = i
		case !hex && start >= 0:
			if i-start == 64 {
				out = append(out, s[start:i])
			}
			start = -1
		}
	}
	return out
}
