// Package judge decides which events of `bulwark defend` become alerts: it
// asks the rules (package rules) and the image's learned behaviour (package
// model) about each event and turns their verdicts into event.Alerts.
//
// # Data flow
//
//	*event.Event (from the sensor, attributed to a container)
//	  → rules.Set.Match: every enabled rule that selects it → an alert each,
//	    with the rule's priority, output, tags and response
//	  → model.Registry.Judge: learns while the image's model learns; once it
//	    is active, an act outside it → an alert of rule "model" saying what
//	    the model expected
//	  → deduplication: repeats of an alert that only reports (same rule,
//	    container and act) within a window are counted, and the count goes
//	    with the next one sent; enforcing alerts are never held back
//	  → []event.Alert for the responder and the sinks.
package judge

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

// ModelRule is the rule id of behaviour-model alerts.
const ModelRule = "model"

// Options configure a judge.
type Options struct {
	Rules  *rules.Set      // nil: no rules
	Models *model.Registry // nil: no behaviour models
	// ModelPriority is the priority of model alerts (default warning); an
	// exec of a program the image does not contain is one step graver.
	ModelPriority rules.Priority
	// ModelResponse is what a model alert asks for (default alert).
	ModelResponse event.Response
	// Dedup is how long repeats of a reporting-only alert are counted
	// instead of sent (default one minute; negative: never).
	Dedup time.Duration
	Now   func() time.Time
}

// Judge combines rules and models. It is safe for concurrent use.
type Judge struct {
	o Options

	pool sync.Pool // []*rules.Rule scratch for Match

	mu    sync.Mutex
	seen  map[string]*repeat
	stats Stats
}

type repeat struct {
	until      time.Time
	suppressed int
}

// Stats are the judge's counters.
type Stats struct {
	Judged uint64
	Alerts uint64
	// Suppressed counts repeats held back by deduplication, by rule.
	Suppressed map[string]uint64
}

// New returns a judge.
func New(o Options) *Judge {
	if o.ModelPriority == 0 {
		o.ModelPriority = rules.PriorityWarning
	}
	if o.ModelResponse == "" {
		o.ModelResponse = event.Report
	}
	if o.Dedup == 0 {
		o.Dedup = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	j := &Judge{o: o, seen: map[string]*repeat{}, stats: Stats{Suppressed: map[string]uint64{}}}
	j.pool.New = func() any { s := make([]*rules.Rule, 0, 8); return &s }
	return j
}

// Judge returns the alerts e raises (nil for most events).
func (j *Judge) Judge(ctx context.Context, e *event.Event) []event.Alert {
	var out []event.Alert
	if j.o.Rules != nil {
		sp := j.pool.Get().(*[]*rules.Rule)
		matched := j.o.Rules.Match(e, (*sp)[:0])
		for _, r := range matched {
			out = append(out, r.Alert(e))
		}
		*sp = matched[:0]
		j.pool.Put(sp)
	}
	var dev *model.Deviation
	if j.o.Models != nil {
		dev = j.o.Models.Judge(ctx, e)
		if dev != nil {
			out = append(out, j.modelAlert(e, dev))
		}
	}
	now := j.o.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stats.Judged++
	if len(out) == 0 {
		return nil
	}
	kept := out[:0]
	for i := range out {
		a := &out[i]
		if !e.Time.IsZero() {
			a.LatencyNS = now.Sub(e.Time).Nanoseconds()
		}
		if a.Response == event.Report && j.o.Dedup > 0 {
			act := ""
			if a.Rule == ModelRule {
				act = dev.Key
			} else if v, ok := e.Field("fd.name"); ok {
				act = v.(string)
			}
			if !j.first(a, e, act, now) {
				continue
			}
		}
		kept = append(kept, *a)
	}
	j.stats.Alerts += uint64(len(kept))
	if len(j.seen) > 50000 {
		j.prune(now)
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// first reports whether a is the first of its kind in the window, noting in
// it how many repeats the previous window held back. Called with mu.
func (j *Judge) first(a *event.Alert, e *event.Event, act string, now time.Time) bool {
	cid := ""
	if e.Container != nil {
		cid = e.Container.ID
	}
	key := a.Rule + "\x00" + cid + "\x00" + e.Process.Exe + "\x00" + act
	r, ok := j.seen[key]
	if ok && now.Before(r.until) {
		r.suppressed++
		j.stats.Suppressed[a.Rule]++
		return false
	}
	if ok && r.suppressed > 0 {
		note := strconv.Itoa(r.suppressed) + " repeats within " + j.o.Dedup.String() + " before this one were counted, not sent"
		if a.Detail != "" {
			note = a.Detail + "; " + note
		}
		a.Detail = note
	}
	j.seen[key] = &repeat{until: now.Add(j.o.Dedup)}
	return true
}

func (j *Judge) prune(now time.Time) {
	for k, r := range j.seen {
		if !now.Before(r.until) {
			delete(j.seen, k)
		}
	}
}

func (j *Judge) modelAlert(e *event.Event, d *model.Deviation) event.Alert {
	prio := j.o.ModelPriority
	if d.NotInImage && prio > rules.PriorityEmergency {
		prio--
	}
	name := e.Container.Image
	if name == "" {
		name = e.Container.ImageID
	}
	return event.Alert{
		Event:    *e,
		Rule:     ModelRule,
		Priority: prio.String(),
		Output: fmt.Sprintf("Behaviour outside the learned model of %s: %s (container=%s process=%s)",
			name, d.What, e.Container.Name, e.Process.Comm),
		Tags:     []string{"model"},
		Expected: d.Expected,
		Response: j.o.ModelResponse,
	}
}

// ModelStats returns the behaviour models' counters (false: no models).
func (j *Judge) ModelStats() (model.Stats, bool) {
	if j.o.Models == nil {
		return model.Stats{}, false
	}
	return j.o.Models.Stats(), true
}

// Kinds returns the event kinds the judge can turn into alerts: those
// of the rules, and with models the acts a model learns (processes,
// files written, listening ports, outbound connections).
func (j *Judge) Kinds() []event.Kind {
	var ks []event.Kind
	if j.o.Rules != nil {
		ks = j.o.Rules.Kinds()
	}
	if j.o.Models != nil {
		for _, k := range []event.Kind{event.Exec, event.Open, event.Listen, event.Connect} {
			if !slices.Contains(ks, k) {
				ks = append(ks, k)
			}
		}
	}
	return ks
}

// Stats returns a copy of the counters.
func (j *Judge) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.stats
	s.Suppressed = make(map[string]uint64, len(j.stats.Suppressed))
	for k, v := range j.stats.Suppressed {
		s.Suppressed[k] = v
	}
	return s
}

// Kernel lists the rules a sensor can enforce in the kernel (see
// rules.KernelRule); every rule is judged here as well.
func (j *Judge) Kernel() []rules.KernelRule {
	if j.o.Rules == nil {
		return nil
	}
	return j.o.Rules.Kernel()
}
