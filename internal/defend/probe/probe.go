// Package probe finds out what this kernel lets `bulwark defend` use, by
// actually loading and attaching a minimal program of each kind (a feature
// can be compiled in and still be refused, as fentry and BPF LSM programs
// are on hardened kernels), and picks the agent's mode from the answers.
//
// # Data flow
//
//	each Check: load (and attach, then detach) a two-instruction program,
//	open a fanotify group, subscribe to the proc connector
//	  → Result{Name, OK, Detail}
//	  → Mode: "ebpf" (BTF tracepoints + ring buffer), else "proc" (proc
//	    connector + fanotify, with what it cannot see), else none.
package probe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/procmon"
)

// Result is one capability.
type Result struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"` // the error, or what was loaded
}

// Modes the agent can run in.
const (
	ModeEBPF = "ebpf" // tp_btf programs, ring buffer, kill in the kernel
	ModeProc = "proc" // proc connector + fanotify
	ModeNone = "none"
)

// Report is what probe found.
type Report struct {
	Kernel  string   `json:"kernel"`
	Checks  []Result `json:"checks"`
	Mode    string   `json:"mode"`
	Why     string   `json:"why"`
	Blind   []string `json:"blind,omitempty"` // what the chosen mode cannot see or do
	Enforce []string `json:"enforce,omitempty"`
}

// OK reports whether a named check passed.
func (r *Report) OK(name string) bool {
	for _, c := range r.Checks {
		if c.Name == name {
			return c.OK
		}
	}
	return false
}

// Reason says why a named capability is missing, for tests that skip.
func (r *Report) Reason(name string) string {
	for _, c := range r.Checks {
		if c.Name == name {
			if c.OK {
				return ""
			}
			return name + ": " + c.Detail
		}
	}
	return name + ": not probed"
}

// Check names.
const (
	BTF          = "btf"
	Tracepoint   = "tracepoint"
	RawTP        = "raw_tracepoint"
	BTFTP        = "btf_tracepoint"
	Fentry       = "fentry"
	LSM          = "bpf_lsm"
	Kprobe       = "kprobe"
	RingBuf      = "ringbuf"
	SendSignal   = "bpf_send_signal"
	CgroupSock   = "cgroup_connect"
	Fanotify     = "fanotify"
	FanotifyPerm = "fanotify_exec_perm"
	ProcConn     = "proc_connector"
)

// Run probes everything and picks the mode.
func Run(ctx context.Context) *Report {
	var u unix.Utsname
	unix.Uname(&u)
	r := &Report{Kernel: unix.ByteSliceToString(u.Release[:])}
	add := func(name string, err error, ok string) {
		res := Result{Name: name, OK: err == nil, Detail: ok}
		if err != nil {
			res.Detail = err.Error()
		}
		r.Checks = append(r.Checks, res)
	}
	_, err := btf.LoadKernelSpec()
	add(BTF, err, "/sys/kernel/btf/vmlinux")
	add(Tracepoint, tracepoint(), "syscalls/sys_enter_getpid attached")
	add(RawTP, rawTracepoint(), "sched_process_exec attached")
	add(BTFTP, tracing(ebpf.AttachTraceRawTp, "sched_process_exec", true), "tp_btf/sched_process_exec attached")
	add(Fentry, tracing(ebpf.AttachTraceFEntry, "do_unlinkat", true), "fentry/do_unlinkat attached")
	add(LSM, lsm(), "lsm/bprm_check_security attached")
	add(Kprobe, kprobe(), "kprobe/do_unlinkat attached")
	add(RingBuf, features.HaveMapType(ebpf.RingBuf), "BPF_MAP_TYPE_RINGBUF created")
	add(SendSignal, sendSignal(), "tp_btf program calling bpf_send_signal loaded")
	add(CgroupSock, cgroupConnect(), "cgroup/connect4 attached to the cgroup v2 root")
	add(Fanotify, fanotify(0), "notification group created")
	add(FanotifyPerm, fanotify(unix.FAN_OPEN_EXEC_PERM), "FAN_OPEN_EXEC_PERM mark placed")
	add(ProcConn, procmon.Probe(), "subscribed to process events")

	switch {
	case runtime.GOARCH != "amd64":
		r.Why = "the eBPF programs are built for amd64 only"
	case !r.OK(BTF) || !r.OK(BTFTP) || !r.OK(RingBuf):
		r.Why = "eBPF needs " + missing(r, BTF, BTFTP, RingBuf)
	default:
		r.Mode = ModeEBPF
		r.Why = "BTF tracepoints and the ring buffer load; programs are CO-RE against the kernel's BTF"
		if r.OK(SendSignal) {
			r.Enforce = append(r.Enforce, "kill in the kernel (bpf_send_signal) for kernel-checkable rules")
		} else {
			r.Blind = append(r.Blind, "no kill in the kernel ("+r.Reason(SendSignal)+"): kills come from user space")
		}
	}
	if r.Mode == "" {
		if r.OK(ProcConn) {
			r.Mode = ModeProc
			r.Why += "; falling back to the proc connector and fanotify"
			r.Blind = append(r.Blind,
				"no argv before the process can change it, no parent at exec time (read from /proc, racy)",
				"no connect/accept/listen, mount, ptrace attach, setns/unshare, module load, memfd_create or bpf() events",
				"no kill in the kernel: kills come from user space after the fact")
			if r.OK(Fanotify) {
				r.Blind = append(r.Blind, "opens only on container root filesystems marked with fanotify (no path for reads of special files)")
			} else {
				r.Blind = append(r.Blind, "no file opens ("+r.Reason(Fanotify)+")")
			}
		} else {
			r.Mode = ModeNone
			r.Why += "; the proc connector is not available either (" + r.Reason(ProcConn) + ")"
		}
	}
	if r.OK(FanotifyPerm) {
		r.Enforce = append(r.Enforce, "deny exec (EPERM) per container with fanotify permission events")
	} else {
		r.Blind = append(r.Blind, "no exec denial ("+r.Reason(FanotifyPerm)+")")
	}
	if r.Mode == ModeEBPF && r.OK(CgroupSock) {
		r.Enforce = append(r.Enforce, "deny connections (EPERM) per container with cgroup connect programs")
	} else if r.Mode == ModeEBPF {
		r.Blind = append(r.Blind, "no connection denial ("+r.Reason(CgroupSock)+")")
	}
	return r
}

func missing(r *Report, names ...string) string {
	var out []string
	for _, n := range names {
		if !r.OK(n) {
			out = append(out, r.Reason(n))
		}
	}
	return fmt.Sprint(out)
}

// ret0 is a program that returns 0.
var ret0 = asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}

func load(spec *ebpf.ProgramSpec) (*ebpf.Program, error) {
	if spec.Instructions == nil {
		spec.Instructions = ret0
	}
	if spec.License == "" {
		spec.License = "GPL"
	}
	p, err := ebpf.NewProgram(spec)
	if err != nil {
		// cilium/ebpf suggests MEMLOCK on any EPERM; on kernels that
		// account BPF memory to cgroups the refusal is the kernel's policy.
		msg, _, _ := strings.Cut(err.Error(), " (MEMLOCK may be too low")
		return nil, fmt.Errorf("load: %s", msg)
	}
	return p, nil
}

func attachClose(l link.Link, err error) error {
	if err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	return l.Close()
}

func tracepoint() error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.TracePoint})
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := os.Stat("/sys/kernel/tracing/events"); err != nil {
		if _, err2 := os.Stat("/sys/kernel/debug/tracing/events"); err2 != nil {
			return fmt.Errorf("loads, but tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)")
		}
	}
	return attachClose(link.Tracepoint("syscalls", "sys_enter_getpid", p, nil))
}

// sendSignal loads a BTF tracepoint program that calls bpf_send_signal(0)
// (signal 0: checks only), as the sensor's kill does.
func sendSignal() error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp, AttachTo: "sched_process_exec",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R1, 0), asm.FnSendSignal.Call(), asm.Mov.Imm(asm.R0, 0), asm.Return()}})
	if err != nil {
		return err
	}
	return p.Close()
}

func rawTracepoint() error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.RawTracepoint})
	if err != nil {
		return err
	}
	defer p.Close()
	return attachClose(link.AttachRawTracepoint(link.RawTracepointOptions{Name: "sched_process_exec", Program: p}))
}

func tracing(at ebpf.AttachType, to string, attach bool) error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: at, AttachTo: to})
	if err != nil {
		return err
	}
	defer p.Close()
	if !attach {
		return nil
	}
	return attachClose(link.AttachTracing(link.TracingOptions{Program: p}))
}

func lsm() error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.LSM, AttachType: ebpf.AttachLSMMac, AttachTo: "bprm_check_security"})
	if err != nil {
		return err
	}
	defer p.Close()
	return attachClose(link.AttachLSM(link.LSMOptions{Program: p}))
}

func kprobe() error {
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.Kprobe})
	if err != nil {
		return err
	}
	defer p.Close()
	return attachClose(link.Kprobe("do_unlinkat", p, nil))
}

// CgroupV2Root is the unified hierarchy's mount point ("" when none).
func CgroupV2Root() string {
	for _, d := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		if _, err := os.Stat(filepath.Join(d, "cgroup.controllers")); err == nil {
			return d
		}
	}
	return ""
}

func cgroupConnect() error {
	root := CgroupV2Root()
	if root == "" {
		return errors.New("no cgroup v2 hierarchy mounted")
	}
	p, err := load(&ebpf.ProgramSpec{Type: ebpf.CGroupSockAddr, AttachType: ebpf.AttachCGroupInet4Connect,
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 1), asm.Return()}})
	if err != nil {
		return err
	}
	defer p.Close()
	return attachClose(link.AttachCgroup(link.CgroupOptions{Path: root, Attach: ebpf.AttachCGroupInet4Connect, Program: p}))
}

func fanotify(mask uint64) error {
	class := uint(unix.FAN_CLASS_NOTIF)
	if mask&unix.FAN_OPEN_EXEC_PERM != 0 {
		class = unix.FAN_CLASS_CONTENT
	}
	fd, err := unix.FanotifyInit(class|unix.FAN_CLOEXEC, unix.O_RDONLY)
	if err != nil {
		return fmt.Errorf("fanotify_init: %w", err)
	}
	defer unix.Close(fd)
	if mask == 0 {
		mask = unix.FAN_OPEN
	}
	dir, err := os.MkdirTemp("", "bulwark-probe-")
	if err != nil {
		return err
	}
	defer os.Remove(dir)
	if err := unix.FanotifyMark(fd, unix.FAN_MARK_ADD, mask, unix.AT_FDCWD, dir); err != nil {
		return fmt.Errorf("fanotify_mark: %w", err)
	}
	return nil
}
