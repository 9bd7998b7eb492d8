package importer

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// mirror serves a folder over loopback HTTP, counting requests, 304s and
// Range requests. delay slows every chunk of a response down.
type mirror struct {
	dir      string
	delay    time.Duration
	requests atomic.Int64
	ranges   atomic.Int64
	notMod   atomic.Int64
	mu       sync.Mutex
	paths    []string
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	if r.Header.Get("Range") != "" {
		m.ranges.Add(1)
	}
	m.mu.Lock()
	m.paths = append(m.paths, r.URL.Path)
	m.mu.Unlock()
	rec := &countingWriter{ResponseWriter: w, delay: m.delay}
	http.FileServer(http.Dir(m.dir)).ServeHTTP(rec, r)
	if rec.status == http.StatusNotModified {
		m.notMod.Add(1)
	}
}

type countingWriter struct {
	http.ResponseWriter
	status int
	delay  time.Duration
}

func (c *countingWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

// Write sends at most 32 KiB per delay, so a test can interrupt a download.
func (c *countingWriter) Write(p []byte) (int, error) {
	if c.delay == 0 {
		return c.ResponseWriter.Write(p)
	}
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), 32<<10)]
		w, err := c.ResponseWriter.Write(chunk)
		n += w
		if err != nil {
			return n, err
		}
		c.ResponseWriter.(http.Flusher).Flush()
		time.Sleep(c.delay)
		p = p[len(chunk):]
	}
	return n, nil
}

// copyTree copies the shared feeds so a test can damage them.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Only the files that exist in ../shared/advisories, so a run asks for a
// few missing ones (npm, v3.12) and no more.
var testUpdate = UpdateOptions{
	Ecosystems:     []string{"Go", "PyPI", "npm"},
	AlpineBranches: []string{"v3.3", "v3.4", "v3.5", "v3.6", "v3.7", "v3.8", "v3.9", "v3.10", "v3.11", "v3.12"},
	Attempts:       2,
	Backoff:        10 * time.Millisecond,
}

func TestUpdateFromMirror(t *testing.T) {
	src := copyTree(t, testutil.Shared(t, "advisories"))
	m := &mirror{dir: src}
	ts := httptest.NewServer(m)
	defer ts.Close()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db", "bulwark.db")
	opts := testUpdate
	opts.Mirror = ts.URL + "/"

	rep, err := Update(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	// 22 feed files and the KEV catalog.
	if !rep.Rebuilt || len(rep.Changed) != 23 || len(rep.Meta.Sources) != 23 {
		t.Fatalf("first update: rebuilt %v, %d changed, %d sources", rep.Rebuilt, len(rep.Changed), len(rep.Meta.Sources))
	}
	wantSkipped := []string{"osv/npm", "debian/tracker", "alpine/v3.12/main", "alpine/v3.12/community",
		"wolfi", "chainguard", "redhat/csaf-vex", "amazon/2", "amazon/2023", "epss", "nvd", "cve"}
	slices.Sort(wantSkipped)
	slices.Sort(rep.Skipped)
	if !slices.Equal(rep.Skipped, wantSkipped) {
		t.Errorf("skipped %v, want %v", rep.Skipped, wantSkipped)
	}
	first := open(t, path).Meta()
	for _, s := range first.Sources {
		if !strings.HasPrefix(s.URL, ts.URL) || s.FetchedAt.IsZero() {
			t.Errorf("source %+v: want the mirror URL and a fetch time", s)
		}
	}
	if _, err := os.Stat(filepath.Join(DownloadDir(path), "osv", "Go", "all.zip")); err != nil {
		t.Errorf("download cache: %v", err)
	}

	// Nothing changed: conditional requests only, no rebuild.
	rep, err = Update(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rebuilt || len(rep.Unchanged) != 23 || m.notMod.Load() != 23 {
		t.Errorf("second update: rebuilt %v, %d unchanged, %d answered 304; want no rebuild and 23", rep.Rebuilt, len(rep.Unchanged), m.notMod.Load())
	}

	// One feed changes: only it is downloaded, the database is rebuilt.
	secdb := filepath.Join(src, "alpine", "v3.3", "community.json")
	if err := os.WriteFile(secdb, []byte(`{"distroversion": "v3.3", "reponame": "community", "packages": [{"pkg": {"name": "bulwark-test", "secfixes": {"1.0-r1": ["CVE-2099-0001"]}}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	os.Chtimes(secdb, future, future)
	rep, err = Update(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Rebuilt || !slices.Equal(rep.Changed, []string{"alpine/v3.3/community"}) {
		t.Errorf("third update: rebuilt %v, changed %v", rep.Rebuilt, rep.Changed)
	}
	db := open(t, path)
	recs, err := db.ByPackage(ctx, "Alpine:v3.3", "bulwark-test")
	if err != nil || len(recs) != 1 || recs[0].Advisory.ID != "ALPINE-CVE-2099-0001" {
		t.Errorf("new record: %v %+v", err, recs)
	}
}

func TestUpdateRefusesBadFeeds(t *testing.T) {
	shared := testutil.Shared(t, "advisories")
	ctx := context.Background()
	// One good database and download cache, copied into every case.
	template := filepath.Join(t.TempDir(), "db")
	{
		ts := httptest.NewServer(&mirror{dir: shared})
		opts := testUpdate
		opts.Mirror = ts.URL
		_, err := Update(ctx, filepath.Join(template, "bulwark.db"), opts)
		ts.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		file    string
		damage  func([]byte) []byte
		wantErr []string
	}{
		{"truncated zip", "osv/Go/all.zip", func(b []byte) []byte { return b[:len(b)/2] }, []string{"osv/Go", "zip"}},
		{"garbage json", "alpine/v3.11/main.json", func([]byte) []byte { return []byte("<html>502 Bad Gateway</html>") }, []string{"alpine/v3.11/main", "decode secdb"}},
		{"broken list", "debian/DSA/list", func(b []byte) []byte { return append([]byte("garbage\n"), b...) }, []string{"debian/DSA", "line 1"}},
		{"zip of garbage", "osv/PyPI/all.zip", func([]byte) []byte {
			return []byte("PK\x03\x04 definitely not a zip archive")
		}, []string{"osv/PyPI", "zip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := copyTree(t, shared)
			ts := httptest.NewServer(&mirror{dir: src})
			defer ts.Close()
			path := filepath.Join(copyTree(t, template), "bulwark.db")
			opts := testUpdate
			opts.Mirror = ts.URL
			before, _ := os.ReadFile(path)
			beforeMeta := open(t, path).Meta()

			target := filepath.Join(src, filepath.FromSlash(tt.file))
			b, _ := os.ReadFile(target)
			if err := os.WriteFile(target, tt.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			future := time.Now().Add(time.Hour)
			os.Chtimes(target, future, future)
			_, err := Update(ctx, path, opts)
			if err == nil {
				t.Fatal("damaged feed accepted")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Error("the old database was changed")
			}
			if m := open(t, path).Meta(); !m.BuiltAt.Equal(beforeMeta.BuiltAt) {
				t.Error("the old database is not the one in place")
			}
			// The damaged download is not kept as a valid cached copy.
			if _, err := os.Stat(filepath.Join(DownloadDir(path), filepath.FromSlash(tt.file)+".meta")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("cached copy of the damaged feed kept: %v", err)
			}
		})
	}
}

func TestUpdateEmptyMirror(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	opts := testUpdate
	opts.Mirror = ts.URL
	_, err := Update(context.Background(), filepath.Join(t.TempDir(), "b.db"), opts)
	if err == nil || !strings.Contains(err.Error(), "none of the") {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.db")
	unlock, err := vulndb.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := Import(context.Background(), path, []string{"x"}, ImportOptions{}); !errors.Is(err, vulndb.ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
}

// TestUpdateKilled runs the real binary against a slow loopback mirror and
// SIGKILLs it at increasing delays, in the download and the compile phase.
// After every kill the database in place must be the old one or a complete
// new one, and the next run must finish the work (resuming downloads).
func TestUpdateKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bulwark binary")
	}
	testutil.NeedCommand(t, "go")
	shared := testutil.Shared(t, "advisories")
	bin, err := testutil.BulwarkBinary()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db", "bulwark.db")
	// The old database: one Alpine file only.
	if _, err := Import(ctx, path, []string{filepath.Join(shared, "alpine", "v3.11", "main.json")}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	old := open(t, path).Meta()

	m := &mirror{dir: shared, delay: 5 * time.Millisecond}
	ts := httptest.NewServer(m)
	defer ts.Close()
	args := []string{"db", "update", "--db", path, "--mirror", ts.URL, "--ecosystems", "Go,PyPI",
		"--alpine-branches", "v3.3,v3.4,v3.5,v3.6,v3.7,v3.8,v3.9,v3.10,v3.11", "--no-debian-tracker"}

	check := func(when string) bool {
		db, err := vulndb.Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: the database does not open: %v", when, err)
		}
		defer db.Close()
		if err := db.Verify(ctx); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		m := db.Meta()
		switch {
		case m.BuiltAt.Equal(old.BuiltAt):
			return false
		case len(m.Sources) == 23: // 22 feed files and the KEV catalog
			return true
		}
		t.Fatalf("%s: neither the old nor a complete new database: %+v", when, m)
		return false
	}

	kill := func(cmd *exec.Cmd, exited chan error) {
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
	start := func() (*exec.Cmd, chan error) {
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		return cmd, exited
	}
	downloading := func() bool {
		parts, _ := filepath.Glob(filepath.Join(DownloadDir(path), "*", "*", "*.part"))
		moreParts, _ := filepath.Glob(filepath.Join(DownloadDir(path), "*", "*.part"))
		return len(parts)+len(moreParts) > 0
	}
	downloaded := func() bool {
		metas, _ := filepath.Glob(filepath.Join(DownloadDir(path), "*", "*", "*.meta"))
		moreMetas, _ := filepath.Glob(filepath.Join(DownloadDir(path), "*", "*", "*", "*.meta"))
		return len(metas)+len(moreMetas) == 22 && !downloading()
	}

	// Phase 1: kills while the feeds download (the mirror serves slowly),
	// each later run resuming what the one before fetched.
	var killedDownloading, killedCompiling int
	for _, delay := range []time.Duration{300 * time.Millisecond, 700 * time.Millisecond} {
		cmd, exited := start()
		select {
		case err := <-exited:
			t.Fatalf("run ended before the kill at %v: %v", delay, err)
		case <-time.After(delay):
			wasDownloading := downloading()
			kill(cmd, exited)
			if wasDownloading {
				killedDownloading++
			}
		}
		if check("after a kill at " + delay.String()) {
			t.Fatal("a killed run installed a database")
		}
	}
	// Phase 2: a kill while compiling. Every feed is on disk and no part
	// file is left, so the run is parsing and building; watch for that and
	// kill at once, however fast the machine.
	for attempt := 0; attempt < 3 && killedCompiling == 0; attempt++ {
		cmd, exited := start()
		deadline := time.After(2 * time.Minute)
	watch:
		for {
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("run ended on its own: %v", err)
				}
				// Finished before the watcher saw the compile phase: a
				// finished run is a valid outcome; start over from the old
				// state is not possible, so stop trying.
				break watch
			case <-deadline:
				kill(cmd, exited)
				t.Fatal("no compile phase within two minutes")
			case <-time.After(2 * time.Millisecond):
				if downloaded() {
					kill(cmd, exited)
					if check("after a kill while compiling") {
						t.Fatal("a run killed while compiling installed a database")
					}
					killedCompiling++
					break watch
				}
			}
		}
		if check("after compile attempt") {
			break
		}
	}
	done := false
	t.Logf("killed %d times while downloading, %d while compiling; %d Range requests", killedDownloading, killedCompiling, m.ranges.Load())
	if killedDownloading == 0 || killedCompiling == 0 {
		t.Error("the kills did not land in both the download and the compile phase")
	}
	if !done {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("final run: %v\n%s", err, out)
		}
		if !check("after the final run") {
			t.Fatal("the final run did not install a new database")
		}
	}
	if m.ranges.Load() == 0 {
		t.Error("no download was resumed with a Range request")
	}
	if temps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".bulwark.db.tmp-*")); len(temps) != 0 {
		t.Errorf("temporary files left after a successful run: %v", temps)
	}
}
