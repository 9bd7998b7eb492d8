package plugin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
)

// reviewEngine is one guarded engine shared by the tests of the security
// review's guard findings: the tool image imported and recorded as
// scanned clean, so each case is refused for its own reason only.
type reviewEngine struct {
	*guarded
	img     string
	enforce string
	suffix  string
}

func startReview(t *testing.T, extra string) *reviewEngine {
	t.Helper()
	hist := t.TempDir()
	enforce := fmt.Sprintf("version: 1\nscan_gate:\n  history_dir: %s\n%s", hist, extra)
	e := startGuarded(t, parsePolicy(t, enforce))
	img := e.importImage(t, toolImage(t), "bulwark-guard-tool:1")
	ins, err := e.api.ImageInspect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if err := history.RecordEntry(context.Background(), hist, &history.Entry{
		SchemaVersion: history.SchemaVersion, ImageID: ins.ID, Target: "docker:" + img, ScannedAt: time.Now().UTC(),
		Matched: true, Assessed: true, Counts: map[string]int{}, Findings: []history.Finding{},
	}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	return &reviewEngine{guarded: e, img: img, enforce: enforce, suffix: hex.EncodeToString(b)}
}

// refused runs docker args and wants a denial naming rule; whatever it
// created by mistake is removed.
func (r *reviewEngine) refused(t *testing.T, rule string, args ...string) {
	t.Helper()
	out, err := r.docker(args...)
	if err == nil {
		if args[0] == "create" {
			r.docker("rm", "-f", strings.TrimSpace(out))
		}
		if args[0] == "volume" {
			r.docker("volume", "rm", "-f", strings.TrimSpace(out))
		}
		t.Errorf("docker %s allowed:\n%s", strings.Join(args, " "), out)
		return
	}
	if !strings.Contains(out, "authorization denied by plugin "+pluginName) || !hasRule(out, rule) {
		t.Errorf("docker %s: error does not name rule %s:\n%s", strings.Join(args, " "), rule, out)
	}
}

// hardenedCreate is `docker create` with every required setting, then
// args, the image and a command.
func (r *reviewEngine) hardenedCreate(args ...string) []string {
	out := append([]string{"create"}, hardenedRun[2:]...)
	return append(append(out, args...), r.img, "true")
}

// TestHostPathResolver: every way the Engine API names a host path is
// judged, against the real engine. The relative device= of the local
// volume driver is resolved by mount(2) from the daemon's working
// directory, so enough ../ reach the host's /etc; it used to pass because
// only values starting with / were treated as host paths.
func TestHostPathResolver(t *testing.T) {
	r := startReview(t, "")
	up := strings.Repeat("../", 12) + "etc"
	v := "bulwark-rel-" + r.suffix
	t.Run("volume create with a relative device", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, "volume", "create", "-d", "local", "-o", "type=none", "-o", "o=bind", "-o", "device="+up, v)
	})
	t.Run("mount with volume options binding a relative device", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount",
			"type=volume,src="+v+"2,dst=/x,volume-driver=local,volume-opt=type=none,volume-opt=o=bind,volume-opt=device="+up)...)
		r.docker("volume", "rm", "-f", v+"2")
	})
	t.Run("anonymous volume binding /etc", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount",
			"type=volume,dst=/x,volume-opt=type=none,volume-opt=o=rbind,volume-opt=device=/etc")...)
	})
	t.Run("named volume made earlier with a relative device", func(t *testing.T) {
		if err := r.srv.Reload(parsePolicy(t, r.enforce+"mode: audit\n")); err != nil {
			t.Fatal(err)
		}
		r.mustDocker(t, "volume", "create", "-d", "local", "-o", "type=none", "-o", "o=bind", "-o", "device="+up, v)
		defer r.docker("volume", "rm", "-f", v)
		if err := r.srv.Reload(parsePolicy(t, r.enforce)); err != nil {
			t.Fatal(err)
		}
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", v+":/x")...)
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount", "type=volume,src="+v+",dst=/x")...)
	})
	t.Run("newly sensitive paths", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", "/var/log:/l:ro")...)
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", "/home:/h:ro")...)
	})
	t.Run("harmless volume still allowed", func(t *testing.T) {
		r.mustDocker(t, "volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", v+"-tmp")
		defer r.docker("volume", "rm", "-f", v+"-tmp")
		id := r.mustDocker(t, r.hardenedCreate("-v", v+"-tmp:/x")...)
		r.docker("rm", "-f", id)
	})
}
