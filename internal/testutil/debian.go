package testutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
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

// DebianImage is the Debian root filesystem of suite (DebianRootfs)
// imported into the engine at sock, named by the tarball (size and
// modification time), imported by the first test that asks for it and
// kept for every later one, in this process, another package's or a later
// run.
func DebianImage(t testing.TB, sock, suite string) string {
	t.Helper()
	tarball := DebianRootfs(t, suite)
	return DockerImport(t, sock, tarball, "bulwark-test/"+suite+":"+StampKey(t, tarball))
}

// DebianRoot is the Debian root filesystem of suite (DebianRootfs)
// unpacked once per tarball into the test cache (CachedDir) and shared by
// every test and later run: tests must only read it. A test that needs
// files changed asks DebianRootWith for a tree of its own.
func DebianRoot(t testing.TB, suite string) string {
	t.Helper()
	return debianRoot(t, DebianRootfs(t, suite))
}

func debianRoot(t testing.TB, tarball string) string {
	t.Helper()
	return CachedDir(t, "debian-root "+StampKey(t, tarball), func(dir string) error {
		out, err := exec.Command("tar", "-C", dir, "--exclude=./dev/*", "-xf", tarball).CombinedOutput()
		if err != nil {
			return fmt.Errorf("extracting %s: %v\n%s", tarball, err, out)
		}
		return nil
	})
}

// DebianRootWith is DebianRoot with some files replaced or added (path
// relative to the root → content), made once per content into the test
// cache and shared like DebianRoot: tests must only read it. Its other
// files are hard links into DebianRoot's tree, so making one costs
// directories and links (~0.3 s) rather than unpacking 200 MB again.
func DebianRootWith(t testing.TB, suite string, files map[string][]byte) string {
	t.Helper()
	tarball := DebianRootfs(t, suite)
	base := debianRoot(t, tarball)
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00%s", p, len(files[p]), files[p])
	}
	key := "debian-root-with " + StampKey(t, tarball) + " " + hex.EncodeToString(h.Sum(nil))
	return CachedDir(t, key, func(dir string) error {
		if err := linkTree(base, dir); err != nil {
			return err
		}
		for p, b := range files {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			// Unlink first: writing through the link would edit DebianRoot.
			if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := os.WriteFile(full, b, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// linkTree recreates src's directories and symbolic links under dst and
// hard-links its regular files.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			info, err := e.Info()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			return os.Chmod(target, info.Mode().Perm())
		case e.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case e.Type().IsRegular():
			return os.Link(p, target)
		}
		return nil // devices and pipes: DebianRoot has none
	})
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

// DockerImport imports a rootfs tarball as image name unless the engine
// already has it, and returns the name. The image is kept: it is the cache
// of later runs (name it by its content: FileKey, StampKey), so a second
// run imports nothing.
func DockerImport(t testing.TB, sock, tarball, name string) string {
	t.Helper()
	return keptImage(t, sock, name, func() error {
		out, err := exec.Command("docker", "-H", "unix://"+sock, "import", tarball, name).CombinedOutput()
		if err != nil {
			return fmt.Errorf("docker import %s: %v\n%s", name, err, out)
		}
		return nil
	})
}

// DockerBuildCached builds the context directory ctxDir (its Dockerfile
// and files) as repo:KEY, KEY a hash of every file's path, mode and
// content, unless the engine already has that image, and returns the
// name. Like DockerImport's, the image is kept for later runs: a build
// whose every input is the same has the same result, and the engine's
// classic builder starts a container and commits a layer for each
// instruction, which is most of what a test building an image costs.
// env is added to the docker command's environment (DOCKER_BUILDKIT=0).
// Tests whose context changes every run (random secrets) build with
// docker build and remove their image instead.
func DockerBuildCached(t testing.TB, sock, ctxDir, repo string, env ...string) string {
	t.Helper()
	name := repo + ":" + FileKey(t, ctxDir)[:16]
	return keptImage(t, sock, name, func() error {
		cmd := exec.Command("docker", "-H", "unix://"+sock, "build", "--network", "none", "-q", "-t", name, ctxDir)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("docker build %s: %v\n%s", name, err, out)
		}
		return nil
	})
}

// keptImage has create make image name unless the engine at sock has it,
// once across the machine's test processes (makeOnce: the second finds
// the image the first made), then prunes the repository's older keys.
func keptImage(t testing.TB, sock, name string, create func() error) string {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	err := makeOnce("image-"+hex.EncodeToString(sum[:8]), func() bool { return dockerHasImage(sock, name) }, func() error {
		if err := create(); err != nil {
			return err
		}
		pruneRepo(sock, name, keptImageAge)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// keptImageAge is how old another key's kept image must be before a new
// key of its repository removes it: one checkout's tests never remove
// what another checkout's (other sources, other key) made this week.
const keptImageAge = 7 * 24 * time.Hour

// pruneRepo removes the images of name's repository under other tags
// (kept images of sources since changed) created more than olderThan
// ago, so that the engine does not gather one image per edit. An image a
// container still uses stays (docker rmi without -f refuses it); its
// removal is best effort, as no test depends on it.
func pruneRepo(sock, name string, olderThan time.Duration) {
	repo, tag, ok := strings.Cut(name, ":")
	if !ok {
		return
	}
	out, err := exec.Command("docker", "-H", "unix://"+sock, "image", "ls", "--format", "{{.Tag}}\t{{.CreatedAt}}", repo).Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		other, created, ok := strings.Cut(line, "\t")
		if !ok || other == tag || other == "<none>" {
			continue
		}
		// CreatedAt reads "2026-12-07 20:34:05 +0000 UTC".
		at, err := time.Parse("2006-01-02 15:04:05 -0700 MST", created)
		if err != nil || time.Since(at) < olderThan {
			continue
		}
		exec.Command("docker", "-H", "unix://"+sock, "rmi", repo+":"+other).Run()
	}
}

// DockerSaveCached returns `docker save name` as an archive kept by
// content: the image's ID, its name (the archive's RepoTags) and the
// engine's version (which decides the archive's layout), so a later run
// saving the same image reads the archive the engine wrote before instead
// of exporting 200 MB again. The archive is read-only: tests that change
// an archive copy it first.
func DockerSaveCached(t testing.TB, sock, name string) string {
	t.Helper()
	api := engineAPI(t, sock)
	ctx := context.Background()
	img, err := api.ImageInspect(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := api.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, version := img.ID, v.Version
	dir := CachedDir(t, "docker save\x00"+id+"\x00"+name+"\x00"+version, func(dir string) error {
		p := filepath.Join(dir, "image.tar")
		if out, err := exec.Command("docker", "-H", "unix://"+sock, "save", "-o", p, name).CombinedOutput(); err != nil {
			return fmt.Errorf("docker save %s: %v\n%s", name, err, out)
		}
		return os.Chmod(p, 0o444)
	})
	return filepath.Join(dir, "image.tar")
}

// dockerHasImage asks the engine at sock whether it has image name,
// through the Engine API: the kept images are looked up on every run, and
// a docker CLI process costs ~0.06 CPU-s here.
func dockerHasImage(sock, name string) bool {
	api, err := dockerhost.Client(dockerhost.Options{Host: "unix://" + sock})
	if err != nil {
		return false
	}
	defer api.Close()
	_, err = api.ImageInspect(context.Background(), name)
	return err == nil
}
