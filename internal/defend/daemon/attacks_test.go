package daemon

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// scenario is one attack, or its benign counterpart, in its own container.
type scenario struct {
	name string
	args []string // docker run arguments after --network none (image is added)
	cmd  string   // bash -c script
	// check inspects the container's events (and output, exit code).
	check func(t *testing.T, a *agent, id, out string, code int)
}

func bashIn(img string, s scenario) []string {
	return append(append(slices.Clone(s.args), img, "bash", "-c"), s.cmd)
}

// want fails unless at least one event matches; it returns them.
func want(t *testing.T, a *agent, what string, f func(e *event.Event) bool) []event.Event {
	t.Helper()
	got := a.col.find(f)
	if len(got) == 0 {
		t.Errorf("no %s event", what)
		if testing.Verbose() {
			dump(t, a, "")
		}
	}
	return got
}

func dump(t *testing.T, a *agent, id string) {
	t.Helper()
	for _, e := range a.col.find(inContainer(id)) {
		t.Logf("  seen: %s target=%+v op=%s", e.String(), e.Target, e.Op)
	}
}

func none(t *testing.T, a *agent, what string, f func(e *event.Event) bool) {
	t.Helper()
	if got := a.col.find(f); len(got) > 0 {
		t.Errorf("unexpected %s event: %s", what, got[0].String())
	}
}

func wantImage(t *testing.T, evs []event.Event, img string) {
	t.Helper()
	for _, e := range evs {
		if e.Container.Image != img {
			t.Errorf("%s: container image %q, want %q", e.String(), e.Container.Image, img)
		}
	}
}

// hostEscapeArgs give a container what a host mount plus nsenter needs
// (the host's pid namespace, CAP_SYS_ADMIN, no seccomp filter); not
// --privileged, which needs every capability in the engine's bounding set.
// The nsenter target is this test process (a host process in the host's
// namespaces; pid 1 of a sandboxed host may refuse to be entered).
var hostEscapeArgs = []string{"--pid=host", "--cap-add", "SYS_ADMIN", "--cap-add", "SYS_PTRACE", "--security-opt", "seccomp=unconfined",
	"--security-opt", "apparmor=unconfined", "-v", "/:/host:ro", "-e", "HOSTPID=" + strconv.Itoa(os.Getpid())}

func sensorScenarios(img, sock string) []scenario {
	return []scenario{
		{name: "reverse-shell", cmd: `tool listen 127.0.0.1:4444 & sleep 1; bash -c 'exec 3<>/dev/tcp/127.0.0.1/4444; sh <&3 >&3 2>&3'; wait`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				if !strings.Contains(out, "pwned-42") {
					t.Errorf("the reverse shell did not run: %s", out)
				}
				evs := want(t, a, "exec of sh with socket stdio", and(inContainer(id), kind(event.Exec), comm("sh"),
					func(e *event.Event) bool { return e.Process.StdinSocket && e.Process.StdoutSocket }))
				wantImage(t, evs, img)
				want(t, a, "connect to 127.0.0.1:4444", and(inContainer(id), kind(event.Connect), func(e *event.Event) bool {
					return e.Net != nil && e.Net.Port == 4444 && e.Net.Addr.String() == "127.0.0.1"
				}))
				want(t, a, "listen on 4444", and(inContainer(id), kind(event.Listen), func(e *event.Event) bool { return e.Net != nil && e.Net.Port == 4444 }))
				want(t, a, "accept on 4444", and(inContainer(id), kind(event.Accept), func(e *event.Event) bool { return e.Net != nil && e.Net.Port == 4444 }))
			}},
		{name: "reverse-shell-benign", cmd: `echo hi | sh -c cat`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "socket-stdio shell", and(inContainer(id), kind(event.Exec), func(e *event.Event) bool { return e.Process.StdinSocket || e.Process.StdoutSocket }))
				want(t, a, "exec of sh", and(inContainer(id), kind(event.Exec), comm("sh")))
			}},
		{name: "shadow", cmd: `cat /etc/shadow >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				evs := want(t, a, "open of /etc/shadow by cat", and(inContainer(id), kind(event.Open), comm("cat"), filePath("/etc/shadow")))
				wantImage(t, evs, img)
				for _, e := range evs {
					if e.File.Write || e.Process.Exe != "/usr/bin/cat" || e.Process.ParentComm != "bash" {
						t.Errorf("open event: %+v", e.Process)
					}
				}
			}},
		{name: "shadow-relative", cmd: `cd /etc && cat shadow >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				want(t, a, "relative open of shadow resolved", and(inContainer(id), kind(event.Open), comm("cat"), filePath("/etc/shadow")))
			}},
		{name: "shadow-benign", cmd: `cat /etc/hostname >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "open by cat", and(inContainer(id), kind(event.Open), comm("cat")))
			}},
		{name: "write-usr-bin", cmd: `echo x > /usr/bin/evil`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				evs := want(t, a, "write into /usr/bin", and(inContainer(id), kind(event.Open), filePath("/usr/bin/evil"), func(e *event.Event) bool { return e.File.Write }))
				wantImage(t, evs, img)
			}},
		{name: "write-usr-bin-benign", cmd: `echo x > /tmp/fine`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "open below /usr/bin", and(inContainer(id), kind(event.Open), filePrefix("/usr/bin/")))
				want(t, a, "write into /tmp", and(inContainer(id), kind(event.Open), filePath("/tmp/fine")))
			}},
		{name: "package-manager", cmd: `dpkg -l >/dev/null; apt-get --version >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantImage(t, want(t, a, "exec of dpkg", and(inContainer(id), kind(event.Exec), comm("dpkg"), func(e *event.Event) bool { return e.Process.Exe == "/usr/bin/dpkg" })), img)
				want(t, a, "exec of apt-get", and(inContainer(id), kind(event.Exec), comm("apt-get")))
			}},
		{name: "package-manager-benign", cmd: `ls /var/lib/dpkg >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "package manager", and(inContainer(id), kind(event.Exec), func(e *event.Event) bool { return e.Process.Comm == "dpkg" || e.Process.Comm == "apt-get" }))
			}},
		{name: "tmp-drop", cmd: `cp /usr/bin/ls /tmp/dropped && /tmp/dropped / >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantImage(t, want(t, a, "exec from the writable layer", and(inContainer(id), kind(event.Exec), func(e *event.Event) bool {
					return e.Process.Exe == "/tmp/dropped" && e.Process.ExeUpperLayer
				})), img)
			}},
		{name: "tmp-drop-benign", cmd: `/usr/bin/ls / >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				evs := want(t, a, "exec of ls", and(inContainer(id), kind(event.Exec), comm("ls")))
				for _, e := range evs {
					if e.Process.ExeUpperLayer {
						t.Errorf("ls from the image marked as written after start")
					}
				}
			}},
		{name: "memfd", cmd: `tool memfd /usr/bin/true --version`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				want(t, a, "memfd_create", and(inContainer(id), kind(event.MemfdCreate), filePath("memfd:payload")))
				wantImage(t, want(t, a, "exec from memfd", and(inContainer(id), kind(event.Exec), func(e *event.Event) bool { return e.Process.ExeFromMemfd })), img)
			}},
		{name: "memfd-benign", cmd: `/usr/bin/true`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "memfd", and(inContainer(id), func(e *event.Event) bool { return e.Kind == event.MemfdCreate || e.Process.ExeFromMemfd }))
			}},
		{name: "miner", cmd: `xmrig sleep 0`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantImage(t, want(t, a, "exec of xmrig", and(inContainer(id), kind(event.Exec), comm("xmrig"))), img)
			}},
		{name: "miner-benign", cmd: `worker sleep 0`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "xmrig", and(inContainer(id), comm("xmrig")))
			}},
		{name: "docker-socket", args: []string{"-v", sock + ":/var/run/docker.sock"}, cmd: `tool unix /var/run/docker.sock`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				if !strings.Contains(out, "unix:") {
					t.Errorf("the socket was not used: %s", out)
				}
				wantImage(t, want(t, a, "connect to the docker socket", and(inContainer(id), kind(event.Connect), func(e *event.Event) bool {
					return e.Net != nil && e.Net.Family == "unix" && e.Net.Path == "/var/run/docker.sock"
				})), img)
			}},
		{name: "docker-socket-benign", cmd: `tool serve-unix /tmp/s & sleep 0.5; tool unix /tmp/s; wait`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "docker socket", and(inContainer(id), kind(event.Connect), func(e *event.Event) bool { return e.Net != nil && strings.Contains(e.Net.Path, "docker.sock") }))
				want(t, a, "connect to /tmp/s", and(inContainer(id), kind(event.Connect), func(e *event.Event) bool { return e.Net != nil && e.Net.Path == "/tmp/s" }))
			}},
		{name: "mount-nsenter", args: hostEscapeArgs, cmd: `mount -t tmpfs none /mnt && nsenter -t $HOSTPID -m -u true`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				if code != 0 {
					t.Errorf("mount + nsenter failed (%d): %s", code, out)
				}
				wantImage(t, want(t, a, "mount of tmpfs on /mnt", and(inContainer(id), kind(event.Mount), func(e *event.Event) bool {
					return e.Mount.Target == "/mnt" && e.Mount.FSType == "tmpfs"
				})), img)
				want(t, a, "setns into the host's mount namespace", and(inContainer(id), kind(event.SetNS), comm("nsenter"), func(e *event.Event) bool {
					return slices.Contains(e.NSFlags, "mnt")
				}))
			}},
		{name: "mount-nsenter-benign", args: hostEscapeArgs, cmd: `ls /mnt >/dev/null`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "mount or setns", and(inContainer(id), func(e *event.Event) bool { return e.Kind == event.Mount || e.Kind == event.SetNS }))
			}},
		{name: "ptrace", cmd: `tool sleep 20s & p=$!; until [ "$(cat /proc/$p/comm)" = tool ]; do sleep 0.05; done; tool ptrace $p; kill $p`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				wantImage(t, want(t, a, "ptrace attach of a sibling", and(inContainer(id), kind(event.Ptrace), func(e *event.Event) bool {
					return e.Op == "attach" && e.Target != nil && e.Target.Comm == "tool"
				})), img)
			}},
		{name: "ptrace-benign", cmd: `tool sleep 10ms`,
			check: func(t *testing.T, a *agent, id, out string, code int) {
				none(t, a, "ptrace", and(inContainer(id), kind(event.Ptrace)))
			}},
	}
}

// TestSensorAttacks runs each attack and its benign counterpart in a
// container of its own and checks what the sensor reported, and that the
// same acts on the host are attributed to no container.
func TestSensorAttacks(t *testing.T) {
	img := attackImage(t)
	sock := testutil.NeedDocker(t)
	a := startAgent(t, Options{})
	ss := sensorScenarios(img, sock)
	if only := os.Getenv("BULWARK_DEFEND_ONLY"); only != "" {
		ss = slices.DeleteFunc(ss, func(s scenario) bool { return !strings.HasPrefix(s.name, only) })
	}
	runScenarios(t, a, img, ss)
	t.Run("host", func(t *testing.T) {
		// The same acts outside any container.
		var pids []int
		for _, c := range [][]string{{"cat", "/etc/shadow"}, {"sh", "-c", "echo x > /tmp/bulwark-defend-host-" + randomID()}, {"dpkg", "-l"}} {
			cmd := exec.Command(c[0], c[1:]...)
			if err := cmd.Run(); err != nil {
				t.Logf("%v: %v", c, err)
			}
			pids = append(pids, cmd.Process.Pid)
		}
		a.settle()
		for _, pid := range pids {
			if evs := a.col.find(func(e *event.Event) bool { return int(e.Process.PID) == pid }); len(evs) > 0 {
				t.Errorf("host process %d attributed: %s", pid, evs[0].String())
			}
		}
		if a.pipe.Stats().Received.Load() == 0 {
			t.Error("the agent received nothing at all")
		}
	})
	lost := a.Lost()
	if lost != 0 {
		t.Errorf("%d events lost in the ring buffer", lost)
	}
}

type result struct {
	id, out string
	code    int
}

// runScenarios runs every scenario's container, several at a time (a
// container start mostly waits on the engine), then checks each.
func runScenarios(t *testing.T, a *agent, img string, ss []scenario) {
	t.Helper()
	res := make([]result, len(ss))
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for i, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res[i].id, res[i].out, res[i].code = runNoFatal(t, a, bashIn(img, s)...)
		}()
	}
	wg.Wait()
	a.settle()
	for i, s := range ss {
		t.Run(s.name, func(t *testing.T) {
			if res[i].id == "" {
				t.Fatalf("container did not run: %s", res[i].out)
			}
			s.check(t, a, res[i].id, res[i].out, res[i].code)
		})
	}
}
