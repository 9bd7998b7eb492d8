// Package storetest is the contract every store.Store implementation must
// meet. Each implementation's tests call [Run] with a constructor for a
// fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// Run runs the contract suite; open returns a fresh empty store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Tokens", testTokens},
		{"ScansIdempotent", testScansIdempotent},
		{"ScanQueries", testScanQueries},
		{"Bench", testBench},
		{"QueueBasics", testQueueBasics},
		{"QueueDedupe", testQueueDedupe},
		{"QueueLease", testQueueLease},
		{"QueueRetry", testQueueRetry},
		{"QueueConcurrentClaims", testQueueConcurrent},
		{"QueuePrune", testQueuePrune},
		{"Webhooks", testWebhooks},
		{"RuntimeAlerts", testRuntimeAlerts},
		{"RuntimeModels", testRuntimeModels},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

var ctx = context.Background()

// times compares instants to the microsecond, PostgreSQL's resolution.
var times = cmp.Comparer(func(a, b time.Time) bool { return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond)) })

// must and must2 end the test on an error: must(f())(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func must2[T any](v T, ok bool, err error) func(*testing.T) (T, bool) {
	return func(t *testing.T) (T, bool) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, ok
	}
}

func testTokens(t *testing.T, s store.Store) {
	secret, hash := store.NewSecret()
	if len(secret) != len(store.TokenPrefix)+64 || store.HashSecret(secret) != hash {
		t.Fatalf("secret %q hash %q", secret, hash)
	}
	a := must(s.CreateToken(ctx, store.Token{Name: "ci", Role: store.Admin, Hash: hash}))(t)
	_, h2 := store.NewSecret()
	b := must(s.CreateToken(ctx, store.Token{Name: "host1", Role: store.Agent, Host: "host1", Hash: h2}))(t)
	if a.ID == 0 || a.ID == b.ID {
		t.Fatalf("ids %d %d", a.ID, b.ID)
	}
	if _, err := s.CreateToken(ctx, store.Token{Name: "dup", Role: store.Viewer, Hash: hash}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate hash: %v, want ErrExists", err)
	}
	got := must(s.TokenByHash(ctx, h2))(t)
	if diff := cmp.Diff(b, got, times); diff != "" {
		t.Errorf("TokenByHash (-want +got):\n%s", diff)
	}
	if _, err := s.TokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
	list := must(s.ListTokens(ctx))(t)
	if diff := cmp.Diff([]store.Token{a, b}, list, times); diff != "" {
		t.Errorf("ListTokens (-want +got):\n%s", diff)
	}
	if err := s.DeleteToken(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenByHash(ctx, hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted token still found: %v", err)
	}
	if err := s.DeleteToken(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func sampleScan(image, host, key string, at time.Time, findings ...store.Finding) store.Scan {
	sc := store.Scan{Key: key, Image: image, ImageID: "sha256:" + image, Host: host, Source: store.SourceAgent,
		CreatedAt: at, OS: "debian 12", Matched: true, DBBuiltAt: at.Add(-time.Hour), Packages: 3, Findings: findings,
		Coverage: store.ScanCoverage{Assessed: "partial", NotChecked: 2, Summary: "not checked for 2 of 3 packages (no data for Debian 12)"}}
	for _, f := range findings {
		sc.Counts.Add(f.Severity)
	}
	return sc
}

func testScansIdempotent(t *testing.T, s store.Store) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	f := store.Finding{ID: "CVE-1", Package: "openssl", Version: "3.0.1", Type: "deb", Severity: "high", FixedVersion: "3.0.2", Status: "fixed"}
	report := []byte(`{"schema_version":"1.2.0","packages":[]}`)
	first, created := must2(s.PutScan(ctx, sampleScan("app:1", "h1", "job:1", at, f), report))(t)
	if !created || first.ID == 0 {
		t.Fatalf("first put: created=%v id=%d", created, first.ID)
	}
	again, created := must2(s.PutScan(ctx, sampleScan("app:1", "h1", "job:1", at.Add(time.Minute)), []byte("{}")))(t)
	if created || again.ID != first.ID || !again.CreatedAt.Equal(first.CreatedAt.Truncate(time.Microsecond)) && !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("second put with the same key: created=%v id=%d (want %d)", created, again.ID, first.ID)
	}
	got := must(s.Scan(ctx, first.ID))(t)
	want := sampleScan("app:1", "h1", "job:1", at, f)
	want.ID = first.ID
	if diff := cmp.Diff(want, got, times); diff != "" {
		t.Errorf("Scan (-want +got):\n%s", diff)
	}
	rep := must(s.ScanReport(ctx, first.ID))(t)
	if string(rep) != string(report) {
		t.Errorf("report %q, want %q", rep, report)
	}
	if _, err := s.Scan(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing scan: %v", err)
	}
	if _, err := s.ScanReport(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing report: %v", err)
	}
	// Concurrent submissions with one key store one scan.
	var wg sync.WaitGroup
	ids := make([]int64, 16)
	for i := range ids {
		wg.Go(func() {
			sc, _, err := s.PutScan(ctx, sampleScan("app:2", "h1", "race", at), report)
			if err != nil {
				t.Error(err)
			}
			ids[i] = sc.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("one key, several scans: %v", ids)
		}
	}
	if n := len(must(s.Scans(ctx, store.ScanFilter{Image: "app:2"}))(t)); n != 1 {
		t.Errorf("%d scans stored for one key", n)
	}
}

func testScanQueries(t *testing.T, s store.Store) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	put := func(image, host string, at time.Time) store.Scan {
		sc, _ := must2(s.PutScan(ctx, sampleScan(image, host, "", at), []byte("{}")))(t)
		return sc
	}
	a1 := put("a:1", "h1", base)
	a2 := put("a:1", "h2", base.Add(2*time.Hour))
	put("a:1", "h1", base.Add(time.Hour)) // older than a2, stored later
	b1 := put("b:1", "h1", base.Add(30*time.Minute))
	put("c:1", "", base.Add(-time.Hour))

	latest := must(s.LatestScans(ctx))(t)
	byImage := map[string]int64{}
	for _, sc := range latest {
		byImage[sc.Image] = sc.ID
		if sc.Findings != nil {
			t.Errorf("LatestScans loads findings")
		}
	}
	if byImage["a:1"] != a2.ID || byImage["b:1"] != b1.ID || len(byImage) != 3 {
		t.Errorf("latest %v, want a:1=%d b:1=%d and c:1", byImage, a2.ID, b1.ID)
	}
	ids := func(scs []store.Scan) []int64 {
		var out []int64
		for _, sc := range scs {
			out = append(out, sc.ID)
		}
		return out
	}
	hist := must(s.Scans(ctx, store.ScanFilter{Image: "a:1"}))(t)
	if len(hist) != 3 || hist[0].ID != a2.ID || hist[2].ID != a1.ID {
		t.Errorf("a:1 history %v: want newest (%d) first, oldest (%d) last", ids(hist), a2.ID, a1.ID)
	}
	if got := must(s.Scans(ctx, store.ScanFilter{Host: "h1"}))(t); len(got) != 3 {
		t.Errorf("h1 scans %v", ids(got))
	}
	if got := must(s.Scans(ctx, store.ScanFilter{Since: base.Add(time.Hour)}))(t); len(got) != 2 {
		t.Errorf("since: %v", ids(got))
	}
	if got := must(s.Scans(ctx, store.ScanFilter{Limit: 2}))(t); len(got) != 2 || got[0].ID != a2.ID {
		t.Errorf("limit: %v", ids(got))
	}
	hosts := must(s.Hosts(ctx))(t)
	want := []store.Host{{Name: "h1", LastSeen: base.Add(time.Hour)}, {Name: "h2", LastSeen: base.Add(2 * time.Hour)}}
	if diff := cmp.Diff(want, hosts, times); diff != "" {
		t.Errorf("Hosts (-want +got):\n%s", diff)
	}
	if _, err := s.Host(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing host: %v", err)
	}
}

func testBench(t *testing.T, s store.Store) {
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	r1, created := must2(s.PutBench(ctx, store.BenchRun{Key: "k1", Host: "h1", CreatedAt: at, Score: 3, Pass: 10, Warn: 7, Total: 30}, []byte(`{"a":1}`)))(t)
	if !created {
		t.Fatal("not created")
	}
	if again, created := must2(s.PutBench(ctx, store.BenchRun{Key: "k1", Host: "h1", Score: 99}, nil))(t); created || again.ID != r1.ID || again.Score != 3 {
		t.Errorf("same key: %+v created=%v", again, created)
	}
	r2, _ := must2(s.PutBench(ctx, store.BenchRun{Host: "h1", CreatedAt: at.Add(time.Hour), Score: 5}, []byte(`{"b":2}`)))(t)
	got, rep, err := s.BenchRun(ctx, r1.ID)
	if err != nil || string(rep) != `{"a":1}` {
		t.Fatalf("BenchRun: %v %q", err, rep)
	}
	if diff := cmp.Diff(r1, got, times); diff != "" {
		t.Errorf("BenchRun (-want +got):\n%s", diff)
	}
	runs := must(s.BenchRuns(ctx, "h1", 0))(t)
	if len(runs) != 2 || runs[0].ID != r2.ID {
		t.Errorf("runs %+v", runs)
	}
	h := must(s.Host(ctx, "h1"))(t)
	if h.Bench == nil || h.Bench.ID != r2.ID || !h.LastSeen.Equal(at.Add(time.Hour)) {
		t.Errorf("host %+v", h)
	}
	if _, _, err := s.BenchRun(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
}

func testQueueBasics(t *testing.T, s store.Store) {
	if _, err := s.Claim(ctx, "w1", time.Minute); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("empty queue: %v", err)
	}
	j1, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan", Payload: []byte(`{"ref":"a"}`)})
	j2, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan", Payload: []byte(`{"ref":"b"}`)})
	later, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan", RunAfter: time.Now().Add(time.Hour)})
	if j1.State != store.JobQueued || j1.MaxAttempts != store.DefaultMaxAttempts {
		t.Errorf("enqueued %+v", j1)
	}
	c1 := must(s.Claim(ctx, "w1", time.Minute))(t)
	c2 := must(s.Claim(ctx, "w2", time.Minute))(t)
	if c1.ID != j1.ID || c2.ID != j2.ID || c1.State != store.JobRunning || c1.Attempts != 1 || c1.ClaimedBy != "w1" || string(c1.Payload) != `{"ref":"a"}` {
		t.Fatalf("claims %+v %+v", c1, c2)
	}
	if _, err := s.Claim(ctx, "w3", time.Minute); !errors.Is(err, store.ErrNoJob) {
		t.Errorf("future job claimed: %v", err)
	}
	if err := s.Finish(ctx, c1.ID, "w2", store.Outcome{}); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("finish by another worker: %v", err)
	}
	if err := s.Extend(ctx, c1.ID, "w1", time.Hour); err != nil {
		t.Error(err)
	}
	if err := s.Finish(ctx, c1.ID, "w1", store.Outcome{Result: "scan 7"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, c1.ID, "w1", store.Outcome{}); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("finish twice: %v", err)
	}
	if err := s.Finish(ctx, c2.ID, "w2", store.Outcome{Err: "boom"}); err != nil {
		t.Fatal(err)
	}
	done := must(s.Job(ctx, c1.ID))(t)
	if done.State != store.JobDone || done.Result != "scan 7" || done.FinishedAt.IsZero() {
		t.Errorf("done job %+v", done)
	}
	if f := must(s.Job(ctx, c2.ID))(t); f.State != store.JobFailed || f.Error != "boom" {
		t.Errorf("failed job %+v", f)
	}
	counts := must(s.JobCounts(ctx))(t)
	if diff := cmp.Diff(map[string]int{"done": 1, "failed": 1, "queued": 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if got := must(s.Jobs(ctx, store.JobFilter{State: store.JobQueued}))(t); len(got) != 1 || got[0].ID != later.ID {
		t.Errorf("queued jobs %+v", got)
	}
	if got := must(s.Jobs(ctx, store.JobFilter{Kind: "scan", Limit: 2}))(t); len(got) != 2 || got[0].ID != later.ID {
		t.Errorf("newest two: %+v", got)
	}
	if _, err := s.Job(ctx, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing job: %v", err)
	}
}

func testQueueDedupe(t *testing.T, s store.Store) {
	a, created, err := s.Enqueue(ctx, store.Job{Kind: "rematch", Key: "rematch:x:1"})
	if err != nil || !created {
		t.Fatal(err, created)
	}
	b, created, err := s.Enqueue(ctx, store.Job{Kind: "rematch", Key: "rematch:x:1"})
	if err != nil || created || b.ID != a.ID {
		t.Errorf("same key enqueued twice: %+v created=%v err=%v", b, created, err)
	}
}

func testQueueLease(t *testing.T, s store.Store) {
	j, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan"})
	c := must(s.Claim(ctx, "dead", 300*time.Millisecond))(t)
	if c.ID != j.ID {
		t.Fatal("claimed another job")
	}
	if _, err := s.Claim(ctx, "w2", time.Minute); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("leased job claimed again before expiry: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	c2 := must(s.Claim(ctx, "w2", time.Minute))(t)
	if c2.ID != j.ID || c2.Attempts != 2 || c2.ClaimedBy != "w2" {
		t.Fatalf("re-claim after expiry: %+v", c2)
	}
	if err := s.Finish(ctx, j.ID, "dead", store.Outcome{}); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("expired holder finished: %v", err)
	}
	if err := s.Extend(ctx, j.ID, "dead", time.Minute); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("expired holder extended: %v", err)
	}
	if err := s.Finish(ctx, j.ID, "w2", store.Outcome{}); err != nil {
		t.Error(err)
	}
}

func testQueueRetry(t *testing.T, s store.Store) {
	j, _, _ := s.Enqueue(ctx, store.Job{Kind: "deliver", MaxAttempts: 2})
	c := must(s.Claim(ctx, "w", time.Minute))(t)
	if err := s.Finish(ctx, c.ID, "w", store.Outcome{Err: "503", RetryAt: time.Now().Add(200 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if q := must(s.Job(ctx, j.ID))(t); q.State != store.JobQueued || q.Error != "503" {
		t.Fatalf("after retryable failure: %+v", q)
	}
	if _, err := s.Claim(ctx, "w", time.Minute); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("claimed before RetryAt: %v", err)
	}
	time.Sleep(250 * time.Millisecond)
	c = must(s.Claim(ctx, "w", time.Minute))(t)
	if c.Attempts != 2 {
		t.Errorf("attempts %d", c.Attempts)
	}
	// The last attempt fails for good even when a retry is asked for.
	if err := s.Finish(ctx, c.ID, "w", store.Outcome{Err: "503", RetryAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if f := must(s.Job(ctx, j.ID))(t); f.State != store.JobFailed {
		t.Errorf("after max attempts: %+v", f)
	}
}

func testQueueConcurrent(t *testing.T, s store.Store) {
	const jobs, workers = 200, 8
	for i := range jobs {
		if _, _, err := s.Enqueue(ctx, store.Job{Kind: "scan", Key: fmt.Sprintf("k%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[int64]string{}
		wg   sync.WaitGroup
	)
	for w := range workers {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				j, err := s.Claim(ctx, name, time.Minute)
				if errors.Is(err, store.ErrNoJob) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if prev, dup := seen[j.ID]; dup {
					t.Errorf("job %d claimed by %s and %s", j.ID, prev, name)
				}
				seen[j.ID] = name
				mu.Unlock()
				if err := s.Finish(ctx, j.ID, name, store.Outcome{}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != jobs {
		t.Errorf("%d jobs claimed, want %d", len(seen), jobs)
	}
	if c := must(s.JobCounts(ctx))(t); c[store.JobDone] != jobs {
		t.Errorf("counts %v", c)
	}
}

func testQueuePrune(t *testing.T, s store.Store) {
	done, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan", Key: "old"})
	c := must(s.Claim(ctx, "w", time.Minute))(t)
	if err := s.Finish(ctx, c.ID, "w", store.Outcome{}); err != nil {
		t.Fatal(err)
	}
	running, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan"})
	must(s.Claim(ctx, "w", time.Minute))(t)
	queued, _, _ := s.Enqueue(ctx, store.Job{Kind: "scan"})
	d := must(s.LogDelivery(ctx, store.Delivery{WebhookID: 1, JobID: done.ID, Attempt: 1, At: time.Now().Add(-time.Hour)}))(t)
	keep := must(s.LogDelivery(ctx, store.Delivery{WebhookID: 1, JobID: done.ID, Attempt: 2}))(t)
	// Half an hour ago: the hour-old delivery goes, no job finished then.
	if n := must(s.PruneJobs(ctx, time.Now().Add(-30*time.Minute)))(t); n != 0 {
		t.Errorf("pruned %d jobs finished after the cut-off", n)
	}
	ds := must(s.Deliveries(ctx, 1, 0))(t)
	if len(ds) != 1 || ds[0].ID != keep.ID || ds[0].ID == d.ID {
		t.Errorf("deliveries after pruning %+v", ds)
	}
	if n := must(s.PruneJobs(ctx, time.Now().Add(time.Second)))(t); n != 1 {
		t.Errorf("pruned %d jobs, want the one done", n)
	}
	if _, err := s.Job(ctx, done.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pruned job still there: %v", err)
	}
	for _, id := range []int64{running.ID, queued.ID} {
		if _, err := s.Job(ctx, id); err != nil {
			t.Errorf("unfinished job %d pruned: %v", id, err)
		}
	}
	// The key is free again.
	if _, created, err := s.Enqueue(ctx, store.Job{Kind: "scan", Key: "old"}); err != nil || !created {
		t.Errorf("re-enqueue under a pruned key: created=%v %v", created, err)
	}
}

func testWebhooks(t *testing.T, s store.Store) {
	w := must(s.CreateWebhook(ctx, store.Webhook{URL: "http://127.0.0.1:9/hook", Secret: "s3cret"}))(t)
	got := must(s.Webhook(ctx, w.ID))(t)
	if got.Secret != "s3cret" || got.URL != w.URL {
		t.Errorf("webhook %+v", got)
	}
	list := must(s.ListWebhooks(ctx))(t)
	if len(list) != 1 || list[0].Secret != "s3cret" {
		t.Errorf("list %+v", list)
	}
	d1 := must(s.LogDelivery(ctx, store.Delivery{WebhookID: w.ID, JobID: 4, Event: "findings.changed", Attempt: 1, Error: "connection refused"}))(t)
	d2 := must(s.LogDelivery(ctx, store.Delivery{WebhookID: w.ID, JobID: 4, Event: "findings.changed", Attempt: 2, StatusCode: 200, DurationMS: 3}))(t)
	must(s.LogDelivery(ctx, store.Delivery{WebhookID: w.ID + 1, JobID: 5, Attempt: 1}))(t)
	ds := must(s.Deliveries(ctx, w.ID, 0))(t)
	if diff := cmp.Diff([]store.Delivery{d2, d1}, ds, times, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if err := s.DeleteWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted webhook: %v", err)
	}
	if err := s.DeleteWebhook(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func testRuntimeAlerts(t *testing.T, s store.Store) {
	if got := must(s.RuntimeAlerts(ctx, store.RuntimeFilter{}))(t); got == nil || len(got) != 0 {
		t.Fatalf("empty store lists %#v, want []", got)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	mk := func(host, key, rule, cid, image string, at time.Time) store.RuntimeAlert {
		return store.RuntimeAlert{Host: host, Key: key, At: at, Rule: rule, Priority: "warning", Response: "alert",
			ContainerID: cid, ContainerName: "n-" + cid, Image: image, ImageID: "sha256:" + image, Process: "sh",
			Output: "out " + key, Alert: []byte(`{"rule":"` + rule + `","n":1}`)}
	}
	first := []store.RuntimeAlert{
		mk("h1", "k1", "read-shadow", "c1", "web", at),
		mk("h1", "k2", "model", "c1", "web", at.Add(time.Second)),
		mk("h2", "k1", "read-shadow", "c2", "db", at.Add(2*time.Second)), // same key, other host
		mk("h1", "", "model", "c3", "web", time.Time{}),                  // no key, no time
	}
	stored := must(s.PutRuntimeAlerts(ctx, first))(t)
	if len(stored) != 4 {
		t.Fatalf("stored %d of 4", len(stored))
	}
	for i, a := range stored {
		if a.ID == 0 || a.Received.IsZero() || a.At.IsZero() || (i > 0 && a.ID <= stored[i-1].ID) {
			t.Errorf("stored alert %d: %+v", i, a)
		}
	}
	if !stored[3].At.Equal(stored[3].Received) {
		t.Errorf("an alert without a time gets its receipt time: %v / %v", stored[3].At, stored[3].Received)
	}
	// Sent again (a retried batch): the keyed ones are skipped, the
	// unkeyed one is stored again.
	again := must(s.PutRuntimeAlerts(ctx, append(first, mk("h1", "k3", "write-below-etc", "c1", "web", at.Add(3*time.Second)))))(t)
	if len(again) != 2 || again[0].Key != "" && again[0].Rule != "model" || again[1].Rule != "write-below-etc" {
		t.Fatalf("retried batch stored %+v", again)
	}
	all := must(s.RuntimeAlerts(ctx, store.RuntimeFilter{}))(t)
	if len(all) != 6 {
		t.Fatalf("%d alerts stored, want 6", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Errorf("not newest first: %d then %d", all[i-1].ID, all[i].ID)
		}
	}
	if got := all[len(all)-1]; got.Output != "out k1" || got.ContainerName != "n-c1" || got.ImageID != "sha256:web" ||
		got.Process != "sh" || !strings.Contains(string(got.Alert), `"n":1`) || !got.At.Equal(at) {
		t.Errorf("round trip: %+v %s", got, got.Alert)
	}
	count := func(f store.RuntimeFilter) int { return len(must(s.RuntimeAlerts(ctx, f))(t)) }
	for _, c := range []struct {
		f    store.RuntimeFilter
		want int
	}{
		{store.RuntimeFilter{Host: "h1"}, 5},
		{store.RuntimeFilter{Host: "h2"}, 1},
		{store.RuntimeFilter{Image: "web"}, 5},
		{store.RuntimeFilter{Image: "sha256:db"}, 1},
		{store.RuntimeFilter{Container: "c1"}, 3},
		{store.RuntimeFilter{Container: "n-c3"}, 2},
		{store.RuntimeFilter{Rule: "model"}, 3},
		{store.RuntimeFilter{Host: "h1", Rule: "read-shadow"}, 1},
		{store.RuntimeFilter{Since: at.Add(time.Second)}, 5},
		{store.RuntimeFilter{Limit: 2}, 2},
		{store.RuntimeFilter{Host: "nope"}, 0},
	} {
		if got := count(c.f); got != c.want {
			t.Errorf("filter %+v: %d alerts, want %d", c.f, got, c.want)
		}
	}
	// Pruning by receipt time.
	if n := must(s.PruneRuntimeAlerts(ctx, time.Now().Add(-time.Hour)))(t); n != 0 {
		t.Errorf("pruned %d fresh alerts", n)
	}
	if n := must(s.PruneRuntimeAlerts(ctx, time.Now().Add(time.Hour)))(t); n != 6 {
		t.Errorf("pruned %d, want 6", n)
	}
	if got := must(s.PutRuntimeAlerts(ctx, first[:1]))(t); len(got) != 1 {
		t.Errorf("a pruned key could not be used again: %+v", got)
	}
}

func testRuntimeModels(t *testing.T, s store.Store) {
	if got := must(s.RuntimeModels(ctx, ""))(t); got == nil || len(got) != 0 {
		t.Fatalf("empty store lists %#v, want []", got)
	}
	mk := func(host, image, state string, dev int64) store.RuntimeModel {
		return store.RuntimeModel{Host: host, Image: image, Names: []string{image + ":1"}, State: state, Deviations: dev,
			Model: []byte(`{"image":"` + image + `","state":"` + state + `"}`)}
	}
	must0 := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must0(s.PutRuntimeModels(ctx, []store.RuntimeModel{mk("h2", "sha256:b", "learning", 0), mk("h1", "sha256:b", "learning", 0), mk("h1", "sha256:a", "learning", 0)}))
	must0(s.PutRuntimeModels(ctx, []store.RuntimeModel{mk("h1", "sha256:b", "active", 3)}))
	all := must(s.RuntimeModels(ctx, ""))(t)
	var got []string
	for _, m := range all {
		got = append(got, m.Host+"/"+m.Image+"/"+m.State)
		if m.Updated.IsZero() || len(m.Names) != 1 {
			t.Errorf("model %+v", m)
		}
	}
	want := []string{"h1/sha256:a/learning", "h1/sha256:b/active", "h2/sha256:b/learning"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	h1 := must(s.RuntimeModels(ctx, "h1"))(t)
	if len(h1) != 2 || h1[1].Deviations != 3 || !strings.Contains(string(h1[1].Model), `"active"`) {
		t.Errorf("h1 models %+v", h1)
	}
	if got := must(s.RuntimeModels(ctx, "h"))(t); len(got) != 0 {
		t.Errorf("host h lists %d models (a prefix of h1 and h2)", len(got))
	}
	// Webhooks keep the runtime alert threshold.
	w := must(s.CreateWebhook(ctx, store.Webhook{URL: "http://127.0.0.1:9/rt", Secret: "s3cret-s3cret-s3", RuntimePriority: "critical"}))(t)
	if got := must(s.Webhook(ctx, w.ID))(t); got.RuntimePriority != "critical" {
		t.Errorf("webhook %+v", got)
	}
}
