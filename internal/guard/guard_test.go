package guard

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// testPolicy is the default policy without the scan gate, so that rules
// needing no engine can be tested alone.
func testPolicy(t testing.TB, extra string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(strings.NewReader("version: 1\nscan_gate:\n  enabled: false\n" + extra))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newGuard(t testing.TB, p *policy.Policy, opts Options) *Guard {
	t.Helper()
	g, err := New(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

const hardened = `{"Image":"app:1","User":"1000","Env":["TOKEN=s3cret"],"HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"],"CapDrop":["ALL"],"NetworkMode":"none"}}`

// with returns the hardened body with raw JSON members appended to its
// HostConfig (a repeated key replaces the earlier one, as in the daemon)
// and to the top level.
func with(host, top string) string {
	b := hardened
	if host != "" {
		b = strings.Replace(b, `"NetworkMode":"none"}`, `"NetworkMode":"none",`+host+`}`, 1)
	}
	if top != "" {
		b = strings.TrimSuffix(b, "}") + "," + top + "}"
	}
	return b
}

func create(body string) Input {
	return Input{Method: "POST", URI: "/v1.41/containers/create", Body: []byte(body), Headers: map[string]string{"Content-Type": "application/json"}}
}

func rules(d Decision) []string {
	var out []string
	for _, v := range d.Violations {
		out = append(out, v.Rule)
	}
	return out
}

func TestContainerRules(t *testing.T) {
	tmp := t.TempDir()
	sockLink := filepath.Join(tmp, "innocent.sock")
	if err := os.Symlink("/var/run/docker.sock", sockLink); err != nil {
		t.Fatal(err)
	}
	etcLink := filepath.Join(tmp, "conf")
	if err := os.Symlink("/etc", etcLink); err != nil {
		t.Fatal(err)
	}
	g := newGuard(t, testPolicy(t, ""), Options{Offline: true}) // named volumes need the engine
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"hardened", hardened, nil},
		{"privileged", with(`"Privileged":true`, ""), []string{"privileged"}},
		{"privileged at the top level (API < 1.24 wrapper)", with("", `"Privileged":true`), []string{"privileged"}},
		{"privileged in lower case keys", with("", `"hostconfig":{"privileged":true}`), []string{"privileged"}},
		{"cap-add", with(`"CapAdd":["SYS_ADMIN"]`, ""), []string{"cap-add"}},
		{"cap-add spelled cap_sys_admin", with(`"CapAdd":["cap_sys_admin","NET_BIND_SERVICE"]`, ""), []string{"cap-add"}},
		{"cap-add ALL", with(`"CapAdd":["ALL"]`, ""), []string{"cap-add"}},
		{"cap-add allowed", with(`"CapAdd":["NET_BIND_SERVICE","CAP_CHOWN"]`, ""), nil},
		{"Capabilities (API 1.40)", with(`"Capabilities":["CAP_SYS_PTRACE"]`, ""), []string{"cap-add"}},
		{"host pid", with(`"PidMode":"host"`, ""), []string{"host-pid"}},
		{"host ipc", with(`"IpcMode":"host"`, ""), []string{"host-ipc"}},
		{"host network", `{"Image":"a","User":"1","HostConfig":{"NetworkMode":"HOST","ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`, []string{"host-network"}},
		{"host uts", with(`"UTSMode":"host"`, ""), []string{"host-uts"}},
		{"host userns", with(`"UsernsMode":"host"`, ""), []string{"host-userns"}},
		{"host cgroupns", with(`"CgroupnsMode":"host"`, ""), []string{"host-cgroupns"}},
		{"docker socket", with(`"Binds":["/var/run/docker.sock:/var/run/docker.sock"]`, ""), []string{"sensitive-mount"}},
		{"docker socket by /run", with(`"Binds":["/run/docker.sock:/s:ro"]`, ""), []string{"sensitive-mount"}},
		{"parent of the socket", with(`"Binds":["/var/run:/h"]`, ""), []string{"sensitive-mount"}},
		{"host root", with(`"Mounts":[{"Type":"bind","Source":"/","Target":"/host"}]`, ""), []string{"sensitive-mount"}},
		{"inside /etc", with(`"Binds":["/etc/shadow:/s"]`, ""), []string{"sensitive-mount"}},
		{"unclean path", with(`"Binds":["/tmp/../etc//:/e"]`, ""), []string{"sensitive-mount"}},
		{"allowed /etc/localtime", with(`"Binds":["/etc/localtime:/etc/localtime:ro"]`, ""), nil},
		{"harmless bind", with(`"Binds":["/srv/data:/data"]`, ""), nil},
		{"symlink to the docker socket", with(`"Binds":["`+sockLink+`:/var/run/docker.sock"]`, ""), []string{"sensitive-mount"}},
		{"through a symlinked directory", with(`"Mounts":[{"Type":"bind","Source":"`+etcLink+`/ssh","Target":"/s"}]`, ""), []string{"sensitive-mount"}},
		{"volume binding /etc", with(`"Mounts":[{"Type":"volume","Source":"v","Target":"/v","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"type":"none","o":"bind","device":"/etc"}}}}]`, ""), []string{"sensitive-mount"}},
		{"volume binding a relative device", with(`"Mounts":[{"Type":"volume","Source":"v","Target":"/v","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"type":"none","o":"bind","device":"../../../../../../../../etc"}}}}]`, ""), []string{"sensitive-mount"}},
		{"anonymous volume binding /etc", with(`"Mounts":[{"Type":"volume","Target":"/v","VolumeOptions":{"DriverConfig":{"Options":{"type":"none","o":"rbind","device":"/etc"}}}}]`, ""), []string{"sensitive-mount"}},
		{"volume of another driver", with(`"Mounts":[{"Type":"volume","Target":"/v","VolumeOptions":{"DriverConfig":{"Name":"sshfs"}}}]`, ""), []string{"sensitive-mount"}},
		{"volume driver for the container", with(`"VolumeDriver":"sshfs","Binds":["/srv/x:/x"]`, ""), []string{"sensitive-mount"}},
		{"tmpfs volume", with(`"Mounts":[{"Type":"volume","Target":"/v","VolumeOptions":{"DriverConfig":{"Options":{"type":"tmpfs","device":"tmpfs","o":"size=10m"}}}}]`, ""), nil},
		{"tmpfs mount", with(`"Mounts":[{"Type":"tmpfs","Target":"/t"}],"Tmpfs":{"/run":"size=1m"}`, ""), nil},
		{"mount of unknown type", with(`"Mounts":[{"Type":"npipe","Source":"/x","Target":"/t"}]`, ""), []string{"sensitive-mount"}},
		{"relative bind source", with(`"Mounts":[{"Type":"bind","Source":"../../etc","Target":"/t"}]`, ""), []string{"sensitive-mount"}},
		{"volume name with a slash", with(`"Binds":["a/../../etc:/x"]`, ""), []string{"sensitive-mount"}},
		{"/home", with(`"Binds":["/home/dev/src:/src"]`, ""), []string{"sensitive-mount"}},
		{"/var/log", with(`"Binds":["/var/log:/logs:ro"]`, ""), []string{"sensitive-mount"}},
		{"too many binds", with(`"Binds":[`+strings.TrimSuffix(strings.Repeat(`"/srv:/srv",`, maxList+1), ",")+`]`, ""), []string{"request-body"}},
		{"too many volumes-from", with(`"VolumesFrom":[`+strings.TrimSuffix(strings.Repeat(`"x",`, maxList+1), ",")+`]`, ""), []string{"request-body"}},
		{"device", with(`"Devices":[{"PathOnHost":"/dev/sda","PathInContainer":"/dev/sda","CgroupPermissions":"rwm"}]`, ""), []string{"devices"}},
		{"device cgroup rule", with(`"DeviceCgroupRules":["c *:* rwm"]`, ""), []string{"devices"}},
		{"gpus", with(`"DeviceRequests":[{"Count":-1,"Capabilities":[["gpu"]]}]`, ""), []string{"devices"}},
		{"seccomp unconfined", with(`"SecurityOpt":["no-new-privileges","seccomp=unconfined"]`, ""), []string{"seccomp-unconfined"}},
		{"seccomp unconfined, old separator", with(`"SecurityOpt":["seccomp:unconfined","no-new-privileges"]`, ""), []string{"seccomp-unconfined"}},
		{"apparmor unconfined", with(`"SecurityOpt":["apparmor=unconfined","no-new-privileges"]`, ""), []string{"apparmor-unconfined"}},
		{"selinux disabled", with(`"SecurityOpt":["label=disable","no-new-privileges"]`, ""), []string{"selinux-disabled"}},
		{"selinux spc_t", with(`"SecurityOpt":["label:type:spc_t","no-new-privileges=true"]`, ""), []string{"selinux-disabled"}},
		{"systempaths unconfined", with(`"MaskedPaths":[],"ReadonlyPaths":[]`, ""), []string{"unmasked-paths"}},
		{"no-new-privileges missing", with(`"SecurityOpt":[]`, ""), []string{"no-new-privileges"}},
		{"no-new-privileges turned off again", with(`"SecurityOpt":["no-new-privileges","no-new-privileges=false"]`, ""), []string{"no-new-privileges"}},
		{"no-new-privileges old form", with(`"SecurityOpt":["no-new-privileges:true"]`, ""), nil},
		{"unknown security option", with(`"SecurityOpt":["no-new-privileges","seccomp2=x"]`, ""), []string{"request-body"}},
		{"writable root", with(`"ReadonlyRootfs":false`, ""), []string{"read-only-rootfs"}},
		{"requirements only at the top level", `{"Image":"a","User":"1","ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}`, []string{"no-new-privileges", "read-only-rootfs"}},
		{"root by uid", strings.Replace(hardened, `"User":"1000"`, `"User":"0:1000"`, 1), []string{"root-user"}},
		{"root by name", strings.Replace(hardened, `"User":"1000"`, `"User":"root"`, 1), []string{"root-user"}},
		{"duplicate HostConfig, later privileged", with("", `"HostConfig":{"Privileged":true,"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}`), []string{"privileged"}},
		{"many at once", with(`"Privileged":true,"PidMode":"host","CapAdd":["SYS_ADMIN"]`, ""), []string{"privileged", "host-pid", "cap-add"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := g.Decide(context.Background(), create(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if d.Endpoint != ContainerCreate {
				t.Errorf("endpoint %q", d.Endpoint)
			}
			if diff := cmp.Diff(tt.want, rules(d)); diff != "" {
				t.Errorf("rules (-want +got):\n%s\n%s", diff, d.Message())
			}
			if d.Allow != (len(tt.want) == 0) {
				t.Errorf("allow = %v", d.Allow)
			}
		})
	}
}

func TestJoiningNeedsTheEngine(t *testing.T) {
	body := with(`"PidMode":"container:abc","VolumesFrom":["data:ro"]`, "")
	d, err := newGuard(t, testPolicy(t, ""), Options{}).Decide(context.Background(), create(body))
	if err == nil || d.Allow || d.Rule != policy.RuleInternalError {
		t.Errorf("no engine: err=%v %+v", err, d)
	}
	d, err = newGuard(t, testPolicy(t, ""), Options{Offline: true}).Decide(context.Background(), create(body))
	if err != nil || !d.Allow || len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "joined") {
		t.Errorf("offline: err=%v %+v", err, d)
	}
}

func TestSymlinkDetailNamesTarget(t *testing.T) {
	link := filepath.Join(t.TempDir(), "s")
	os.Symlink("/var/run/docker.sock", link)
	g := newGuard(t, testPolicy(t, ""), Options{})
	d, _ := g.Decide(context.Background(), create(with(`"Binds":["`+link+`:/x"]`, "")))
	if len(d.Violations) != 1 || !strings.Contains(d.Violations[0].Detail, "resolves to") {
		t.Errorf("got %+v", d.Violations)
	}
}

func TestBodies(t *testing.T) {
	g := newGuard(t, testPolicy(t, ""), Options{})
	big := `{"Image":"a","Labels":{"x":"` + strings.Repeat("a", maxBody) + `"}}`
	tests := []struct {
		name    string
		in      Input
		allowed bool
	}{
		// CVE-2024-41110: Content-Length 0 with a body; the daemon
		// forwarded the request without it.
		{"zero-length create (CVE-2024-41110)", Input{Method: "POST", URI: "/v1.41/containers/create", Headers: map[string]string{"Content-Length": "0", "Content-Type": "application/json"}}, false},
		{"empty body", create(""), false},
		{"whitespace body", create(" \n"), false},
		{"null", create("null"), false},
		{"array", create(`[{"Image":"a"}]`), false},
		{"string", create(`"x"`), false},
		{"not JSON", create("Image=a&Privileged=true"), false},
		{"truncated", create(`{"Image":"a","HostConfig":{"Privileged":`), false},
		{"trailing object", create(hardened + `{"HostConfig":{"Privileged":true}}`), false},
		{"wrong type", create(with(`"Privileged":"yes"`, "")), false},
		{"over 1 MiB", create(big), false},
		{"exec create without body", Input{Method: "POST", URI: "/containers/c1/exec"}, false},
		{"update without body", Input{Method: "POST", URI: "/containers/c1/update"}, false},
		{"volume create without body", Input{Method: "POST", URI: "/volumes/create"}, false},
		{"hardened", create(hardened), true},
		{"hardened with trailing newline", create(hardened + "\n"), true},
		{"GET needs no body", Input{Method: "GET", URI: "/v1.41/containers/json"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := g.Decide(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allow != tt.allowed {
				t.Fatalf("allow = %v, want %v: %s", d.Allow, tt.allowed, d.Message())
			}
			if !tt.allowed && d.Rule != policy.RuleRequestBody {
				t.Errorf("rule %q, want request-body: %s", d.Rule, d.Message())
			}
		})
	}
}

func TestParseRoute(t *testing.T) {
	tests := []struct {
		method, uri string
		want        Route
	}{
		{"POST", "/v1.41/containers/create?name=web", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "/containers/create", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"post", "/V1.41/Containers/Create/", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "//containers//create", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "/v1.41/v1.24/containers/create", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "/containers%2Fcreate", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "/v1.41/containers/./x/../create", Route{Endpoint: ContainerCreate, Path: "/containers/create"}},
		{"POST", "/v1.41/containers/Web_1/start", Route{Endpoint: ContainerStart, Path: "/containers/web_1/start", ID: "Web_1"}},
		{"POST", "/containers/abc/exec", Route{Endpoint: ExecCreate, Path: "/containers/abc/exec", ID: "abc"}},
		{"POST", "/containers/abc/restart?t=1", Route{Endpoint: ContainerStart, Path: "/containers/abc/restart", ID: "abc"}},
		{"POST", "/exec/e1/start", Route{Endpoint: ExecStart, Path: "/exec/e1/start", ID: "e1"}},
		{"POST", "/containers/abc/update", Route{Endpoint: ContainerUpdate, Path: "/containers/abc/update", ID: "abc"}},
		{"POST", "/plugins/pull?remote=vieux/sshfs", Route{Endpoint: PluginInstall, Path: "/plugins/pull"}},
		{"POST", "/plugins/vieux/sshfs:latest/upgrade", Route{Endpoint: PluginInstall, Path: "/plugins/vieux/sshfs:latest/upgrade", ID: "vieux/sshfs:latest"}},
		{"POST", "/plugins/p/set", Route{Endpoint: PluginInstall, Path: "/plugins/p/set", ID: "p"}},
		{"POST", "/images/create?fromImage=alpine", Route{Endpoint: ImagePull, Path: "/images/create"}},
		{"POST", "/services/s1/update", Route{Endpoint: ServiceChange, Path: "/services/s1/update", ID: "s1"}},
		{"GET", "/v1.41/containers/create", Route{Endpoint: EndpointOther, Path: "/containers/create"}},
		{"POST", "/containers/start", Route{Endpoint: EndpointOther, Path: "/containers/start"}},
		{"POST", "/v1.41", Route{Endpoint: EndpointOther, Path: "/"}},
		{"PUT", "/v1.41/containers/Web/archive?path=/", Route{Endpoint: ArchiveUpload, Path: "/containers/web/archive", ID: "Web"}},
		{"PUT", "/containers//archive", Route{Endpoint: EndpointOther, Path: "/containers/archive"}},
		{"POST", "/v1.41/grpc", Route{Endpoint: BuildKit, Path: "/grpc"}},
		{"POST", "/plugins/p/enable", Route{Endpoint: PluginInstall, Path: "/plugins/p/enable", ID: "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.uri, func(t *testing.T) {
			got, err := ParseRoute(tt.method, tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			got.Query = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"", "containers/create", "/containers%zzcreate", "/a\x00b", "/a?b=%zz", "/" + strings.Repeat("a", maxURI)} {
		if _, err := ParseRoute("POST", bad); err == nil {
			t.Errorf("ParseRoute(%.40q) accepted", bad)
		}
	}
	g := newGuard(t, testPolicy(t, ""), Options{})
	d, _ := g.Decide(context.Background(), Input{Method: "POST", URI: "/containers%zzcreate"})
	if d.Allow || d.Rule != policy.RuleRequestURI {
		t.Errorf("bad URI: %+v", d)
	}
}

func TestOtherEndpoints(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		policy string
		in     Input
		want   []string
	}{
		{"exec as user", "", Input{Method: "POST", URI: "/containers/c/exec", Body: []byte(`{"User":"1000","Cmd":["sh"]}`)}, nil},
		{"exec privileged", "", Input{Method: "POST", URI: "/containers/c/exec", Body: []byte(`{"User":"1000","Privileged":true}`)}, []string{"exec-privileged"}},
		{"exec as root", "", Input{Method: "POST", URI: "/containers/c/exec", Body: []byte(`{"User":"root"}`)}, []string{"exec-root"}},
		{"exec forbidden", "exec:\n  allow: false\n", Input{Method: "POST", URI: "/containers/c/exec", Body: []byte(`{"User":"1"}`)}, []string{"exec"}},
		{"exec start forbidden", "exec:\n  allow: false\n", Input{Method: "POST", URI: "/exec/e/start"}, []string{"exec"}},
		{"exec start", "", Input{Method: "POST", URI: "/exec/e/start"}, nil},
		{"plugin pull", "", Input{Method: "POST", URI: "/plugins/pull?remote=x", Body: []byte(`[]`)}, []string{"plugin-install"}},
		{"plugin upgrade", "", Input{Method: "POST", URI: "/v1.41/plugins/vieux/sshfs/upgrade"}, []string{"plugin-install"}},
		{"plugin pull allowed", "plugins:\n  allow_install: true\n", Input{Method: "POST", URI: "/plugins/pull?remote=x"}, nil},
		{"service create", "", Input{Method: "POST", URI: "/services/create", Body: []byte(`{}`)}, []string{"service"}},
		{"update with a device", "", Input{Method: "POST", URI: "/containers/c/update", Body: []byte(`{"Devices":[{"PathOnHost":"/dev/mem"}],"Memory":1}`)}, []string{"devices"}},
		{"update memory", "", Input{Method: "POST", URI: "/containers/c/update", Body: []byte(`{"Memory":1048576}`)}, nil},
		{"volume binding /", "", Input{Method: "POST", URI: "/volumes/create", Body: []byte(`{"Name":"v","DriverOpts":{"device":"/","o":"bind","type":"none"}}`)}, []string{"sensitive-mount"}},
		{"plain volume", "", Input{Method: "POST", URI: "/volumes/create", Body: []byte(`{"Name":"v"}`)}, nil},
		{"volume binding a relative device", "", vol(`{"Name":"v","Driver":"local","DriverOpts":{"type":"none","o":"bind","device":"../../../../../../../../etc"}}`), []string{"sensitive-mount"}},
		{"volume binding a relative device, driver unnamed", "", vol(`{"Name":"v","DriverOpts":{"type":"none","o":"ro,rbind","device":"etc"}}`), []string{"sensitive-mount"}},
		{"volume binding /home", "", vol(`{"Name":"v","DriverOpts":{"type":"none","o":"bind","device":"/home/u"}}`), []string{"sensitive-mount"}},
		{"volume binding a harmless path", "", vol(`{"Name":"v","DriverOpts":{"type":"none","o":"bind","device":"/srv/data"}}`), nil},
		{"overlay volume naming /etc", "", vol(`{"Name":"v","DriverOpts":{"type":"overlay","device":"overlay","o":"lowerdir=/etc,upperdir=/srv/u,workdir=/srv/w"}}`), []string{"sensitive-mount", "sensitive-mount", "sensitive-mount", "sensitive-mount"}},
		{"proc volume", "", vol(`{"Name":"v","DriverOpts":{"type":"proc","device":"proc"}}`), []string{"sensitive-mount"}},
		{"block device volume", "", vol(`{"Name":"v","DriverOpts":{"type":"ext4","device":"/dev/sda1"}}`), []string{"sensitive-mount"}},
		{"tmpfs volume", "", vol(`{"Name":"v","DriverOpts":{"type":"tmpfs","device":"tmpfs","o":"size=100m,uid=1000"}}`), nil},
		{"nfs volume", "", vol(`{"Name":"v","DriverOpts":{"type":"nfs","device":":/export/a","o":"addr=10.0.0.1,rw"}}`), nil},
		{"unknown local option", "", vol(`{"Name":"v","DriverOpts":{"Device":"/etc"}}`), []string{"sensitive-mount"}},
		{"volume of another driver", "", vol(`{"Name":"v","Driver":"sshfs","DriverOpts":{"sshcmd":"u@h:/"}}`), []string{"sensitive-mount"}},
		{"volume of an allowed driver", "containers:\n  allow_volume_drivers: [sshfs]\n", vol(`{"Name":"v","Driver":"sshfs","DriverOpts":{"sshcmd":"u@h:/"}}`), nil},
		{"build with host network", "", Input{Method: "POST", URI: "/build?networkmode=host"}, []string{"host-network"}},
		{"pull from any registry", "", Input{Method: "POST", URI: "/images/create?fromImage=evil.example/x&tag=1"}, nil},
		{"pull from another registry", "images:\n  allowed_registries: [registry.example]\n", Input{Method: "POST", URI: "/images/create?fromImage=evil.example/x&tag=1"}, []string{"registry"}},
		{"pull from Docker Hub", "images:\n  allowed_registries: [docker.io]\n", Input{Method: "POST", URI: "/images/create?fromImage=alpine&tag=3"}, nil},
		{"list containers", "", Input{Method: "GET", URI: "/containers/json?all=1"}, nil},
		{"plugin enable", "", Input{Method: "POST", URI: "/v1.41/plugins/vieux/sshfs:latest/enable?timeout=0"}, []string{"plugin-install"}},
		{"swarm init", "", Input{Method: "POST", URI: "/v1.41/swarm/init", Body: []byte(`{}`)}, []string{"service"}},
		{"swarm join", "", Input{Method: "POST", URI: "/swarm/join", Body: []byte(`{}`)}, []string{"service"}},
		{"swarm allowed", "services:\n  allow: true\n", Input{Method: "POST", URI: "/swarm/join", Body: []byte(`{}`)}, nil},
		{"BuildKit session", "", Input{Method: "POST", URI: "/grpc"}, []string{"buildkit"}},
		{"BuildKit behind /build", "", Input{Method: "POST", URI: "/v1.41/build?version=2&buildid=x"}, []string{"buildkit"}},
		{"BuildKit allowed", "builds:\n  allow_buildkit: true\n", Input{Method: "POST", URI: "/grpc"}, nil},
		{"classic build", "", Input{Method: "POST", URI: "/v1.41/build?version=1&t=x"}, nil},
		{"build session", "", Input{Method: "POST", URI: "/session"}, nil},
		{"docker cp into a container", "", Input{Method: "PUT", URI: "/v1.41/containers/c1/archive?path=%2Ftmp"}, []string{"archive-upload"}},
		{"docker cp allowed", "containers:\n  allow_archive_upload: true\n", Input{Method: "PUT", URI: "/containers/c1/archive?path=/"}, nil},
		{"docker cp out of a container", "", Input{Method: "GET", URI: "/containers/c1/archive?path=/etc"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuard(t, testPolicy(t, tt.policy), Options{})
			d, err := g.Decide(ctx, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rules(d)); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExemptionsAndModes(t *testing.T) {
	ctx := context.Background()
	p := testPolicy(t, "exemptions:\n  - users: [ops]\n    rules: [host-pid]\n    reason: debugging\n")
	g := newGuard(t, p, Options{})
	in := create(with(`"PidMode":"host"`, ""))
	in.User = "ops"
	d, _ := g.Decide(ctx, in)
	if !d.Allow || len(d.Exempted) != 1 || d.Exempted[0].Rule != "host-pid" {
		t.Errorf("exempt user: %+v", d)
	}
	in.User = "dev"
	if d, _ := g.Decide(ctx, in); d.Allow {
		t.Errorf("other user allowed: %+v", d)
	}
	in.User = ""
	if d, _ := g.Decide(ctx, in); d.Allow {
		t.Errorf("unauthenticated user allowed: %+v", d)
	}

	audit := testPolicy(t, "mode: audit\n")
	g = newGuard(t, audit, Options{})
	d, _ = g.Decide(ctx, create(with(`"Privileged":true`, "")))
	if !d.Allow || d.Rule != "privileged" || !strings.Contains(d.Message(), "audit mode") {
		t.Errorf("audit mode: %+v %q", d, d.Message())
	}

	// Reload: the new policy applies to the next request.
	if err := g.SetPolicy(testPolicy(t, "")); err != nil {
		t.Fatal(err)
	}
	if d, _ := g.Decide(ctx, create(with(`"Privileged":true`, ""))); d.Allow {
		t.Error("reloaded enforce policy allowed a privileged container")
	}
}

func TestFailClosed(t *testing.T) {
	ctx := context.Background()
	// Image rules need the engine: without one, enforce mode denies.
	g := newGuard(t, policy.Default(), Options{})
	body := strings.Replace(hardened, `"User":"1000",`, "", 1)
	d, err := g.Decide(ctx, create(body))
	if err == nil || d.Allow || d.Rule != policy.RuleInternalError {
		t.Errorf("no engine, enforce: err=%v %+v", err, d)
	}
	// Audit mode allows and reports the error.
	p := policy.Default()
	p.Mode = policy.Audit
	g = newGuard(t, p, Options{})
	d, err = g.Decide(ctx, create(body))
	if err == nil || !d.Allow || d.Err == "" {
		t.Errorf("no engine, audit: err=%v %+v", err, d)
	}
	// Offline, the same rules are skipped with a note.
	g = newGuard(t, policy.Default(), Options{Offline: true})
	d, err = g.Decide(ctx, create(body))
	if err != nil || !d.Allow || len(d.Notes) == 0 {
		t.Errorf("offline: err=%v %+v", err, d)
	}
}

func TestSummaryHasNoSecrets(t *testing.T) {
	g := newGuard(t, testPolicy(t, ""), Options{})
	d, _ := g.Decide(context.Background(), create(with(`"Binds":["/srv:/srv"]`, "")))
	if d.Summary == nil || d.Summary.Image != "app:1" || !slices.Equal(d.Summary.EnvKeys, []string{"TOKEN"}) || !slices.Equal(d.Summary.Binds, []string{"/srv"}) {
		t.Errorf("summary %+v", d.Summary)
	}
	if strings.Contains(base64.StdEncoding.EncodeToString([]byte("x")), "s3cret") {
		t.Fatal("unreachable")
	}
}

func vol(body string) Input {
	return Input{Method: "POST", URI: "/v1.41/volumes/create", Body: []byte(body)}
}
