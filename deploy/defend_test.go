package deploy_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// The capabilities `defend run` needs to watch and report with the eBPF
// sensor, and those --enforce adds.
var (
	reportCaps  = []string{"BPF", "PERFMON", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH", "SYS_NICE"}
	enforceCaps = []string{"SYS_ADMIN", "KILL"}
)

// unit reads a systemd unit: section → key → values (keys may repeat).
func unit(t *testing.T, p string) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	sec := ""
	sc := bufio.NewScanner(strings.NewReader(string(read(t, p))))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			sec = line[1 : len(line)-1]
			out[sec] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || sec == "" {
				t.Fatalf("%s: bad line %q", p, line)
			}
			out[sec][k] = append(out[sec][k], v)
		}
	}
	return out
}

func TestDefendSystemdUnit(t *testing.T) {
	const p = "systemd/bulwark-defend.service"
	u := unit(t, p)
	svc := u["Service"]
	if u["Unit"] == nil || svc == nil || u["Install"] == nil {
		t.Fatalf("sections %v", u)
	}
	if x := svc["ExecStart"]; len(x) != 1 || !strings.HasPrefix(x[0], "/usr/local/bin/bulwark defend run ") {
		t.Errorf("ExecStart %v", x)
	}
	var caps []string
	for _, c := range strings.Fields(strings.Join(svc["CapabilityBoundingSet"], " ")) {
		caps = append(caps, strings.TrimPrefix(c, "CAP_"))
	}
	if !slices.Equal(caps, reportCaps) || strings.Join(svc["AmbientCapabilities"], "") != strings.Join(svc["CapabilityBoundingSet"], "") {
		t.Errorf("capabilities %v (ambient %v), want %v", caps, svc["AmbientCapabilities"], reportCaps)
	}
	for k, want := range map[string]string{"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
		"ProtectKernelModules": "yes", "User": "root", "LimitMEMLOCK": "infinity", "Environment": "BULWARK_DEFEND_MODELS=/var/lib/bulwark/defend/models.db"} {
		if got := strings.Join(svc[k], " "); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	if rw := strings.Join(svc["ReadWritePaths"], " "); !strings.Contains(rw, "/var/lib/bulwark") || !strings.Contains(rw, "/var/log/bulwark") {
		t.Errorf("ReadWritePaths %q: the model store and the alert log must be writable", rw)
	}
	// systemd's own check, with an executable standing in for the binary.
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: structural checks only")
		return
	}
	self, _ := os.Executable()
	dir := t.TempDir()
	body := strings.ReplaceAll(string(read(t, p)), "/usr/local/bin/bulwark", self)
	if err := os.WriteFile(filepath.Join(dir, "bulwark-defend.service"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sa, "verify", filepath.Join(dir, "bulwark-defend.service")).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestDefendCompose(t *testing.T) {
	d := dig(docs(t, "compose.yaml")[0], "services", "defend")
	if d == nil {
		t.Fatal("compose has no defend service")
	}
	if cmd := strings.Join(strs(dig(d, "command")), " "); !strings.HasPrefix(cmd, "defend run ") || strings.Contains(cmd, "--enforce") {
		t.Errorf("command %q: want defend run, reporting", cmd)
	}
	for k, want := range map[string]any{"pid": "host", "cgroup": "host", "read_only": true, "user": "0:0"} {
		if dig(d, k) != want {
			t.Errorf("%s: %v, want %v", k, dig(d, k), want)
		}
	}
	if dig(d, "privileged") != nil {
		t.Error("privileged")
	}
	vols := strs(dig(d, "volumes"))
	for _, want := range []string{"/sys/fs/cgroup:/sys/fs/cgroup:ro", "/sys/kernel/btf:/sys/kernel/btf:ro", "/sys/kernel/tracing:/sys/kernel/tracing:ro", "/var/run/docker.sock:/var/run/docker.sock:ro"} {
		if !slices.Contains(vols, want) {
			t.Errorf("volumes %v lack %s", vols, want)
		}
	}
	if !slices.Equal(strs(dig(d, "cap_drop")), []string{"ALL"}) {
		t.Errorf("cap_drop %v", dig(d, "cap_drop"))
	}
	for _, c := range strs(dig(d, "cap_add")) {
		if !slices.Contains(append(slices.Clone(reportCaps), enforceCaps...), c) {
			t.Errorf("cap_add %s is more than defend needs", c)
		}
	}
	if !slices.Contains(strs(dig(d, "security_opt")), "no-new-privileges:true") {
		t.Error("no no-new-privileges")
	}
}

func TestDefendDaemonSet(t *testing.T) {
	ds := docs(t, "k8s/defend-daemonset.yaml")[0]
	if dig(ds, "kind") != "DaemonSet" {
		t.Fatalf("kind %v", dig(ds, "kind"))
	}
	pod := dig(ds, "spec", "template", "spec")
	if dig(pod, "hostPID") != true || dig(pod, "automountServiceAccountToken") != false || dig(pod, "hostNetwork") != nil {
		t.Errorf("pod: hostPID %v, service account token %v, hostNetwork %v", dig(pod, "hostPID"), dig(pod, "automountServiceAccountToken"), dig(pod, "hostNetwork"))
	}
	c := dig(pod, "containers", 0)
	sc := dig(c, "securityContext")
	if dig(sc, "privileged") != nil || dig(sc, "allowPrivilegeEscalation") != false || dig(sc, "readOnlyRootFilesystem") != true {
		t.Errorf("securityContext %v", sc)
	}
	if !slices.Equal(strs(dig(sc, "capabilities", "drop")), []string{"ALL"}) || !slices.Equal(strs(dig(sc, "capabilities", "add")), reportCaps) {
		t.Errorf("capabilities %v, want drop ALL add %v", dig(sc, "capabilities"), reportCaps)
	}
	args := strings.Join(strs(dig(c, "args")), " ")
	for _, want := range []string{"defend run", "--server=http://bulwark:8080", "--host=$(NODE_NAME)", "--models=/var/lib/bulwark/defend/models.db"} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	hostPaths := map[string]string{}
	for _, v := range dig(pod, "volumes").([]any) {
		if p, ok := dig(v, "hostPath", "path").(string); ok {
			hostPaths[dig(v, "name").(string)] = p
		}
	}
	mounted := map[string]bool{}
	for _, m := range dig(c, "volumeMounts").([]any) {
		mm := m.(map[string]any)
		host := hostPaths[mm["name"].(string)]
		mounted[host] = true
		if host != "" && host != "/var/lib/bulwark/defend" && mm["readOnly"] != true {
			t.Errorf("host path %s mounted writable", host)
		}
	}
	for _, want := range []string{"/sys/fs/cgroup", "/sys/kernel/btf", "/sys/kernel/tracing", "/var/run/docker.sock", "/var/lib/bulwark/defend"} {
		if !mounted[want] {
			t.Errorf("%s not mounted", want)
		}
	}
}

// TestDefendLeastPrivileges runs `bulwark defend run` with exactly the
// privileges the deployment files give it, on the real engine and kernel,
// and wants the alert for a container reading /etc/shadow: in a container
// set up as the compose service is (this engine predates CAP_BPF, so its
// SYS_ADMIN), and on the host with the systemd unit's (and the
// DaemonSet's) capability set as the bounding set.
func TestDefendLeastPrivileges(t *testing.T) {
	sock := testutil.NeedDocker(t)
	if os.Geteuid() != 0 {
		t.Skip("the eBPF sensor needs root")
	}
	// Static, as the release build is; built once per source and reused
	// by later runs.
	bin := testutil.BuildCached(t, testutil.GoBuild{Dir: testutil.RepoRoot(t), Pkg: "./cmd/bulwark", Env: []string{"CGO_ENABLED=0"}})
	var probe struct{ Mode, Why string }
	out, _ := exec.Command(bin, "defend", "probe", "--format", "json").Output()
	if json.Unmarshal(out, &probe) != nil || probe.Mode != "ebpf" {
		t.Skipf("eBPF sensor unavailable (bulwark defend probe): %s", probe.Why)
	}
	base := testutil.DockerImport(t, sock, testutil.DebianRootfs(t, "bookworm"), "bulwark-test/defend-bookworm:1")
	id := make([]byte, 5)
	rand.Read(id)
	suffix := hex.EncodeToString(id)
	shadow := func(t *testing.T) string {
		n := make([]byte, 3)
		rand.Read(n)
		name := "bulwark-deploy-shadow-" + suffix + "-" + hex.EncodeToString(n)
		id, _, _ := testutil.RunContainer(t, sock, name, base, "cat", "/etc/shadow")
		return id
	}
	alerted := func(lines func() string, cid string) bool {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			for _, l := range strings.Split(lines(), "\n") {
				if strings.Contains(l, `"rule":"read-shadow"`) && strings.Contains(l, cid) {
					return true
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		return false
	}

	// The two set-ups are independent (each its own agent, each judged on
	// its own container): they run side by side.
	t.Run("compose", func(t *testing.T) {
		t.Parallel()
		docker := func(args ...string) string { t.Helper(); return testutil.Docker(t, sock, args...) }
		dir := t.TempDir()
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "bulwark"), data, 0o755)
		os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+base+"\nCOPY bulwark /usr/local/bin/bulwark\nENTRYPOINT [\"/usr/local/bin/bulwark\"]\n"), 0o644)
		// Named by its content (this binary) and kept for later runs.
		image := testutil.DockerBuildCached(t, sock, dir, "bulwark-test/deploy-defend", "DOCKER_BUILDKIT=0")

		svc := dig(docs(t, "compose.yaml")[0], "services", "defend")
		args := []string{"run", "-d", "--name", "bulwark-deploy-defend-" + suffix, "--network", "none",
			"--pid", dig(svc, "pid").(string), "--cgroupns", dig(svc, "cgroup").(string), "--user", dig(svc, "user").(string), "--read-only"}
		for _, c := range strs(dig(svc, "cap_drop")) {
			args = append(args, "--cap-drop", c)
		}
		for _, c := range strs(dig(svc, "cap_add")) {
			args = append(args, "--cap-add", c)
		}
		for _, o := range strs(dig(svc, "security_opt")) {
			args = append(args, "--security-opt", o)
		}
		for _, tm := range strs(dig(svc, "tmpfs")) {
			args = append(args, "--tmpfs", tm)
		}
		for _, v := range strs(dig(svc, "volumes")) {
			if strings.HasPrefix(v, "/") {
				args = append(args, "-v", v)
			} else { // the named volume of the model store
				args = append(args, "--tmpfs", v[strings.IndexByte(v, ':')+1:])
			}
		}
		for k, v := range dig(svc, "environment").(map[string]any) {
			if k != "BULWARK_TOKEN" {
				args = append(args, "-e", k+"="+v.(string))
			}
		}
		// The command without --server: no server here.
		var cmd []string
		for _, a := range strs(dig(svc, "command")) {
			if !strings.HasPrefix(a, "--server") {
				cmd = append(cmd, a)
			}
		}
		args = append(append(args, image), cmd...)
		docker(args...)
		name := "bulwark-deploy-defend-" + suffix
		t.Cleanup(func() { exec.Command("docker", "-H", "unix://"+sock, "rm", "-f", name).Run() })
		logs := func() string {
			b, _ := exec.Command("docker", "-H", "unix://"+sock, "logs", name).CombinedOutput()
			return string(b)
		}
		deadline := time.Now().Add(120 * time.Second)
		for !strings.Contains(logs(), "following") && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.Contains(logs(), "ebpf mode") {
			t.Fatalf("defend did not start with the compose service's privileges:\n%s", logs())
		}
		if cid := shadow(t); !alerted(logs, cid) {
			t.Errorf("no read-shadow alert for %s:\n%s", cid, logs())
		}
	})

	t.Run("systemd", func(t *testing.T) {
		t.Parallel()
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("setpriv (util-linux) not installed")
		}
		var caps []string
		for _, c := range strings.Fields(strings.Join(unit(t, "systemd/bulwark-defend.service")["Service"]["CapabilityBoundingSet"], " ")) {
			caps = append(caps, "+"+strings.ToLower(strings.TrimPrefix(c, "CAP_")))
		}
		alerts := filepath.Join(t.TempDir(), "alerts.jsonl")
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, setpriv, "--bounding-set", "-all,"+strings.Join(caps, ","), "--no-new-privs",
			bin, "defend", "run", "--json", alerts, "--models", filepath.Join(t.TempDir(), "m.db"), "--docker-host", "unix://"+sock)
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cancel(); cmd.Wait() }()
		ready := make(chan string, 1)
		go func() {
			var log strings.Builder
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "following") {
					ready <- ""
				}
			}
			ready <- log.String()
		}()
		select {
		case msg := <-ready:
			if msg != "" {
				t.Fatalf("defend run with %v stopped:\n%s", caps, msg)
			}
		case <-time.After(120 * time.Second):
			t.Fatal("defend run not ready after 120 s")
		}
		read := func() string { b, _ := os.ReadFile(alerts); return string(b) }
		if cid := shadow(t); !alerted(read, cid) {
			t.Errorf("no read-shadow alert with capabilities %v", caps)
		}
	})
}
