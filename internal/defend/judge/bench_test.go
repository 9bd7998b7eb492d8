package judge

import (
	"context"
	"net/netip"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

// benchStream is a container's normal work: execs, writes, a listen, an
// outbound connection.
func benchStream(c *event.Container) []*event.Event {
	ip := netip.MustParseAddr("10.0.0.5")
	return []*event.Event{
		{Kind: event.Exec, Container: c, Process: event.Process{Comm: "nginx", Exe: "/usr/sbin/nginx", ParentComm: "containerd-shim"}},
		{Kind: event.Exec, Container: c, Process: event.Process{Comm: "sh", Exe: "/bin/sh", ParentComm: "containerd-shim"}},
		{Kind: event.Open, Container: c, Process: event.Process{Comm: "nginx"}, File: &event.File{Path: "/var/log/nginx/access.log", Write: true}},
		{Kind: event.Open, Container: c, Process: event.Process{Comm: "nginx"}, File: &event.File{Path: "/var/cache/nginx/proxy/1/2/x", Write: true}},
		{Kind: event.Listen, Container: c, Process: event.Process{Comm: "nginx"}, Net: &event.Net{Family: "inet", Proto: "tcp", Port: 80}},
		{Kind: event.Connect, Container: c, Process: event.Process{Comm: "nginx"}, Net: &event.Net{Family: "inet", Proto: "tcp", Addr: ip, Port: 8080}},
		{Kind: event.Fork, Container: c, Process: event.Process{Comm: "nginx"}},
		{Kind: event.Exit, Container: c, Process: event.Process{Comm: "sh"}},
	}
}

// BenchmarkJudge is the cost per event of the whole judgement: the default
// rules and an active model (ns/op is per event).
func BenchmarkJudge(b *testing.B) {
	set, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}})
	j := New(Options{Rules: set, Models: reg})
	ctx := context.Background()
	c1 := &event.Container{ID: "c1", Name: "web", Image: "nginx:1.27", ImageID: "sha256:aa"}
	for _, e := range benchStream(c1) {
		j.Judge(ctx, e)
	}
	c2 := &event.Container{ID: "c2", Name: "web-2", Image: "nginx:1.27", ImageID: "sha256:aa"}
	evs := benchStream(c2)
	for _, e := range evs {
		if as := j.Judge(ctx, e); len(as) > 0 {
			b.Fatalf("normal work raised %s", as[0].Output)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j.Judge(ctx, evs[i%len(evs)])
	}
}

// BenchmarkJudgeRulesOnly is the same without models.
func BenchmarkJudgeRulesOnly(b *testing.B) {
	set, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	j := New(Options{Rules: set})
	ctx := context.Background()
	evs := benchStream(&event.Container{ID: "c2", Name: "web-2", Image: "nginx:1.27", ImageID: "sha256:aa"})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j.Judge(ctx, evs[i%len(evs)])
	}
}
