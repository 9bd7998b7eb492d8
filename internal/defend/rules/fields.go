package rules

import (
	"net/netip"
	"path"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Typed accessors read one field straight from the event struct. They are
// the compiled form of [event.Event.Field]: the same values (a test holds
// them to it for every field), without the string switch and without
// boxing every value into an interface on each comparison.
type (
	strAcc  func(*event.Event) (string, bool)
	numAcc  func(*event.Event) (int64, bool)
	boolAcc func(*event.Event) (bool, bool)
	ipAcc   func(*event.Event) (netip.Addr, bool)
	listAcc func(*event.Event) ([]string, bool)
)

var accessors = map[string]any{
	"evt.type":        strAcc(func(e *event.Event) (string, bool) { return string(e.Kind), true }),
	"evt.ret":         numAcc(func(e *event.Event) (int64, bool) { return e.Ret, true }),
	"evt.op":          strAcc(func(e *event.Event) (string, bool) { return e.Op, e.Op != "" }),
	"evt.killed":      boolAcc(func(e *event.Event) (bool, bool) { return e.Killed, true }),
	"evt.kernel_rule": strAcc(func(e *event.Event) (string, bool) { return e.KernelRule, e.KernelRule != "" }),

	"proc.pid":  numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.PID), true }),
	"proc.ppid": numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.PPID), true }),
	"proc.vpid": numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.VPID), true }),
	"proc.name": strAcc(func(e *event.Event) (string, bool) { return e.Process.Comm, true }),
	"proc.exe":  strAcc(func(e *event.Event) (string, bool) { return e.Process.Exe, e.Process.Exe != "" }),
	"proc.exe.dir": strAcc(func(e *event.Event) (string, bool) {
		return path.Dir(e.Process.Exe), e.Process.Exe != ""
	}),
	"proc.args": strAcc(func(e *event.Event) (string, bool) {
		if len(e.Process.Args) < 2 {
			return "", true
		}
		return strings.Join(e.Process.Args[1:], " "), true
	}),
	"proc.argv": listAcc(func(e *event.Event) ([]string, bool) { return e.Process.Args, true }),
	"proc.cmdline": strAcc(func(e *event.Event) (string, bool) {
		p := &e.Process
		if len(p.Args) < 2 {
			return p.Comm, true
		}
		return p.Comm + " " + strings.Join(p.Args[1:], " "), true
	}),
	"proc.cwd":             strAcc(func(e *event.Event) (string, bool) { return e.Process.Cwd, e.Process.Cwd != "" }),
	"proc.pname":           strAcc(func(e *event.Event) (string, bool) { return e.Process.ParentComm, e.Process.ParentComm != "" }),
	"proc.pexe":            strAcc(func(e *event.Event) (string, bool) { return e.Process.ParentExe, e.Process.ParentExe != "" }),
	"proc.anames":          listAcc(func(e *event.Event) ([]string, bool) { return e.Process.Ancestors, true }),
	"proc.stdin_socket":    boolAcc(func(e *event.Event) (bool, bool) { return e.Process.StdinSocket, true }),
	"proc.stdout_socket":   boolAcc(func(e *event.Event) (bool, bool) { return e.Process.StdoutSocket, true }),
	"proc.tty":             boolAcc(func(e *event.Event) (bool, bool) { return e.Process.TTY, true }),
	"proc.exe_memfd":       boolAcc(func(e *event.Event) (bool, bool) { return e.Process.ExeFromMemfd, true }),
	"proc.exe_upper_layer": boolAcc(func(e *event.Event) (bool, bool) { return e.Process.ExeUpperLayer, true }),
	"proc.cap_effective":   numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.CapEffective), true }),
	"user.uid":             numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.UID), true }),
	"user.euid":            numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.EUID), true }),
	"group.gid":            numAcc(func(e *event.Event) (int64, bool) { return int64(e.Process.GID), true }),

	"fd.name": strAcc(func(e *event.Event) (string, bool) {
		switch {
		case e.File != nil:
			return e.File.Path, true
		case e.Net != nil && e.Net.Path != "":
			return e.Net.Path, true
		case e.Net != nil && e.Net.Addr.IsValid():
			return netip.AddrPortFrom(e.Net.Addr, e.Net.Port).String(), true
		}
		return "", false
	}),
	"fd.directory": strAcc(func(e *event.Event) (string, bool) {
		if e.File == nil {
			return "", false
		}
		return path.Dir(e.File.Path), true
	}),
	"fd.filename": strAcc(func(e *event.Event) (string, bool) {
		if e.File == nil {
			return "", false
		}
		return path.Base(e.File.Path), true
	}),
	"fd.write": boolAcc(func(e *event.Event) (bool, bool) {
		if e.File == nil {
			return false, false
		}
		return e.File.Write, true
	}),
	"fd.family": strAcc(func(e *event.Event) (string, bool) {
		if e.Net == nil {
			return "", false
		}
		return e.Net.Family, true
	}),
	"fd.sip": ipAcc(func(e *event.Event) (netip.Addr, bool) {
		if e.Net == nil || !e.Net.Addr.IsValid() {
			return netip.Addr{}, false
		}
		return e.Net.Addr, true
	}),
	"fd.sport": numAcc(func(e *event.Event) (int64, bool) {
		if e.Net == nil || e.Net.Family == "unix" {
			return 0, false
		}
		return int64(e.Net.Port), true
	}),
	"fd.unix_path": strAcc(func(e *event.Event) (string, bool) {
		if e.Net == nil || e.Net.Path == "" {
			return "", false
		}
		return e.Net.Path, true
	}),
	"cred.uid": numAcc(func(e *event.Event) (int64, bool) {
		if e.Cred == nil {
			return 0, false
		}
		return e.Cred.UID, true
	}),
	"cred.gid": numAcc(func(e *event.Event) (int64, bool) {
		if e.Cred == nil {
			return 0, false
		}
		return e.Cred.GID, true
	}),
	"cred.caps": numAcc(func(e *event.Event) (int64, bool) {
		if e.Cred == nil {
			return 0, false
		}
		return int64(e.Cred.Caps), true
	}),
	"target.pid": numAcc(func(e *event.Event) (int64, bool) {
		if e.Target == nil {
			return 0, false
		}
		return int64(e.Target.PID), true
	}),
	"target.name": strAcc(func(e *event.Event) (string, bool) {
		if e.Target == nil {
			return "", false
		}
		return e.Target.Comm, true
	}),
	"mount.source": strAcc(func(e *event.Event) (string, bool) {
		if e.Mount == nil {
			return "", false
		}
		return e.Mount.Source, true
	}),
	"mount.target": strAcc(func(e *event.Event) (string, bool) {
		if e.Mount == nil {
			return "", false
		}
		return e.Mount.Target, true
	}),
	"mount.fstype": strAcc(func(e *event.Event) (string, bool) {
		if e.Mount == nil {
			return "", false
		}
		return e.Mount.FSType, true
	}),
	"ns.flags": listAcc(func(e *event.Event) ([]string, bool) { return e.NSFlags, e.NSFlags != nil }),

	"container.id": strAcc(func(e *event.Event) (string, bool) {
		if e.Container == nil {
			return "", true
		}
		return e.Container.ID, true
	}),
	"container.name": strAcc(func(e *event.Event) (string, bool) {
		if e.Container == nil {
			return "", false
		}
		return e.Container.Name, true
	}),
	"container.image": strAcc(func(e *event.Event) (string, bool) {
		if e.Container == nil {
			return "", false
		}
		return e.Container.Image, true
	}),
	"container.image_id": strAcc(func(e *event.Event) (string, bool) {
		if e.Container == nil {
			return "", false
		}
		return e.Container.ImageID, true
	}),
	"container.privileged": boolAcc(func(e *event.Event) (bool, bool) {
		if e.Container == nil {
			return false, false
		}
		return e.Container.Privileged, true
	}),
	"container.compose_project": strAcc(func(e *event.Event) (string, bool) {
		if e.Container == nil {
			return "", false
		}
		return e.Container.ComposeProject, true
	}),
}

// accessor returns the typed accessor of a known field. A field added to
// the vocabulary without an entry above still works, through
// [event.Event.Field] (slower, and the accessor test fails until it has
// its own).
func accessor(f event.Field) any {
	if a, ok := accessors[f.Name]; ok {
		return a
	}
	name := f.Name
	switch f.Type {
	case "number":
		return numAcc(func(e *event.Event) (int64, bool) { v, ok := e.Field(name); n, ok2 := v.(int64); return n, ok && ok2 })
	case "bool":
		return boolAcc(func(e *event.Event) (bool, bool) { v, ok := e.Field(name); b, ok2 := v.(bool); return b, ok && ok2 })
	case "ip":
		return ipAcc(func(e *event.Event) (netip.Addr, bool) {
			v, ok := e.Field(name)
			a, ok2 := v.(netip.Addr)
			return a, ok && ok2
		})
	case "list":
		return listAcc(func(e *event.Event) ([]string, bool) {
			v, ok := e.Field(name)
			l, ok2 := v.([]string)
			return l, ok && ok2
		})
	}
	return strAcc(func(e *event.Event) (string, bool) { v, ok := e.Field(name); s, ok2 := v.(string); return s, ok && ok2 })
}

func lookupField(name string) (event.Field, bool) {
	for _, f := range event.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return event.Field{}, false
}
