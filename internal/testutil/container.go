package testutil

import (
	"context"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
)

// RunContainer runs cmd in a new container of image, named name, on the
// engine at sock, waits for it to exit and returns its ID, its output
// (stdout and stderr) and its exit code; the container is removed when
// the test ends. A command that cannot start (no such file) is a failed
// run with the engine's message as output and exit code -1, as `docker
// run` reports it; a container that cannot be made fails the test.
//
// The container has a network namespace of its own with only loopback,
// as `docker run --network none` gives, but is made through the Engine API
// with its network disabled, so the engine makes no network sandbox for
// it: no re-execution of dockerd for the libnetwork-setkey hook and for
// set-ipv6 (0.8 → 0.5 CPU-s a container, docs/PERFORMANCE.md), and no
// docker CLI processes. For tests whose subject is what runs inside a
// container, not how the CLI configured it.
func RunContainer(t testing.TB, sock, name, image string, cmd ...string) (id, out string, code int) {
	t.Helper()
	api := engineAPI(t, sock) // closed after the removal below (cleanups run last first)
	ctx := context.Background()
	created, err := api.ContainerCreate(ctx,
		&container.Config{Image: image, Cmd: cmd, NetworkDisabled: true},
		&container.HostConfig{NetworkMode: "none"}, nil, nil, name)
	if err != nil {
		t.Fatalf("container %s: %v", name, err)
	}
	id = created.ID
	t.Cleanup(func() { api.ContainerRemove(context.Background(), id, container.RemoveOptions{Force: true}) })
	exited, waitErr := api.ContainerWait(ctx, id, container.WaitConditionNextExit)
	if err := api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return id, err.Error(), -1
	}
	select {
	case w := <-exited:
		code = int(w.StatusCode)
	case err := <-waitErr:
		t.Fatalf("container %s: wait: %v", name, err)
	}
	logs, err := api.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatalf("container %s: logs: %v", name, err)
	}
	defer logs.Close()
	var b strings.Builder
	if _, err := stdcopy.StdCopy(&b, &b, logs); err != nil {
		t.Fatalf("container %s: logs: %v", name, err)
	}
	return id, b.String(), code
}

// engineAPI is an Engine API client of the engine at sock, closed when
// the test ends.
func engineAPI(t testing.TB, sock string) *client.Client {
	t.Helper()
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { api.Close() })
	return api
}
