// Package procmon is the sensor of `bulwark defend` when eBPF is not
// available: the kernel's netlink proc connector reports fork, exec, exit,
// uid/gid changes and ptrace attach; the rest of each event (argv,
// executable, cgroup) is read from /proc right after, which is racy for
// short-lived processes. It sees no network, mount, namespace, module,
// memfd or bpf() activity, and cannot kill in the kernel; probe says so.
//
// # Data flow
//
//	NETLINK_CONNECTOR socket, group CN_IDX_PROC, PROC_CN_MCAST_LISTEN
//	  → proc_event records (what, pids)
//	  → /proc/PID/{cmdline,exe,comm,status,cgroup} → sensor.Record
//
// The proc connector has no library in the Go ecosystem this project
// depends on; its wire format is four fixed structs, decoded here.
package procmon

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

const (
	cnIdxProc         = 1
	cnValProc         = 1
	procCnMcastListen = 1
	procCnMcastIgnore = 2

	evFork   = 0x00000001
	evExec   = 0x00000002
	evUID    = 0x00000004
	evGID    = 0x00000040
	evPtrace = 0x00000100
	evExit   = 0x80000000
)

// CgroupIDFunc maps a /proc/PID/cgroup text to the cgroup id and name the
// attribution table knows (the layout decides which line counts).
type CgroupIDFunc func(procCgroup []byte) (id uint64, name string)

// Sensor reads the proc connector.
type Sensor struct {
	fd     int
	cgroup CgroupIDFunc
}

func open() (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_CONNECTOR)
	if err != nil {
		return -1, fmt.Errorf("procmon: netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc, Pid: 0}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("procmon: binding to the proc connector: %w", err)
	}
	if err := control(fd, procCnMcastListen); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// control sends a PROC_CN_MCAST_* operation.
func control(fd int, op uint32) error {
	var b bytes.Buffer
	// nlmsghdr (16) + cn_msg (20) + op (4)
	binary.Write(&b, binary.NativeEndian, unix.NlMsghdr{Len: 16 + 20 + 4, Type: unix.NLMSG_DONE, Pid: uint32(os.Getpid())})
	binary.Write(&b, binary.NativeEndian, struct {
		Idx, Val, Seq, Ack uint32
		Len, Flags         uint16
	}{cnIdxProc, cnValProc, 0, 0, 4, 0})
	binary.Write(&b, binary.NativeEndian, op)
	if err := unix.Sendto(fd, b.Bytes(), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("procmon: subscribing to the proc connector: %w", err)
	}
	return nil
}

// Probe subscribes and unsubscribes, to tell whether the proc connector
// works here.
func Probe() error {
	fd, err := open()
	if err != nil {
		return err
	}
	control(fd, procCnMcastIgnore)
	return unix.Close(fd)
}

// Open subscribes to process events.
func Open(cg CgroupIDFunc) (*Sensor, error) {
	fd, err := open()
	if err != nil {
		return nil, err
	}
	// Wake up periodically to notice a cancelled context.
	tv := unix.Timeval{Usec: 200000}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 8<<20)
	return &Sensor{fd: fd, cgroup: cg}, nil
}

// Close unsubscribes.
func (s *Sensor) Close() error {
	control(s.fd, procCnMcastIgnore)
	return unix.Close(s.fd)
}

// Run reads events until ctx ends.
func (s *Sensor) Run(ctx context.Context, emit func(*sensor.Record)) error {
	buf := make([]byte, 1<<16)
	var r sensor.Record
	for ctx.Err() == nil {
		n, _, err := unix.Recvfrom(s.fd, buf, 0)
		if err != nil {
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			if errors.Is(err, syscall.ENOBUFS) {
				continue // overrun: the kernel dropped events
			}
			return fmt.Errorf("procmon: reading: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			continue
		}
		for _, m := range msgs {
			if s.decode(m.Data, &r) {
				emit(&r)
			}
		}
	}
	return nil
}

// decode turns one cn_msg + proc_event into a record; false to skip.
func (s *Sensor) decode(b []byte, r *sensor.Record) bool {
	const cnHdr = 20
	if len(b) < cnHdr+16+8 {
		return false
	}
	ev := b[cnHdr:]
	what := binary.NativeEndian.Uint32(ev[0:])
	ts := binary.NativeEndian.Uint64(ev[8:])
	d := ev[16:]
	u32 := func(i int) uint32 {
		if len(d) < i*4+4 {
			return 0
		}
		return binary.NativeEndian.Uint32(d[i*4:])
	}
	*r = sensor.Record{Boot: 0}
	e := &r.Event
	e.Time = time.Now()
	_ = ts
	var pid uint32
	switch what {
	case evFork:
		if u32(2) != u32(3) {
			return false // a thread
		}
		e.Kind = event.Fork
		pid = u32(1)
		e.Target = &event.Process{PID: int32(u32(3)), PPID: int32(pid)}
	case evExec:
		e.Kind = event.Exec
		pid = u32(1)
	case evUID:
		e.Kind = event.SetUID
		pid = u32(1)
		e.Cred = &event.Cred{UID: int64(u32(3)), GID: -1}
	case evGID:
		e.Kind = event.SetGID
		pid = u32(1)
		e.Cred = &event.Cred{UID: -1, GID: int64(u32(3))}
	case evPtrace:
		if u32(3) == 0 {
			return false // detach
		}
		e.Kind = event.Ptrace
		e.Op = "attach"
		pid = u32(3)
		e.Target = &event.Process{PID: int32(u32(1))}
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(int(u32(1))) + "/comm"); err == nil {
			e.Target.Comm = strings.TrimSpace(string(b))
		}
	case evExit:
		if u32(0) != u32(1) {
			return false
		}
		e.Kind = event.Exit
		pid = u32(1)
		e.Ret = int64(u32(2))
	default:
		return false
	}
	p := &e.Process
	p.PID, p.TID = int32(pid), int32(pid)
	dir := "/proc/" + strconv.Itoa(int(pid))
	cg, err := os.ReadFile(dir + "/cgroup")
	if err != nil {
		return false // gone already
	}
	p.CgroupID, r.CgroupName = s.cgroup(cg)
	if p.CgroupID == 0 {
		return false
	}
	readStatus(dir, p)
	if e.Kind == event.Exec {
		p.Exe, _ = os.Readlink(dir + "/exe")
		p.ExeFromMemfd = strings.HasPrefix(p.Exe, "/memfd:")
		p.Exe = strings.TrimSuffix(p.Exe, " (deleted)")
		if b, err := os.ReadFile(dir + "/cmdline"); err == nil {
			b = bytes.TrimRight(b, "\x00")
			if len(b) > 0 {
				p.Args = strings.Split(string(b), "\x00")
			}
		}
		p.StdinSocket = isSocket(dir + "/fd/0")
		p.StdoutSocket = isSocket(dir + "/fd/1")
		e.File = &event.File{Path: p.Exe}
	}
	r.Unknown = true
	return true
}

func isSocket(fd string) bool {
	l, err := os.Readlink(fd)
	return err == nil && strings.HasPrefix(l, "socket:")
}

// readStatus fills names and ids from /proc/PID/status.
func readStatus(dir string, p *event.Process) {
	b, err := os.ReadFile(dir + "/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "Name":
			p.Comm = f[0]
		case "PPid":
			n, _ := strconv.Atoi(f[0])
			p.PPID = int32(n)
		case "Uid":
			if len(f) >= 2 {
				u, _ := strconv.ParseUint(f[0], 10, 32)
				eu, _ := strconv.ParseUint(f[1], 10, 32)
				p.UID, p.EUID = uint32(u), uint32(eu)
			}
		case "Gid":
			g, _ := strconv.ParseUint(f[0], 10, 32)
			p.GID = uint32(g)
		case "CapEff":
			c, _ := strconv.ParseUint(f[0], 16, 64)
			p.CapEffective = c
		}
	}
}
