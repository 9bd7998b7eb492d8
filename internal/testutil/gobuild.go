package testutil

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// GoBuild says what to build with `go build`.
type GoBuild struct {
	// Dir is where go build runs (a module root or a package directory).
	Dir string
	// Pkg is the package to build, relative to Dir ("." by default).
	Pkg string
	// Flags go to go build before the package ("-trimpath", "-ldflags=-s").
	Flags []string
	// Env is added to the test's environment (GOOS=windows, CGO_ENABLED=0).
	Env []string
	// Sources are the files and directories whose content decides the
	// binary (default Dir); .git, bin and testdata directories and
	// _test.go files are not read (nothing the binary embeds is there).
	Sources []string
}

var (
	goVersionOnce sync.Once
	goVersion     string
)

// toolchain identifies the go command the build uses: its version and
// the binary itself (a rebuilt toolchain of the same version differs).
func toolchain() string {
	goVersionOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOVERSION", "GOROOT", "GOEXPERIMENT", "GOFLAGS").Output()
		if err != nil {
			goVersion = "unknown " + runtime.Version()
			return
		}
		goVersion = string(out)
	})
	return goVersion
}

// BuildCached builds b once per toolchain and source: the binary is kept
// under the user cache directory (BULWARK_TEST_CACHE overrides it), named
// by a hash of the go toolchain, the flags, the environment it adds and the
// content of every source file, so later runs, and other test processes
// running at the same time, reuse it. A new binary is built beside its
// final name and renamed into place, so a concurrent reader never sees
// half of one.
func BuildCached(t testing.TB, b GoBuild) string {
	t.Helper()
	NeedCommand(t, "go")
	out, err := Build(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Build is BuildCached for callers without a testing.TB (TestMain).
func Build(b GoBuild) (string, error) {
	if b.Pkg == "" {
		b.Pkg = "."
	}
	if len(b.Sources) == 0 {
		b.Sources = []string{b.Dir}
	}
	environ := append(os.Environ(), b.Env...) // what go build runs with
	env := effectiveEnv(environ)
	key, err := buildKey(b, env)
	if err != nil {
		return "", err
	}
	dir := buildCacheDir()
	name := filepath.Base(filepath.Clean(filepath.Join(b.Dir, b.Pkg)))
	out := filepath.Join(dir, key, name)
	if env["GOOS"] == "windows" {
		out += ".exe"
	}
	// Test packages start side by side and ask for the same binary (five
	// want bulwark's): one process builds it while the others wait for it.
	// Concurrent go builds would each link it, and on an empty Go build
	// cache compile the same packages in parallel.
	err = makeOnce(key, func() bool { return present(filepath.Dir(out), out, false) }, func() error {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		defer pruneBuildCache(dir, filepath.Dir(out))
		tmp, err := os.MkdirTemp(filepath.Dir(out), ".build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		built := filepath.Join(tmp, filepath.Base(out))
		args := append(append([]string{"build", "-o", built}, b.Flags...), b.Pkg)
		cmd := exec.Command("go", args...)
		cmd.Dir = b.Dir
		cmd.Env = environ
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s (in %s): %v\n%s", strings.Join(args, " "), b.Dir, err, msg)
		}
		return os.Rename(built, out)
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// present reports whether p is there (a directory if dir, else a regular
// file) and, if so, marks the cache entry holding it used, so that
// pruneBuildCache keeps it.
func present(entry, p string, dir bool) bool {
	st, err := os.Stat(p)
	if err != nil || (dir && !st.IsDir()) || (!dir && !st.Mode().IsRegular()) {
		return false
	}
	now := time.Now()
	os.Chtimes(entry, now, now)
	return true
}

// makeOnce has create make the cache entry named name unless ready
// reports it there, once across the machine's processes: the maker holds
// a lock named after the entry, and a process that waited for it asks
// ready again and finds the entry made. The lock lives in the temporary
// directory: lock files in the cache would outlive the entries
// pruneBuildCache removes.
func makeOnce(name string, ready func() bool, create func() error) error {
	if ready() {
		return nil
	}
	unlock, err := lockFile(filepath.Join(os.TempDir(), "bulwark-test-"+name+".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if ready() {
		return nil
	}
	return create()
}

// lockFile holds an exclusive lock on path (created if needed), shared by
// every process of the machine, until the returned release is called.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// buildSettings are the environment variables that decide what go build
// makes.
var buildSettings = []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOAMD64", "GOEXPERIMENT", "GOPROXY", "GOWORK"}

// effectiveEnv is environ as a process sees it: the last value of each
// variable.
func effectiveEnv(environ []string) map[string]string {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// buildKey names b's binary: the toolchain, package, flags, the build
// settings as the build sees them (env, from effectiveEnv), any other
// variable b.Env sets, and the sources. A setting is hashed by its
// effective value, so Env: CGO_ENABLED=0 under an environment that already
// says so is the same binary as no Env at all (deploy's static build and
// BulwarkBinary under make test share one).
func buildKey(b GoBuild, env map[string]string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "toolchain %s\npkg %s\nflags %q\n", toolchain(), b.Pkg, b.Flags)
	for _, k := range buildSettings {
		fmt.Fprintf(h, "%s=%s\n", k, env[k])
	}
	for _, kv := range b.Env {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(buildSettings, k) {
			fmt.Fprintf(h, "env %q\n", kv)
		}
	}
	for _, src := range b.Sources {
		if err := hashTree(h, src); err != nil {
			return "", fmt.Errorf("hashing %s: %w", src, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// pruneBuildCache removes the entries of dir (binaries and CachedDir
// fixtures of sources since changed) that no test used for a week, so
// that the cache does not grow with every edit of the tree. keep is the
// entry just made.
func pruneBuildCache(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() || p == keep || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 7*24*time.Hour {
			os.RemoveAll(p)
		}
	}
}

// buildCacheDir is where BuildCached keeps binaries.
func buildCacheDir() string {
	if d := os.Getenv("BULWARK_TEST_CACHE"); d != "" {
		return filepath.Join(d, "gobuild")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "bulwark-test", "gobuild")
}

// outputDirs are where the repository's tools write besides bin/ (which
// hashTree skips at any depth; .gitignore lists them all): never
// sources, and written while tests run (bench/testsuite.sh's go test
// -json output), so hashing them would change the key mid-run.
var outputDirs = []string{"dist", filepath.Join("bench", "out")}

// hashTree feeds the Go package sources under root into h (hashFiles
// without tests, testdata, .git and the output directories): what
// BuildCached's binary is built from.
func hashTree(h io.Writer, root string) error {
	return hashFiles(h, root, func(p string, d fs.DirEntry) bool {
		if d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			return p == root || (d.Name() != ".git" && d.Name() != "bin" && d.Name() != "testdata" && !slices.Contains(outputDirs, rel))
		}
		return !strings.HasSuffix(p, "_test.go")
	})
}

// hashFiles feeds every regular file under root (or root itself) that keep
// accepts (nil: all), with its path relative to root and its mode, into h,
// in a fixed order. keep also decides which directories are entered.
func hashFiles(h io.Writer, root string, keep func(p string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if keep != nil && !keep(p, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "\x00%s\x00%o\x00", rel, info.Mode())
		_, err = io.Copy(h, f)
		return err
	})
}

// ProgramBinary builds a Go program given as the source of its main
// package, in a module of its own named module with no dependencies, with
// BuildCached (flags and env as GoBuild's): once per toolchain and content,
// kept for later runs. For the small programs tests install in images.
func ProgramBinary(t testing.TB, module, source string, flags []string, env ...string) string {
	t.Helper()
	dir := CachedDir(t, "go program source\x00"+module+"\x00"+source, func(dir string) error {
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+module+"\n\ngo 1.22\n"), 0o644); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644)
	})
	return BuildCached(t, GoBuild{Dir: dir, Flags: flags, Env: env})
}

// BulwarkBinary builds ./cmd/bulwark of this repository once per source
// (see BuildCached) and returns its path.
func BulwarkBinary() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("testutil: cannot locate source")
	}
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	return Build(GoBuild{Dir: root, Pkg: "./cmd/bulwark"})
}

// CachedDir returns a directory that fill populated once per key and
// toolchain, kept under the user cache directory like BuildCached's
// binaries: fixtures that take long to make (cross-compiled programs) are
// made by the first test run and reused by the next ones. fill writes into
// a fresh directory that is renamed into place when it succeeds. Test
// processes asking for one key at once take turns (a lock file per key,
// as Build's): the first fills it, the others find it filled. A fill that
// fails fails the test; MakeCachedDir returns the error instead.
func CachedDir(t testing.TB, key string, fill func(dir string) error) string {
	t.Helper()
	dir, err := MakeCachedDir(key, fill)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// MakeCachedDir is CachedDir for a caller that decides what a failed fill
// means (a test that skips when the network is unusable); nothing is kept
// then, and the next call tries again.
func MakeCachedDir(key string, fill func(dir string) error) (string, error) {
	h := sha256.Sum256([]byte(toolchain() + "\x00" + key))
	name := "dir-" + hex.EncodeToString(h[:16])
	final := filepath.Join(buildCacheDir(), name)
	filled := func() bool { return present(final, final, true) }
	err := makeOnce(name, filled, func() error {
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return err
		}
		defer pruneBuildCache(filepath.Dir(final), final)
		tmp, err := os.MkdirTemp(filepath.Dir(final), ".fill-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := fill(tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, final); err != nil && !filled() {
			// (filled: a process without the lock, an older checkout's
			// tests, filled it first.)
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return final, nil
}

// FileKey is the content of files and directories (every file's path,
// mode and bytes), for a CachedDir key or, cut short, an image tag.
func FileKey(t testing.TB, paths ...string) string {
	t.Helper()
	h := sha256.New()
	for _, p := range paths {
		if err := hashFiles(h, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ToolKey names an installed program (a path from exec.LookPath) by the
// file it resolves to, with StampKey: a key for what the program made
// (compiled classes, an npm install) that changes when it is upgraded or
// another version is chosen (Debian's alternatives).
func ToolKey(t testing.TB, path string) string {
	t.Helper()
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return StampKey(t, real)
}

// StampKey names a large input file (a rootfs tarball) by its path, size
// and modification time, without reading it: a key for what is made from
// a file that is replaced, never edited in place. 16 hex digits, so it
// also serves as an image tag.
func StampKey(t testing.TB, path string) string {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", path, st.Size(), st.ModTime().UnixNano()))
	return hex.EncodeToString(h[:8])
}
