package daemon

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/probe"
)

// TestProcConnectorMode runs the agent in its fallback mode (no BPF): an
// exec in a container is attributed with its image, the host's are not.
func TestProcConnectorMode(t *testing.T) {
	img := attackImage(t)
	a := startAgent(t, Options{Mode: probe.ModeProc})
	if a.Mode != probe.ModeProc || a.ks != nil {
		t.Fatalf("mode %s", a.Mode)
	}
	id, out, code := runNoFatal(t, nil, img, "bash", "-c", "sleep 0.5; xmrig sleep 1s")
	if code != 0 {
		t.Fatalf("container: %d %s", code, out)
	}
	a.settle()
	evs := want(t, a, "exec of xmrig", and(inContainer(id), kind(event.Exec), comm("xmrig")))
	wantImage(t, evs, img)
	if len(a.col.find(func(e *event.Event) bool { return e.Container == nil })) != 0 {
		t.Error("a host process attributed")
	}
}
