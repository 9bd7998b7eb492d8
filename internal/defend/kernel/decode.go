package kernel

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

// Record flags, as in bpf/sensor.bpf.c.
const (
	fStdinSock  = 1 << 0
	fStdoutSock = 1 << 1
	fTTY        = 1 << 2
	fMemfd      = 1 << 3
	fKilled     = 1 << 4
	fUnknownCG  = 1 << 5
	fWrite      = 1 << 6
	fRelative   = 1 << 7
	fUpper      = 1 << 10
	fOverlay    = 1 << 11
	fPcomm      = 1 << 12
)

// kinds maps the programs' kind numbers (enum kind) to event kinds.
var kinds = event.Kinds

// kindIndex is the inverse of kinds.
func kindIndex(k event.Kind) (uint32, bool) {
	for i, x := range kinds {
		if x == k {
			return uint32(i), true
		}
	}
	return 0, false
}

// x86-64 system call numbers the decoder distinguishes.
const (
	nrClone       = 56
	nrSetuid      = 105
	nrSetgid      = 106
	nrInitModule  = 175
	nrUnshare     = 272
	nrFinitModule = 313
	nrClone3      = 435
)

func cstr(b []int8) string {
	s := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}

func bstr(b []int8, n uint16) string {
	if int(n) > len(b) {
		n = uint16(len(b))
	}
	return cstr(b[:n])
}

// decode fills r from a raw record, reusing r's memory where it can.
func (s *Sensor) decode(raw *sensorEvent, r *sensor.Record) {
	*r = sensor.Record{}
	e := &r.Event
	r.Boot = time.Duration(raw.Ts)
	e.Time = time.Unix(0, int64(raw.Ts)+int64(s.boot))
	if int(raw.Kind) < len(kinds) {
		e.Kind = kinds[raw.Kind]
	}
	p := &e.Process
	p.PID, p.TID, p.PPID = int32(raw.Pid), int32(raw.Tid), int32(raw.Ppid)
	p.VPID = int32(raw.Vpid)
	p.UID, p.GID, p.EUID = raw.Uid, raw.Gid, raw.Euid
	p.CapEffective = raw.CapEff
	p.CgroupID = raw.CgroupId
	p.Comm = cstr(raw.Comm[:])
	if raw.Flags&fUnknownCG != 0 {
		r.Unknown = true
		r.CgroupName = cstr(raw.Cgname[:])
	}
	if raw.Flags&fKilled != 0 {
		e.Killed = true
		e.KernelRule = s.ruleName(raw.Rule)
	} else if raw.Rule != 0 {
		e.KernelRule = s.ruleName(raw.Rule)
	}
	r.Relative = raw.Flags&fRelative != 0
	if raw.Flags&fPcomm != 0 {
		p.ParentComm = cstr(raw.Pcomm[:])
	}
	id := raw.Arg[3]
	switch e.Kind {
	case event.Exec:
		p.Exe = bstr(raw.Str0[:], raw.Len0)
		p.Args = splitArgs(raw.Argv[:], raw.ArgvLen)
		for i := range raw.Anc {
			a := cstr(raw.Anc[i][:])
			if a == "" {
				break
			}
			p.Ancestors = append(p.Ancestors, a)
		}
		p.StdinSocket = raw.Flags&fStdinSock != 0
		p.StdoutSocket = raw.Flags&fStdoutSock != 0
		p.TTY = raw.Flags&fTTY != 0
		p.ExeFromMemfd = raw.Flags&fMemfd != 0
		p.ExeUpperLayer = raw.Flags&fUpper != 0
		r.UpperKnown = raw.Flags&fOverlay != 0
		if p.ExeFromMemfd {
			p.Exe = bstr(raw.Str1[:], raw.Len1)
		}
		e.File = &event.File{Path: p.Exe}
	case event.Fork:
		e.Target = &event.Process{PID: int32(raw.Arg[0]), VPID: int32(raw.Arg[2]), PPID: p.PID, Comm: p.Comm, CgroupID: p.CgroupID}
	case event.Exit:
		e.Ret = int64(raw.Arg[0])
	case event.Open:
		e.File = &event.File{Path: bstr(raw.Str0[:], raw.Len0), Flags: uint32(raw.Arg[0]), Write: raw.Flags&fWrite != 0}
		if r.Relative && raw.Len1&0x100 == 0 {
			p.Cwd = cwdFrom(raw.Str1[:], int(raw.Len1&0xff))
		}
	case event.Connect:
		e.Net = sockaddr(uint16(raw.Arg[0]), uint16(raw.Arg[1]), raw.Addr, bstr(raw.Str0[:], raw.Len0))
		if e.Net != nil && e.Net.Family != "unix" {
			e.Net.Proto = "tcp"
		}
	case event.Accept, event.Listen:
		e.Net = sockaddr(uint16(raw.Arg[0]), uint16(raw.Arg[1]), raw.Addr, "")
		if e.Net != nil {
			e.Net.Proto = proto(raw.Arg[2])
		}
		if e.Kind == event.Accept {
			e.Ret = raw.Ret
		}
	case event.SetUID:
		e.Cred = &event.Cred{UID: int64(int32(raw.Arg[0])), GID: -1}
		if id != nrSetuid {
			e.Op = "setresuid"
		}
	case event.SetGID:
		e.Cred = &event.Cred{UID: -1, GID: int64(int32(raw.Arg[0]))}
		if id != nrSetgid {
			e.Op = "setresgid"
		}
	case event.CapSet:
		e.Cred = &event.Cred{UID: -1, GID: -1, Caps: raw.Arg[0]}
	case event.Mount:
		e.Mount = &event.MountInfo{Source: bstr(raw.Str0[:], raw.Len0), Target: bstr(raw.Str1[:], raw.Len1),
			FSType: bstr(raw.Argv[:], raw.ArgvLen), Flags: raw.Arg[0]}
	case event.Umount:
		e.Mount = &event.MountInfo{Target: bstr(raw.Str1[:], raw.Len1), Flags: raw.Arg[1]}
	case event.Ptrace:
		e.Op = ptraceOp(raw.Arg[0])
		// The pid is as the tracer's pid namespace numbers it; the
		// pipeline finds the host's.
		e.Target = &event.Process{VPID: int32(raw.Arg[1])}
	case event.SetNS:
		e.NSFlags = nsNames(raw.Arg[1])
	case event.Unshare:
		e.NSFlags = nsNames(raw.Arg[0])
		switch id {
		case nrClone:
			e.Op = "clone"
		case nrClone3:
			e.Op = "clone3"
		case nrUnshare:
			e.Op = "unshare"
		}
	case event.ModuleLoad:
		e.Op = "init_module"
		if id == nrFinitModule {
			e.Op = "finit_module"
			e.File = &event.File{Path: bstr(raw.Str0[:], raw.Len0)}
		}
	case event.MemfdCreate:
		e.File = &event.File{Path: "memfd:" + bstr(raw.Str0[:], raw.Len0)}
	case event.BPF:
		e.Op = bpfCmd(raw.Arg[0])
	}
}

// cwdFrom joins the working directory's components, which the programs
// write innermost first in 32-byte slots.
func cwdFrom(b []int8, n int) string {
	const comp = 32
	if n > len(b)/comp {
		n = len(b) / comp
	}
	parts := make([]string, 0, n)
	for i := n - 1; i >= 0; i-- {
		parts = append(parts, cstr(b[i*comp:(i+1)*comp]))
	}
	return "/" + strings.Join(parts, "/")
}

func splitArgs(b []int8, n uint16) []string {
	if int(n) > len(b) {
		n = uint16(len(b))
	}
	s := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), int(n))
	s = bytes.TrimRight(s, "\x00")
	if len(s) == 0 {
		return nil
	}
	parts := bytes.Split(s, []byte{0})
	out := make([]string, len(parts))
	for i, x := range parts {
		out[i] = string(x)
	}
	return out
}

func sockaddr(fam, port uint16, addr [16]uint8, path string) *event.Net {
	switch fam {
	case 2:
		return &event.Net{Family: "inet", Addr: netip.AddrFrom4([4]byte(addr[:4])), Port: port}
	case 10:
		return &event.Net{Family: "inet6", Addr: netip.AddrFrom16(addr), Port: port}
	case 1:
		return &event.Net{Family: "unix", Path: path}
	}
	return nil
}

func proto(p uint64) string {
	switch p {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 0:
		return ""
	}
	return strconv.FormatUint(p, 10)
}

var nsFlagNames = []struct {
	bit  uint64
	name string
}{
	{0x00020000, "mnt"}, {0x20000000, "pid"}, {0x40000000, "net"}, {0x04000000, "uts"},
	{0x08000000, "ipc"}, {0x10000000, "user"}, {0x02000000, "cgroup"}, {0x00000080, "time"},
}

func nsNames(flags uint64) []string {
	out := []string{}
	for _, f := range nsFlagNames {
		if flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func ptraceOp(req uint64) string {
	switch req {
	case 16:
		return "attach"
	case 0x4206:
		return "seize"
	case 4:
		return "poketext"
	case 5:
		return "pokedata"
	case 6:
		return "pokeuser"
	case 13:
		return "setregs"
	}
	return "ptrace " + strconv.FormatUint(req, 10)
}

var bpfCmds = []string{"map_create", "map_lookup_elem", "map_update_elem", "map_delete_elem", "map_get_next_key",
	"prog_load", "obj_pin", "obj_get", "prog_attach", "prog_detach", "prog_test_run", "prog_get_next_id",
	"map_get_next_id", "prog_get_fd_by_id", "map_get_fd_by_id", "obj_get_info_by_fd", "prog_query",
	"raw_tracepoint_open", "btf_load", "btf_get_fd_by_id", "task_fd_query", "map_lookup_and_delete_elem",
	"map_freeze", "btf_get_next_id", "map_lookup_batch", "map_lookup_and_delete_batch", "map_update_batch",
	"map_delete_batch", "link_create", "link_update", "link_get_fd_by_id", "link_get_next_id", "enable_stats",
	"iter_create", "link_detach", "prog_bind_map", "token_create"}

func bpfCmd(c uint64) string {
	if c < uint64(len(bpfCmds)) {
		return bpfCmds[c]
	}
	return "cmd " + strconv.FormatUint(c, 10)
}
