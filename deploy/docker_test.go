package deploy_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestDockerBuild builds deploy/Dockerfile with a real engine and runs the
// image. It takes minutes (a full compile inside the build container), so
// it runs only with BULWARK_DOCKER_BUILD=1.
//
// No registry is reachable here, so the two base images are local
// stand-ins passed as build arguments: the build stage is the real Debian
// bookworm root filesystem (imported) with this machine's Go toolchain
// copied in, the runtime stage is "scratch" (the binary is static and the
// user numeric, as in distroless). Modules come from this machine's module
// cache, served on loopback as a GOPROXY (run `go mod download` once so the
// cache holds every module go.mod names, not only those this platform
// builds); the build uses the host network only to reach it. The source is
// `git archive HEAD`, the tracked files.
func TestDockerBuild(t *testing.T) {
	if os.Getenv("BULWARK_DOCKER_BUILD") != "1" {
		t.Skip("set BULWARK_DOCKER_BUILD=1 to build the Dockerfile (minutes)")
	}
	sock := testutil.NeedDocker(t)
	root := testutil.RepoRoot(t)
	docker := func(args ...string) string { t.Helper(); return testutil.Docker(t, sock, args...) }

	goImage := "bulwark-test/go:" + strings.TrimPrefix(runtime.Version(), "go")
	if exec.Command("docker", "-H", "unix://"+sock, "image", "inspect", goImage).Run() != nil {
		base := testutil.DockerImport(t, sock, testutil.DebianRootfs(t, "bookworm"), "bulwark-test/debian:bookworm")
		ctxDir := t.TempDir()
		if out, err := exec.Command("cp", "-a", runtime.GOROOT(), filepath.Join(ctxDir, "go")).CombinedOutput(); err != nil {
			t.Fatalf("copying the toolchain: %v %s", err, out)
		}
		df := "FROM " + base + "\nCOPY go /usr/local/go\nENV PATH=/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin GOTOOLCHAIN=local\n"
		if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(df), 0o644); err != nil {
			t.Fatal(err)
		}
		docker("build", "--network", "none", "-t", goImage, ctxDir)
	}

	// The module cache's download directory is laid out as the GOPROXY
	// protocol wants it.
	gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := &http.Server{Handler: http.FileServer(http.Dir(filepath.Join(strings.TrimSpace(string(gomodcache)), "cache", "download")))}
	go proxy.Serve(ln)
	defer proxy.Close()

	src := t.TempDir()
	archive := exec.Command("sh", "-c", "git -C \"$1\" archive HEAD | tar -x -C \"$2\"", "sh", root, src)
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("git archive: %v %s", err, out)
	}
	tag := "bulwark-test/bulwark:dockerfile"
	start := time.Now()
	build := exec.Command("docker", "-H", "unix://"+sock, "build", "--network", "host", "-f", filepath.Join(src, "deploy", "Dockerfile"),
		"--build-arg", "BUILD_IMAGE="+goImage, "--build-arg", "RUNTIME_IMAGE=scratch",
		"--build-arg", "GOPROXY=http://"+ln.Addr().String(), "--build-arg", "GOSUMDB=off",
		"--build-arg", "VERSION=v0.0.0-dockertest", "-t", tag, src)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Logf("image built in %v", time.Since(start).Round(time.Second))
	defer exec.Command("docker", "-H", "unix://"+sock, "image", "rm", "-f", tag).Run()

	var cfg []struct {
		Config struct {
			User       string
			Entrypoint []string
			Cmd        []string
			Env        []string
		}
		RootFS struct{ Layers []string }
	}
	if err := json.Unmarshal([]byte(docker("image", "inspect", tag)), &cfg); err != nil || len(cfg) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	c := cfg[0].Config
	if c.User != "65532:65532" || strings.Join(c.Entrypoint, " ") != "/usr/local/bin/bulwark" || strings.Join(c.Cmd, " ") != "serve --addr :8080" {
		t.Errorf("image config %+v", c)
	}
	if got := docker("run", "--rm", "--network", "none", tag, "version"); got != "bulwark v0.0.0-dockertest" {
		t.Errorf("version: %q", got)
	}
	// The server starts as the unprivileged user and writes its store in /data.
	name := "bulwark-dockertest-serve"
	docker("run", "-d", "--name", name, "--network", "none", "--read-only", "--tmpfs", "/cache:uid=65532,gid=65532", tag)
	defer exec.Command("docker", "-H", "unix://"+sock, "rm", "-f", name).Run()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		logs, _ := exec.CommandContext(ctx, "docker", "-H", "unix://"+sock, "logs", name).CombinedOutput()
		if strings.Contains(string(logs), `"msg":"listening"`) {
			if !strings.Contains(string(logs), "created the first admin token") {
				t.Errorf("no bootstrap token in the logs:\n%s", logs)
			}
			break
		}
		if ctx.Err() != nil {
			logs, _ := exec.Command("docker", "-H", "unix://"+sock, "logs", name).CombinedOutput()
			state, _ := exec.Command("docker", "-H", "unix://"+sock, "inspect", "-f", "{{json .State}}", name).CombinedOutput()
			t.Fatalf("server did not start; state %s; logs:\n%s", state, logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if uid := docker("exec", name, "/usr/local/bin/bulwark", "version"); !strings.HasPrefix(uid, "bulwark ") {
		t.Errorf("exec: %q", uid)
	}
}
