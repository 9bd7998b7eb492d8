// Package event is the vocabulary of `bulwark defend`: what a sensor saw a
// process in a container do. It is pure data, shared by the sensors that
// produce events (eBPF programs, or the proc connector and fanotify when BPF
// is not available), the rules and behaviour models that judge them, the
// responders that act on them and the sinks that record them.
//
// # Data flow
//
//	kernel (eBPF / proc connector / fanotify)
//	  → sensor decodes a record into an [Event] (Kind + Process + one detail)
//	  → attribution fills Container from the cgroup id
//	  → rules and the image's model judge it ([Field] names what they may test)
//	  → an [Alert] (the event, the rule or model that selected it, the response
//	    taken) goes to the sinks: JSON lines, the terminal, metrics, webhooks,
//	    `bulwark serve`.
//
// Rules address an event through [Event.Field] with names in the shape Falco
// users know ("proc.name", "fd.name", "container.image"); [Fields] lists them
// all, so a rules file naming an unknown field is refused when it is loaded.
package event

import (
	"net/netip"
	"path"
	"strconv"
	"strings"
	"time"
)

// Kind is what happened.
type Kind string

const (
	Exec        Kind = "exec"         // execve/execveat completed (or was denied)
	Fork        Kind = "fork"         // a new process (not a thread)
	Exit        Kind = "exit"         // a process ended
	Open        Kind = "open"         // a file opened for writing, or a sensitive file opened at all
	Connect     Kind = "connect"      // an outbound connection attempt
	Accept      Kind = "accept"       // an inbound connection accepted
	Listen      Kind = "listen"       // a socket put into listening state
	SetUID      Kind = "setuid"       // setuid/setreuid/setresuid
	SetGID      Kind = "setgid"       // setgid/setregid/setresgid
	CapSet      Kind = "capset"       // capset(2)
	Mount       Kind = "mount"        // mount(2), fsmount/move_mount
	Umount      Kind = "umount"       // umount2(2)
	Ptrace      Kind = "ptrace"       // ptrace(2) attach/seize/poke
	SetNS       Kind = "setns"        // setns(2)
	Unshare     Kind = "unshare"      // unshare(2), clone with namespace flags
	ModuleLoad  Kind = "module_load"  // init_module/finit_module
	MemfdCreate Kind = "memfd_create" // memfd_create(2)
	BPF         Kind = "bpf"          // bpf(2)
)

// Kinds lists every kind, in a stable order.
var Kinds = []Kind{Exec, Fork, Exit, Open, Connect, Accept, Listen, SetUID, SetGID, CapSet,
	Mount, Umount, Ptrace, SetNS, Unshare, ModuleLoad, MemfdCreate, BPF}

// Event is one act of one process. Exactly the detail pointer that belongs to
// Kind is set (File for Open and Exec's executable, Net for Connect/Accept/
// Listen, and so on); the others are nil.
type Event struct {
	Time time.Time `json:"time"`
	Kind Kind      `json:"kind"`
	// Ret is the system call's result when the sensor saw it (0 or a
	// negative errno); events seen on entry carry 0. For Exit it is the
	// exit status as wait(2) encodes it.
	Ret int64 `json:"ret,omitempty"`

	Process   Process    `json:"process"`
	Container *Container `json:"container,omitempty"` // nil: a host process

	File *File `json:"file,omitempty"` // Open; Exec (the executable); MemfdCreate (name); ModuleLoad (file)
	Net  *Net  `json:"net,omitempty"`  // Connect, Accept, Listen
	// Cred is the new identity (SetUID, SetGID, CapSet).
	Cred *Cred `json:"cred,omitempty"`
	// Target is the other process of Ptrace, or the child of Fork.
	Target *Process `json:"target,omitempty"`
	// Mount is set for Mount and Umount.
	Mount *MountInfo `json:"mount,omitempty"`
	// NSFlags are the CLONE_NEW* flags of SetNS and Unshare, as names
	// ("mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time").
	NSFlags []string `json:"ns_flags,omitempty"`
	// Op is the kind-specific operation: the ptrace request ("attach"),
	// the bpf command ("prog_load"), the module name of ModuleLoad.
	Op string `json:"op,omitempty"`
	// Killed is set when the sensor itself sent SIGKILL before the act
	// completed (an enforcement predicate matched in the kernel);
	// KernelRule names the rule whose predicate matched (also when it only
	// reported).
	Killed     bool   `json:"killed,omitempty"`
	KernelRule string `json:"kernel_rule,omitempty"`
}

// Process is the actor.
type Process struct {
	PID  int32 `json:"pid"`  // thread-group id, as the host sees it
	TID  int32 `json:"tid"`  // thread id
	PPID int32 `json:"ppid"` // parent's thread-group id
	// VPID is the thread-group id in the process's own pid namespace (as
	// the container sees it).
	VPID int32  `json:"vpid,omitempty"`
	Comm string `json:"comm"` // task name (15 bytes at most)
	// Exe is the executable path as the container sees it.
	Exe  string   `json:"exe,omitempty"`
	Args []string `json:"args,omitempty"` // argv, argv[0] first
	Cwd  string   `json:"cwd,omitempty"`
	UID  uint32   `json:"uid"`
	GID  uint32   `json:"gid"`
	EUID uint32   `json:"euid"`
	// CapEffective is the effective capability mask.
	CapEffective uint64 `json:"cap_effective,omitempty"`
	// ParentComm and ParentExe describe the parent at the time of the event.
	ParentComm string `json:"parent_comm,omitempty"`
	ParentExe  string `json:"parent_exe,omitempty"`
	// Ancestors are the comm names of the parent's parent and up (nearest
	// first), as far as the sensor tracked them.
	Ancestors []string `json:"ancestors,omitempty"`
	// StdinSocket/StdoutSocket say whether fd 0 / fd 1 were sockets when
	// the process ran (a shell with socket stdio is a reverse shell).
	StdinSocket  bool `json:"stdin_socket,omitempty"`
	StdoutSocket bool `json:"stdout_socket,omitempty"`
	// TTY is set when the process has a controlling terminal.
	TTY bool `json:"tty,omitempty"`
	// ExeFromMemfd is set when the executable is an anonymous memory file.
	ExeFromMemfd bool `json:"exe_from_memfd,omitempty"`
	// ExeUpperLayer is set when the executable was written after the
	// container started (it lives in the container's writable layer).
	ExeUpperLayer bool   `json:"exe_upper_layer,omitempty"`
	CgroupID      uint64 `json:"cgroup_id"`
}

// Container says which container a process belongs to, from the cgroup id
// and the Engine API.
type Container struct {
	ID          string            `json:"id"`
	Name        string            `json:"name,omitempty"`
	Image       string            `json:"image,omitempty"`        // as given at create ("nginx:1.25")
	ImageID     string            `json:"image_id,omitempty"`     // config digest ("sha256:…")
	ImageDigest string            `json:"image_digest,omitempty"` // repo digest when known
	Labels      map[string]string `json:"labels,omitempty"`
	// ComposeProject is the com.docker.compose.project label.
	ComposeProject string `json:"compose_project,omitempty"`
	Privileged     bool   `json:"privileged,omitempty"`
}

// File is a path acted on.
type File struct {
	Path  string `json:"path"`
	Flags uint32 `json:"flags,omitempty"` // open(2) flags
	// Write is true when opened for writing (O_WRONLY, O_RDWR, O_CREAT,
	// O_TRUNC).
	Write bool `json:"write,omitempty"`
}

// Net is a socket endpoint.
type Net struct {
	Family string     `json:"family"` // "inet", "inet6", "unix"
	Proto  string     `json:"proto,omitempty"`
	Addr   netip.Addr `json:"addr,omitzero"`
	Port   uint16     `json:"port,omitempty"`
	// Path is the socket path of a unix socket ("/var/run/docker.sock").
	Path string `json:"path,omitempty"`
}

// Cred is an identity change.
type Cred struct {
	UID  int64  `json:"uid"` // -1: unchanged
	GID  int64  `json:"gid"`
	Caps uint64 `json:"caps,omitempty"` // new effective set (CapSet)
}

// MountInfo is a mount or umount.
type MountInfo struct {
	Source string `json:"source,omitempty"`
	Target string `json:"target"`
	FSType string `json:"fstype,omitempty"`
	Flags  uint64 `json:"flags,omitempty"`
}

// Response is what a responder did about an event.
type Response string

const (
	Report Response = "alert"  // reported only (alert only)
	Kill   Response = "kill"   // the process was sent SIGKILL (in the kernel where possible)
	Deny   Response = "deny"   // the exec or connection was refused (EPERM)
	Pause  Response = "pause"  // the container was paused
	Stop   Response = "stop"   // the container was stopped
	Failed Response = "failed" // the response could not be carried out (Detail says why)
)

// Alert is an event a rule or a behaviour model selected, with what was done.
type Alert struct {
	Event Event `json:"event"`
	// Rule is the id of the rule that selected it; "model" when the image's
	// learned behaviour did.
	Rule     string   `json:"rule"`
	Priority string   `json:"priority"` // emergency … debug, as Falco's
	Output   string   `json:"output"`   // the rule's message, fields filled in
	Tags     []string `json:"tags,omitempty"`
	// Expected says what a behaviour model expected instead (model alerts).
	Expected string   `json:"expected,omitempty"`
	Response Response `json:"response"`
	Detail   string   `json:"detail,omitempty"`
	// LatencyNS is the time from the kernel seeing the act to the alert
	// being decided.
	LatencyNS int64 `json:"latency_ns,omitempty"`
}

// Field describes one name rules may test.
type Field struct {
	Name string
	// Type is "string", "number", "bool", "ip" or "list" (of strings).
	Type string
	Doc  string
}

// Fields is every field [Event.Field] answers, in documentation order.
var Fields = []Field{
	{"evt.type", "string", "the event kind: exec, open, connect… (see Kinds)"},
	{"evt.ret", "number", "the system call's result (0 or -errno)"},
	{"evt.op", "string", "kind-specific operation: ptrace request, bpf command, module name"},
	{"evt.killed", "bool", "the sensor killed the process in the kernel before the act completed"},
	{"evt.kernel_rule", "string", "rule whose kernel predicate matched the event"},
	{"proc.pid", "number", "process id (host view)"},
	{"proc.ppid", "number", "parent process id"},
	{"proc.vpid", "number", "process id in the process's own pid namespace"},
	{"proc.name", "string", "task name (comm)"},
	{"proc.exe", "string", "executable path"},
	{"proc.exe.dir", "string", "directory of the executable"},
	{"proc.args", "string", "arguments after argv[0], space-joined"},
	{"proc.argv", "list", "argv, argv[0] first"},
	{"proc.cmdline", "string", "name and arguments, space-joined"},
	{"proc.cwd", "string", "working directory"},
	{"proc.pname", "string", "parent's task name"},
	{"proc.pexe", "string", "parent's executable path"},
	{"proc.anames", "list", "ancestors' task names, parent first"},
	{"proc.stdin_socket", "bool", "fd 0 is a socket"},
	{"proc.stdout_socket", "bool", "fd 1 is a socket"},
	{"proc.tty", "bool", "has a controlling terminal"},
	{"proc.exe_memfd", "bool", "executable is an anonymous memory file"},
	{"proc.exe_upper_layer", "bool", "executable was written after the container started"},
	{"proc.cap_effective", "number", "effective capability mask"},
	{"user.uid", "number", "real user id"},
	{"user.euid", "number", "effective user id"},
	{"group.gid", "number", "real group id"},
	{"fd.name", "string", "file path (open, exec, memfd, module), or address:port (network)"},
	{"fd.directory", "string", "directory of fd.name for files"},
	{"fd.filename", "string", "base name of fd.name for files"},
	{"fd.write", "bool", "opened for writing"},
	{"fd.family", "string", "inet, inet6 or unix"},
	{"fd.sip", "ip", "remote address (connect), local address (listen, accept)"},
	{"fd.sport", "number", "port of fd.sip"},
	{"fd.unix_path", "string", "path of a unix socket"},
	{"cred.uid", "number", "new user id of setuid (-1 unchanged)"},
	{"cred.gid", "number", "new group id of setgid (-1 unchanged)"},
	{"cred.caps", "number", "new effective capabilities of capset"},
	{"target.pid", "number", "the other process of ptrace"},
	{"target.name", "string", "its task name"},
	{"mount.source", "string", "mount source"},
	{"mount.target", "string", "mount point"},
	{"mount.fstype", "string", "filesystem type"},
	{"ns.flags", "list", "namespace kinds of setns/unshare"},
	{"container.id", "string", "container id (empty on the host)"},
	{"container.name", "string", "container name"},
	{"container.image", "string", "image as given at create"},
	{"container.image_id", "string", "image config digest"},
	{"container.privileged", "bool", "container runs privileged"},
	{"container.compose_project", "string", "compose project label"},
}

// Field returns the value of a named field: a string, an int64, a bool, a
// netip.Addr or a []string. ok is false when the name is unknown or the
// event has no such value (a network field of an exec event), so rules can
// tell "absent" from "empty".
func (e *Event) Field(name string) (v any, ok bool) {
	p := &e.Process
	switch name {
	case "evt.type":
		return string(e.Kind), true
	case "evt.ret":
		return e.Ret, true
	case "evt.op":
		return e.Op, e.Op != ""
	case "evt.killed":
		return e.Killed, true
	case "evt.kernel_rule":
		return e.KernelRule, e.KernelRule != ""
	case "proc.pid":
		return int64(p.PID), true
	case "proc.ppid":
		return int64(p.PPID), true
	case "proc.vpid":
		return int64(p.VPID), true
	case "proc.name":
		return p.Comm, true
	case "proc.exe":
		return p.Exe, p.Exe != ""
	case "proc.exe.dir":
		return path.Dir(p.Exe), p.Exe != ""
	case "proc.args":
		if len(p.Args) < 2 {
			return "", true
		}
		return strings.Join(p.Args[1:], " "), true
	case "proc.argv":
		return p.Args, true
	case "proc.cmdline":
		if len(p.Args) < 2 {
			return p.Comm, true
		}
		return p.Comm + " " + strings.Join(p.Args[1:], " "), true
	case "proc.cwd":
		return p.Cwd, p.Cwd != ""
	case "proc.pname":
		return p.ParentComm, p.ParentComm != ""
	case "proc.pexe":
		return p.ParentExe, p.ParentExe != ""
	case "proc.anames":
		return p.Ancestors, true
	case "proc.stdin_socket":
		return p.StdinSocket, true
	case "proc.stdout_socket":
		return p.StdoutSocket, true
	case "proc.tty":
		return p.TTY, true
	case "proc.exe_memfd":
		return p.ExeFromMemfd, true
	case "proc.exe_upper_layer":
		return p.ExeUpperLayer, true
	case "proc.cap_effective":
		return int64(p.CapEffective), true
	case "user.uid":
		return int64(p.UID), true
	case "user.euid":
		return int64(p.EUID), true
	case "group.gid":
		return int64(p.GID), true
	case "fd.name":
		switch {
		case e.File != nil:
			return e.File.Path, true
		case e.Net != nil && e.Net.Path != "":
			return e.Net.Path, true
		case e.Net != nil && e.Net.Addr.IsValid():
			return netip.AddrPortFrom(e.Net.Addr, e.Net.Port).String(), true
		}
	case "fd.directory":
		if e.File != nil {
			return path.Dir(e.File.Path), true
		}
	case "fd.filename":
		if e.File != nil {
			return path.Base(e.File.Path), true
		}
	case "fd.write":
		if e.File != nil {
			return e.File.Write, true
		}
	case "fd.family":
		if e.Net != nil {
			return e.Net.Family, true
		}
	case "fd.sip":
		if e.Net != nil && e.Net.Addr.IsValid() {
			return e.Net.Addr, true
		}
	case "fd.sport":
		if e.Net != nil && e.Net.Family != "unix" {
			return int64(e.Net.Port), true
		}
	case "fd.unix_path":
		if e.Net != nil && e.Net.Path != "" {
			return e.Net.Path, true
		}
	case "cred.uid":
		if e.Cred != nil {
			return e.Cred.UID, true
		}
	case "cred.gid":
		if e.Cred != nil {
			return e.Cred.GID, true
		}
	case "cred.caps":
		if e.Cred != nil {
			return int64(e.Cred.Caps), true
		}
	case "target.pid":
		if e.Target != nil {
			return int64(e.Target.PID), true
		}
	case "target.name":
		if e.Target != nil {
			return e.Target.Comm, true
		}
	case "mount.source":
		if e.Mount != nil {
			return e.Mount.Source, true
		}
	case "mount.target":
		if e.Mount != nil {
			return e.Mount.Target, true
		}
	case "mount.fstype":
		if e.Mount != nil {
			return e.Mount.FSType, true
		}
	case "ns.flags":
		return e.NSFlags, e.NSFlags != nil
	case "container.id":
		if e.Container != nil {
			return e.Container.ID, true
		}
		return "", true
	case "container.name":
		if e.Container != nil {
			return e.Container.Name, true
		}
	case "container.image":
		if e.Container != nil {
			return e.Container.Image, true
		}
	case "container.image_id":
		if e.Container != nil {
			return e.Container.ImageID, true
		}
	case "container.privileged":
		if e.Container != nil {
			return e.Container.Privileged, true
		}
	case "container.compose_project":
		if e.Container != nil {
			return e.Container.ComposeProject, true
		}
	}
	return nil, false
}

// KnownField reports whether name is in [Fields].
func KnownField(name string) bool {
	for _, f := range Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// String is a one-line summary for logs and the live view.
func (e *Event) String() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	b.WriteString(" pid=")
	b.WriteString(strconv.Itoa(int(e.Process.PID)))
	b.WriteString(" ")
	b.WriteString(e.Process.Comm)
	if v, ok := e.Field("fd.name"); ok {
		b.WriteString(" ")
		b.WriteString(v.(string))
	}
	if e.Container != nil {
		b.WriteString(" container=")
		id := e.Container.ID
		if len(id) > 12 {
			id = id[:12]
		}
		b.WriteString(id)
	}
	return b.String()
}
