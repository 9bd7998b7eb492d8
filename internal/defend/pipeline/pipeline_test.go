package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

// table resolves cgroup 1 and 2 to containers; anything else is the host.
type table map[uint64]*event.Container

func (t table) Lookup(_ context.Context, cg uint64, _ string) *event.Container { return t[cg] }

// counting selects every exec.
type counting struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counting) Judge(_ context.Context, e *event.Event) []event.Alert {
	c.mu.Lock()
	c.n[e.Container.ID]++
	c.mu.Unlock()
	return []event.Alert{{Event: *e, Rule: "exec", Response: event.Report}}
}

func TestFloodingContainerCannotStarveOthers(t *testing.T) {
	j := &counting{n: map[string]int{}}
	p := New(Config{Resolver: table{1: {ID: "flood"}, 2: {ID: "quiet"}}, Judge: j, Rate: 100, Burst: 200})
	ctx := context.Background()
	rec := func(cg uint64) *sensor.Record {
		return &sensor.Record{Event: event.Event{Kind: event.Exec, Process: event.Process{PID: 1000, Comm: "x", CgroupID: cg}}}
	}
	start := time.Now()
	for i := 0; i < 10000; i++ {
		p.Handle(ctx, rec(1))
		if i%1000 == 0 {
			p.Handle(ctx, rec(2))
		}
	}
	elapsed := time.Since(start)
	p.Handle(ctx, rec(3)) // host
	st := p.Stats()
	if j.n["quiet"] != 10 {
		t.Errorf("quiet container: %d of 10 events judged", j.n["quiet"])
	}
	// Its burst, plus what the rate refilled while the loop ran.
	if most := 200 + int(100*elapsed.Seconds()) + 1; j.n["flood"] > most || j.n["flood"] < 200 {
		t.Errorf("flooding container: %d judged in %s, want 200…%d", j.n["flood"], elapsed, most)
	}
	limited := st.LimitedBy()["flood"]
	if limited+uint64(j.n["flood"]) != 10000 || st.Limited.Load() != limited {
		t.Errorf("limited %d + judged %d != 10000 sent", limited, j.n["flood"])
	}
	if st.Host.Load() != 1 || st.Received.Load() != 10011 {
		t.Errorf("host %d received %d", st.Host.Load(), st.Received.Load())
	}
}

func TestKernelKillIsLoggedEvenWhenLimited(t *testing.T) {
	var got []event.Alert
	p := New(Config{Resolver: table{1: {ID: "c"}}, Rate: 1, Burst: 1, Sinks: []Sink{sinkFunc(func(a *event.Alert) { got = append(got, *a) })},
		Judge: &counting{n: map[string]int{}}})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		p.Handle(ctx, &sensor.Record{Event: event.Event{Kind: event.Open, Killed: true, KernelRule: "shadow", Process: event.Process{PID: 5, CgroupID: 1}}})
	}
	if len(got) != 3 {
		t.Errorf("%d alerts for 3 kernel kills", len(got))
	}
}

type sinkFunc func(a *event.Alert)

func (f sinkFunc) Alert(_ context.Context, a *event.Alert) { f(a) }

func TestRuntimeSetupIsNotTheContainers(t *testing.T) {
	j := &counting{n: map[string]int{}}
	p := New(Config{Resolver: table{1: {ID: "c"}}, Judge: j})
	for _, c := range []string{"runc:[2:INIT]", "runc"} {
		p.Handle(context.Background(), &sensor.Record{Event: event.Event{Kind: event.Mount, Process: event.Process{PID: 5, Comm: c, CgroupID: 1}}})
	}
	if j.n["c"] != 0 || p.Stats().Runtime.Load() != 2 {
		t.Errorf("runtime events judged: %d", j.n["c"])
	}
}
