package plugin

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// TestWatch: containers started while the plugin only audited are found
// by the watcher, when listed and as they start, and stopped on request.
func TestWatch(t *testing.T) {
	const pol = "version: 1\nscan_gate:\n  enabled: false\n"
	e := startGuarded(t, parsePolicy(t, pol+"mode: audit\n"))
	img := e.importImage(t, toolImage(t), "bulwark-guard-tool:1")
	bad := e.mustDocker(t, "run", "-d", "--network", "none", "--cap-add", "SYS_ADMIN", img, "/bin/sleep", "120")
	defer e.docker("rm", "-f", bad)
	good := e.mustDocker(t, append(append([]string{"run", "-d"}, hardenedRun[2:]...), img, "/bin/sleep", "120")...)
	defer e.docker("rm", "-f", good)

	g, err := guard.New(parsePolicy(t, pol), guard.Options{Engine: e.api})
	if err != nil {
		t.Fatal(err)
	}
	w := &Watcher{Guard: g, Engine: e.api}
	ctx := context.Background()
	found, err := w.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Finding{}
	for _, f := range found {
		byID[f.Container] = f
	}
	if f, ok := byID[bad]; !ok || !slices.ContainsFunc(f.Violations, func(v guard.Violation) bool { return v.Rule == policy.RuleCapAdd }) {
		t.Errorf("container with SYS_ADMIN not reported: %+v", found)
	}
	if _, ok := byID[good]; ok {
		t.Errorf("hardened container reported: %+v", byID[good])
	}

	// Follow: a container starting now is judged.
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	seen := make(chan Finding, 64)
	fw := &Watcher{Guard: g, Engine: e.api, Report: func(f Finding) { seen <- f }, Since: time.Now().Add(-time.Second)}
	late := e.mustDocker(t, "run", "-d", "--network", "none", "--pid", "host", img, "/bin/sleep", "120")
	done := make(chan error, 1)
	go func() { _, err := fw.Follow(fctx); done <- err }()
	defer e.docker("rm", "-f", late)
	timeout := time.After(30 * time.Second)
wait:
	for {
		select {
		case f := <-seen:
			if f.Container != late {
				continue // an earlier start replayed from the same second
			}
			if !slices.ContainsFunc(f.Violations, func(v guard.Violation) bool { return v.Rule == policy.RuleHostPID }) {
				t.Errorf("followed finding %+v", f)
			}
			break wait
		case <-timeout:
			t.Error("no finding for a container started while following")
			break wait
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("follow: %v", err)
	}

	// Stop.
	w.Stop = true
	if _, err := w.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{bad, late} {
		if st := e.mustDocker(t, "inspect", "-f", "{{.State.Running}}", id); st != "false" {
			t.Errorf("container %s still running", id[:12])
		}
	}
	if st := e.mustDocker(t, "inspect", "-f", "{{.State.Running}}", good); !strings.HasPrefix(st, "true") {
		t.Errorf("hardened container stopped")
	}
}
