package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var rootfsMu sync.Mutex

// DebianRootfs returns the path of a real Debian minbase root filesystem
// tarball for suite (bookworm, bullseye, trixie), built and cached by
// ../shared/scripts/debian-rootfs.sh; the test skips when ../shared is absent.
func DebianRootfs(t testing.TB, suite string) string {
	t.Helper()
	script := Shared(t, "scripts/debian-rootfs.sh")
	rootfsMu.Lock()
	defer rootfsMu.Unlock()
	out, err := exec.Command(script, suite).Output()
	if err != nil {
		t.Fatalf("building Debian %s rootfs: %v", suite, err)
	}
	return strings.TrimSpace(string(out))
}

// ExtractTar unpacks a tarball into a new temporary directory with the
// system tar (device nodes skipped) and returns the directory.
func ExtractTar(t testing.TB, tarball string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("tar", "-C", dir, "--exclude=./dev/*", "-xf", tarball)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("extracting %s: %v\n%s", tarball, err, out)
	}
	return dir
}

// Docker runs the docker CLI against sock and returns its trimmed stdout.
func Docker(t testing.TB, sock string, args ...string) string {
	t.Helper()
	cmd := exec.Command("docker", append([]string{"-H", "unix://" + sock}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return strings.TrimSpace(string(out))
}

// importMu makes parallel tests of one package that share a base image
// import it once: the second finds it instead of importing it again.
var importMu sync.Mutex

// DockerImport imports a rootfs tarball as image name unless the engine
// already has it, and returns the name.
func DockerImport(t testing.TB, sock, tarball, name string) string {
	t.Helper()
	importMu.Lock()
	defer importMu.Unlock()
	cmd := exec.Command("docker", "-H", "unix://"+sock, "image", "inspect", name)
	if cmd.Run() == nil {
		return name
	}
	Docker(t, sock, "import", tarball, name)
	return name
}
