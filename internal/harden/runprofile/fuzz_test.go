package runprofile

import (
	"io/fs"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func FuzzParsePasswd(f *testing.F) {
	f.Add(passwd)
	f.Add("x:x:-1:0::/:/bin/sh\n::0:0::/:\nroot:x:0:0:root:/root:/bin/bash:extra\n")
	f.Add("# comment\n\nbig:x:99999999999999999999:1::/:\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, u := range ParsePasswd(text) {
			if u.Name == "" || u.UID < 0 || u.GID < 0 {
				t.Fatalf("bad user %+v", u)
			}
		}
	})
}

// FuzzBuild feeds image configurations (user, exposed ports, volumes,
// writable dirs, health check) to Build: no panic, and the profile never
// runs privileged ways: all capabilities dropped, read-only, limits set.
func FuzzBuild(f *testing.F) {
	f.Add("", "80/tcp 443", "/data", "/tmp", "CMD /x", "")
	f.Add("0:0", "70000/tcp x/udp 53/udp", "/", "/var/tmp", "NONE", "root")
	f.Add("app", "", "", "", "", "1000:1000")
	f.Fuzz(func(t *testing.T, user, ports, volumes, dirs, health, optUser string) {
		cfg := v1.Config{User: user, ExposedPorts: map[string]struct{}{}, Volumes: map[string]struct{}{}}
		for _, p := range strings.Fields(ports) {
			cfg.ExposedPorts[p] = struct{}{}
		}
		for _, v := range strings.Fields(volumes) {
			cfg.Volumes[v] = struct{}{}
		}
		if h := strings.Fields(health); len(h) > 0 {
			cfg.Healthcheck = &v1.HealthConfig{Test: h}
		}
		img := &Image{Name: "fuzz", Config: cfg, WritableDirs: map[string]fs.FileMode{}, Tools: map[string]string{}}
		for _, d := range strings.Fields(dirs) {
			img.WritableDirs[d] = fs.ModeDir | 0o777
		}
		p, err := Build(img, Options{User: optUser})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.CapDrop) != 1 || p.CapDrop[0] != "ALL" || !p.ReadOnly || p.Memory <= 0 || p.PidsLimit <= 0 {
			t.Fatalf("profile lost a restriction: %+v", p)
		}
		_ = p.Args(true)
		if _, err := p.Compose(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.Simulate(nil, img, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzSplitCommand: quoting words with shellJoin and splitting them again
// gives the same words.
func FuzzSplitCommand(f *testing.F) {
	f.Add("/server -probe 'http://127.0.0.1:80/'", "a b")
	f.Add(`wget -q "-O" /dev/null`, "it's")
	f.Add(`a\ b "c\"d"`, "")
	f.Fuzz(func(t *testing.T, line, word string) {
		_, _ = SplitCommand(line)
		words := []string{word, "x"}
		if strings.ContainsRune(word, 0xFFFD) {
			return // invalid UTF-8 is not kept byte for byte
		}
		got, err := SplitCommand(shellJoin(words))
		if err != nil {
			t.Fatalf("split of %q: %v", shellJoin(words), err)
		}
		if len(got) != 2 || got[0] != word || got[1] != "x" {
			t.Fatalf("round trip of %q gave %q", words, got)
		}
	})
}
