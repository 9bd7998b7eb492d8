package attrib

import "testing"

func TestContainerIDFromCgroup(t *testing.T) {
	id := "bd06d37c4a3e35097b895d21a0fb0f6b27444c92608b122d591e4751053c6f81"
	for in, want := range map[string]string{
		id:                                      id,
		"/docker/" + id:                         id,
		"/system.slice/docker-" + id + ".scope": id,
		"docker-" + id + ".scope":               id,
		"/user.slice":                           "",
		"process_api":                           "",
		id[:63]:                                 "",
		"/docker/" + id + "/child":              "",
	} {
		if got := ContainerIDFromCgroup(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestPathIn(t *testing.T) {
	proc := []byte("9:name=systemd:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/docker/abc\n")
	if p, ok := PathIn(proc, Layout{V2: true}); !ok || p != "/docker/abc" {
		t.Errorf("v2: %q %v", p, ok)
	}
	if p, ok := PathIn(proc, Layout{Controller: "memory"}); !ok || p != "/docker/abc" {
		t.Errorf("memory: %q %v", p, ok)
	}
	if p, ok := PathIn(proc, Layout{Controller: "cpuacct"}); !ok || p != "/docker/abc" {
		t.Errorf("cpuacct in a joint line: %q %v", p, ok)
	}
	if _, ok := PathIn([]byte("garbage\n::\n"), Layout{Controller: "pids"}); ok {
		t.Error("garbage answered")
	}
}

func TestFromAttributes(t *testing.T) {
	c := fromAttributes("x", map[string]string{"name": "web", "image": "nginx:1", "com.docker.compose.project": "shop", "exitCode": "0"})
	if c.Name != "web" || c.Image != "nginx:1" || c.ComposeProject != "shop" || len(c.Labels) != 1 {
		t.Errorf("%+v", c)
	}
}
