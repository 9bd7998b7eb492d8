package facts

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []Flag
	}{
		{"long with value", []string{"--log-level", "debug"}, []Flag{{Name: "log-level", Value: "debug", HasValue: true}}},
		{"long with equals", []string{"--icc=false"}, []Flag{{Name: "icc", Value: "false", HasValue: true}}},
		{"bool does not eat next", []string{"--live-restore", "--icc=false"},
			[]Flag{{Name: "live-restore"}, {Name: "icc", Value: "false", HasValue: true}}},
		{"bool before a word", []string{"--no-new-privileges", "junk"}, []Flag{{Name: "no-new-privileges"}}},
		{"short host", []string{"-H", "fd://", "-Hunix:///x.sock", "-l=warn"},
			[]Flag{{Name: "host", Value: "fd://", HasValue: true}, {Name: "host", Value: "unix:///x.sock", HasValue: true}, {Name: "log-level", Value: "warn", HasValue: true}}},
		{"unknown short and strays", []string{"-Z", "x", "--", "-"}, nil},
		{"value-taking flag at end", []string{"--userns-remap"}, []Flag{{Name: "userns-remap"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseArgs(tt.args)); diff != "" {
				t.Errorf("ParseArgs(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestDaemonSetting(t *testing.T) {
	cfg := map[string]json.RawMessage{
		"icc":                 json.RawMessage(`false`),
		"insecure-registries": json.RawMessage(`["a:5000","b"]`),
		"default-ulimits":     json.RawMessage(`{"nproc":{"Name":"nproc","Hard":64,"Soft":64}}`),
		"log-level":           json.RawMessage(`"debug"`),
	}
	d := Daemon{Args: []string{"-H", "unix:///run/a.sock", "--live-restore", "--log-level=info"}, ArgsSource: "x", Config: cfg}
	tests := []struct {
		key  string
		want Setting
	}{
		{"icc", Setting{Set: true, Values: []string{"false"}, Source: "daemon.json"}},
		{"live-restore", Setting{Set: true, Values: []string{"true"}, Source: "--live-restore"}},
		{"log-level", Setting{Set: true, Values: []string{"info"}, Source: "--log-level"}},
		{"insecure-registries", Setting{Set: true, Values: []string{"a:5000", "b"}, Source: "daemon.json"}},
		{"hosts", Setting{Set: true, Values: []string{"unix:///run/a.sock"}, Source: "--host"}},
		{"default-ulimits", Setting{Set: true, Values: []string{`nproc={"Hard":64,"Name":"nproc","Soft":64}`}, Source: "daemon.json"}},
		{"userland-proxy", Setting{}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Setting(tt.key)); diff != "" {
				t.Errorf("Setting(%q) (-want +got):\n%s", tt.key, diff)
			}
		})
	}
	if got := d.Setting("live-restore").Bool(false); !got {
		t.Errorf("live-restore Bool = false")
	}
	if got := d.Setting("userland-proxy").Bool(true); !got {
		t.Errorf("unset userland-proxy Bool(true) = false")
	}
}

func TestNormalizeHostAndHosts(t *testing.T) {
	for in, want := range map[string]string{
		"unix:///var/run/docker.sock": "unix:///run/docker.sock",
		"/var/run/x/../docker.sock":   "unix:///run/docker.sock",
		"fd://":                       "unix:///run/docker.sock",
		"tcp://HOST:2376":             "tcp://host:2376",
		"":                            "unix:///run/docker.sock",
	} {
		if got := NormalizeHost(in); got != want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", in, got, want)
		}
	}
	d := Daemon{}
	if diff := cmp.Diff([]string{"unix:///run/docker.sock"}, d.Hosts()); diff != "" {
		t.Errorf("default Hosts (-want +got):\n%s", diff)
	}
}

func TestParseExecStart(t *testing.T) {
	unit := "[Service]\n# comment\nExecStart=/usr/bin/dockerd -H fd:// \\\n  --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n"
	dropin := "[Service]\nExecStart=\nExecStart=-/usr/bin/dockerd --log-level \"warn\" --icc=false\n"
	tests := []struct {
		name  string
		units []string
		want  []string
	}{
		{"unit", []string{unit}, []string{"-H", "fd://", "--containerd=/run/containerd/containerd.sock"}},
		{"drop-in resets", []string{unit, dropin}, []string{"--log-level", "warn", "--icc=false"}},
		{"no ExecStart", []string{"[Unit]\n"}, nil},
		{"bare program", []string{"ExecStart=/usr/bin/dockerd"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseExecStart(tt.units...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuditRules(t *testing.T) {
	text := `## docker rules
-D
-b 8192
-w /usr/bin/dockerd -p rwxa -k docker
-a always,exit -F path=/var/run/docker.sock -F perm=war -k docker
-a exit,always -F dir=/etc/docker -F perm=wa -F key=docker
-w /etc/docker/daemon.json -k docker
-a always,exit -F arch=b64 -S execve -k exec
`
	rules := ParseAuditRules(text)
	want := []AuditRule{
		{Path: "/usr/bin/dockerd", Perms: "rwxa", Key: "docker", Raw: "-w /usr/bin/dockerd -p rwxa -k docker"},
		{Path: "/run/docker.sock", Perms: "war", Key: "docker", Raw: "-a always,exit -F path=/var/run/docker.sock -F perm=war -k docker"},
		{Path: "/etc/docker", Dir: true, Perms: "wa", Key: "docker", Raw: "-a exit,always -F dir=/etc/docker -F perm=wa -F key=docker"},
		{Path: "/etc/docker/daemon.json", Key: "docker", Raw: "-w /etc/docker/daemon.json -k docker"},
	}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Fatalf("ParseAuditRules (-want +got):\n%s", diff)
	}
	for target, ok := range map[string]bool{
		"/usr/bin/dockerd":             true,
		"/var/run/docker.sock":         true, // /var/run and /run are one directory
		"/etc/docker":                  true,
		"/etc/docker/daemon.json":      true,
		"/usr/bin/docker":              false, // a prefix of dockerd is not a match
		"/etc":                         false,
		"/usr/bin/dockerd/":            true,
		"/etc/docker/certs.d/x/ca.pem": false, // exact paths only
	} {
		if _, got := AuditRuleFor(rules, target); got != ok {
			t.Errorf("AuditRuleFor(%q) = %v, want %v", target, got, ok)
		}
	}
}

func TestParseMountinfo(t *testing.T) {
	text := `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 22 8:2 / /var/lib/docker rw,relatime shared:2 - xfs /dev/sdb1 rw
36 22 0:5 / /mnt/with\040space rw - tmpfs tmpfs rw
bad line
`
	want := []Mount{
		{Point: "/", FSType: "ext4", Source: "/dev/sda1"},
		{Point: "/var/lib/docker", FSType: "xfs", Source: "/dev/sdb1"},
		{Point: "/mnt/with space", FSType: "tmpfs", Source: "tmpfs"},
	}
	if diff := cmp.Diff(want, ParseMountinfo(text)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseGroup(t *testing.T) {
	text := "root:x:0:\n# c\ndocker:x:999:alice,bob\nbroken\nneg:x:-1:\n"
	want := []Group{{Name: "root", GID: 0, Members: []string{}}, {Name: "docker", GID: 999, Members: []string{"alice", "bob"}}}
	if diff := cmp.Diff(want, ParseGroup(text)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseProcNetTCP(t *testing.T) {
	tcp := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0
`
	tcp6 := `  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1F0E 00000000000000000000000000000000:0000 0A
   1: 0000000000000000FFFF00000100007F:0016 00000000000000000000000000000000:0000 0A
`
	got, err := ParseProcNetTCP(tcp)
	if err != nil {
		t.Fatal(err)
	}
	got6, err := ParseProcNetTCP(tcp6)
	if err != nil {
		t.Fatal(err)
	}
	want := []Listener{{Addr: "0.0.0.0", Port: 2377}, {Addr: "127.0.0.1", Port: 8080}, {Addr: "::", Port: 7950}, {Addr: "127.0.0.1", Port: 22}}
	if diff := cmp.Diff(want, append(got, got6...)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := ParseProcNetTCP("h\n 0: XYZ:0016 0:0 0A\n"); err == nil {
		t.Error("bad address: no error")
	}
}

func TestProcStat(t *testing.T) {
	stat := "1234 (docker d) S 1 1234 1234 0 -1 4194560 1 0 0 0 1 2 0 0 20 0 10 0 987654 1000 100"
	n, err := parseStatStart(stat)
	if err != nil || n != 987654 {
		t.Errorf("parseStatStart = %d, %v; want 987654", n, err)
	}
	if _, err := parseStatStart("12 (x"); err == nil {
		t.Error("truncated stat: no error")
	}
	uid, err := parseStatusUID("Name:\tdockerd\nUid:\t1000\t1000\t1000\t1000\n")
	if err != nil || uid != 1000 {
		t.Errorf("parseStatusUID = %d, %v", uid, err)
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"ok", `{"schema_version":"1.3","engine":{"containers":[]}}`, ""},
		{"wrong major", `{"schema_version":"2.0"}`, "unsupported snapshot schema version"},
		{"not json", `{`, "decoding snapshot"},
		{"container without inspect", `{"schema_version":"1.0","engine":{"containers":[{"inspect":{}}]}}`, "no inspect data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Load error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestRedactEnv(t *testing.T) {
	got := redactEnv([]string{"PATH=/bin", "EMPTY=", "BARE", "DB_PASSWORD=hunter2=x"})
	want := []string{"PATH=" + Redacted, "EMPTY=", "BARE", "DB_PASSWORD=" + Redacted}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
