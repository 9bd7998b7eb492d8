package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
)

func TestDefendModelCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "models.db")
	st, err := model.OpenStore(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}, Store: st})
	c := &event.Container{ID: "c1", Image: "shop/web:1.4", ImageID: "sha256:0123456789abcdef0123"}
	reg.Judge(ctx, &event.Event{Kind: event.Exec, Container: c, Process: event.Process{Comm: "server", Exe: "/app/server", ParentComm: "containerd-shim"}})
	reg.Judge(ctx, &event.Event{Kind: event.Open, Container: c, Process: event.Process{Comm: "server"}, File: &event.File{Path: "/var/lib/app/x", Write: true}})
	if err := reg.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	r := run(t, "defend", "model", "list", "--models", file)
	if r.code != 0 || !strings.Contains(r.stdout, "0123456789ab") || !strings.Contains(r.stdout, "learning") {
		t.Errorf("list: %+v", r)
	}
	r = run(t, "defend", "model", "show", "--models", file, "shop/web:1.4")
	if r.code != 0 || !strings.Contains(r.stdout, "/app/server  ← containerd-shim") || !strings.Contains(r.stdout, "/var/lib/app") {
		t.Errorf("show: %+v", r)
	}
	r = run(t, "defend", "model", "show", "--models", file, "--format", "json", "01234567")
	var m model.Model
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &m) != nil || m.Image != c.ImageID || len(m.Processes) != 1 {
		t.Errorf("show json: %+v", r)
	}
	r = run(t, "defend", "model", "reset", "--models", file, "sha256:0123")
	if r.code != 0 || !strings.Contains(r.stdout, "reset") {
		t.Errorf("reset: %+v", r)
	}
	if got, err := st.Get(ctx, c.ImageID); err != nil || got.Generation != 1 || len(got.Processes) != 0 {
		t.Errorf("after reset: %+v %v", got, err)
	}
	for _, args := range [][]string{
		{"defend", "model", "show", "--models", file, "nginx"},
		{"defend", "model", "reset", "--models", file, "sha256:ffff"},
		{"defend", "model", "show", "--models", file},
	} {
		if r := run(t, args...); r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: %+v", args, r)
		}
	}
	corrupt := filepath.Join(t.TempDir(), "corrupt.db")
	os.WriteFile(corrupt, []byte(strings.Repeat("junk", 2000)), 0o600)
	if r := run(t, "defend", "model", "list", "--models", corrupt); r.code != 2 || r.stderr == "" {
		t.Errorf("corrupt store: %+v", r)
	}
	if r := run(t, "defend", "model", "list", "--models", filepath.Join(t.TempDir(), "none.db"), "--format", "json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("empty json list: %+v", r)
	}
}
