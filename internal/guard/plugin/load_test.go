package plugin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// syncBuffer collects audit lines from concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

type loadResult struct {
	n                      int
	errors                 int
	client, server         []time.Duration // sorted
	p50, p99, p999, maxLat time.Duration
	srvP50, srvP99         time.Duration
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d))*p+0.5) - 1
	return d[max(0, min(i, len(d)-1))]
}

// load is an open-loop generator: request i leaves at start + i/rate
// whatever happened to the earlier ones, so a slow answer cannot slow
// the offered load down (no coordinated omission). Latency is measured by
// the client, over the plugin's unix socket, from send to answer.
func load(t *testing.T, sock string, rate int, dur time.Duration, bodies [][]byte, audit *syncBuffer) loadResult {
	t.Helper()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
		MaxIdleConnsPerHost: 256,
	}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// Warm the connection pool and caches.
	for _, b := range bodies {
		resp, err := c.Post("http://plugin/AuthZPlugin.AuthZReq", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	audit.mu.Lock()
	audit.b.Reset()
	audit.mu.Unlock()

	n := int(dur.Seconds() * float64(rate))
	lat := make([]time.Duration, n)
	errs := make([]bool, n)
	var wg sync.WaitGroup
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bodies[i%len(bodies)]
			t0 := time.Now()
			resp, err := c.Post("http://plugin/AuthZPlugin.AuthZReq", "application/json", bytes.NewReader(b))
			if err != nil {
				errs[i] = true
				return
			}
			var r Response
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			lat[i] = time.Since(t0)
			errs[i] = err != nil
		}()
	}
	wg.Wait()
	res := loadResult{n: n}
	for i := range n {
		if errs[i] {
			res.errors++
			continue
		}
		res.client = append(res.client, lat[i])
	}
	slices.Sort(res.client)
	sc := bufio.NewScanner(bytes.NewReader(audit.b.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			res.server = append(res.server, time.Duration(r.Micros)*time.Microsecond)
		}
	}
	slices.Sort(res.server)
	res.p50, res.p99, res.p999 = pct(res.client, .50), pct(res.client, .99), pct(res.client, .999)
	if len(res.client) > 0 {
		res.maxLat = res.client[len(res.client)-1]
	}
	res.srvP50, res.srvP99 = pct(res.server, .50), pct(res.server, .99)
	return res
}

func serveFor(t *testing.T, g *guard.Guard, audit *syncBuffer) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "p.sock")
	ctx, cancel := context.WithCancel(context.Background())
	l, err := Listen(ctx, sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(g, NewAuditLog(audit))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() { cancel(); <-done })
	return sock
}

// TestDecisionLatency is acceptance 4 of issue 7: p99 decision latency
// under 2 ms at 500 requests/s from an open-loop generator on the
// plugin's unix socket. It runs with BULWARK_GUARD_LOAD=1 (10 s per
// scenario; BULWARK_GUARD_LOAD_SECONDS changes that) on a quiet machine;
// docs/PERFORMANCE.md records the numbers.
func TestDecisionLatency(t *testing.T) {
	if os.Getenv("BULWARK_GUARD_LOAD") != "1" {
		t.Skip("load test: set BULWARK_GUARD_LOAD=1")
	}
	secs := 10.0
	if s := os.Getenv("BULWARK_GUARD_LOAD_SECONDS"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		secs = v
	}
	dur := time.Duration(secs * float64(time.Second))
	const rate = 500

	// The request mix: an allowed hardened create, a denied one with
	// three violations, a docker socket bind, an exec, a plain GET.
	mix := func(image string) [][]byte {
		hard := fmt.Sprintf(`{"Image":%q,"User":"1000","Env":["A=b"],"Cmd":["true"],"HostConfig":{"NetworkMode":"none","ReadonlyRootfs":true,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges"]}}`, image)
		bad := fmt.Sprintf(`{"Image":%q,"HostConfig":{"Privileged":true,"PidMode":"host","CapAdd":["SYS_ADMIN"],"Binds":["/var/run/docker.sock:/var/run/docker.sock"]}}`, image)
		return [][]byte{
			wire("POST", "/v1.41/containers/create", []byte(hard)),
			wire("POST", "/v1.41/containers/create", []byte(bad)),
			wire("POST", "/v1.41/containers/create?name=x", []byte(hard)),
			wire("POST", "/v1.41/containers/abc/exec", []byte(`{"User":"1000","Cmd":["sh"]}`)),
			wire("GET", "/v1.41/containers/json", nil),
		}
	}

	report := func(name string, r loadResult) {
		t.Logf("%s: %d requests at %d/s, %d errors; client round trip p50 %v p99 %v p99.9 %v max %v; server decision p50 %v p99 %v",
			name, r.n, rate, r.errors, r.p50, r.p99, r.p999, r.maxLat, r.srvP50, r.srvP99)
		if r.errors > 0 {
			t.Errorf("%s: %d requests failed", name, r.errors)
		}
		if r.p99 >= 2*time.Millisecond {
			t.Errorf("%s: p99 %v, want under 2ms", name, r.p99)
		}
	}

	t.Run("rules", func(t *testing.T) {
		p := policy.Default()
		p.ScanGate.Enabled = false
		g, err := guard.New(p, guard.Options{Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		audit := &syncBuffer{}
		report("rules only", load(t, serveFor(t, g, audit), rate, dur, mix("app:1"), audit))
	})

	t.Run("engine and scan gate", func(t *testing.T) {
		sock := testutil.NeedDocker(t)
		api, err := client.NewClientWithOpts(client.WithHost("unix://"+sock), client.WithAPIVersionNegotiation())
		if err != nil {
			t.Fatal(err)
		}
		defer api.Close()
		img := testutil.DockerImport(t, sock, toolImage(t), "bulwark-guard-tool:1")
		ins, err := api.ImageInspect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		hist := t.TempDir()
		if err := history.RecordEntry(context.Background(), hist, &history.Entry{
			SchemaVersion: history.SchemaVersion, ImageID: ins.ID, LayersVerified: true, Target: img, ScannedAt: time.Now().UTC(),
			Matched: true, Assessed: true, Assessment: "full", Counts: map[string]int{}, Findings: []history.Finding{},
		}); err != nil {
			t.Fatal(err)
		}
		p := policy.Default()
		p.ScanGate.HistoryDir = hist
		g, err := guard.New(p, guard.Options{Engine: api})
		if err != nil {
			t.Fatal(err)
		}
		audit := &syncBuffer{}
		report("engine + scan gate", load(t, serveFor(t, g, audit), rate, dur, mix(img), audit))
	})
}
