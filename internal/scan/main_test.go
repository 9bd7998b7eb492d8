package scan_test

import (
	"os"
	"strings"
	"testing"
)

// TestMain points the Docker client of the in-process scans at the engine
// testutil.NeedDocker chooses (DOCKER_HOST=unix://… or the default socket)
// once for the whole package: the tests that read images from the engine
// then run side by side, which a per-test t.Setenv forbids.
func TestMain(m *testing.M) {
	if !strings.HasPrefix(os.Getenv("DOCKER_HOST"), "unix://") {
		os.Setenv("DOCKER_HOST", "unix:///var/run/docker.sock")
	}
	os.Exit(m.Run())
}
