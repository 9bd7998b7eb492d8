// Package testutil holds helpers shared by tests: locating the optional
// ../shared data, deciding whether tests that need Docker or PostgreSQL run
// or skip, and golden files with -update. Only _test.go files import it.
package testutil

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// RepoRoot is the repository's top directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testutil: cannot locate source")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the path of ../shared/<rel> next to the repository, or
// skips the test when it is absent (a user's clone has no ../shared).
// BULWARK_SHARED overrides the location.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	base := os.Getenv("BULWARK_SHARED")
	if base == "" {
		base = filepath.Join(RepoRoot(t), "..", "shared")
	}
	p := filepath.Join(base, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data %s not available: %v", rel, err)
	}
	return p
}

func required(env string) bool { return os.Getenv(env) == "1" }

// NeedDocker returns the Docker socket path, or skips the test when no engine
// answers. With BULWARK_REQUIRE_DOCKER=1 (as in CI) it fails instead.
// DOCKER_HOST=unix://PATH chooses another socket.
func NeedDocker(t testing.TB) string {
	t.Helper()
	sock := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		sock = strings.TrimPrefix(h, "unix://")
	}
	if err := pingDocker(sock); err != nil {
		if required("BULWARK_REQUIRE_DOCKER") {
			t.Fatalf("Docker engine required (BULWARK_REQUIRE_DOCKER=1) but not reachable at %s: %v", sock, err)
		}
		t.Skipf("no Docker engine at %s (start one with ../shared/scripts/start-dockerd.sh): %v", sock, err)
	}
	return sock
}

func pingDocker(sock string) error {
	c := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}},
	}
	resp, err := c.Get("http://docker/_ping")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// NeedPostgres returns a PostgreSQL URL from BULWARK_POSTGRES_URL, or skips
// (fails with BULWARK_REQUIRE_POSTGRES=1) when it is unset or unreachable.
func NeedPostgres(t testing.TB) string {
	t.Helper()
	url := os.Getenv("BULWARK_POSTGRES_URL")
	fail := func(why string) string {
		if required("BULWARK_REQUIRE_POSTGRES") {
			t.Fatalf("PostgreSQL required (BULWARK_REQUIRE_POSTGRES=1): %s", why)
		}
		t.Skipf("PostgreSQL not available (set BULWARK_POSTGRES_URL; ../shared/scripts/start-postgres.sh prints one): %s", why)
		return ""
	}
	if url == "" {
		return fail("BULWARK_POSTGRES_URL is not set")
	}
	return url
}

// NeedCommand returns the path of an executable, or skips the test.
func NeedCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

// RefusingAddr is a loopback TCP address that refuses connections for
// the rest of the test: its port is bound and never listened on. (A
// listener closed at once frees its port for whatever test binds next,
// and a test expecting "connection refused" then meets that server.)
func RefusingAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

// NeedChromium returns a headless Chromium for the tests that draw pages,
// or skips. Chromium's headless shell (Debian's chromium-headless-shell:
// the same Blink and V8, without the browser around them) comes first: it
// starts on a third of the full browser's CPU (~1 against ~3 CPU-s to
// --dump-dom about:blank here). The full browser serves as well.
func NeedChromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed (apt-get install chromium-headless-shell, or chromium)")
	return ""
}

// Golden compares got with testdata file path, rewriting it under -update.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from golden %s (run with -update to accept):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
