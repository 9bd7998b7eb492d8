package model

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)} }

const img = "sha256:1111aaaa"

func in(id string) *event.Container {
	return &event.Container{ID: id, Name: "web-" + id, Image: "shop/web:1.4", ImageID: img}
}

func exec(c *event.Container, exe, parent string, args ...string) *event.Event {
	comm := exe[strings.LastIndexByte(exe, '/')+1:]
	return &event.Event{Kind: event.Exec, Container: c,
		Process: event.Process{PID: 10, Comm: comm, Exe: exe, Args: append([]string{comm}, args...), ParentComm: parent},
		File:    &event.File{Path: exe}}
}

func write(c *event.Container, comm, p string) *event.Event {
	return &event.Event{Kind: event.Open, Container: c, Process: event.Process{Comm: comm}, File: &event.File{Path: p, Write: true}}
}

func read(c *event.Container, comm, p string) *event.Event {
	return &event.Event{Kind: event.Open, Container: c, Process: event.Process{Comm: comm}, File: &event.File{Path: p}}
}

func connect(c *event.Container, comm, addr string, port uint16) *event.Event {
	return &event.Event{Kind: event.Connect, Container: c, Process: event.Process{Comm: comm},
		Net: &event.Net{Family: "inet", Proto: "tcp", Addr: netip.MustParseAddr(addr), Port: port}}
}

func listen(c *event.Container, comm string, port uint16) *event.Event {
	return &event.Event{Kind: event.Listen, Container: c, Process: event.Process{Comm: comm},
		Net: &event.Net{Family: "inet", Proto: "tcp", Addr: netip.MustParseAddr("0.0.0.0"), Port: port}}
}

func unixConnect(c *event.Container, comm, p string) *event.Event {
	return &event.Event{Kind: event.Connect, Container: c, Process: event.Process{Comm: comm}, Net: &event.Net{Family: "unix", Path: p}}
}

// normalWork is what one container of the image does when all is well.
func normalWork(c *event.Container) []*event.Event {
	return []*event.Event{
		exec(c, "/bin/sh", "containerd-shim", "-c", "/app/start"),
		exec(c, "/app/server", "sh", "--port", "8080"),
		listen(c, "server", 8080),
		write(c, "server", "/var/lib/app/data/0001.db"),
		write(c, "server", "/tmp/upload-8f3a/part"),
		connect(c, "server", "10.0.0.5", 5432),
		unixConnect(c, "server", "/run/app/metrics.sock"),
		exec(c, "/usr/bin/curl", "containerd-shim", "-fs", "localhost:8080/health"), // a health check
		connect(c, "curl", "127.0.0.1", 8080),
		read(c, "server", "/etc/shadow"), // reads are the rules' business
	}
}

func judgeAll(t *testing.T, r *Registry, evs []*event.Event) []*Deviation {
	t.Helper()
	var out []*Deviation
	for _, e := range evs {
		if d := r.Judge(context.Background(), e); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// TestLearnThenJudge is acceptance 2 on constructed event streams: normal
// work during learning raises nothing afterwards; a new process, outbound
// port, listening port or written directory raises one deviation each.
func TestLearnThenJudge(t *testing.T) {
	for _, window := range []Window{{Duration: time.Hour}, {Starts: 2}} {
		clk := newClock()
		r := NewRegistry(Config{Window: window, Now: clk.now})
		// Learning: two containers do their normal work (a restart).
		for _, id := range []string{"c1", "c2"} {
			if ds := judgeAll(t, r, normalWork(in(id))); len(ds) != 0 {
				t.Fatalf("%+v: deviations while learning: %+v", window, ds[0])
			}
			clk.add(10 * time.Minute)
		}
		m, _ := r.Model(img)
		if m.State != Learning {
			t.Fatalf("%+v: state %s before the window ends", window, m.State)
		}
		clk.add(time.Hour)
		// A third container, after the window: the same work, a new
		// address on a known port, a new temporary directory.
		c3 := in("c3")
		work := append(normalWork(c3), connect(c3, "server", "10.0.0.6", 5432), write(c3, "server", "/tmp/upload-0000/part"),
			exec(c3, "/app/server", "sh"))
		if ds := judgeAll(t, r, work); len(ds) != 0 {
			t.Errorf("%+v: normal work after learning raised %q", window, ds[0].What)
		}
		m, _ = r.Model(img)
		if m.State != Active || m.Activated.IsZero() {
			t.Fatalf("%+v: state %s after the window", window, m.State)
		}
		// Acts outside the model.
		odd := []struct {
			e    *event.Event
			what string
		}{
			{exec(c3, "/usr/bin/id", "containerd-shim"), "process /usr/bin/id (parent containerd-shim)"},
			{exec(c3, "/bin/sh", "server", "-c", "id"), "process /bin/sh (parent server)"},
			{connect(c3, "server", "203.0.113.9", 4444), "outbound connection to port 4444/tcp (203.0.113.9)"},
			{unixConnect(c3, "server", "/var/run/docker.sock"), "the unix socket /var/run/docker.sock"},
			{listen(c3, "server", 9999), "listening on port 9999/tcp"},
			{write(c3, "server", "/etc/passwd"), "write to /etc/passwd (below /etc)"},
		}
		for _, o := range odd {
			d := r.Judge(context.Background(), o.e)
			if d == nil {
				t.Errorf("%+v: %s raised nothing", window, o.what)
				continue
			}
			if !strings.Contains(d.What, o.what) || d.Expected == "" || d.Key == "" {
				t.Errorf("%+v: deviation %+v, want %q", window, d, o.what)
			}
		}
		d := r.Judge(context.Background(), exec(c3, "/usr/bin/id", "containerd-shim"))
		if d == nil || !strings.Contains(d.Expected, "/app/server (parent sh)") {
			t.Errorf("expected processes: %+v", d)
		}
		if s := r.Stats(); s.Deviations != 7 {
			t.Errorf("stats %+v", s)
		}
	}
}

// TestHostAndNoImage: host processes and containers without an image are
// no model's business.
func TestHostAndNoImage(t *testing.T) {
	r := NewRegistry(Config{Window: Window{Starts: 1}})
	if d := r.Judge(context.Background(), exec(nil, "/bin/sh", "bash")); d != nil {
		t.Error("host process judged")
	}
	if d := r.Judge(context.Background(), exec(&event.Container{ID: "x"}, "/bin/sh", "bash")); d != nil {
		t.Error("image-less container judged")
	}
	if _, ok := r.Model(""); ok {
		t.Error("a model for no image")
	}
}

func TestWriteKey(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/postgresql/data/base/1/2": "/var/lib/postgresql",
		"/var/log/nginx/access.log":         "/var/log/nginx",
		"/etc/passwd":                       "/etc",
		"/etc/nginx/conf.d/default.conf":    "/etc/nginx/conf.d",
		"/tmp/abc/def/x":                    "/tmp",
		"/tmp/x":                            "/tmp",
		"/run/nginx.pid":                    "/run",
		"/dev/shm/x":                        "/dev/shm",
		"/x":                                "/",
		"relative/y":                        "/relative",
		"/a/../etc/./shadow":                "/etc",
	} {
		if got := WriteKey(in); got != want {
			t.Errorf("WriteKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeedFromImage(t *testing.T) {
	layer := testutil.LayerTar(t,
		testutil.Entry{Name: "bin/"}, testutil.Entry{Name: "bin/busybox", Body: "elf", Mode: 0o755},
		testutil.Entry{Name: "bin/sh", Type: '2', Link: "busybox"},
		testutil.Entry{Name: "app/"}, testutil.Entry{Name: "app/server", Body: "elf", Mode: 0o755},
		testutil.Entry{Name: "app/README", Body: "text"},
	)
	cfg := v1.Config{Entrypoint: []string{"/app/server"}, Cmd: []string{"--port", "8080"},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "9090/udp": {}, "bad/tcp": {}}}
	im, err := mutate.Config(testutil.Image(t, layer), cfg)
	if err != nil {
		t.Fatal(err)
	}
	arch := testutil.WriteDockerArchive(t, im, "shop/web:1.4")
	s := &ImageSeeder{Target: func(string) string { return "docker-archive:" + arch }}
	seed, err := s.Seed(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	want := &Seed{Entrypoint: []string{"/app/server"}, Cmd: []string{"--port", "8080"}, Exe: "/app/server",
		Exposed:     []Port{{"tcp", 8080}, {"udp", 9090}},
		Executables: []string{"/app/server", "/bin/busybox", "/bin/sh"}}
	if diff := cmp.Diff(want, seed); diff != "" {
		t.Fatalf("seed (-want +got):\n%s", diff)
	}

	// A seeded model expects the entrypoint under any parent and the
	// exposed ports, and says when a deviating program is not in the image.
	clk := newClock()
	r := NewRegistry(Config{Window: Window{Starts: 1}, Seeder: s, Now: clk.now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	c1 := in("c1")
	r.Judge(ctx, exec(c1, "/bin/busybox", "containerd-shim"))
	waitFor(t, func() bool { m, _ := r.Model(img); return m.Seed != nil })
	c2 := in("c2") // the second start: judged
	if d := r.Judge(ctx, exec(c2, "/app/server", "runc:[2:INIT]")); d != nil {
		t.Errorf("seeded entrypoint deviated: %+v", d)
	}
	if d := r.Judge(ctx, listen(c2, "server", 9090)); d == nil {
		t.Error("9090/tcp listened without deviation (9090 is exposed as udp)")
	}
	if d := r.Judge(ctx, &event.Event{Kind: event.Listen, Container: c2, Net: &event.Net{Family: "inet", Port: 8080}}); d != nil {
		t.Errorf("exposed port without a protocol deviated: %+v", d)
	}
	if d := r.Judge(ctx, exec(c2, "/bin/sh", "server")); d == nil || d.NotInImage {
		t.Errorf("sh (in the image): %+v", d)
	}
	if d := r.Judge(ctx, exec(c2, "/tmp/xmrig", "sh")); d == nil || !d.NotInImage || !strings.Contains(d.What, "does not contain it") {
		t.Errorf("dropped binary: %+v", d)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.Seeded != 1 {
		t.Errorf("stats %+v", st)
	}

	// An image the seeder cannot read keeps learning, with the reason.
	bad := &ImageSeeder{Target: func(string) string { return "docker-archive:" + filepath.Join(t.TempDir(), "missing.tar") }}
	r = NewRegistry(Config{Seeder: bad})
	ctx, cancel = context.WithCancel(context.Background())
	go func() { done <- r.Run(ctx) }()
	r.Judge(ctx, exec(c1, "/bin/sh", "x"))
	waitFor(t, func() bool { m, _ := r.Model(img); return m.SeedError != "" })
	cancel()
	<-done
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10 s")
}

func TestStoreRoundTripAndReset(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "defend", "models.db")
	st, err := OpenStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	r := NewRegistry(Config{Window: Window{Duration: time.Minute}, Store: st, Now: clk.now})
	judgeAll(t, r, normalWork(in("c1")))
	clk.add(2 * time.Minute)
	r.Judge(ctx, exec(in("c1"), "/app/server", "sh"))
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want, _ := r.Model(img)

	// A new agent (a restart) takes the stored model up: still active.
	r2 := NewRegistry(Config{Window: Window{Duration: time.Minute}, Store: st, Now: clk.now})
	if ds := judgeAll(t, r2, normalWork(in("c1"))); len(ds) != 0 {
		t.Errorf("after a restart normal work deviated: %s", ds[0].What)
	}
	got, _ := r2.Model(img)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Model{}, Dest{}), cmpIgnoreCounters); diff != "" {
		t.Errorf("stored model differs (-flushed +reloaded):\n%s", diff)
	}
	if d := r2.Judge(ctx, exec(in("c1"), "/usr/bin/id", "sh")); d == nil {
		t.Error("reloaded model did not judge")
	}

	// Find: by id, id prefix, name; not found; ambiguous.
	for _, ref := range []string{img, "1111aa", "sha256:1111", "shop/web:1.4"} {
		if m, err := st.Find(ctx, ref); err != nil || m.Image != img {
			t.Errorf("Find(%q) = %v, %v", ref, m, err)
		}
	}
	if _, err := st.Find(ctx, "nginx"); err == nil {
		t.Error("Find of an unknown name succeeded")
	}

	// A reset while the agent holds the model: the agent adopts it at its
	// next flush and learns again.
	rm, err := st.Reset(ctx, img, clk.now())
	if err != nil || rm.State != Learning || rm.Generation != 1 || len(rm.Processes) != 0 {
		t.Fatalf("reset: %+v %v", rm, err)
	}
	r2.Judge(ctx, exec(in("c1"), "/usr/bin/id", "sh")) // dirty, older generation
	if err := r2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ := r2.Model(img)
	if m.State != Learning || m.Generation != 1 || m.LearnUntil.IsZero() {
		t.Errorf("after reset and flush: state %s generation %d until %v", m.State, m.Generation, m.LearnUntil)
	}
	if d := r2.Judge(ctx, exec(in("c1"), "/usr/bin/id", "sh")); d != nil {
		t.Error("a reset model judged instead of learning")
	}
	stored, err := st.Get(ctx, img)
	if err != nil || stored.Generation != 1 {
		t.Errorf("stored after reset: %+v %v", stored, err)
	}
	if _, err := st.Reset(ctx, "sha256:none", clk.now()); err == nil {
		t.Error("reset of an unknown image succeeded")
	}
}

var cmpIgnoreCounters = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".Learned", ".LastSeen", ".Starts", ".stale":
		return true
	}
	return false
}, cmp.Ignore())

func TestStoreMissingAndCorrupt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := NewStore(filepath.Join(dir, "none.db"))
	if ms, err := missing.List(ctx); err != nil || len(ms) != 0 {
		t.Errorf("missing store: %v %v", ms, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("reading created the file")
	}
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("not a database, not at all, definitely not"), 0o600)
	if _, err := NewStore(bad).List(ctx); err == nil {
		t.Error("corrupt store read without error")
	}
	if _, err := OpenStore(ctx, bad); err == nil {
		t.Error("corrupt store opened")
	}
}

func TestArchiveAndReturn(t *testing.T) {
	clk := newClock()
	r := NewRegistry(Config{Window: Window{Starts: 1}, ArchiveAfter: 24 * time.Hour, Now: clk.now})
	judgeAll(t, r, normalWork(in("c1")))
	judgeAll(t, r, normalWork(in("c2"))) // activates
	clk.add(25 * time.Hour)
	r.Sweep(clk.now())
	if m, _ := r.Model(img); m.State != Archived {
		t.Fatalf("state %s after a day without containers", m.State)
	}
	if d := r.Judge(context.Background(), exec(in("c3"), "/usr/bin/id", "x")); d == nil {
		t.Error("the model did not come back active")
	}
	if m, _ := r.Model(img); m.State != Active {
		t.Errorf("state %s", m.State)
	}
	// A model archived while learning comes back learning.
	r = NewRegistry(Config{Window: Window{Duration: 48 * time.Hour}, ArchiveAfter: time.Hour, Now: clk.now})
	r.Judge(context.Background(), exec(in("c1"), "/bin/sh", "x"))
	clk.add(2 * time.Hour)
	r.Sweep(clk.now())
	r.Judge(context.Background(), exec(in("c1"), "/usr/bin/id", "x"))
	if m, _ := r.Model(img); m.State != Learning {
		t.Errorf("state %s", m.State)
	}
}

func TestCaps(t *testing.T) {
	r := NewRegistry(Config{Window: Window{Starts: 1}})
	c := in("c1")
	for i := range MaxPorts + 10 {
		r.Judge(context.Background(), listen(c, "x", uint16(i+1)))
	}
	m, _ := r.Model(img)
	if len(m.Listens) != MaxPorts || !m.Truncated {
		t.Errorf("%d listens, truncated %v", len(m.Listens), m.Truncated)
	}
}

// TestConcurrent judges from several goroutines while flushing (run with
// -race).
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry(Config{Window: Window{Starts: 2}, Store: st})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				c := &event.Container{ID: string(rune('a' + g)), ImageID: "sha256:" + string(rune('a'+i%3))}
				r.Judge(ctx, exec(c, "/bin/x"+string(rune('a'+i%7)), "sh"))
			}
		}()
	}
	for range 5 {
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ms, err := st.List(ctx)
	if err != nil || len(ms) != 3 {
		t.Errorf("%d models stored, %v", len(ms), err)
	}
}

// publisher records what it was given.
type publisher struct {
	mu  sync.Mutex
	got []Model
}

func (p *publisher) PublishModels(_ context.Context, ms []Model) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, ms...)
	return nil
}

func TestPublishLeavesExecutablesOut(t *testing.T) {
	p := &publisher{}
	r := NewRegistry(Config{Publisher: p})
	r.Judge(context.Background(), exec(in("c1"), "/bin/sh", "x"))
	r.mu.Lock()
	r.models[img].applySeed(&Seed{Exe: "/app/server", Executables: []string{"/app/server", "/bin/sh"}})
	r.dirty[img] = true
	r.mu.Unlock()
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.got) != 1 || p.got[0].Seed == nil || p.got[0].Seed.Exe != "/app/server" || p.got[0].Seed.Executables != nil {
		t.Fatalf("published %+v", p.got)
	}
	if m, _ := r.Model(img); len(m.Seed.Executables) != 2 {
		t.Error("publishing stripped the registry's own seed")
	}
	if err := r.Flush(context.Background()); err != nil || len(p.got) != 1 {
		t.Errorf("an unchanged model was published again: %d, %v", len(p.got), err)
	}
}

// TestNameOnlyEvents: the engine describes a container gone before it was
// inspected by its image name only. Its acts belong to the image's model
// all the same: a model begun under the name joins the id's, and later
// name-only events go to the id's.
func TestNameOnlyEvents(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry(Config{Window: Window{Starts: 2}, Store: st})
	byName := func(id string) *event.Container { return &event.Container{ID: id, Image: "shop/web:1.4"} }
	// Start 1: only its name is known; start 2: both.
	judgeAll(t, r, normalWork(byName("c1")))
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	judgeAll(t, r, normalWork(in("c2")))
	if _, ok := r.Model("shop/web:1.4"); ok {
		t.Error("the name's model was kept apart")
	}
	m, _ := r.Model(img)
	if m.Starts != 2 || m.State != Learning || len(m.Processes) != 3 || len(m.Outbound) != 3 {
		t.Fatalf("merged model: starts %d state %s processes %v", m.Starts, m.State, m.Processes)
	}
	// Start 3, by name only: judged by the id's (now active) model.
	if ds := judgeAll(t, r, normalWork(byName("c3"))); len(ds) != 0 {
		t.Errorf("normal work by name raised %s", ds[0].What)
	}
	if d := r.Judge(ctx, exec(byName("c3"), "/usr/bin/id", "sh")); d == nil {
		t.Error("a new process by name raised nothing")
	}
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ms, _ := st.List(ctx)
	if len(ms) != 1 || ms[0].Image != img || ms[0].State != Active {
		t.Errorf("stored models %+v", ms)
	}
}
