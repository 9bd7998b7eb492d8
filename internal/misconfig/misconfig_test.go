package misconfig

import (
	"context"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestFromHistory(t *testing.T) {
	tests := map[string]Instruction{
		"/bin/sh -c #(nop)  ENV PATH=/usr/bin":         {Cmd: "ENV", Args: "PATH=/usr/bin"},
		"/bin/sh -c #(nop) ADD file:abc123 in / ":      {Cmd: "ADD", Args: "file:abc123 in /"},
		"/bin/sh -c apt-get update":                    {Cmd: "RUN", Args: "apt-get update"},
		"|2 TOKEN=abc VERSION=1 /bin/sh -c make":       {Cmd: "RUN", Args: "make", BuildArgs: [][2]string{{"TOKEN", "abc"}, {"VERSION", "1"}}},
		"RUN /bin/sh -c apk add curl # buildkit":       {Cmd: "RUN", Args: "apk add curl"},
		"RUN |1 PASSWORD=x /bin/sh -c echo # buildkit": {Cmd: "RUN", Args: "echo", BuildArgs: [][2]string{{"PASSWORD", "x"}}},
		"EXPOSE map[22/tcp:{}]":                        {Cmd: "EXPOSE", Args: "map[22/tcp:{}]"},
		"USER app":                                     {Cmd: "USER", Args: "app"},
		"some tool wrote this":                         {},
	}
	for in, want := range tests {
		got := FromHistory(in)
		want.History = in
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", in, d)
		}
	}
}

// Each instruction rule fires on its positive case and not on its
// negative one.
func TestInstructionRules(t *testing.T) {
	c := NewChecker()
	tests := []struct {
		name     string
		in       Instruction
		positive string // the rule expected, "" for none
	}{
		{"remote ADD", Instruction{Cmd: "ADD", Args: "https://example.com/app.tgz /opt/"}, AddRemote.ID},
		{"local ADD", Instruction{Cmd: "ADD", Args: "app.conf /etc/app.conf"}, ""},
		{"ADD archive", Instruction{Cmd: "ADD", Args: "--chown=1:1 rootfs.tar.gz /"}, AddArchive.ID},
		{"history base ADD", Instruction{Cmd: "ADD", Args: "file:0a1b2c in /"}, ""},
		{"update alone", Instruction{Cmd: "RUN", Args: "apt-get update"}, UpdateAlone.ID},
		{"update and install, cleaned", Instruction{Cmd: "RUN", Args: "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"}, ""},
		{"install not cleaned", Instruction{Cmd: "RUN", Args: "apt-get update && apt-get install -y curl"}, NoCacheCleanup.ID},
		{"apk no-cache", Instruction{Cmd: "RUN", Args: "apk add --no-cache curl"}, ""},
		{"apk cache left", Instruction{Cmd: "RUN", Args: "apk add curl"}, NoCacheCleanup.ID},
		{"yum cleaned", Instruction{Cmd: "RUN", Args: "yum install -y httpd && yum clean all"}, ""},
		{"curl pipe sh", Instruction{Cmd: "RUN", Args: "curl -fsSL https://get.example.sh | sh"}, PipeToShell.ID},
		{"curl to file", Instruction{Cmd: "RUN", Args: "curl -fsSLo /tmp/i.sh https://get.example.sh && sha256sum -c sums"}, ""},
		{"plain http fetch", Instruction{Cmd: "RUN", Args: "wget http://downloads.example.org/tool.tar.gz"}, PlainHTTP.ID},
		{"loopback http", Instruction{Cmd: "RUN", Args: "curl http://127.0.0.1:8080/health"}, ""},
		{"secret ENV", Instruction{Cmd: "ENV", Args: "DB_PASSWORD=Zk38fjQ9xLw2"}, SecretInConfig.ID},
		{"ENV reference", Instruction{Cmd: "ENV", Args: "DB_PASSWORD_FILE=/run/secrets/db"}, ""},
		{"ENV variable", Instruction{Cmd: "ENV", Args: "API_TOKEN=${TOKEN}"}, ""},
		{"legacy ENV form", Instruction{Cmd: "ENV", Args: "SECRET_KEY s3cr3tValue99"}, SecretInConfig.ID},
		{"ARG default", Instruction{Cmd: "ARG", Args: "GITHUB_TOKEN=ghp_R7kQ2mX9vL4pN8tB3wY6zC1dF5hJ0sA2eG4i"}, SecretInConfig.ID},
		{"ARG no default", Instruction{Cmd: "ARG", Args: "GITHUB_TOKEN"}, ""},
		{"LABEL", Instruction{Cmd: "LABEL", Args: `maintainer="ops@example.com" version="1.2"`}, ""},
		{"build arg in history", Instruction{Cmd: "RUN", Args: "make", BuildArgs: [][2]string{{"NPM_TOKEN", "npm_8fJ2kL9qW3eR5tY7uI0o"}}}, SecretInConfig.ID},
		{"token in command", Instruction{Cmd: "RUN", Args: "git clone https://x:glpat-x9Kq2Lm7Nv4Bp8Rt3Wz6@gitlab.example.com/r.git"}, SecretInConfig.ID},
		{"EXPOSE ssh", Instruction{Cmd: "EXPOSE", Args: "22/tcp 8080"}, AdminPort.ID},
		{"EXPOSE range", Instruction{Cmd: "EXPOSE", Args: "2370-2375"}, AdminPort.ID},
		{"EXPOSE web", Instruction{Cmd: "EXPOSE", Args: "80 443"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(c.CheckInstruction(tt.in))
			var want []string
			if tt.positive != "" {
				want = []string{tt.positive}
			}
			if tt.positive == AddRemote.ID && tt.in.Args[:5] == "http:" {
				want = append(want, PlainHTTP.ID)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCheckImage(t *testing.T) {
	c := NewChecker()
	bad := &v1.ConfigFile{
		Config: v1.Config{
			Env:          []string{"PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=q8Hj3K9sLm2Nv7Bx4Cz6Df1Gh5Jk0Lp9Qr3St7Uw"},
			ExposedPorts: map[string]struct{}{"22/tcp": {}, "8080/tcp": {}},
			Labels:       map[string]string{"org.opencontainers.image.base.name": "docker.io/library/debian:latest"},
		},
		History: []v1.History{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / "},
			{CreatedBy: "/bin/sh -c apt-get update"},
			{CreatedBy: "/bin/sh -c #(nop)  EXPOSE 22"},
		},
	}
	got := ids(c.CheckImage(bad))
	want := []string{RootUser.ID, SecretInConfig.ID, AdminPort.ID, LatestBase.ID, NoHealthcheck.ID, UpdateAlone.ID}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("bad image (-want +got):\n%s", d)
	}
	good := &v1.ConfigFile{Config: v1.Config{User: "1000:1000", Env: []string{"PATH=/usr/bin"},
		Healthcheck:  &v1.HealthConfig{Test: []string{"CMD", "/app/health"}},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}},
		Labels:       map[string]string{"org.opencontainers.image.base.name": "docker.io/library/debian:12@sha256:" + "ab12"}}}
	if got := c.CheckImage(good); len(got) != 0 {
		t.Errorf("good image: %v", ids(got))
	}
}

func TestFiles(t *testing.T) {
	x := NewFiles()
	check := func(path string, kind layerfs.Kind, mode fs.FileMode, content string) []string {
		e := &layerfs.Entry{Path: path, Kind: kind, Mode: mode, Size: int64(len(content))}
		var f catalog.File
		if kind == layerfs.KindFile && x.WantsContent(path, mode, e.Size) {
			f = catalog.NewBytesFile(path, []byte(content))
		}
		got, err := x.Check(context.Background(), e, f)
		if err != nil {
			t.Fatal(err)
		}
		return ids(got)
	}
	tests := []struct {
		path    string
		kind    layerfs.Kind
		mode    fs.FileMode
		content string
		want    []string
	}{
		{"usr/bin/passwd", layerfs.KindFile, 0o755 | fs.ModeSetuid, "", []string{Setuid.ID}},
		{"usr/bin/wall", layerfs.KindFile, 0o755 | fs.ModeSetgid, "", []string{Setuid.ID}},
		{"usr/bin/ls", layerfs.KindFile, 0o755, "", nil},
		{"app/data.db", layerfs.KindFile, 0o666, "", []string{WorldWritable.ID}},
		{"tmp", layerfs.KindDir, fs.ModeDir | fs.ModeSticky | 0o777, "", nil},
		{"app/uploads", layerfs.KindDir, fs.ModeDir | 0o777, "", []string{WorldWritable.ID}},
		{"root/.ssh/id_rsa", layerfs.KindFile, 0o600, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", []string{SensitiveFile.ID}},
		{"root/.ssh/id_rsa.pub", layerfs.KindFile, 0o644, "ssh-rsa AAAAB3Nza", nil},
		{"etc/ssl/certs/ca.pem", layerfs.KindFile, 0o644, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", nil},
		{"root/.aws/credentials", layerfs.KindFile, 0o600, "[default]\naws_access_key_id=x\naws_secret_access_key=y\n", []string{SensitiveFile.ID}},
		{"home/app/.npmrc", layerfs.KindFile, 0o644, "//registry.npmjs.org/:_authToken=npm_abc\n", []string{SensitiveFile.ID}},
		{"home/app/.npmrc", layerfs.KindFile, 0o644, "registry=https://registry.npmjs.org/\n", nil},
		{"root/.docker/config.json", layerfs.KindFile, 0o600, `{"auths":{"r.example.com":{"auth":"dXNlcjpwYXNz"}}}`, []string{SensitiveFile.ID}},
		{"root/.docker/config.json", layerfs.KindFile, 0o600, `{"credsStore":"desktop"}`, nil},
		{"root/.kube/config", layerfs.KindFile, 0o600, "users:\n- name: a\n  user:\n    token: eyJabc\n", []string{SensitiveFile.ID}},
		{"srv/app/.env", layerfs.KindFile, 0o644, "DEBUG=1\nDB_PASSWORD=Zk38fjQ9xLw2\n", []string{SensitiveFile.ID}},
		{"srv/app/.env", layerfs.KindFile, 0o644, "DEBUG=1\nDB_PASSWORD=${DB_PASSWORD}\n", nil},
		{"root/.git-credentials", layerfs.KindFile, 0o600, "https://bob:s3cret@github.com\n", []string{SensitiveFile.ID}},
		{"root/.netrc", layerfs.KindFile, 0o600, "machine example.com login bob password hunter2x\n", []string{SensitiveFile.ID}},
		{"root/.pypirc", layerfs.KindFile, 0o600, "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n", []string{SensitiveFile.ID}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, check(tt.path, tt.kind, tt.mode, tt.content)); d != "" {
			t.Errorf("%s %q (-want +got):\n%s", tt.path, tt.content, d)
		}
	}
}

func FuzzFromHistory(f *testing.F) {
	f.Add("|2 A=1 B=2 /bin/sh -c make")
	f.Add("/bin/sh -c #(nop)  EXPOSE map[22/tcp:{}]")
	f.Add("ADD [\"a b\", \"c\"] /x")
	c := NewChecker()
	f.Fuzz(func(t *testing.T, s string) {
		c.CheckInstruction(FromHistory(s))
		for _, cmd := range []string{"ADD", "RUN", "ENV", "ARG", "LABEL", "EXPOSE"} {
			c.CheckInstruction(Instruction{Cmd: cmd, Args: s})
		}
	})
}
