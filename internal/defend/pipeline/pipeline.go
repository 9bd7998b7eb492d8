// Package pipeline is the agent of `bulwark defend run` without its
// command line: it takes the records of a sensor and carries each through
// attribution, enrichment, rate limiting, judgement, response and sinks.
//
// # Data flow
//
//	sensor.Record (kernel or fallback sensor)
//	  → Resolver: cgroup id → *event.Container (nil: a host process, dropped)
//	  → process table: exe, argv, parent and ancestors for events other than exec
//	  → per-container token bucket (events over the limit are counted, not judged)
//	  → Judge (rules and behaviour models) → []event.Alert
//	  → Responder (kill, deny, pause, stop; logs what it did into the alert)
//	  → Sinks (JSON lines, live view, forwarders to `bulwark serve` and webhooks)
//
// Every stage's interface is declared here, by its consumer.
package pipeline

import (
	"context"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

// Judge selects the events that matter (the rules engine and the
// behaviour models).
type Judge interface {
	Judge(ctx context.Context, e *event.Event) []event.Alert
}

// Responder carries out an alert's response and records what it did in the
// alert (Response, Detail).
type Responder interface {
	Respond(ctx context.Context, a *event.Alert)
}

// Sink receives every alert.
type Sink interface {
	Alert(ctx context.Context, a *event.Alert)
}

// EventSink is a sink that also wants every attributed event (a JSON log
// of all activity, the load test's counter).
type EventSink interface {
	Event(ctx context.Context, e *event.Event)
}

// Resolver attributes cgroups to containers.
type Resolver interface {
	Lookup(ctx context.Context, cgid uint64, name string) *event.Container
}

// Layers answers whether a container's executable was written after it
// started (it lives in the writable layer).
type Layers interface {
	UpperLayer(cgid uint64, exe string) bool
}

// Config assembles a pipeline.
type Config struct {
	Resolver  Resolver
	Judge     Judge // nil: every event is an alert of rule "event" (for --all-events)
	Responder Responder
	Sinks     []Sink
	Layers    Layers
	// Rate and Burst limit the events per second judged per container
	// (0: no limit).
	Rate  float64
	Burst int
}

// Pipeline is the agent's processing. Handle is called from the sensor's
// goroutine.
type Pipeline struct {
	cfg   Config
	procs *procTable

	mu      sync.Mutex
	buckets map[string]*bucket

	stats Stats
}

// Stats are the pipeline's counters.
type Stats struct {
	Received  atomic.Uint64 // records from the sensor
	Host      atomic.Uint64 // records of host processes (dropped)
	Runtime   atomic.Uint64 // records of the container runtime's own setup (dropped)
	Limited   atomic.Uint64 // events over a container's rate limit
	Judged    atomic.Uint64
	Alerts    atomic.Uint64
	byKind    sync.Map // event.Kind → *atomic.Uint64
	byRule    sync.Map // rule → *atomic.Uint64
	limitedBy sync.Map // container id → *atomic.Uint64
	latency   latencies
}

func bump(m *sync.Map, k any) {
	v, ok := m.Load(k)
	if !ok {
		v, _ = m.LoadOrStore(k, new(atomic.Uint64))
	}
	v.(*atomic.Uint64).Add(1)
}

func snapshot(m *sync.Map) map[string]uint64 {
	out := map[string]uint64{}
	m.Range(func(k, v any) bool {
		out[toString(k)] = v.(*atomic.Uint64).Load()
		return true
	})
	return out
}

func toString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case event.Kind:
		return string(x)
	}
	return ""
}

// ByKind returns the events received per kind.
func (s *Stats) ByKind() map[string]uint64 { return snapshot(&s.byKind) }

// ByRule returns the alerts per rule.
func (s *Stats) ByRule() map[string]uint64 { return snapshot(&s.byRule) }

// LimitedBy returns the rate-limited events per container id.
func (s *Stats) LimitedBy() map[string]uint64 { return snapshot(&s.limitedBy) }

// Latencies returns the detection latencies observed since the last call
// (kernel act to the alert written by every sink), and empties the list.
func (s *Stats) Latencies() []time.Duration { return s.latency.drain() }

// New builds a pipeline.
func New(cfg Config) *Pipeline {
	return &Pipeline{cfg: cfg, procs: newProcTable(), buckets: map[string]*bucket{}}
}

// Stats returns the live counters.
func (p *Pipeline) Stats() *Stats { return &p.stats }

// Handle processes one record.
func (p *Pipeline) Handle(ctx context.Context, r *sensor.Record) {
	p.stats.Received.Add(1)
	e := &r.Event
	c := p.cfg.Resolver.Lookup(ctx, e.Process.CgroupID, r.CgroupName)
	p.procs.observe(e)
	if c == nil {
		p.stats.Host.Add(1)
		return
	}
	// The runtime's init process sets the container up (mounts, setuid)
	// before it executes the entrypoint; that is not the container's doing.
	if p.runtimeSetup(&e.Process) {
		p.stats.Runtime.Add(1)
		return
	}
	e.Container = c
	bump(&p.stats.byKind, e.Kind)
	p.enrich(e, r)
	if !p.allow(c.ID) {
		p.stats.Limited.Add(1)
		bump(&p.stats.limitedBy, c.ID)
		// An act the kernel already killed is reported regardless: the
		// response happened and must be logged.
		if !e.Killed {
			return
		}
	}
	p.stats.Judged.Add(1)
	var alerts []event.Alert
	if p.cfg.Judge != nil {
		alerts = p.cfg.Judge.Judge(ctx, e)
	} else {
		alerts = []event.Alert{{Event: *e, Rule: "event", Priority: "informational", Output: e.String(), Response: event.Report}}
	}
	if e.Killed && len(alerts) == 0 {
		// The kernel acted on a predicate the judge does not select (rules
		// changed since): log the response all the same.
		alerts = []event.Alert{{Event: *e, Rule: e.KernelRule, Priority: "critical", Output: e.String(), Response: event.Kill}}
	}
	for _, s := range p.cfg.Sinks {
		if es, ok := s.(EventSink); ok {
			es.Event(ctx, e)
		}
	}
	now := bootNow()
	for i := range alerts {
		a := &alerts[i]
		if r.Boot > 0 && now > r.Boot {
			a.LatencyNS = int64(now - r.Boot) // act → alert decided, in the alert
		}
		if p.cfg.Responder != nil {
			p.cfg.Responder.Respond(ctx, a)
		}
		p.stats.Alerts.Add(1)
		bump(&p.stats.byRule, a.Rule)
		for _, s := range p.cfg.Sinks {
			s.Alert(ctx, a)
		}
		// The detection latency the metrics report runs to the alert's
		// line written (and flushed) by every sink.
		if done := bootNow(); r.Boot > 0 && done > r.Boot {
			p.stats.latency.add(done - r.Boot)
		}
	}
}

// runtimeSetup recognises runc's own processes in a container's cgroup
// before the entrypoint runs: "runc:[0:PARENT]"…, runc re-executing itself
// from a descriptor, and the "exe" it runs as.
func (pl *Pipeline) runtimeSetup(p *event.Process) bool {
	if strings.HasPrefix(p.Comm, "runc:[") || p.Comm == "runc" {
		return true
	}
	if p.Comm != "exe" {
		return false
	}
	parent := p.ParentComm
	if parent == "" {
		if info, ok := pl.procs.get(p.PPID); ok {
			parent = info.comm
		} else {
			parent = readComm(p.PPID)
		}
	}
	return strings.HasPrefix(parent, "runc")
}

// bootNow reads CLOCK_BOOTTIME, the clock of the sensor's stamps.
func bootNow() time.Duration {
	ref := bootRef.Load()
	now := time.Now() // the vDSO; golang.org/x/sys reads CLOCK_BOOTTIME by a system call
	if ref == nil || now.Sub(ref.mono) > time.Second {
		var ts unix.Timespec
		if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
			return 0
		}
		ref = &bootClock{mono: time.Now(), boot: time.Duration(ts.Nano())}
		bootRef.Store(ref)
		return ref.boot
	}
	return ref.boot + now.Sub(ref.mono)
}

// bootClock pairs a CLOCK_BOOTTIME reading with the monotonic clock's:
// the two advance together except while the machine sleeps, so bootNow
// reads the system call's clock once a second at most.
type bootClock struct {
	mono time.Time
	boot time.Duration
}

var bootRef atomic.Pointer[bootClock]

// enrich fills what the kernel did not send for this kind of event.
func (p *Pipeline) enrich(e *event.Event, r *sensor.Record) {
	relative := r.Relative
	pr := &e.Process
	if e.Kind != event.Exec {
		if info, ok := p.procs.get(pr.PID); ok {
			if pr.Exe == "" {
				pr.Exe = info.exe
			}
			if pr.Args == nil {
				pr.Args = info.args
			}
		} else if pr.Exe == "" {
			pr.Exe = readExe(pr.PID)
			p.procs.rememberExe(pr, pr.Exe)
		}
	}
	if parent, ok := p.procs.get(pr.PPID); ok {
		if pr.ParentComm == "" {
			pr.ParentComm = parent.comm
		}
		pr.ParentExe = parent.exe
		if pr.Ancestors == nil {
			pr.Ancestors = p.procs.ancestors(parent.ppid, 4)
		}
	} else if pr.ParentComm == "" {
		// A parent the table never saw start (outside the container, or
		// older than the agent): read once, then remembered.
		pr.ParentComm = readComm(pr.PPID)
		p.procs.remember(pr.PPID, pr.ParentComm)
	}
	if relative && e.File != nil && !strings.HasPrefix(e.File.Path, "/") {
		if pr.Cwd == "" { // the kernel sends it unless it is deeper than it walks
			pr.Cwd, _ = os.Readlink("/proc/" + strconv.Itoa(int(pr.PID)) + "/cwd")
		}
		if pr.Cwd != "" {
			e.File.Path = path.Join(pr.Cwd, e.File.Path)
		}
	}
	if e.Kind == event.Exec && !r.UpperKnown && !pr.ExeUpperLayer && p.cfg.Layers != nil && pr.Exe != "" && !pr.ExeFromMemfd {
		// The eBPF sensor tells from the overlay inode (UpperKnown);
		// others ask the engine's record of the writable layer.
		exe := pr.Exe
		if !strings.HasPrefix(exe, "/") {
			if cwd, err := os.Readlink("/proc/" + strconv.Itoa(int(pr.PID)) + "/cwd"); err == nil {
				exe = path.Join(cwd, exe)
			}
		}
		pr.ExeUpperLayer = p.cfg.Layers.UpperLayer(pr.CgroupID, exe)
	}
	if e.Kind == event.Ptrace && e.Target != nil {
		// The target is numbered in the tracer's pid namespace: the table
		// knows the host pid of processes it saw start; others are read
		// through the container's own /proc.
		if hp, ok := p.procs.hostPID(pr.CgroupID, e.Target.VPID); ok {
			e.Target.PID = hp
			if info, ok := p.procs.get(hp); ok {
				e.Target.Comm = info.comm
			}
		}
		if e.Target.Comm == "" && e.Target.VPID != 0 {
			b, err := os.ReadFile("/proc/" + strconv.Itoa(int(pr.PID)) + "/root/proc/" + strconv.Itoa(int(e.Target.VPID)) + "/comm")
			if err == nil {
				e.Target.Comm = strings.TrimSpace(string(b))
			}
		}
	}
}

func readExe(pid int32) string {
	s, _ := os.Readlink("/proc/" + strconv.Itoa(int(pid)) + "/exe")
	return strings.TrimSuffix(s, " (deleted)")
}

func readComm(pid int32) string {
	if pid <= 0 {
		return ""
	}
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/comm")
	return strings.TrimSpace(string(b))
}

// bucket is a token bucket. Hand-written (golang.org/x/time/rate is not a
// dependency) because it is twelve lines and runs once per event.
type bucket struct {
	tokens float64
	last   time.Time
}

func (p *Pipeline) allow(id string) bool {
	if p.cfg.Rate <= 0 {
		return true
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buckets[id]
	burst := float64(max(p.cfg.Burst, 1))
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		p.buckets[id] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*p.cfg.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
