// Package daemon assembles the agent of `bulwark defend run`: it probes
// the kernel, picks the mode, loads the sensor, follows the containers
// and runs the pipeline until its context ends.
//
// # Data flow
//
//	probe → mode (ebpf, else proc connector; never silently blind)
//	  → cgroup layout → sensor (kernel.Sensor or procmon.Sensor)
//	  → attrib.Table (Engine API; registers containers with the sensor,
//	    sets up their exec and connection denials)
//	  → predicates (the judge's kernel-checkable rules + the sensitive-file list) into the kernel
//	  → pipeline.Handle for every record → responders → sinks
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/docker/docker/api/types/container"

	"github.com/bulwark-sec/bulwark/internal/defend/attrib"
	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/kernel"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/pipeline"
	"github.com/bulwark-sec/bulwark/internal/defend/probe"
	"github.com/bulwark-sec/bulwark/internal/defend/procmon"
	"github.com/bulwark-sec/bulwark/internal/defend/respond"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
	"github.com/bulwark-sec/bulwark/internal/defend/sink"
)

// Engine is the Engine API the agent needs (attribution and responses).
type Engine interface {
	attrib.Engine
	respond.Engine
}

// PredicateSource is a judge that can express some of its rules as
// kernel-checkable predicates.
type PredicateSource interface {
	Predicates() []event.Predicate
}

// Options configure the agent.
type Options struct {
	Mode   string // "auto" (default), "ebpf" or "proc"
	Engine Engine
	Judge  pipeline.Judge // nil: every event is reported
	// Predicates are added to the judge's.
	Predicates []event.Predicate
	// Enforce carries out responses other than alert; without it they are
	// reported as what would have been done.
	Enforce bool
	Sinks   []pipeline.Sink
	Rate    float64
	Burst   int
	// RingBytes sizes the ring buffer (0: 8 MiB).
	RingBytes uint32
	// AllKinds traces every kind of event, whatever the judge selects (a
	// sink writes every attributed event).
	AllKinds bool
	// Ready is called once the agent follows the containers.
	Ready func(a *Agent)
}

// SensitiveFiles are the paths whose read-only opens the kernel reports
// (other reads are not): credentials, keys and the Docker socket. A prefix
// ending in "\x00" is an exact path; names without a slash match a path
// relative to the working directory.
var SensitiveFiles = []string{
	"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/master.passwd", "/etc/ssh/ssh_host_",
	"/root/.ssh/", "/root/.aws/", "/root/.docker/config.json", "/root/.kube/", "/etc/kubernetes/",
	"/var/run/docker.sock", "/run/docker.sock", "/proc/1/environ",
	"shadow\x00", "gshadow\x00", "sudoers\x00", "id_rsa\x00", "id_ed25519\x00", "id_ecdsa\x00",
}

// Agent is a running agent.
type Agent struct {
	Probe  *probe.Report
	Mode   string
	Layout attrib.Layout

	opts  Options
	ks    *kernel.Sensor
	table *attrib.Table
	pipe  *pipeline.Pipeline
	guard *respond.ExecGuard
	resp  *respond.Responder
	preds []event.Predicate

	mu    sync.Mutex
	slots map[string]uint32
	v2    string // cgroup v2 root, for connection denials
}

// ErrBlind is returned when no sensor can run here.
var ErrBlind = errors.New("daemon: no sensor works on this kernel")

// Run runs the agent until ctx ends.
func Run(ctx context.Context, opts Options) error {
	a := &Agent{opts: opts, slots: map[string]uint32{}, v2: probe.CgroupV2Root()}
	a.Probe = probe.Run(ctx)
	switch opts.Mode {
	case "", "auto":
		a.Mode = a.Probe.Mode
	case probe.ModeEBPF, probe.ModeProc:
		a.Mode = opts.Mode
	default:
		return fmt.Errorf("daemon: unknown mode %q (auto, ebpf, proc)", opts.Mode)
	}
	if a.Mode == probe.ModeNone {
		return fmt.Errorf("%w: %s", ErrBlind, a.Probe.Why)
	}
	if a.Mode == probe.ModeProc {
		for _, b := range a.Probe.Blind {
			slog.WarnContext(ctx, "defend: proc connector mode cannot see everything", "blind", b)
		}
	}
	var err error
	if a.Layout, err = a.detectLayout(ctx); err != nil {
		return err
	}
	a.preds = append(append([]event.Predicate{}, opts.Predicates...), judgePredicates(opts.Judge)...)
	a.resp = respond.New(opts.Engine)
	a.resp.DryRun = !opts.Enforce

	if err := raisePriority(Nice); err != nil {
		slog.WarnContext(ctx, "defend: the agent runs at the default priority; alerts may wait for a core on a busy host", "err", err)
	}
	var src sensor.Sensor
	switch a.Mode {
	case probe.ModeEBPF:
		sub := -1
		if !a.Layout.V2 {
			if sub, err = kernel.SubsysIndex(a.Layout.Controller); err != nil {
				return err
			}
		}
		// Loading decodes the kernel's BTF and relocates every program
		// against it: short-lived garbage of several MiB, which a tighter
		// collector target keeps from setting the agent's peak RSS.
		gc := debug.SetGCPercent(20)
		ks, err := kernel.Open(kernel.Options{CgroupSubsys: sub, EnforceNew: opts.Enforce, RingBytes: opts.RingBytes,
			Syscalls: a.syscallKinds()})
		debug.SetGCPercent(gc)
		if err != nil {
			return err
		}
		defer ks.Close()
		a.ks = ks
		if err := ks.SetPredicates(a.kernelPredicates()); err != nil {
			return err
		}
		debug.FreeOSMemory() // and what loading left behind goes back now
		src = ks
	case probe.ModeProc:
		ps, err := procmon.Open(a.cgroupOfProc)
		if err != nil {
			return err
		}
		defer ps.Close()
		src = ps
	}

	a.guard = respond.NewExecGuard(func(al *event.Alert) {
		for _, s := range opts.Sinks {
			s.Alert(ctx, al)
		}
	})
	defer a.guard.Close()
	a.table = attrib.New(opts.Engine, a.Layout, watcher{a, ctx}, attrib.Options{})
	if a.ks != nil {
		for _, d := range a.table.ParentDirs() {
			if cg, err := attrib.CgroupID(d); err == nil {
				a.ks.AddParent(cg)
			}
		}
	}
	a.pipe = pipeline.New(pipeline.Config{Resolver: a.table, Judge: opts.Judge, Responder: a.resp,
		Sinks: opts.Sinks, Layers: layers{a.table}, Rate: opts.Rate, Burst: opts.Burst})
	if err := a.table.Start(ctx); err != nil {
		return err
	}
	if opts.Ready != nil {
		opts.Ready(a)
	}
	return src.Run(ctx, func(r *sensor.Record) {
		a.pipe.Handle(ctx, r)
	})
}

// KindSource is a judge that says which event kinds it can select.
type KindSource interface {
	Kinds() []event.Kind
}

// ModelStatsSource is a judge with behaviour models, whose counters the
// metrics show (false: no models).
type ModelStatsSource interface {
	ModelStats() (model.Stats, bool)
}

// syscallKinds returns the event kinds seen at a system call's entry that
// the judge or a predicate can select (nil: all, for a judge that does
// not say, or none: every event is reported, or when AllKinds asks).
func (a *Agent) syscallKinds() []event.Kind {
	ks, ok := a.opts.Judge.(KindSource)
	if !ok || a.opts.AllKinds {
		return nil
	}
	kinds := slices.Clone(ks.Kinds())
	for _, p := range a.kernelPredicates() {
		kinds = append(kinds, p.Kind)
	}
	for _, p := range a.preds {
		kinds = append(kinds, p.Kind)
	}
	slices.Sort(kinds)
	return slices.Compact(kinds)
}

// KernelRuleSource is a judge that offers its rules' kernel forms.
type KernelRuleSource interface {
	Kernel() []rules.KernelRule
}

func judgePredicates(j pipeline.Judge) []event.Predicate {
	switch x := j.(type) {
	case PredicateSource:
		return x.Predicates()
	case KernelRuleSource:
		var out []event.Predicate
		for _, k := range x.Kernel() {
			out = append(out, kernelPredicates(k)...)
		}
		return out
	}
	return nil
}

// detectLayout looks at a running container, if any, to see which
// hierarchy gives containers their own cgroup.
func (a *Agent) detectLayout(ctx context.Context) (attrib.Layout, error) {
	var proc []byte
	if a.opts.Engine != nil {
		list, err := a.opts.Engine.ContainerList(ctx, container.ListOptions{})
		if err != nil {
			return attrib.Layout{}, fmt.Errorf("daemon: listing containers: %w", err)
		}
		for _, c := range list {
			ins, err := a.opts.Engine.ContainerInspect(ctx, c.ID)
			if err == nil && ins.State != nil && ins.State.Pid > 0 {
				if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", ins.State.Pid)); err == nil {
					proc = b
					break
				}
			}
		}
	}
	return attrib.DetectLayout(proc)
}

func (a *Agent) cgroupOfProc(b []byte) (uint64, string) {
	p, ok := attrib.PathIn(b, a.Layout)
	if !ok || p == "/" {
		return 0, ""
	}
	id, err := attrib.CgroupID(filepath.Join(a.Layout.Root, p))
	if err != nil {
		return 0, ""
	}
	return id, filepath.Base(p)
}

// slot returns the predicate slot of a container id (0: none of its own).
func (a *Agent) slot(id string) uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.slots[id]
}

// kernelPredicates turns the predicates the kernel can check into its
// form, giving each container named by a predicate its own slot.
func (a *Agent) kernelPredicates() []kernel.Predicate {
	out := []kernel.Predicate{{Rule: "sensitive-file", Kind: event.Open, Prefixes: SensitiveFiles, ReadOnly: true}}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.preds {
		// A denied exec is refused by fanotify once the container's guard
		// is armed (the exec then never happens); until then — the first
		// moments of a new container — the kernel kills the new image
		// before its first instruction.
		if len(p.Prefixes) == 0 && len(p.Names) == 0 && !p.Memfd {
			continue // addresses and ports: the cgroup connect programs
		}
		kp := kernel.Predicate{Rule: p.Rule, Kind: p.Kind, Prefixes: p.Prefixes, Names: p.Names, ReadOnly: p.ReadOnly,
			Write: p.Write, StdioSocket: p.StdioSocket, Memfd: p.Memfd,
			Kill: p.Response == event.Kill || p.Response == event.Deny}
		if p.Container != "" {
			s, ok := a.slots[p.Container]
			if !ok {
				s = uint32(len(a.slots) + 1)
				a.slots[p.Container] = s
			}
			kp.Slot = s
		}
		out = append(out, kp)
	}
	return out
}

// applies reports whether a predicate concerns a container (by full or
// short id, or name).
func applies(p event.Predicate, c *event.Container) bool {
	return p.Container == "" || p.Container == c.ID || p.Container == c.Name ||
		(len(p.Container) >= 12 && strings.HasPrefix(c.ID, p.Container))
}

// watcher registers containers with the sensor and sets up their denials.
type watcher struct {
	a   *Agent
	ctx context.Context
}

func (w watcher) WatchContainer(cg uint64, c *event.Container) error {
	a := w.a
	if w.ctx.Err() != nil {
		return nil // the agent has stopped; the sensor is closed
	}
	if a.ks != nil {
		if err := a.ks.Watch(cg, kernel.Filter{Slot: a.slot(c.ID), Enforce: a.opts.Enforce}); err != nil {
			return err
		}
	}
	if !a.opts.Enforce {
		return nil
	}
	var execDeny []event.Predicate
	for _, p := range a.preds {
		if !applies(p, c) || p.Response != event.Deny {
			continue
		}
		switch p.Kind {
		case event.Exec:
			execDeny = append(execDeny, p)
		case event.Connect:
			if a.ks != nil && (len(p.Addrs) > 0 || len(p.Ports) > 0) {
				w.denyConnect(cg, p)
			}
		}
	}
	if len(execDeny) > 0 {
		st, _ := a.table.Storage(cg)
		root := st.MergedDir
		if root == "" && st.Pid > 0 {
			root = fmt.Sprintf("/proc/%d/root", st.Pid)
		}
		if root != "" {
			if err := a.guard.Guard(w.ctx, c, root, execDeny); err != nil {
				slog.WarnContext(w.ctx, "defend: exec denial not set up", "container", c.ID, "err", err)
			}
		}
	}
	return nil
}

func (w watcher) denyConnect(cg uint64, p event.Predicate) {
	a := w.a
	v2 := cg
	if !a.Layout.V2 {
		st, _ := a.table.Storage(cg)
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", st.Pid))
		if err != nil {
			return
		}
		path, ok := attrib.PathIn(b, attrib.Layout{V2: true})
		if !ok || path == "/" || a.v2 == "" {
			slog.WarnContext(w.ctx, "defend: connection denial needs the container in its own cgroup v2", "rule", p.Rule)
			return
		}
		if v2, err = attrib.CgroupID(filepath.Join(a.v2, path)); err != nil {
			return
		}
	}
	addrs := p.Addrs
	if len(addrs) == 0 {
		addrs = []netip.Addr{{}}
	}
	ports := p.Ports
	if len(ports) == 0 {
		ports = []uint16{0}
	}
	for _, ad := range addrs {
		for _, po := range ports {
			if err := a.ks.DenyConnect(a.v2, v2, ad, po); err != nil {
				slog.WarnContext(w.ctx, "defend: connection denial not set up", "rule", p.Rule, "err", err)
			}
		}
	}
}

func (w watcher) QuietCgroup(cg uint64) error {
	if w.a.ks == nil || w.ctx.Err() != nil {
		return nil
	}
	return w.a.ks.Watch(cg, kernel.Filter{Kinds: []event.Kind{}})
}

func (w watcher) ForgetCgroup(cg uint64) error {
	if w.a.ks == nil || w.ctx.Err() != nil {
		return nil
	}
	w.a.ks.AllowConnect(cg)
	return w.a.ks.Forget(cg)
}

// layers answers whether an executable lives in a container's writable layer.
type layers struct{ t *attrib.Table }

func (l layers) UpperLayer(cg uint64, exe string) bool {
	st, ok := l.t.Storage(cg)
	if !ok || st.UpperDir == "" {
		return false
	}
	fi, err := os.Lstat(filepath.Join(st.UpperDir, filepath.Clean("/"+exe)))
	return err == nil && fi.Mode().IsRegular()
}

// SyscallHook says how the eBPF sensor sees system calls ("" in proc mode).
func (a *Agent) SyscallHook() string {
	if a.ks == nil {
		return ""
	}
	return a.ks.SyscallHook()
}

// Pipeline returns the running pipeline (for its counters).
func (a *Agent) Pipeline() *pipeline.Pipeline { return a.pipe }

// Table returns the attribution table.
func (a *Agent) Table() *attrib.Table { return a.table }

// Snapshot gathers the metrics' state.
func (a *Agent) Snapshot() sink.Snapshot {
	st := a.pipe.Stats()
	s := sink.Snapshot{Events: st.ByKind(), Alerts: st.ByRule(), Limited: st.LimitedBy(),
		Dropped: map[string]uint64{}, Latencies: st.Latencies()}
	if a.ks != nil {
		if c, err := a.ks.Counters(); err == nil {
			var lost uint64
			for _, n := range c.Lost {
				lost += n
			}
			s.Dropped["ring_buffer"] = lost
			s.Killed = c.Killed
		}
		s.RingPending, s.RingSize = a.ks.RingUsage()
		for _, p := range a.ks.ProgramStats() {
			s.Programs = append(s.Programs, sink.Program{Name: p.Name, Runs: p.Runs, Total: p.Total})
		}
	}
	if ms, ok := a.opts.Judge.(ModelStatsSource); ok {
		if st, ok := ms.ModelStats(); ok {
			s.Models = &sink.ModelCounts{Seeded: st.Seeded, SeedFailed: st.SeedFailed, Seeding: st.Seeding,
				Models: st.Models, Unseeded: st.Unseeded, Deviations: st.Deviations}
		}
	}
	return s
}

// Lost returns the events the kernel could not put in the ring buffer.
func (a *Agent) Lost() uint64 {
	if a.ks == nil {
		return 0
	}
	c, err := a.ks.Counters()
	if err != nil {
		return 0
	}
	var n uint64
	for _, v := range c.Lost {
		n += v
	}
	return n
}
