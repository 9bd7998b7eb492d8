package rules

import (
	"net/netip"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// benchEvents is a mix like a busy container's: mostly benign execs, opens
// and connects, a few of the acts the default rules select.
func benchEvents() []*event.Event {
	c := &event.Container{ID: "4f1c0ffee", Name: "web", Image: "nginx:1.25"}
	mk := func(k event.Kind, comm, exe string, f func(*event.Event)) *event.Event {
		e := &event.Event{Kind: k, Process: event.Process{PID: 7, Comm: comm, Exe: exe, Args: []string{comm, "-x"}, ParentComm: "sh"}, Container: c}
		if f != nil {
			f(e)
		}
		return e
	}
	return []*event.Event{
		mk(event.Exec, "ls", "/bin/ls", nil),
		mk(event.Exec, "nginx", "/usr/sbin/nginx", nil),
		mk(event.Exec, "python3", "/usr/bin/python3", nil),
		mk(event.Open, "nginx", "/usr/sbin/nginx", func(e *event.Event) { e.File = &event.File{Path: "/var/log/nginx/access.log", Write: true} }),
		mk(event.Open, "python3", "/usr/bin/python3", func(e *event.Event) { e.File = &event.File{Path: "/app/data.db", Write: true} }),
		mk(event.Open, "nginx", "/usr/sbin/nginx", func(e *event.Event) { e.File = &event.File{Path: "/etc/nginx/nginx.conf"} }),
		mk(event.Connect, "python3", "/usr/bin/python3", func(e *event.Event) {
			e.Net = &event.Net{Family: "inet", Addr: netip.MustParseAddr("10.0.0.5"), Port: 5432}
		}),
		mk(event.Accept, "nginx", "/usr/sbin/nginx", func(e *event.Event) {
			e.Net = &event.Net{Family: "inet", Addr: netip.MustParseAddr("172.17.0.2"), Port: 80}
		}),
		mk(event.Fork, "nginx", "/usr/sbin/nginx", nil),
		mk(event.Exit, "ls", "/bin/ls", nil),
		mk(event.Exec, "sh", "/bin/sh", func(e *event.Event) { e.Process.ParentComm = "nginx" }),
		mk(event.Open, "cat", "/bin/cat", func(e *event.Event) { e.File = &event.File{Path: "/etc/shadow"} }),
	}
}

// BenchmarkMatchDefault is the cost of judging one event against the
// default rule set (ns/op is per event).
func BenchmarkMatchDefault(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	evs := benchEvents()
	dst := make([]*Rule, 0, 8)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		dst = s.Match(evs[i%len(evs)], dst[:0])
		n += len(dst)
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}

// BenchmarkMatchNoIndex is the baseline for BenchmarkMatchDefault: the
// same compiled rules, each evaluated on every event whole (evt.type
// checks included), without the per-kind index or the pruning it allows.
func BenchmarkMatchNoIndex(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var fns []evalFn
	for _, r := range s.Rules() {
		f, err := compileNode(r.tree)
		if err != nil {
			b.Fatal(err)
		}
		fns = append(fns, f)
	}
	evs := benchEvents()
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		e := evs[i%len(evs)]
		for _, f := range fns {
			if f(e) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
