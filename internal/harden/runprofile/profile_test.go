package runprofile

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

const passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\napp:x:1000:1000::/home/app:/sbin/nologin\nweb:x:1001:1001::/srv:/sbin/nologin\n"

// archiveImage writes a two-layer image with cfg as a docker-archive and
// inspects it through package source, as `harden run` does.
func archiveImage(t *testing.T, cfg v1.Config) *Image {
	t.Helper()
	base := testutil.LayerTar(t,
		testutil.Entry{Name: "tmp/", Mode: 0o1777},
		testutil.Entry{Name: "var/"}, testutil.Entry{Name: "var/tmp/", Mode: 0o1777},
		testutil.Entry{Name: "var/cache/", Mode: 0o777},
		testutil.Entry{Name: "etc/"}, testutil.Entry{Name: "etc/passwd", Body: passwd},
		testutil.Entry{Name: "bin/"}, testutil.Entry{Name: "bin/busybox", Body: "elf", Mode: 0o755},
		testutil.Entry{Name: "bin/sh", Type: '2', Link: "busybox"},
		testutil.Entry{Name: "usr/"}, testutil.Entry{Name: "usr/bin/"},
		testutil.Entry{Name: "usr/bin/wget", Type: '2', Link: "/bin/busybox"},
		testutil.Entry{Name: "usr/bin/passwd", Body: "elf", Mode: 0o4755},
		testutil.Entry{Name: "app/"}, testutil.Entry{Name: "app/server", Body: "elf", Mode: 0o755},
		testutil.Entry{Name: "dev/"}, testutil.Entry{Name: "dev/shm/", Mode: 0o1777},
	)
	// The top layer deletes /var/tmp and makes /var/cache private again.
	top := testutil.LayerTar(t,
		testutil.Entry{Name: "var/"}, testutil.Entry{Name: "var/.wh.tmp"},
		testutil.Entry{Name: "var/cache/", Mode: 0o755},
		testutil.Entry{Name: "data/", Mode: 0o755},
	)
	img, err := mutate.Config(testutil.Image(t, base, top), cfg)
	if err != nil {
		t.Fatal(err)
	}
	arch := testutil.WriteDockerArchive(t, img, "example.test/shop/web:1.2")
	src, err := source.Open(context.Background(), "docker-archive:"+arch, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out, err := Inspect(context.Background(), src, layerfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func webConfig() v1.Config {
	return v1.Config{Cmd: []string{"/app/server"}, ExposedPorts: map[string]struct{}{"80/tcp": {}, "9090/tcp": {}},
		Volumes: map[string]struct{}{"/data": {}}, Env: []string{"PATH=/usr/bin:/bin"}}
}

func TestInspect(t *testing.T) {
	img := archiveImage(t, webConfig())
	if diff := cmp.Diff(map[string]fs.FileMode{"/tmp": fs.ModeDir | fs.ModeSticky | 0o777}, img.WritableDirs); diff != "" {
		t.Errorf("writable dirs (-want +got):\n%s", diff)
	}
	if len(img.Users) != 4 || img.Users[2].Name != "app" || img.Users[2].UID != 1000 {
		t.Errorf("users %+v", img.Users)
	}
	if img.Entrypoint == nil || img.Entrypoint.Path != "/app/server" || img.Entrypoint.Mode.Perm() != 0o755 {
		t.Errorf("entrypoint %+v", img.Entrypoint)
	}
	if diff := cmp.Diff([]string{"/app/server", "/bin/busybox", "/bin/sh", "/usr/bin/passwd", "/usr/bin/wget"}, img.Executables); diff != "" {
		t.Errorf("executables (-want +got):\n%s", diff)
	}
	if !img.Shell || img.Tools["wget"] != "/bin/busybox" {
		t.Errorf("shell %t tools %v", img.Shell, img.Tools)
	}
	var ids []string
	for _, f := range img.Findings {
		ids = append(ids, f.ID+" "+f.Evidence.Path)
	}
	for _, want := range []string{"BW-IMG-001 ", "BW-IMG-002 ", "BW-FILE-001 usr/bin/passwd"} {
		if !slices.Contains(ids, want) {
			t.Errorf("findings %v lack %q", ids, want)
		}
	}
	if slices.Contains(ids, "BW-FILE-002 var/cache") {
		t.Error("a directory made private in the top layer is still reported world-writable")
	}
}

func TestBuild(t *testing.T) {
	img := archiveImage(t, webConfig())
	tests := []struct {
		name     string
		mutate   func(*Image)
		opt      Options
		user     string
		capAdd   []string
		sysctls  map[string]string
		publish  []string
		health   []string
		warnings []string
		err      string
	}{
		{name: "root image with an app user", user: "1000:1000",
			sysctls: map[string]string{"net.ipv4.ip_unprivileged_port_start": "80"},
			publish: []string{"127.0.0.1:8080:80/tcp", "127.0.0.1:9090:9090/tcp"},
			health:  []string{"CMD", "/bin/busybox", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"}},
		{name: "no passwd user: numeric uid", mutate: func(i *Image) { i.Users = nil }, user: NonRootUser,
			sysctls: map[string]string{"net.ipv4.ip_unprivileged_port_start": "80"},
			publish: []string{"127.0.0.1:8080:80/tcp", "127.0.0.1:9090:9090/tcp"},
			health:  []string{"CMD", "/bin/busybox", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"}},
		{name: "root kept on purpose", opt: Options{User: "root", Network: "none", PublishIP: "10.0.0.5"}, user: "root",
			capAdd:   []string{"NET_BIND_SERVICE"},
			health:   []string{"CMD", "/bin/busybox", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"},
			warnings: []string{"keeps root"}},
		{name: "image user, high port, own health check, no tools",
			mutate: func(i *Image) {
				i.Config.User = "web"
				i.Config.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
				i.Config.Healthcheck = &v1.HealthConfig{Test: []string{"CMD", "/app/server", "-health"}}
				i.Tools = map[string]string{}
			},
			opt: Options{PublishIP: "10.0.0.5"}, user: "web", publish: []string{"10.0.0.5:8080:8080/tcp"},
			health: []string{"CMD", "/app/server", "-health"}},
		{name: "no probe: warned", mutate: func(i *Image) { i.Tools = map[string]string{}; i.Shell = false },
			user: "1000:1000", sysctls: map[string]string{"net.ipv4.ip_unprivileged_port_start": "80"},
			publish:  []string{"127.0.0.1:8080:80/tcp", "127.0.0.1:9090:9090/tcp"},
			warnings: []string{"no probe program"}},
		{name: "given probe in a shell-less image", mutate: func(i *Image) { i.Tools = map[string]string{}; i.Shell = false },
			opt:  Options{HealthCmd: []string{"/app/server", "-probe", "http://127.0.0.1:80/"}, Network: "none"},
			user: "1000:1000", sysctls: map[string]string{"net.ipv4.ip_unprivileged_port_start": "80"},
			health:   []string{"CMD", "/app/server", "-probe", "http://127.0.0.1:80/"},
			warnings: []string{"no /bin/sh"}},
		{name: "entrypoint not executable by the user", mutate: func(i *Image) { i.Entrypoint.Mode = 0o700 },
			user: "1000:1000", sysctls: map[string]string{"net.ipv4.ip_unprivileged_port_start": "80"},
			publish:  []string{"127.0.0.1:8080:80/tcp", "127.0.0.1:9090:9090/tcp"},
			health:   []string{"CMD", "/bin/busybox", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"},
			warnings: []string{"cannot execute it"}},
		{name: "host network refused", opt: Options{Network: "host"}, err: "5.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := *img
			i.Users = slices.Clone(img.Users)
			ep := *img.Entrypoint
			i.Entrypoint = &ep
			i.Config = *img.Config.DeepCopy()
			if tt.mutate != nil {
				tt.mutate(&i)
			}
			p, err := Build(&i, tt.opt)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.User != tt.user {
				t.Errorf("user %q, want %q", p.User, tt.user)
			}
			if diff := cmp.Diff(append([]string{}, tt.capAdd...), p.CapAdd); diff != "" {
				t.Errorf("cap add (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.sysctls, p.Sysctls); diff != "" {
				t.Errorf("sysctls (-want +got):\n%s", diff)
			}
			var pub []string
			for _, pt := range p.Publish {
				pub = append(pub, pt.String())
			}
			if diff := cmp.Diff(tt.publish, pub); diff != "" {
				t.Errorf("publish (-want +got):\n%s", diff)
			}
			var health []string
			if p.Health != nil {
				health = p.Health.Test
			}
			if diff := cmp.Diff(tt.health, health); diff != "" {
				t.Errorf("health (-want +got):\n%s", diff)
			}
			for _, w := range tt.warnings {
				if !slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("warnings %q lack %q", p.Warnings, w)
				}
			}
			if len(tt.warnings) == 0 && len(p.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", p.Warnings)
			}
			wantMounts := []Mount{{Type: "tmpfs", Target: "/tmp", Options: "rw,noexec,nosuid,size=64m,mode=1777"},
				{Type: "volume", Source: "web-data", Target: "/data"}}
			if diff := cmp.Diff(wantMounts, p.Mounts); diff != "" {
				t.Errorf("mounts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSimulateAndRender(t *testing.T) {
	img := archiveImage(t, webConfig())
	p, err := Build(img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, after, err := p.Simulate(nil, img, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"4.1", "5.11", "5.12", "5.13", "5.26", "5.27", "5.29"}
	if diff := cmp.Diff(want, p.Fixes); diff != "" {
		t.Errorf("fixes (-want +got):\n%s", diff)
	}
	// A plain `docker run` of the image publishes nothing; the profile
	// publishes on one address and high ports, so 5.8 and 5.14 stay pass
	// and 5.9 asks for a review of the published ports.
	for id, st := range harden.Statuses(after, Checked...) {
		if st == bench.Warn {
			t.Errorf("%s still warns with the profile", id)
		}
	}
	if st := harden.Statuses(before, "5.4")["5.4"]; st != bench.Pass {
		t.Errorf("5.4 before = %s", st)
	}

	got := p.Command(true)
	wantCmd := "docker run -d --name web --user 1000:1000 --cap-drop ALL --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m,mode=1777 " +
		"--mount type=volume,source=web-data,target=/data --security-opt no-new-privileges:true " +
		"--sysctl net.ipv4.ip_unprivileged_port_start=80 --memory 256m --pids-limit 128 --cpu-shares 512 --restart on-failure:5 " +
		"-p 127.0.0.1:8080:80/tcp -p 127.0.0.1:9090:9090/tcp --health-cmd '/bin/busybox -q -O /dev/null http://127.0.0.1:80/' " +
		"--health-interval 30s --health-timeout 5s --health-start-period 10s --health-retries 3 example.test/shop/web:1.2"
	if diff := cmp.Diff(wantCmd, got); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	compose, err := p.Compose()
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "testdata/compose.yaml.golden", compose)
	var text strings.Builder
	if err := WriteText(&text, p, true); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"why:", "may break:", "*4.1", "Compose:", "BW-IMG-001"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, text.String())
		}
	}
}

// TestSimulateCurrentContainer: a profile for a running container is
// judged against that container's own settings.
func TestSimulateCurrentContainer(t *testing.T) {
	img := archiveImage(t, webConfig())
	p, err := Build(img, Options{Network: "none"})
	if err != nil {
		t.Fatal(err)
	}
	s := &facts.Snapshot{SchemaVersion: facts.SchemaVersion}
	s.Engine.Info.SecurityOptions = []string{"name=apparmor", "name=seccomp,profile=default"}
	cur := runningContainer(t, `{"Id":"c1","Name":"/shop","State":{"Running":true},
		"HostConfig":{"Privileged":true,"CapAdd":["SYS_ADMIN"],"Memory":1048576,"PidsLimit":50,"SecurityOpt":["apparmor=unconfined"]},
		"Config":{"User":"0"}}`)
	_, after, err := p.Simulate(s, img, &cur)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"5.2", "5.4", "5.5", "4.1"} {
		if !slices.Contains(p.Fixes, id) {
			t.Errorf("fixes %v lack %s", p.Fixes, id)
		}
	}
	if after.Engine.Containers[0].Inspect.AppArmorProfile != "docker-default" {
		t.Error("AppArmor host: the profile's container should get docker-default")
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"/server -probe http://127.0.0.1:80/", []string{"/server", "-probe", "http://127.0.0.1:80/"}, false},
		{`sh -c 'wget -q -O- "http://x/"'`, []string{"sh", "-c", `wget -q -O- "http://x/"`}, false},
		{`a\ b "c\"d" ''`, []string{"a b", `c"d`, ""}, false},
		{`"open`, nil, true},
		{`trailing\`, nil, true},
		{"   ", nil, false},
	}
	for _, tt := range tests {
		got, err := SplitCommand(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("SplitCommand(%q) error %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SplitCommand(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
