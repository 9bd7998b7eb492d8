package runprofile

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/harden/hardentest"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// serverSource is an HTTP server on port 80 that also writes to /tmp at
// start (so a read-only root without the tmpfs would stop it), and a
// client for probes (-probe URL).
const serverSource = `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-probe" {
		resp, err := http.Get(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
		if resp.StatusCode != http.StatusOK {
			os.Exit(1)
		}
		return
	}
	f, err := os.CreateTemp("", "state")
	if err != nil {
		fmt.Fprintln(os.Stderr, "writing /tmp:", err)
		os.Exit(1)
	}
	f.Close()
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "served as uid %d\n", os.Getuid()) })
	if err := http.ListenAndServe(":80", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// probe runs the image's own client inside the container until the server
// answers (it may still be starting).
func probe(t *testing.T, sock, name string) string {
	t.Helper()
	var out string
	var err error
	for i := 0; i < 50; i++ {
		out, err = hardentest.DockerErr(sock, "exec", name, "/server", "-probe", "http://127.0.0.1:80/")
		if err == nil {
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
	logs, _ := hardentest.DockerErr(sock, "logs", name)
	t.Fatalf("%s does not serve on 127.0.0.1:80: %v\nlogs: %s", name, err, logs)
	return ""
}

// TestProfileOnRealEngine is the acceptance test of `harden run`: an HTTP
// server image listening on port 80 as root gets a profile; the container
// started with it serves on loopback inside the container, bench 4.1 and
// 5.x do not warn about it, and their verdicts are those the simulation
// predicted. The same profile as `docker run` flags starts and serves too.
func TestProfileOnRealEngine(t *testing.T) {
	sock := testutil.NeedDocker(t)
	testutil.NeedCommand(t, "docker")
	bin := hardentest.StaticBinary(t, serverSource)
	tarball := hardentest.RootfsTar(t, hardentest.File{Name: "tmp/", Mode: 0o1777}, hardentest.File{Name: "server", Mode: 0o755, Body: bin})
	tag := fmt.Sprintf("bulwark-harden-web:%d", os.Getpid())
	hardentest.Import(t, sock, tarball, tag, `CMD ["/server"]`, "EXPOSE 80")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	src, err := source.Open(ctx, "docker:"+tag, source.Options{DockerHost: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Inspect(ctx, src, layerfs.Options{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("bulwark-harden-run-%d", os.Getpid())
	p, err := Build(img, Options{Name: name, Network: "none", HealthCmd: []string{"/server", "-probe", "http://127.0.0.1:80/"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.User != NonRootUser || p.Sysctls["net.ipv4.ip_unprivileged_port_start"] != "80" || len(p.CapAdd) != 0 {
		t.Fatalf("profile: user %s sysctls %v cap-add %v", p.User, p.Sysctls, p.CapAdd)
	}
	base := hardentest.Gather(t, sock)
	_, simulated, err := p.Simulate(base, img, nil)
	if err != nil {
		t.Fatal(err)
	}

	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	t.Cleanup(func() { _, _ = hardentest.DockerErr(sock, "rm", "-f", name, name+"-cli") })
	created, err := api.ContainerCreate(ctx, p.Config(), p.HostConfig(), nil, nil, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	if out := probe(t, sock, name); out != "200 OK" {
		t.Errorf("probe answered %q", out)
	}

	s := hardentest.Gather(t, sock)
	var mine *facts.Container
	for i, c := range s.Engine.Containers {
		if c.Name() == name {
			mine = &s.Engine.Containers[i]
		}
	}
	if mine == nil {
		t.Fatalf("container %s not gathered", name)
	}
	one := *s
	one.Engine.Containers = []facts.Container{*mine}
	real := harden.Statuses(&one, Checked...)
	for id, st := range real {
		if st == bench.Warn {
			t.Errorf("bench %s warns for the profile's container", id)
		}
	}
	if diff := cmp.Diff(harden.Statuses(simulated, Checked...), real); diff != "" {
		t.Errorf("simulated vs real (-simulated +real):\n%s", diff)
	}
	if u := mine.Inspect.Config.User; u != NonRootUser {
		t.Errorf("runs as %q", u)
	}

	// The docker run form of the same profile (no health check: the image
	// has no shell for --health-cmd) starts and serves as well.
	cli := *p
	cli.Name = name + "-cli"
	if img.Shell {
		t.Fatal("the test image has no shell")
	}
	args := cli.Args(img.Shell)
	if strings.Contains(strings.Join(args, " "), "--health-cmd") {
		t.Errorf("--health-cmd offered for an image without /bin/sh: %v", args)
	}
	if _, err := hardentest.DockerErr(sock, append([]string{"run", "-d"}, args...)...); err != nil {
		t.Fatal(err)
	}
	if out := probe(t, sock, cli.Name); out != "200 OK" {
		t.Errorf("docker run profile: probe answered %q", out)
	}
}
