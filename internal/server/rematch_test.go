package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// receiver is a webhook endpoint that checks signatures and can fail the
// first few deliveries.
type receiver struct {
	secret string
	fail   int // answer 503 to this many requests first
	mu     sync.Mutex
	tries  int
	got    []notify.Event
	bad    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.tries++
	if !notify.Verify(rc.secret, body, r.Header.Get(notify.SignatureHeader)) {
		rc.bad = append(rc.bad, "bad signature: "+r.Header.Get(notify.SignatureHeader))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.tries <= rc.fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var ev notify.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.bad = append(rc.bad, "bad body: "+err.Error())
	}
	rc.got = append(rc.got, ev)
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) events() []notify.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// writeDSAList writes the demo's DSA list, leaving out the advisories
// named in drop, laid out as the feed is (debian/DSA/list).
func writeDSAList(t *testing.T, drop ...string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "testdata/demo/advisories/debian/DSA/list"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	skip := false
	for _, line := range strings.SplitAfter(string(src), "\n") {
		if strings.HasPrefix(line, "[") {
			skip = false
			for _, d := range drop {
				if strings.Contains(line, " "+d+" ") {
					skip = true
				}
			}
		}
		if !skip {
			out = append(out, line)
		}
	}
	p := filepath.Join(t.TempDir(), "debian", "DSA", "list")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Join(out, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRematchNotifies is acceptance 2 of the serve issue: an image scanned
// by a server worker from a registry is stored with its inventory; after a
// newer advisory set is imported, the stored image gains the new finding
// and each webhook receives one signed notification — the flaky one after
// retries, every attempt in the delivery log.
func TestRematchNotifies(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{writeDSAList(t, "DSA-5349-1")}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	reg := testutil.Registry(t)
	f := newFixture(t, server.Config{AdvisoryDB: dbPath, DBPoll: 100 * time.Millisecond, Workers: 2, RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		ScanRegistries: []string{reg}})

	good := &receiver{secret: "good-secret-0123456789"}
	flaky := &receiver{secret: "flaky-secret-0123456789", fail: 2}
	for _, rc := range []*receiver{good, flaky} {
		hs := httptest.NewServer(rc)
		defer hs.Close()
		body, _ := json.Marshal(map[string]string{"url": hs.URL + "/hook", "secret": rc.secret})
		if code, b := f.do("POST", "/api/v1/webhooks", f.admin, body); code != 201 {
			t.Fatalf("webhook: %d %s", code, b)
		}
	}

	img, err := tarball.ImageFromPath(filepath.Join(testutil.RepoRoot(t), "testdata/demo/demo-image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := reg + "/demo/app:1.0"
	testutil.Push(t, img, ref)

	// A server-side registry scan, requested by an agent.
	code, b := f.do("POST", "/api/v1/scan-requests", f.agent1, []byte(`{"ref":"`+ref+`"}`))
	var job store.Job
	if code != 202 || json.Unmarshal(b, &job) != nil {
		t.Fatalf("scan request: %d %s", code, b)
	}
	waitFor(t, 60*time.Second, "the scan job", func() bool {
		f.getJSON(fmt.Sprintf("/api/v1/jobs/%d", job.ID), f.admin, &job)
		return job.State == store.JobDone || job.State == store.JobFailed
	})
	if job.State != store.JobDone {
		t.Fatalf("scan job %+v", job)
	}
	var image struct {
		Latest store.Scan   `json:"latest"`
		Scans  []store.Scan `json:"scans"`
	}
	f.getJSON("/api/v1/images/"+ref, f.viewer, &image)
	findingIDs := func(sc store.Scan) []string {
		var ids []string
		for _, x := range sc.Findings {
			ids = append(ids, x.ID)
		}
		slices.Sort(ids)
		return ids
	}
	before := []string{"DSA-5055-1", "DSA-5122-1", "DSA-5147-1", "DSA-5203-1", "DSA-5218-1", "DSA-5343-1"}
	if diff := cmp.Diff(before, findingIDs(image.Latest)); diff != "" || image.Latest.Source != store.SourceServer || image.Latest.Host != "h1" {
		t.Fatalf("first scan %+v; findings (-want +got):\n%s", image.Latest, diff)
	}
	first := image.Latest.ID

	// A newer advisory set: the full list, with DSA-5349-1 (gnutls28).
	if _, err := importer.Import(ctx, dbPath, []string{writeDSAList(t)}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "both notifications", func() bool {
		return len(good.events()) >= 1 && len(flaky.events()) >= 1
	})
	// Let any duplicate arrive before counting.
	time.Sleep(500 * time.Millisecond)
	f.getJSON("/api/v1/images/"+ref, f.viewer, &image)
	if diff := cmp.Diff(append(slices.Clone(before), "DSA-5349-1"), findingIDs(image.Latest)); diff != "" || image.Latest.Source != store.SourceRematch {
		t.Errorf("after re-match %+v; findings (-want +got):\n%s", image.Latest, diff)
	}
	wantNew := []store.Finding{{ID: "DSA-5349-1", Package: "libgnutls30", Version: "3.7.1-5+deb11u1", Type: "deb", Severity: "unknown", FixedVersion: "3.7.1-5+deb11u3", Status: "fixed", CVEs: []string{"CVE-2023-0361"}}}
	for name, rc := range map[string]*receiver{"good": good, "flaky": flaky} {
		evs := rc.events()
		if len(evs) != 1 || len(rc.bad) != 0 {
			t.Errorf("%s receiver: %d notifications, problems %v", name, len(evs), rc.bad)
			continue
		}
		ev := evs[0]
		if ev.Event != notify.EventFindingsChanged || ev.Image != ref || ev.PreviousScanID != first || ev.ScanID != image.Latest.ID || len(ev.Fixed) != 0 {
			t.Errorf("%s receiver: event %+v", name, ev)
		}
		if diff := cmp.Diff(wantNew, ev.New, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s receiver: new findings (-want +got):\n%s", name, diff)
		}
	}
	if flaky.tries != 3 {
		t.Errorf("flaky receiver saw %d attempts, want 3", flaky.tries)
	}
	var hooks []store.Webhook
	f.getJSON("/api/v1/webhooks", f.admin, &hooks)
	var log []store.Delivery
	f.getJSON(fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hooks[1].ID), f.admin, &log)
	var codes []int
	for _, d := range log {
		codes = append(codes, d.StatusCode)
	}
	if diff := cmp.Diff([]int{204, 503, 503}, codes); diff != "" {
		t.Errorf("flaky delivery log, newest first (-want +got):\n%s", diff)
	}

	// Asking again changes nothing: the image is current.
	code, b = f.do("POST", "/api/v1/rematch", f.admin, nil)
	if code != 202 || !strings.Contains(string(b), `"queued":0`) {
		t.Errorf("second re-match: %d %s", code, b)
	}
}

// An inventory submitted without vulnerability data is matched by the
// server, and that first match notifies nobody.
func TestInventoryMatchedByServer(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{writeDSAList(t)}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, server.Config{AdvisoryDB: dbPath, Workers: 1})
	rc := &receiver{secret: "0123456789abcdef0"}
	hs := httptest.NewServer(rc)
	defer hs.Close()
	f.do("POST", "/api/v1/webhooks", f.admin, []byte(`{"url":"`+hs.URL+`","secret":"`+rc.secret+`"}`))

	var rep map[string]any
	if err := json.Unmarshal(demoReport(t), &rep); err != nil {
		t.Fatal(err)
	}
	rep["vulnerabilities"] = []any{}
	delete(rep, "database")
	rep["coverage"].(map[string]any)["vulnerability_data"] = "skipped: matched by the server"
	body, _ := json.Marshal(rep)
	if code, b := f.do("POST", "/api/v1/scans", f.agent1, body); code != 201 {
		t.Fatalf("submit: %d %s", code, b)
	}
	var image struct {
		Latest store.Scan `json:"latest"`
	}
	waitFor(t, 30*time.Second, "the server's match", func() bool {
		f.getJSON("/api/v1/images/bulwark-demo/app:1.0", f.viewer, &image)
		return image.Latest.Matched
	})
	if image.Latest.Counts.Unknown != 7 || image.Latest.Host != "h1" || image.Latest.Source != store.SourceRematch {
		t.Errorf("matched scan %+v", image.Latest)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(rc.events()); n != 0 {
		t.Errorf("first match sent %d notifications", n)
	}
}

// TestRematchNoLongerChecked: when the rebuilt database no longer covers
// an image's release, the re-match reports its findings as no longer
// checked, not fixed, in the webhook event, the stored coverage and the
// scan diff.
func TestRematchNoLongerChecked(t *testing.T) {
	ctx := context.Background()
	osv := func(id string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, id+".json"), []byte(`{"id":"`+id+`","modified":"2024-01-01T00:00:00Z",
			"affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{osv("PYSEC-1")}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, server.Config{AdvisoryDB: dbPath, DBPoll: 100 * time.Millisecond, Workers: 1})
	rc := &receiver{secret: "0123456789abcdef0"}
	hs := httptest.NewServer(rc)
	defer hs.Close()
	f.do("POST", "/api/v1/webhooks", f.admin, []byte(`{"url":"`+hs.URL+`","secret":"`+rc.secret+`"}`))
	// The demo image's report, matched against Debian 11 data elsewhere.
	code, b := f.do("POST", "/api/v1/scans", f.agent1, demoReport(t))
	var first store.Scan
	if code != 201 || json.Unmarshal(b, &first) != nil || first.Coverage.Assessed != "full" {
		t.Fatalf("submit: %d %s", code, b)
	}
	// A database without Debian data.
	if _, err := importer.Import(ctx, dbPath, []string{osv("PYSEC-2")}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the notification", func() bool { return len(rc.events()) >= 1 })
	ev := rc.events()[0]
	if len(ev.Fixed) != 0 || len(ev.NoLongerChecked) != 7 || ev.Coverage.Assessed != "none" ||
		ev.Coverage.Summary != "not checked for 10 of 10 packages (no data for Debian 11)" {
		t.Errorf("event: %d fixed, %d no longer checked, coverage %+v", len(ev.Fixed), len(ev.NoLongerChecked), ev.Coverage)
	}
	var image struct {
		Latest store.Scan `json:"latest"`
	}
	f.getJSON("/api/v1/images/bulwark-demo/app:1.0", f.viewer, &image)
	if image.Latest.ID == first.ID || image.Latest.Coverage.Assessed != "none" || image.Latest.Coverage.NotChecked != 10 {
		t.Errorf("re-matched scan %+v", image.Latest)
	}
	var d struct {
		Fixed           []store.Finding `json:"fixed"`
		NoLongerChecked []store.Finding `json:"no_longer_checked"`
	}
	f.getJSON(fmt.Sprintf("/api/v1/diff?from=%d&to=%d", first.ID, image.Latest.ID), f.viewer, &d)
	if len(d.Fixed) != 0 || len(d.NoLongerChecked) != 7 {
		t.Errorf("diff: %d fixed, %d no longer checked", len(d.Fixed), len(d.NoLongerChecked))
	}
}
