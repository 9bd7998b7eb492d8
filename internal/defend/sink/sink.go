// Package sink is where the agent's alerts go: JSON lines (a file or
// stdout), a readable live view on a terminal, Prometheus metrics, and
// forwarders (the interface `bulwark serve` and webhooks plug into).
//
// # Data flow
//
//	pipeline → Sink.Alert (and EventSink.Event for every attributed event)
//	  → JSONLines: one JSON object per line, written whole under a lock
//	  → Live: one aligned line per alert, colour on a terminal
//	  → Forward: a Forwarder gets batches from a bounded queue, never blocking the pipeline
//	  → Metrics: a prometheus.Collector reading the pipeline's and the kernel's counters
package sink

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// JSONLines writes alerts (and, with Events, every event) as JSON lines.
type JSONLines struct {
	mu     sync.Mutex
	w      *bufio.Writer
	enc    *json.Encoder
	events bool
	flush  bool
}

// NewJSONLines writes to w; events selects every event too (as
// {"event": …} lines). Each line is flushed when written.
func NewJSONLines(w io.Writer, events bool) *JSONLines {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &JSONLines{w: bw, enc: json.NewEncoder(bw), events: events, flush: true}
}

// Alert writes one alert line.
func (j *JSONLines) Alert(ctx context.Context, a *event.Alert) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.enc.Encode(a); err != nil {
		slog.WarnContext(ctx, "sink: writing an alert", "err", err)
	}
	if j.flush {
		j.w.Flush()
	}
}

// Event writes one event line when asked for every event.
func (j *JSONLines) Event(ctx context.Context, e *event.Event) {
	if !j.events {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.enc.Encode(struct {
		Event *event.Event `json:"event"`
	}{e}); err != nil {
		slog.WarnContext(ctx, "sink: writing an event", "err", err)
	}
	if j.flush {
		j.w.Flush()
	}
}

// Flush writes what is buffered.
func (j *JSONLines) Flush() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.w.Flush()
}

// Live is a readable view: one line per alert.
type Live struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
}

// NewLive writes to w, in colour when color is set (a terminal).
func NewLive(w io.Writer, color bool) *Live { return &Live{w: w, color: color} }

// Alert prints one line: time, priority, rule, response, container, process, what.
func (l *Live) Alert(_ context.Context, a *event.Alert) {
	e := &a.Event
	ctr := "host"
	if e.Container != nil {
		ctr = e.Container.Name
		if ctr == "" && len(e.Container.ID) >= 12 {
			ctr = e.Container.ID[:12]
		}
		if e.Container.Image != "" {
			ctr += " (" + e.Container.Image + ")"
		}
	}
	what := string(e.Kind)
	if v, ok := e.Field("fd.name"); ok {
		what += " " + v.(string)
	} else if e.Kind == event.Exec {
		what += " " + strings.Join(e.Process.Args, " ")
	}
	pri := strings.ToUpper(a.Priority)
	if l.color {
		switch a.Priority {
		case "emergency", "alert", "critical", "error":
			pri = "\x1b[31m" + pri + "\x1b[0m"
		case "warning":
			pri = "\x1b[33m" + pri + "\x1b[0m"
		}
	}
	resp := string(a.Response)
	if a.Detail != "" {
		resp += ": " + a.Detail
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s %-8s %-24s %-28s %s[%d] %s — %s\n", e.Time.Format("15:04:05.000"), pri, a.Rule, ctr,
		e.Process.Comm, e.Process.PID, what, resp)
}

// Forwarder sends batches of alerts elsewhere (`bulwark serve`, webhooks).
type Forwarder interface {
	Forward(ctx context.Context, alerts []event.Alert) error
}

// Forward queues alerts for a Forwarder on its own goroutine, so a slow
// receiver never holds up the pipeline; alerts beyond the queue's capacity
// are counted in Dropped.
type Forward struct {
	f       Forwarder
	q       chan event.Alert
	Dropped atomic.Uint64
	Failed  atomic.Uint64
}

// NewForward starts forwarding until ctx ends; queue is the capacity.
func NewForward(ctx context.Context, f Forwarder, queue int) *Forward {
	fw := &Forward{f: f, q: make(chan event.Alert, queue)}
	go fw.run(ctx)
	return fw
}

// Alert queues one alert.
func (fw *Forward) Alert(_ context.Context, a *event.Alert) {
	select {
	case fw.q <- *a:
	default:
		fw.Dropped.Add(1)
	}
}

func (fw *Forward) run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var batch []event.Alert
	send := func(ctx context.Context) {
		if len(batch) == 0 {
			return
		}
		if err := fw.f.Forward(ctx, batch); err != nil {
			fw.Failed.Add(uint64(len(batch)))
			slog.WarnContext(ctx, "sink: forwarding alerts", "n", len(batch), "err", err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case a := <-fw.q:
					batch = append(batch, a)
					continue
				default:
				}
				break
			}
			// The last batch gets a few seconds of its own.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			send(fctx)
			cancel()
			return
		case a := <-fw.q:
			batch = append(batch, a)
			if len(batch) >= 100 {
				send(ctx)
			}
		case <-tick.C:
			send(ctx)
		}
	}
}
