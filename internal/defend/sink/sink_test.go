package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

func alert() *event.Alert {
	return &event.Alert{
		Event: event.Event{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Kind: event.Open,
			Process:   event.Process{PID: 42, Comm: "cat"},
			Container: &event.Container{ID: "0123456789abcdef0123", Name: "web", Image: "nginx:1"},
			File:      &event.File{Path: "/etc/shadow"}},
		Rule: "read-shadow", Priority: "warning", Response: event.Kill, Detail: "killed in the kernel",
	}
}

func TestJSONLines(t *testing.T) {
	var b bytes.Buffer
	j := NewJSONLines(&b, true)
	ctx := context.Background()
	j.Alert(ctx, alert())
	j.Event(ctx, &alert().Event)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), b.String())
	}
	var a event.Alert
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil || a.Rule != "read-shadow" || a.Event.File.Path != "/etc/shadow" {
		t.Errorf("alert line: %v %+v", err, a)
	}
	var ev struct{ Event event.Event }
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil || ev.Event.Process.PID != 42 {
		t.Errorf("event line: %v %+v", err, ev)
	}
	b.Reset()
	NewJSONLines(&b, false).Event(ctx, &alert().Event)
	if b.Len() != 0 {
		t.Error("event written without --all-events")
	}
}

func TestLive(t *testing.T) {
	var b bytes.Buffer
	NewLive(&b, false).Alert(context.Background(), alert())
	want := "03:04:05.000 WARNING  read-shadow              web (nginx:1)                cat[42] open /etc/shadow — kill: killed in the kernel\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

type slow struct {
	mu   sync.Mutex
	got  int
	fail bool
}

func (s *slow) Forward(_ context.Context, a []event.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got += len(a)
	if s.fail {
		return errors.New("down")
	}
	return nil
}

func TestForwardNeverBlocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &slow{}
	fw := NewForward(ctx, f, 10)
	for i := 0; i < 1000; i++ {
		fw.Alert(ctx, alert())
	}
	cancel()
	time.Sleep(100 * time.Millisecond)
	f.mu.Lock()
	got := f.got
	f.mu.Unlock()
	if uint64(got)+fw.Dropped.Load() != 1000 {
		t.Errorf("forwarded %d + dropped %d != 1000", got, fw.Dropped.Load())
	}
}

func TestMetrics(t *testing.T) {
	m := NewMetrics(func() Snapshot {
		return Snapshot{Events: map[string]uint64{"exec": 3}, Alerts: map[string]uint64{"read-shadow": 1},
			Dropped: map[string]uint64{"ring_buffer": 0}, Limited: map[string]uint64{"c1": 5}, Killed: 1,
			RingSize: 1 << 24, Programs: []Program{{Name: "sys_enter", Runs: 10, Total: time.Millisecond}},
			Latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond}}
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP bulwark_defend_events_total Events attributed to containers, by kind.
# TYPE bulwark_defend_events_total counter
bulwark_defend_events_total{kind="exec"} 3
# HELP bulwark_defend_events_rate_limited_total Events over a container's rate limit (counted, not judged).
# TYPE bulwark_defend_events_rate_limited_total counter
bulwark_defend_events_rate_limited_total{container="c1"} 5
# HELP bulwark_defend_kernel_kills_total Processes killed from the eBPF programs.
# TYPE bulwark_defend_kernel_kills_total counter
bulwark_defend_kernel_kills_total 1
`), "bulwark_defend_events_total", "bulwark_defend_events_rate_limited_total", "bulwark_defend_kernel_kills_total"); err != nil {
		t.Error(err)
	}
	n, err := testutil.GatherAndCount(reg, "bulwark_defend_detection_latency_seconds")
	if err != nil || n != 1 {
		t.Errorf("latency histogram: %d %v", n, err)
	}
}
