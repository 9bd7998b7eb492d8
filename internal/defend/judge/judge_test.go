package judge

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var web = &event.Container{ID: "c0ffee", Name: "web", Image: "nginx:1.25", ImageID: "sha256:abcd"}

func exec(c *event.Container, comm, exe, parent string) *event.Event {
	return &event.Event{Kind: event.Exec, Container: c, Process: event.Process{PID: 7, Comm: comm, Exe: exe, Args: []string{comm}, ParentComm: parent}}
}

func write(c *event.Container, comm, p string) *event.Event {
	return &event.Event{Kind: event.Open, Container: c, Process: event.Process{PID: 8, Comm: comm, Exe: "/usr/bin/" + comm}, File: &event.File{Path: p, Write: true}}
}

func ids(as []event.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Rule)
	}
	return out
}

func newJudge(t *testing.T, clk *clock) *Judge {
	t.Helper()
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}, Now: clk.now})
	return New(Options{Rules: set, Models: reg, Now: clk.now})
}

func TestRulesAndModels(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	j := newJudge(t, clk)
	ctx := context.Background()
	// Learning: nginx starts, writes its logs.
	learn := []*event.Event{exec(web, "nginx", "/usr/sbin/nginx", "containerd-shim"), write(web, "nginx", "/var/log/nginx/access.log")}
	for _, e := range learn {
		if as := j.Judge(ctx, e); len(as) != 0 {
			t.Fatalf("learning raised %v", ids(as))
		}
	}
	// A second container of the image: the model is active.
	c2 := &event.Container{ID: "beef", Name: "web-2", Image: "nginx:1.25", ImageID: "sha256:abcd"}
	for _, e := range []*event.Event{exec(c2, "nginx", "/usr/sbin/nginx", "containerd-shim"), write(c2, "nginx", "/var/log/nginx/error.log")} {
		if as := j.Judge(ctx, e); len(as) != 0 {
			t.Errorf("normal work raised %v", ids(as))
		}
	}
	// A shell from nginx: the rule and the model both see it.
	sh := exec(c2, "sh", "/bin/sh", "nginx")
	sh.Time = clk.now().Add(-3 * time.Millisecond)
	as := j.Judge(ctx, sh)
	if got := strings.Join(ids(as), ","); got != "shell-spawned-by-server,model" {
		t.Fatalf("shell from nginx: %s", got)
	}
	m := as[1]
	if m.Expected == "" || !strings.Contains(m.Output, "nginx:1.25") || m.Priority != "warning" || m.Response != event.Report || m.LatencyNS != 3e6 {
		t.Errorf("model alert %+v", m)
	}
	if !strings.Contains(m.Expected, "/usr/sbin/nginx") {
		t.Errorf("expected %q", m.Expected)
	}
	// A write to /usr/bin: a kill rule (never deduplicated) and the model.
	for range 3 {
		as = j.Judge(ctx, write(c2, "curl", "/usr/bin/evil"))
		if got := strings.Join(ids(as), ","); got != "write-below-binary-dir,model" && got != "write-below-binary-dir" {
			t.Fatalf("write below /usr/bin: %s", got)
		}
		if as[0].Response != event.Kill {
			t.Errorf("response %s", as[0].Response)
		}
	}
	// Host processes: neither.
	if as := j.Judge(ctx, exec(nil, "bash", "/bin/bash", "sshd")); len(as) != 0 {
		t.Errorf("host process raised %v", ids(as))
	}
}

func TestDedup(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	j := newJudge(t, clk)
	ctx := context.Background()
	// write-below-etc only reports: repeats of the same act are counted.
	e := write(web, "sh", "/etc/passwd")
	for i := range 5 {
		as := j.Judge(ctx, e)
		if (i == 0) != (len(as) > 0) {
			t.Fatalf("repeat %d: %v", i, ids(as))
		}
	}
	// Another file is another act.
	if as := j.Judge(ctx, write(web, "sh", "/etc/group")); len(as) != 1 {
		t.Errorf("another file: %v", ids(as))
	}
	if s := j.Stats(); s.Suppressed["write-below-etc"] != 4 || s.Judged != 6 || s.Alerts != 2 {
		t.Errorf("stats %+v", s)
	}
	clk.add(2 * time.Minute)
	as := j.Judge(ctx, e)
	if len(as) != 1 || !strings.Contains(as[0].Detail, "4 repeats within 1m0s") {
		t.Fatalf("after the window: %+v", as)
	}
	// Dedup off.
	set, _ := rules.Default()
	j = New(Options{Rules: set, Dedup: -1})
	for range 3 {
		if as := j.Judge(ctx, e); len(as) != 1 {
			t.Fatal("dedup off held an alert back")
		}
	}
}

func TestModelOptions(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}, Now: clk.now})
	j := New(Options{Models: reg, ModelPriority: rules.PriorityError, ModelResponse: event.Kill, Now: clk.now})
	ctx := context.Background()
	j.Judge(ctx, exec(web, "nginx", "/usr/sbin/nginx", "containerd-shim"))
	c2 := &event.Container{ID: "2", Image: "nginx:1.25", ImageID: "sha256:abcd"}
	for range 2 {
		as := j.Judge(ctx, exec(c2, "id", "/usr/bin/id", "sh"))
		if len(as) != 1 || as[0].Priority != "error" || as[0].Response != event.Kill {
			t.Fatalf("model alert %+v", as)
		}
	}
	if j.Kernel() != nil {
		t.Error("kernel rules without rules")
	}
}
