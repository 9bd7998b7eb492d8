package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/storetest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// realReport scans the real Debian bookworm minbase image against the real
// Debian DSA and DLA lists of ../shared/advisories and returns the json
// report, as an agent would submit it.
func realReport(t *testing.T) []byte {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	lists := []string{testutil.Shared(t, "advisories/debian/DSA/list"), testutil.Shared(t, "advisories/debian/DLA/list")}
	if _, err := importer.Import(ctx, dbPath, lists, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	archive := testutil.WriteDockerArchive(t, testutil.ImageFromTarFile(t, testutil.DebianRootfs(t, "bookworm")), "debian:bookworm")
	rep, err := scan.Inventory(ctx, "docker-archive:"+archive, scan.Options{Tool: report.Tool{Name: "bulwark", Version: "load"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := scan.Match(ctx, rep, db, false); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoad is acceptance 5 of the serve issue, run only with BULWARK_LOAD=1
// (it takes minutes): an open-loop generator posts real scan reports at
// BULWARK_LOAD_RATE per second (200) for BULWARK_LOAD_SECONDS (60) to a
// `bulwark serve` process on the embedded store, then on PostgreSQL, and
// reports latency percentiles and the server's CPU time.
func TestLoad(t *testing.T) {
	if os.Getenv("BULWARK_LOAD") != "1" {
		t.Skip("set BULWARK_LOAD=1 to run the load test")
	}
	rate := envInt("BULWARK_LOAD_RATE", 200)
	seconds := envInt("BULWARK_LOAD_SECONDS", 60)
	base := realReport(t)
	// The bookworm image is newer than every fix in the lists, so half the
	// submissions are the demo image's real report instead (7 findings):
	// fifty images in all, each body encoded once, before the clock starts.
	demo := demoReport(t)
	var bodies [][]byte
	for i := range 50 {
		src := base
		if i%2 == 1 {
			src = demo
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(src, &m); err != nil {
			t.Fatal(err)
		}
		var target map[string]any
		_ = json.Unmarshal(m["target"], &target)
		target["repo_tags"] = []string{fmt.Sprintf("registry.example/team%d/app:1.%d", i%7, i)}
		m["target"], _ = json.Marshal(target)
		b, _ := json.Marshal(m)
		bodies = append(bodies, b)
	}
	t.Logf("reports: bookworm %d bytes, demo %d bytes, submitted at %d/s for %ds", len(base), len(demo), rate, seconds)
	stores := map[string]func(t *testing.T) string{
		"embedded": func(t *testing.T) string { return filepath.Join(t.TempDir(), "server.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresSchema(t, testutil.NeedPostgres(t)) },
	}
	for _, name := range []string{"embedded", "postgres"} {
		t.Run(name, func(t *testing.T) {
			admin, _ := store.NewSecret()
			r := startReplica(t, "load-"+name, []string{"BULWARK_ADMIN_TOKEN=" + admin},
				"--db", stores[name](t), "--workers", "0", "--log-requests=false", "--no-cache", "--advisory-db", filepath.Join(t.TempDir(), "none.db"))
			h := &httpFixture{url: r.url, token: admin}
			var tokens []string
			for i := range 4 {
				tokens = append(tokens, h.mintAgent(t, fmt.Sprintf("load-host-%d", i)))
			}
			res := openLoop(t, r.url, tokens, bodies, rate, time.Duration(seconds)*time.Second)
			t.Logf("%s: server-side latency of POST /api/v1/scans: %s", name, serverSide(t, r.url))
			if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := <-r.done; err != nil {
				t.Errorf("server exit: %v", err)
			}
			ps := r.cmd.ProcessState
			cpu := ps.UserTime() + ps.SystemTime()
			t.Logf("%s: %d requests in %v (%.1f/s achieved), %d errors; latency p50 %v p95 %v p99 %v max %v; server CPU %v (%.0f%% of one core)",
				name, res.n, res.wall.Round(time.Millisecond), float64(res.n)/res.wall.Seconds(), res.errors,
				res.p(50), res.p(95), res.p(99), res.p(100), cpu.Round(time.Millisecond), 100*cpu.Seconds()/res.wall.Seconds())
			if out := os.Getenv("BULWARK_LOAD_OUT"); out != "" {
				line, _ := json.Marshal(map[string]any{"store": name, "rate": rate, "seconds": seconds, "report_bytes": len(base),
					"requests": res.n, "errors": res.errors, "p50_ms": ms(res.p(50)), "p95_ms": ms(res.p(95)), "p99_ms": ms(res.p(99)),
					"max_ms": ms(res.p(100)), "server_cpu_s": cpu.Seconds(), "wall_s": res.wall.Seconds()})
				f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				if err == nil {
					f.Write(append(line, '\n'))
					f.Close()
				}
			}
			if res.errors > 0 {
				t.Errorf("%d requests failed: %v", res.errors, res.firstErr)
			}
			if p99 := res.p(99); p99 > 100*time.Millisecond {
				t.Errorf("p99 %v, want under 100ms", p99)
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

type loadResult struct {
	n, errors int
	firstErr  string
	lat       []time.Duration
	wall      time.Duration
}

func (r *loadResult) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := min(len(r.lat)-1, (len(r.lat)*q+99)/100-1)
	return r.lat[max(i, 0)]
}

// openLoop sends requests on a fixed schedule whatever the answers' delay,
// so slow answers show up in the latencies instead of lowering the rate;
// latency is measured from each request's scheduled time.
func openLoop(t *testing.T, url string, tokens []string, bodies [][]byte, rate int, d time.Duration) *loadResult {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	total := int(d.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	res := &loadResult{lat: make([]time.Duration, 0, total)}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	start := time.Now()
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Go(func() {
			req, _ := http.NewRequest("POST", url+"/api/v1/scans", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Authorization", "Bearer "+tokens[i%len(tokens)])
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", strconv.Itoa(i))
			resp, err := client.Do(req)
			lat := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			res.n++
			res.lat = append(res.lat, lat)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			if err != nil {
				res.errors++
				if res.firstErr == "" {
					res.firstErr = err.Error()
				}
			}
		})
	}
	wg.Wait()
	res.wall = time.Since(start)
	slices.Sort(res.lat)
	return res
}

// serverSide reads the server's own latency histogram of submissions from
// /metrics: the share of requests answered within each bucket.
func serverSide(t *testing.T, url string) string {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	re := regexp.MustCompile(`bulwark_http_request_duration_seconds_bucket\{route="POST /api/v1/scans",le="([^"]+)"\} (\d+)`)
	var buckets []string
	var total float64
	ms := re.FindAllStringSubmatch(string(body), -1)
	for _, m := range ms {
		if m[1] == "+Inf" {
			total, _ = strconv.ParseFloat(m[2], 64)
		}
	}
	for _, m := range ms {
		n, _ := strconv.ParseFloat(m[2], 64)
		if total > 0 && (m[1] == "0.025" || m[1] == "0.05" || m[1] == "0.1" || m[1] == "0.25") {
			buckets = append(buckets, fmt.Sprintf("<=%ss %.2f%%", m[1], 100*n/total))
		}
	}
	return strings.Join(buckets, ", ")
}
