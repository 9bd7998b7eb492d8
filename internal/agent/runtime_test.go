package agent_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/judge"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/defend/sink"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
)

// TestRuntimeToServer runs the defend agent's reporting half against a real
// server: alerts go through the sink's forwarder, models through the
// registry's publisher, with a fleet agent token naming its host.
func TestRuntimeToServer(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, NoWorkers: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	secret, hash := store.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{Name: "fleet", Role: store.Agent, Host: store.AnyHost, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	c, err := agent.NewClient(hs.URL, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Host = "node-7"
	rt := agent.Runtime{C: c}

	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}, Publisher: rt})
	j := judge.New(judge.Options{Rules: set, Models: reg})
	fctx, cancel := context.WithCancel(ctx)
	fw := sink.NewForward(fctx, rt, 1000)
	web := &event.Container{ID: "c1", Name: "web", Image: "shop/web:1.4", ImageID: "sha256:aaaa"}
	web2 := &event.Container{ID: "c2", Name: "web-2", Image: "shop/web:1.4", ImageID: "sha256:aaaa"}
	evs := []*event.Event{
		{Kind: event.Exec, Container: web, Process: event.Process{Comm: "server", Exe: "/app/server", ParentComm: "containerd-shim"}},
		{Kind: event.Exec, Container: web2, Process: event.Process{Comm: "server", Exe: "/app/server", ParentComm: "containerd-shim"}},
		{Kind: event.Exec, Container: web2, Process: event.Process{Comm: "id", Exe: "/usr/bin/id", ParentComm: "containerd-shim"}},
		{Kind: event.Open, Container: web2, Process: event.Process{Comm: "cat", Exe: "/bin/cat"}, File: &event.File{Path: "/etc/shadow"}},
	}
	sent := 0
	for _, e := range evs {
		for _, a := range j.Judge(ctx, e) {
			fw.Alert(ctx, &a)
			sent++
		}
	}
	if err := reg.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var got []store.RuntimeAlert
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < sent && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if got, err = st.RuntimeAlerts(ctx, store.RuntimeFilter{}); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if sent != 2 || len(got) != sent || fw.Dropped.Load() != 0 || fw.Failed.Load() != 0 {
		t.Fatalf("sent %d alerts, the server holds %d (dropped %d, failed %d)", sent, len(got), fw.Dropped.Load(), fw.Failed.Load())
	}
	for _, a := range got {
		if a.Host != "node-7" || a.ContainerName != "web-2" {
			t.Errorf("alert %+v", a)
		}
	}
	ms, err := st.RuntimeModels(ctx, "node-7")
	if err != nil || len(ms) != 1 || ms[0].State != "active" || ms[0].Deviations != 1 {
		t.Fatalf("models %+v %v", ms, err)
	}
}
