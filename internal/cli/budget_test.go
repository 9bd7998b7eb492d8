package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/testutil/hostile"
)

// measured is one run of the binary with what it cost.
type measured struct {
	result
	wall     time.Duration
	rssKB    int64 // peak resident set (VmHWM), sampled while it runs
	tempPeak int64 // most bytes in files under the temporary directories at once, named or unlinked
	left     []string
	// afterSignal is how long the process ran after the signal was sent.
	afterSignal time.Duration
}

// measure runs the binary with TMPDIR and the cache inside a fresh
// directory, polling its open files to find the most temporary disk it
// used at once (spill files are unlinked while open, so a directory
// listing would not see them) and its peak resident set (VmHWM: wait4's
// maxrss would start from the test process's, which Linux carries across
// fork and exec), and lists what it left in the temporary directories.
// The run is killed after timeout. signal, when set, is sent after
// signalAfter.
func measure(t *testing.T, timeout time.Duration, sig os.Signal, signalAfter time.Duration, args ...string) measured {
	t.Helper()
	return measureRun(t, runSpec{bin: binary, timeout: timeout, sig: sig, signalAfter: signalAfter}, args...)
}

// runSpec says how measureRun runs a binary.
type runSpec struct {
	bin         string
	timeout     time.Duration
	sig         os.Signal
	signalAfter time.Duration
	rssCapKB    int64 // kill the run once its resident set passes this (0: no cap)
}

func measureRun(t *testing.T, spec runSpec, args ...string) measured {
	t.Helper()
	timeout, sig, signalAfter := spec.timeout, spec.sig, spec.signalAfter
	home := t.TempDir()
	tmp := filepath.Join(home, "tmp")
	cache := filepath.Join(home, "cache")
	os.MkdirAll(tmp, 0o700)
	cmd := exec.Command(spec.bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "TMPDIR="+tmp, "BULWARK_CACHE_DIR="+cache, "DOCKER_HOST=unix:///nonexistent.sock")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu        sync.Mutex
		peak, hwm int64
		signalled time.Time
		stop      = make(chan struct{})
		done      = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			n := tempBytes(cmd.Process.Pid, []string{tmp, filepath.Join(cache, "tmp")})
			kb := peakRSS(cmd.Process.Pid)
			mu.Lock()
			peak, hwm = max(peak, n), max(hwm, kb)
			mu.Unlock()
			if spec.rssCapKB > 0 && kb > spec.rssCapKB {
				cmd.Process.Kill()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	timer := time.AfterFunc(timeout, func() { cmd.Process.Kill() })
	if sig != nil {
		// The delay counts from when the scan has opened its input: on a
		// loaded machine the process may take longer than the delay just to
		// start, and a signal before main installs its handler kills it
		// outright, which is not what is tested.
		input := args[len(args)-1]
		if _, p, ok := strings.Cut(input, ":"); ok {
			input = p
		}
		go func() {
			for !hasOpen(cmd.Process.Pid, input) {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			time.AfterFunc(signalAfter, func() {
				mu.Lock()
				signalled = time.Now()
				mu.Unlock()
				cmd.Process.Signal(sig)
			})
		}()
	}
	err := cmd.Wait()
	wall := time.Since(start)
	timer.Stop()
	close(stop)
	<-done
	end := time.Now()
	m := measured{wall: wall, tempPeak: peak, rssKB: hwm}
	mu.Lock()
	if !signalled.IsZero() {
		m.afterSignal = end.Sub(signalled)
	}
	mu.Unlock()
	m.stdout, m.stderr = out.String(), errb.String()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		m.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			m.code = -1
		}
	} else if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{tmp, filepath.Join(cache, "tmp")} {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				m.left = append(m.left, p)
			}
			return nil
		})
	}
	if m.code == -1 && spec.rssCapKB == 0 && spec.bin == binary {
		t.Errorf("killed after %s: %s", timeout, m.stderr)
	}
	t.Logf("%s: %s", strings.Join(args, " "), m)
	return m
}

// hasOpen says whether process pid has a file descriptor open on path.
func hasOpen(pid int, path string) bool {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && l == path {
			return true
		}
	}
	return false
}

// peakRSS is the VmHWM of process pid in KB (0 once it has exited).
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// tempBytes sums the sizes of the files process pid holds open under
// dirs (deleted or not) and of the files named under them.
func tempBytes(pid int, dirs []string) int64 {
	var n int64
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		p := fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())
		target, err := os.Readlink(p)
		if err != nil {
			continue
		}
		for _, d := range dirs {
			if strings.HasPrefix(target, d+"/") {
				var st syscall.Stat_t
				if syscall.Stat(p, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG {
					n += st.Blocks * 512
				}
			}
		}
	}
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				if info, err := e.Info(); err == nil {
					n += info.Size()
				}
			}
			return nil
		})
	}
	return n
}

// generate makes a hostile image once per generator source and key and
// keeps it with the other test fixtures (testutil.CachedDir): making them
// was half the test binary's own CPU, and the scans only read them. key
// names what gen makes (the generator and its arguments); the target gen
// returns ("docker-archive:PATH", "oci-layout:DIR") is kept beside it.
func generate(t *testing.T, key string, gen func(dir string) (string, error)) string {
	t.Helper()
	src := testutil.FileKey(t, filepath.Join(testutil.RepoRoot(t), "internal", "testutil", "hostile"))
	const dirMark = "{dir}"
	kept := testutil.CachedDir(t, "hostile image\x00"+src+"\x00"+key, func(dir string) error {
		start := time.Now()
		img := filepath.Join(dir, "image")
		if err := os.Mkdir(img, 0o755); err != nil {
			return err
		}
		target, err := gen(img)
		if err != nil {
			return err
		}
		if !strings.Contains(target, img) {
			return fmt.Errorf("generated target %q is not under %s", target, img)
		}
		t.Logf("generated %s in %s", key, time.Since(start).Round(time.Millisecond))
		return os.WriteFile(filepath.Join(dir, "target"), []byte(strings.Replace(target, img, dirMark, 1)), 0o644)
	})
	target, err := os.ReadFile(filepath.Join(kept, "target"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(target), dirMark, filepath.Join(kept, "image"), 1)
}

func (m measured) String() string {
	return fmt.Sprintf("exit %d in %s, peak RSS %d MB, peak temporary disk %d MB; stderr: %s",
		m.code, m.wall.Round(time.Millisecond), m.rssKB>>10, m.tempPeak>>20, strings.TrimSpace(m.stderr))
}

var scanArgs = []string{"scan", "--scanners", "misconfig,secret", "--format", "json", "--output", "/dev/null"}

// TestBudgetLongNames: two zstd layers of entries with 4,000-byte names
// cost memory and layer-cache space for their number, not their names'
// length (on main: hundreds of MB of RSS and two 48 MB cache entries for
// this image; 5.2 GB and 600 MB entries at 150,000 entries a layer).
func TestBudgetLongNames(t *testing.T) {
	target := generate(t, "LongNames 2 12000 4000", func(dir string) (string, error) { return hostile.LongNames(dir, 2, 12_000, 4000) })
	home := t.TempDir()
	cache := filepath.Join(home, "cache")
	m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), "--cache-dir", cache, target)...)
	if m.code != 0 {
		t.Fatalf("scan: %s", m)
	}
	if m.rssKB > 150<<10 {
		t.Errorf("peak RSS %d MB, want under 150 MB", m.rssKB>>10)
	}
	var size int64
	filepath.WalkDir(cache, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			info, _ := e.Info()
			size += info.Size()
		}
		return nil
	})
	if size > 4<<20 {
		t.Errorf("layer cache holds %d bytes for 24,000 entries, want under 4 MB", size)
	}
}

// TestBudgetRecords: a dpkg status of 300,000 packages (a 1 MB image) is
// refused at the budget of records per database, which the message names
// with its flag, before it fills memory (on main: exit 0 after ~450 MB).
func TestBudgetRecords(t *testing.T) {
	target := generate(t, "DpkgRecords 300000", func(dir string) (string, error) { return hostile.DpkgRecords(dir, 300_000) })
	m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), target)...)
	if m.code != 2 || !strings.Contains(m.stderr, "package records per database") || !strings.Contains(m.stderr, "--max-records") {
		t.Errorf("want exit 2 naming the records budget and --max-records: %s", m)
	}
	if m.rssKB > 200<<10 {
		t.Errorf("peak RSS %d MB, want under 200 MB", m.rssKB>>10)
	}
	// The budget is the flag's.
	small := generate(t, "DpkgRecords 3", func(dir string) (string, error) { return hostile.DpkgRecords(dir, 3) })
	if m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), "--max-records", "2", small)...); m.code != 2 {
		t.Errorf("3 packages with --max-records 2: %s", m)
	}
	if m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), "--max-records", "3", small)...); m.code != 0 {
		t.Errorf("3 packages with --max-records 3: %s", m)
	}
}

// TestBudgetSparse: GNU sparse entries of 500 MiB logical size in a
// ~10 KB image are not expanded to disk (on main each is copied to a
// temporary file for the cataloger that wants random access: 2 GB written
// for these four), and a sparse lock file is judged by its logical size.
func TestBudgetSparse(t *testing.T) {
	jars := generate(t, "Sparse 4 500MiB", func(dir string) (string, error) { return hostile.Sparse(dir, 4, 500<<20) })
	m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), jars)...)
	if m.code != 0 || m.tempPeak > 16<<20 {
		t.Errorf("sparse jars: %s; want exit 0 and no temporary disk", m)
	}
	lock := generate(t, "SparseFiles 120MiB srv/app/package-lock.json 1", func(dir string) (string, error) {
		return hostile.SparseFiles(dir, 120<<20, func(int) string { return "srv/app/package-lock.json" }, 1)
	})
	// Its logical size is what counts: the per-file budget (64 MiB by
	// default) refuses it from its header, before a hole is read; with that
	// raised, the lock file parser stops at the first zero byte. Reading
	// holes is charged to the image's bytes (layerfs TestSparse).
	m = measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), "--max-image-bytes", strconv.Itoa(64<<20), lock)...)
	if m.code != 2 || !strings.Contains(m.stderr, "bytes per parsed file") || !strings.Contains(m.stderr, "--max-file-bytes") || m.tempPeak > 16<<20 {
		t.Errorf("a 120 MiB sparse lock file read against a 64 MiB budget: %s", m)
	}
}

// TestBudgetImageBytes: zstd layers of 1 GiB of zeros each, every one
// under the per-layer limit, stop at the image's budget of decompressed
// bytes (on main the 6 GiB are read; at 60 layers, 150 s).
func TestBudgetImageBytes(t *testing.T) {
	target := generate(t, "BigLayers 6 1023MiB", func(dir string) (string, error) { return hostile.BigLayers(dir, 6, 1<<30-1<<20) })
	m := measure(t, 120*time.Second, nil, 0, append(append([]string{}, scanArgs...), target)...)
	if m.code != 2 || !strings.Contains(m.stderr, "decompressed bytes per image") || !strings.Contains(m.stderr, "--max-image-bytes") {
		t.Errorf("want exit 2 naming the decompressed-bytes budget: %s", m)
	}
	if m.wall > 30*time.Second {
		t.Errorf("took %s, want under 30 s", m.wall)
	}
}

// TestBudgetLayers: 3,000 tiny layers are refused at once by the layer
// budget (on main: 50 s); 200 are read in seconds.
func TestBudgetLayers(t *testing.T) {
	many := generate(t, "ManyLayers 3000", func(dir string) (string, error) { return hostile.ManyLayers(dir, 3000) })
	m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), many)...)
	if m.code != 2 || !strings.Contains(m.stderr, "layers per image") || !strings.Contains(m.stderr, "--max-layers") || m.wall > 10*time.Second {
		t.Errorf("3,000 layers: %s", m)
	}
	some := generate(t, "ManyLayers 200", func(dir string) (string, error) { return hostile.ManyLayers(dir, 200) })
	m = measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), some)...)
	if m.code != 0 || m.wall > 20*time.Second {
		t.Errorf("200 layers: %s", m)
	}
}

// TestFIFOs: an OCI layout whose index.json or layer blob is a FIFO, and
// an archive that is one, end with exit 2 at once (on main: the scan hangs
// for ever, deaf to SIGINT and SIGTERM).
func TestFIFOs(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "image.tar")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	targets := []string{"docker-archive:" + fifo, fifo,
		fifoLayout(t, "index"),
		fifoLayout(t, "blob")}
	for _, target := range targets {
		m := measure(t, 10*time.Second, nil, 0, append(append([]string{}, scanArgs...), target)...)
		if m.code != 2 || strings.Count(strings.TrimSpace(m.stderr), "\n") != 0 || m.wall > 5*time.Second {
			t.Errorf("%s: %s", target, m)
		}
	}
	// Files that shape the report are refused too.
	image := generate(t, "DpkgRecords 3", func(dir string) (string, error) { return hostile.DpkgRecords(dir, 3) })
	for _, flag := range []string{"--ignore-file", "--vex"} {
		m := measure(t, 10*time.Second, nil, 0, append(append([]string{}, scanArgs...), flag, fifo, image)...)
		if m.code != 2 || !strings.Contains(m.stderr, "not a regular file") || m.wall > 5*time.Second {
			t.Errorf("%s FIFO: %s", flag, m)
		}
	}
}

// fifoLayout is an OCI layout whose index.json or layer blob is a FIFO:
// made afresh (it costs nothing), as a FIFO in the kept fixtures would
// block whatever opened it there.
func fifoLayout(t *testing.T, which string) string {
	t.Helper()
	target, err := hostile.FIFOLayout(t.TempDir(), which)
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// TestSignalStopsScan: SIGTERM or SIGINT in the middle of a scan (copying
// a jar to a temporary file, decompressing gigabytes) ends it within a
// second, with the signal's exit status, leaving no temporary file (on
// main: the scan carries on to the end of its layer).
func TestSignalStopsScan(t *testing.T) {
	// 900 MiB in all: under the 1 GiB decompression floor, so only the
	// signal can end the scan early.
	target := generate(t, "Interruptible 200MiB 700MiB", func(dir string) (string, error) { return hostile.Interruptible(dir, 200<<20, 700<<20) })
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		// Counted from when the scan opened the archive: the jar is being
		// copied then, on a quiet machine as on a loaded one.
		after := 50 * time.Millisecond
		m := measure(t, 60*time.Second, sig, after, append(append([]string{}, scanArgs...), target)...)
		if m.code != 128+int(sig) || !strings.Contains(m.stderr, "interrupted") {
			t.Errorf("%v: %s", sig, m)
		}
		// The limit allows for a loaded machine; the figures are in
		// docs/PERFORMANCE.md.
		if m.afterSignal > 1500*time.Millisecond {
			t.Errorf("%v: stopped %s after the signal, want about a second at most", sig, m.afterSignal.Round(time.Millisecond))
		}
		if len(m.left) > 0 {
			t.Errorf("%v: temporary files left: %v", sig, m.left)
		}
	}
}

// TestBudgetLockFiles: lock files are read as streams, so one of a few
// hundred thousand packages (a ~10 MB composer.lock, package-lock.json,
// Pipfile.lock, poetry.lock, deps.json, yarn.lock in a small image) is
// refused at the budget of records per file with memory bounded by that
// budget, not by the file; a file over --max-file-bytes is refused before
// it is read, naming the flag.
func TestBudgetLockFiles(t *testing.T) {
	const size = 10 << 20
	for _, c := range []struct {
		path string
		gen  func(io.Writer, int)
	}{
		{"srv/app/composer.lock", hostile.ComposerLock},
		{"srv/app/Pipfile.lock", hostile.PipfileLock},
		{"srv/app/poetry.lock", hostile.PoetryLock},
		{"srv/app/app.deps.json", hostile.DepsJSON},
		{"srv/app/yarn.lock", hostile.YarnLock},
	} {
		t.Run(path.Base(c.path), func(t *testing.T) {
			target := generate(t, fmt.Sprintf("Manifest %s %d", c.path, size), func(dir string) (string, error) { return hostile.Manifest(dir, c.path, c.gen)(size) })
			m := measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), target)...)
			if m.code != 2 || !strings.Contains(m.stderr, "--max-records") {
				t.Errorf("want exit 2 naming --max-records: %s", m)
			}
			if m.rssKB > 250<<10 { // 100,000 packages held are ~160 MB
				t.Errorf("peak RSS %d MB, want under 250 MB", m.rssKB>>10)
			}
			m = measure(t, 60*time.Second, nil, 0, append(append([]string{}, scanArgs...), "--max-file-bytes", "1000000", target)...)
			if m.code != 2 || !strings.Contains(m.stderr, "bytes per parsed file") || !strings.Contains(m.stderr, "--max-file-bytes") {
				t.Errorf("want exit 2 naming --max-file-bytes: %s", m)
			}
		})
	}
}
