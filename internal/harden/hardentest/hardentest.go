// Package hardentest holds what the harden packages' tests share: extra
// Docker engines started with their own flags (and restarted with new ones),
// and small images built from a static Go program, imported without any
// registry. Only _test.go files import it.
package hardentest

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// Engine is an extra dockerd started by ../shared/scripts/start-dockerd.sh.
type Engine struct {
	Name  string
	Sock  string
	Flags []string
	// Log is the dockerd log file, kept for failure messages.
	Log    string
	script string
}

// StartEngine starts an engine named name with flags; it is stopped and its
// state removed when the test ends. Engines with userns-remap=default must
// be started one at a time (the first creates the dockremap user).
func StartEngine(t testing.TB, name string, flags ...string) *Engine {
	t.Helper()
	testutil.NeedDocker(t)
	testutil.NeedCommand(t, "docker")
	e := &Engine{Name: name, Sock: "/run/bulwark-harden/" + name + ".sock",
		Log: filepath.Join(os.TempDir(), "dockerd-"+name+".log"), script: testutil.Shared(t, "scripts/start-dockerd.sh")}
	t.Cleanup(func() { e.stop(true) })
	if err := e.start(flags); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *Engine) start(flags []string) error {
	e.Flags = flags
	cmd := exec.Command(e.script, flags...)
	cmd.Env = append(os.Environ(), "DOCKER_SOCK="+e.Sock, "DOCKERD_LOG="+e.Log)
	out, err := cmd.CombinedOutput()
	if err != nil {
		logText, _ := os.ReadFile(e.Log)
		return fmt.Errorf("starting engine %s %v: %v\n%s\ndockerd log:\n%s", e.Name, flags, err, out, tail(logText, 3000))
	}
	return nil
}

// Restart stops the engine (keeping its data) and starts it with flags.
func (e *Engine) Restart(t testing.TB, flags ...string) {
	t.Helper()
	e.stop(false)
	if err := e.start(flags); err != nil {
		t.Fatal(err)
	}
}

func (e *Engine) pidfile() string { return "/run/docker-" + e.Name + ".pid" }

// stop sends SIGTERM to the engine and waits for it to exit; all removes its
// data root, exec root and socket too.
func (e *Engine) stop(all bool) {
	if data, err := os.ReadFile(e.pidfile()); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			for i := 0; i < 200 && syscall.Kill(pid, 0) == nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	_ = os.Remove(e.Sock)
	if all {
		for _, p := range []string{"/var/lib/docker-" + e.Name, "/run/docker-" + e.Name, e.pidfile()} {
			_ = os.RemoveAll(p)
		}
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Docker runs the docker CLI against the engine.
func (e *Engine) Docker(t testing.TB, args ...string) string {
	t.Helper()
	out, err := e.DockerErr(args...)
	if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// DockerErr is Docker returning the error.
func (e *Engine) DockerErr(args ...string) (string, error) {
	return DockerErr(e.Sock, args...)
}

// DockerErr runs the docker CLI against the engine at sock.
func DockerErr(sock string, args ...string) (string, error) {
	cmd := exec.Command("docker", append([]string{"-H", "unix://" + sock}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// Gather gathers bench facts from the engine at sock (host at "/").
func Gather(t testing.TB, sock string) *facts.Snapshot {
	t.Helper()
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := facts.Gather(ctx, api, facts.Options{DockerHost: api.DaemonHost()})
	if err != nil {
		t.Fatal(err)
	}
	if s.Engine.Err != "" {
		t.Fatalf("engine at %s: %s", sock, s.Engine.Err)
	}
	return s
}

// File is one extra member of a test image.
type File struct {
	Name string // relative, "tmp/" for a directory
	Mode int64  // with type bits such as 0o1777 for a sticky directory
	Body []byte
}

// StaticBinary builds a Go program (main package source) with CGO off
// (testutil.ProgramBinary: kept by content).
func StaticBinary(t testing.TB, source string) []byte {
	t.Helper()
	bin, err := os.ReadFile(testutil.ProgramBinary(t, "fixture", source, []string{"-trimpath"}, "CGO_ENABLED=0", "GOFLAGS="))
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// RootfsTar writes a tarball of files and returns its path.
func RootfsTar(t testing.TB, files ...File) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.Name, Mode: f.Mode, Size: int64(len(f.Body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(f.Name, "/") {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rootfs.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Import imports a rootfs tarball into the engine at sock as tag, with
// Dockerfile instructions applied (`docker import --change`), and removes
// the image when the test ends.
func Import(t testing.TB, sock, tarball, tag string, changes ...string) string {
	t.Helper()
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	if _, err := DockerErr(sock, append(args, tarball, tag)...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = DockerErr(sock, "rmi", "-f", tag) })
	return tag
}
