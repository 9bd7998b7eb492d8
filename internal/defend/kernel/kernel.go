// Package kernel is the eBPF sensor of `bulwark defend`: it loads the
// programs of bpf/sensor.bpf.c (compiled by bpf2go, CO-RE against the
// running kernel's BTF), attaches them to BTF tracepoints, and turns the
// ring buffer's records into events.
//
// # Data flow
//
//	sched_process_exec/fork/exit, sys_enter (tp_btf)
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
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"

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
	// pages count twice in the agent's RSS, mapped for wrap-around).
	RingBytes uint32
}

// Sensor is the loaded and attached eBPF sensor.
type Sensor struct {
	objs   sensorObjects
	links  []link.Link
	rd     *ringbuf.Reader
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
	for name, v := range map[string]any{"cg_subsys": sub, "agent_tgid": uint32(os.Getpid()), "enforce_new": enforce} {
		if err := spec.Variables[name].Set(v); err != nil {
			return nil, fmt.Errorf("kernel: setting %s: %w", name, err)
		}
	}
	s := &Sensor{rules: []string{""}}
	if err := spec.LoadAndAssign(&s.objs, nil); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("kernel: loading the eBPF programs: %+v", ve)
		}
		return nil, fmt.Errorf("kernel: loading the eBPF programs: %w", err)
	}
	for _, p := range []*ebpf.Program{s.objs.OnExec, s.objs.OnFork, s.objs.OnExit, s.objs.OnSysEnter} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("kernel: attaching %s: %w", p, err)
		}
		s.links = append(s.links, l)
	}
	s.rd, err = ringbuf.NewReader(s.objs.Events)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("kernel: opening the ring buffer: %w", err)
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
	if s.rd != nil {
		errs = append(errs, s.rd.Close())
	}
	for _, l := range append(s.links, s.conn...) {
		errs = append(errs, l.Close())
	}
	errs = append(errs, s.objs.Close())
	return errors.Join(errs...)
}

// Run reads records until ctx ends, calling emit for each (from this
// goroutine; emit must not keep r).
func (s *Sensor) Run(ctx context.Context, emit func(r *sensor.Record)) error {
	// A blocked read does not notice a new deadline, so the reader wakes
	// up every poll interval to look at ctx.
	const poll = 200 * time.Millisecond
	s.rd.SetDeadline(time.Now().Add(poll))
	var rec ringbuf.Record
	var raw sensorEvent
	var r sensor.Record
	for {
		if err := s.rd.ReadInto(&rec); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				s.rd.SetDeadline(time.Now().Add(poll))
				continue
			}
			return fmt.Errorf("kernel: reading the ring buffer: %w", err)
		}
		raw = sensorEvent{}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&raw)), unsafe.Sizeof(raw)), rec.RawSample)
		s.decode(&raw, &r)
		emit(&r)
	}
}

// RingUsage reports the bytes waiting in the ring buffer and its size.
func (s *Sensor) RingUsage() (pending, size int) {
	return s.rd.AvailableBytes(), s.rd.BufferSize()
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
