// Package kernel is the eBPF sensor of `bulwark defend`: it loads the
// programs of bpf/sensor.bpf.c (compiled by bpf2go, CO-RE against the
// running kernel's BTF), attaches them to BTF tracepoints and to one
// tracepoint per system call the rules can select, and turns the ring
// buffer's records into events.
//
// # Data flow
//
//	sched_process_exec/fork/exit (tp_btf), syscalls/sys_enter_NAME (tracepoint;
//	only the calls of [Options.Syscalls]; without tracefs the generic tp_btf sys_enter)
//	  → is the task's cgroup a watched container? (hash map; host processes stop here)
//	  → enforcement predicates (LPM trie: kind + path prefix or name) → SIGKILL in the kernel
//	  → ring buffer record → [Sensor.Run] decodes it into an [event.Event]
//
// User space tells the programs which cgroups are containers ([Sensor.Watch]),
// which cgroups are the engine's parents (children of those are reported even
// before user space knows them, flagged Unknown, so short-lived containers are
// seen), which predicates to enforce ([Sensor.SetPredicates]) and which
// connections to refuse ([Sensor.DenyConnect], cgroup connect programs).
package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

// Options configure the programs before they are loaded.
type Options struct {
	// CgroupSubsys is the index of the cgroup v1 controller whose cgroup
	// identifies a container (enum cgroup_subsys_id, see [SubsysIndex]), or
	// -1 to use the cgroup v2 (unified) cgroup.
	CgroupSubsys int
	// EnforceNew applies kill predicates to processes of the engine's
	// containers that user space has not registered yet.
	EnforceNew bool
	// RingBytes is the ring buffer's size (a power of two; default 8 MiB:
	// about 30,000 open records, 1.5 s of a 20,000 events/s burst; its
	// pages count in the agent's RSS once written).
	RingBytes uint32
	// Syscalls are the event kinds seen at a system call's entry (open,
	// connect, setuid, …) that the rules can select; nil means all. Only
	// their system calls get a program: every other call, in containers
	// and on the host, runs none.
	Syscalls []event.Kind
	// Generic attaches the one sys_enter BTF tracepoint program instead of
	// the per-system-call tracepoints (which need tracefs). It runs for
	// every system call of every task; Open falls back to it by itself
	// when tracefs cannot be found or mounted.
	Generic bool
	// AgentPID is the process whose own acts are never reported (0: the
	// calling process; -1: none, for measuring the programs from a test).
	AgentPID int
}

// syscallProgs are the per-system-call programs of each kind (their
// tracepoints are syscalls/sys_enter_NAME for program sys_NAME).
var syscallProgs = map[event.Kind][]string{
	event.Open:        {"open", "creat", "openat", "openat2"},
	event.Connect:     {"connect"},
	event.Listen:      {"listen"},
	event.Accept:      {"accept", "accept4"},
	event.SetUID:      {"setuid", "setreuid", "setresuid"},
	event.SetGID:      {"setgid", "setregid", "setresgid"},
	event.CapSet:      {"capset"},
	event.Mount:       {"mount"},
	event.Umount:      {"umount"},
	event.Ptrace:      {"ptrace"},
	event.SetNS:       {"setns"},
	event.Unshare:     {"unshare", "clone", "clone3"},
	event.ModuleLoad:  {"init_module", "finit_module"},
	event.MemfdCreate: {"memfd_create"},
	event.BPF:         {"bpf"},
}

// Sensor is the loaded and attached eBPF sensor.
type Sensor struct {
	objs   sensorMaps
	progs  map[string]*ebpf.Program // by program name
	hook   string                   // how system calls are seen (see [Sensor.SyscallHook])
	links  []link.Link
	rg     *ring
	boot   time.Duration // wall clock minus CLOCK_BOOTTIME at load
	connMu sync.Mutex
	conn   []link.Link

	predMu sync.Mutex
	preds  []predEntry
	rules  []string // predicate rule numbers → rule ids (index 0 unused)
}

// Open loads the programs, attaches them and opens the ring buffer. It
// needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN.
func Open(opts Options) (*Sensor, error) {
	if runtime.GOARCH != "amd64" {
		return nil, fmt.Errorf("kernel: the eBPF sensor is built for amd64, not %s", runtime.GOARCH)
	}
	spec, err := loadSensor()
	if err != nil {
		return nil, fmt.Errorf("kernel: reading the eBPF objects: %w", err)
	}
	spec.Maps["events"].MaxEntries = 8 << 20
	if opts.RingBytes != 0 {
		spec.Maps["events"].MaxEntries = opts.RingBytes
	}
	sub := int32(opts.CgroupSubsys)
	enforce := uint32(0)
	if opts.EnforceNew {
		enforce = 1
	}
	self := uint32(os.Getpid())
	if opts.AgentPID != 0 {
		self = uint32(opts.AgentPID)
	}
	for name, v := range map[string]any{"cg_subsys": sub, "agent_tgid": self, "enforce_new": enforce} {
		if err := spec.Variables[name].Set(v); err != nil {
			return nil, fmt.Errorf("kernel: setting %s: %w", name, err)
		}
	}
	s := &Sensor{rules: []string{""}, progs: map[string]*ebpf.Program{}}
	// Which system-call programs to load: the per-call tracepoints of the
	// selected kinds (those that exist on this kernel), or the generic one.
	generic := opts.Generic || !tracefsReady()
	want := map[string]bool{"on_exec": true, "on_fork": true, "on_exit": true, "deny_connect4": true, "deny_connect6": true}
	if generic {
		want["on_sys_enter"] = true
		s.hook = "sys_enter BTF tracepoint (every system call; tracefs not available)"
	} else {
		ks := opts.Syscalls
		if ks == nil {
			ks = event.Kinds
		}
		var names []string
		for _, k := range ks {
			for _, n := range syscallProgs[k] {
				if syscallExists(n) {
					want["sys_"+n] = true
					names = append(names, n)
				}
			}
		}
		slices.Sort(names)
		s.hook = fmt.Sprintf("tracepoints on %d system calls (%s)", len(names), strings.Join(names, " "))
	}
	for name := range spec.Programs {
		if !want[name] {
			delete(spec.Programs, name)
		}
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("kernel: loading the eBPF programs: %+v", ve)
		}
		return nil, fmt.Errorf("kernel: loading the eBPF programs: %w", err)
	}
	defer coll.Close()
	if err := coll.Assign(&s.objs); err != nil {
		return nil, fmt.Errorf("kernel: loading the eBPF maps: %w", err)
	}
	for name := range coll.Programs {
		s.progs[name] = coll.DetachProgram(name)
	}
	for _, name := range []string{"on_exec", "on_fork", "on_exit", "on_sys_enter"} {
		if p := s.progs[name]; p != nil {
			l, err := link.AttachTracing(link.TracingOptions{Program: p})
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("kernel: attaching %s: %w", name, err)
			}
			s.links = append(s.links, l)
		}
	}
	for name, p := range s.progs {
		call, ok := strings.CutPrefix(name, "sys_")
		if !ok {
			continue
		}
		l, err := link.Tracepoint("syscalls", "sys_enter_"+call, p, nil)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("kernel: attaching %s: %w", name, err)
		}
		s.links = append(s.links, l)
	}
	s.rg, err = openRing(s.objs.Events)
	if err != nil {
		s.Close()
		return nil, err
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err == nil {
		s.boot = time.Duration(time.Now().UnixNano() - ts.Nano())
	}
	return s, nil
}

// Close detaches the programs and frees the maps.
func (s *Sensor) Close() error {
	var errs []error
	errs = append(errs, s.rg.close())
	for _, l := range append(s.links, s.conn...) {
		errs = append(errs, l.Close())
	}
	for _, p := range s.progs {
		errs = append(errs, p.Close())
	}
	errs = append(errs, s.objs.Close())
	return errors.Join(errs...)
}

// Run reads records until ctx ends, calling emit for each (from this
// goroutine; emit must not keep r).
//
// The reader waits for the ring buffer in Go's network poller, not in a
// blocking epoll_wait of its own (ringbuf.Reader's): a thread blocked in
// a system call keeps its P busy, so the runtime's monitor thread never
// goes to its long sleep and wakes every 20 µs–10 ms for as long as the
// agent runs; on a busy container host that was most of the agent's CPU.
// Parked in the poller, the reader leaves every P idle between batches.
// (It no longer keeps a thread of its own at a raised priority: handing a
// locked goroutine from the poller's thread to its own cost two thread
// wakeups per batch, more than the priority bought on a quiet host.)
func (s *Sensor) Run(ctx context.Context, emit func(r *sensor.Record)) error {
	// A duplicate of the map's descriptor, non-blocking, so os.NewFile
	// registers it with the poller (readable: the ring has records).
	fd, err := unix.FcntlInt(uintptr(s.objs.Events.FD()), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("kernel: duplicating the ring buffer's descriptor: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return fmt.Errorf("kernel: duplicating the ring buffer's descriptor: %w", err)
	}
	ring := os.NewFile(uintptr(fd), "ringbuf")
	defer ring.Close()
	rc, err := ring.SyscallConn()
	if err != nil {
		return fmt.Errorf("kernel: polling the ring buffer: %w", err)
	}
	// Forks and exits are submitted without a wakeup; they are drained by
	// the next record that wakes the reader, or by this poll, which also
	// looks at ctx.
	const poll = 50 * time.Millisecond
	var raw sensorEvent
	var r sensor.Record
	handle := func(sample []byte) {
		raw = sensorEvent{}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&raw)), unsafe.Sizeof(raw)), sample)
		s.decode(&raw, &r)
		emit(&r)
	}
	for {
		for s.rg.next(handle) > 0 {
		}
		if ctx.Err() != nil {
			return nil
		}
		ring.SetReadDeadline(time.Now().Add(poll))
		err := rc.Read(func(uintptr) bool { return s.rg.ready() })
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("kernel: polling the ring buffer: %w", err)
		}
	}
}

// SyscallHook says how system calls are seen: the per-call tracepoints
// attached, or the generic sys_enter program.
func (s *Sensor) SyscallHook() string { return s.hook }

// tracefsDirs are where tracefs is looked for (as cilium/ebpf's
// link.Tracepoint does).
var tracefsDirs = []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}

// tracefsReady reports whether the syscall tracepoints can be attached,
// mounting tracefs at /sys/kernel/tracing when nothing is mounted there
// (the agent holds CAP_SYS_ADMIN for its programs anyway).
func tracefsReady() bool {
	for _, d := range tracefsDirs {
		if _, err := os.Stat(filepath.Join(d, "events", "syscalls")); err == nil {
			return true
		}
	}
	if err := unix.Mount("nodev", tracefsDirs[0], "tracefs", 0, ""); err != nil {
		return false
	}
	_, err := os.Stat(filepath.Join(tracefsDirs[0], "events", "syscalls"))
	return err == nil
}

// syscallExists reports whether this kernel has the system call's
// tracepoint (module loading is compiled out of some).
func syscallExists(name string) bool {
	for _, d := range tracefsDirs {
		if _, err := os.Stat(filepath.Join(d, "events", "syscalls", "sys_enter_"+name)); err == nil {
			return true
		}
	}
	return false
}

// RingUsage reports the bytes waiting in the ring buffer and its size.
func (s *Sensor) RingUsage() (pending, size int) {
	return s.rg.pending(), s.rg.size()
}

// SubsysIndex returns the kernel's index of a cgroup v1 controller
// ("memory", "pids", …) from its BTF (enum cgroup_subsys_id).
func SubsysIndex(controller string) (int, error) {
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return 0, fmt.Errorf("kernel: reading the kernel's BTF: %w", err)
	}
	var enum *btf.Enum
	if err := spec.TypeByName("cgroup_subsys_id", &enum); err != nil {
		return 0, fmt.Errorf("kernel: finding enum cgroup_subsys_id: %w", err)
	}
	for _, v := range enum.Values {
		if v.Name == controller+"_cgrp_id" {
			return int(v.Value), nil
		}
	}
	return 0, fmt.Errorf("kernel: no cgroup controller %q in this kernel", controller)
}
