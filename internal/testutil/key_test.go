package testutil

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestKeysFollowContent: FileKey changes with every file's bytes and mode,
// a _test.go file's too (gobinary's fixtures are keyed by their test
// file); BuildCached's source hash ignores tests and testdata.
func TestKeysFollowContent(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "x_test.go")
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(src, "package x\n")
	k1 := FileKey(t, src)
	write(src, "package x // edited\n")
	k2 := FileKey(t, src)
	if k1 == k2 {
		t.Error("FileKey of a _test.go file does not follow its content")
	}
	if err := os.Chmod(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if FileKey(t, src) == k2 {
		t.Error("FileKey does not follow a file's mode")
	}

	tree := func() string {
		t.Helper()
		var h bytes.Buffer
		if err := hashTree(&h, dir); err != nil {
			t.Fatal(err)
		}
		return h.String()
	}
	write(filepath.Join(dir, "x.go"), "package x\n")
	before := tree()
	write(src, "package x // edited again\n")
	os.MkdirAll(filepath.Join(dir, "testdata"), 0o755)
	write(filepath.Join(dir, "testdata", "f"), "data")
	if tree() != before {
		t.Error("the source hash follows tests or testdata")
	}
	os.MkdirAll(filepath.Join(dir, "bench", "out"), 0o755)
	write(filepath.Join(dir, "bench", "out", "testsuite.json"), "{}")
	if tree() != before {
		t.Error("the source hash follows an output directory")
	}
	write(filepath.Join(dir, "x.go"), "package x // edited\n")
	if tree() == before {
		t.Error("the source hash does not follow a source file")
	}
}

// TestBuildOnceAcrossCallers: callers asking for one binary at the same
// time (test packages starting side by side) get it from one go build.
// Every link is logged through -toolexec (go build also runs the linker
// with -V=full for its version: not logged).
func TestBuildOnceAcrossCallers(t *testing.T) {
	NeedCommand(t, "go")
	dir := t.TempDir()
	t.Setenv("BULWARK_TEST_CACHE", filepath.Join(dir, "cache"))
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module once\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	links := filepath.Join(dir, "links")
	tool := filepath.Join(dir, "toolexec")
	os.WriteFile(tool, []byte("#!/bin/sh\ncase \"$(basename \"$1\") $2\" in link\\ -V=full) ;; link\\ *) echo link >>"+links+";; esac\nexec \"$@\"\n"), 0o755)

	const callers = 4
	var wg sync.WaitGroup
	paths := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			paths[i], errs[i] = Build(GoBuild{Dir: src, Flags: []string{"-toolexec=" + tool}, Env: []string{"GOFLAGS=-mod=mod", "GOWORK=off"}})
		})
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if paths[i] != paths[0] {
			t.Errorf("caller %d got %s, caller 0 %s", i, paths[i], paths[0])
		}
	}
	b, err := os.ReadFile(links)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("link")); n != 1 {
		t.Errorf("%d callers linked the binary %d times, want once", callers, n)
	}
}

// TestBuildKeyFollowsEffectiveSettings: a build setting counts by the value
// go build will see, however it is spelled; other Env entries count as
// given.
func TestBuildKeyFollowsEffectiveSettings(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := func(environ []string, env ...string) string {
		t.Helper()
		k, err := buildKey(GoBuild{Dir: dir, Pkg: ".", Sources: []string{dir}, Env: env}, effectiveEnv(slices.Concat(environ, env)))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	static := []string{"PATH=/bin", "CGO_ENABLED=0"}
	if key(static) != key(static, "CGO_ENABLED=0") {
		t.Error("Env: CGO_ENABLED=0 under CGO_ENABLED=0 names another binary")
	}
	if key([]string{"CGO_ENABLED=1"}, "CGO_ENABLED=0") != key(static) {
		t.Error("Env does not override the environment's setting")
	}
	if key(static) == key([]string{"CGO_ENABLED=1"}) {
		t.Error("the key does not follow CGO_ENABLED")
	}
	if key(static, "GOOS=windows") == key(static) {
		t.Error("the key does not follow GOOS")
	}
	if key(static, "CC=clang") == key(static) {
		t.Error("the key ignores an Env entry outside the known settings")
	}
}

// TestCachedDirFilledOnce: callers asking for one key at the same time
// get the directory one of them filled.
func TestCachedDirFilledOnce(t *testing.T) {
	t.Setenv("BULWARK_TEST_CACHE", t.TempDir())
	key := "filled once " + t.Name() + " " + time.Now().String()
	var fills atomic.Int32
	const callers = 4
	var wg sync.WaitGroup
	dirs := make([]string, callers)
	for i := range callers {
		wg.Go(func() {
			dirs[i] = CachedDir(t, key, func(dir string) error {
				fills.Add(1)
				time.Sleep(200 * time.Millisecond) // a fill that takes time, as real ones do
				return os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
			})
		})
	}
	wg.Wait()
	if n := fills.Load(); n != 1 {
		t.Errorf("%d callers filled the directory %d times, want once", callers, n)
	}
	for i, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, "f")); err != nil || string(b) != "x" || d != dirs[0] {
			t.Errorf("caller %d: %s: %q, %v", i, d, b, err)
		}
	}
}

// TestPruneBuildCache: entries unused for over a week go, recent ones and
// the one just made stay, files and dot-names (locks, fills in progress)
// are left alone.
func TestPruneBuildCache(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-8 * 24 * time.Hour)
	for _, name := range []string{"stale", "kept", "recent", ".fill-1"} {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		if name != "recent" {
			os.Chtimes(filepath.Join(dir, name), old, old)
		}
	}
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	os.Chtimes(filepath.Join(dir, "file"), old, old)
	pruneBuildCache(dir, filepath.Join(dir, "kept"))
	for name, want := range map[string]bool{"stale": false, "kept": true, "recent": true, ".fill-1": true, "file": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: present %v, want %v", name, err == nil, want)
		}
	}
}

// TestRefusingAddr: connections are refused while the test runs, and the
// port cannot be taken by a listener meanwhile.
func TestRefusingAddr(t *testing.T) {
	addr := RefusingAddr(t)
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Fatalf("listening on %s succeeded while it is held", addr)
	}
}
