package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// scanJob requests a server-side scan of ref and waits for its job to end.
func (f *fixture) scanJob(ref string) (int, store.Job) {
	f.t.Helper()
	code, b := f.do("POST", "/api/v1/scan-requests", f.agent1, []byte(`{"ref":"`+ref+`"}`))
	var job store.Job
	if code != 202 {
		return code, job
	}
	if err := json.Unmarshal(b, &job); err != nil {
		f.t.Fatal(err)
	}
	waitFor(f.t, 60*time.Second, "the scan job", func() bool {
		f.getJSON(fmt.Sprintf("/api/v1/jobs/%d", job.ID), f.viewer, &job)
		return job.State == store.JobDone || job.State == store.JobFailed || job.Error != ""
	})
	return code, job
}

// TestScanEgress: server-side scans cannot be aimed at the server's own
// loopback or private network. A loopback registry is refused by default
// (by address when the request is made, by a name resolving to loopback
// when the connection is made) and scanned when listed; a listed
// registry's auth realm pointing at a name that resolves to loopback is
// not fetched; and what an upstream answers never reaches the job error
// that viewer tokens read.
func TestScanEgress(t *testing.T) {
	reg := testutil.Registry(t)
	img, err := tarball.ImageFromPath(filepath.Join(testutil.RepoRoot(t), "testdata/demo/demo-image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Push(t, img, reg+"/demo/app:1.0")
	port := reg[strings.LastIndex(reg, ":")+1:]

	// An internal service whose answers must stay inside.
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		internalHits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "INTERNAL-SECRET-7f3a")
	}))
	defer internal.Close()
	internalPort := internal.URL[strings.LastIndex(internal.URL, ":")+1:]
	// A registry (listed) whose challenge sends the token request there.
	challenger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="http://localhost:%s/token",service="r"`, internalPort))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer challenger.Close()
	// A registry (listed) that answers with an error body.
	chatty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "UPSTREAM-SECRET-91c2")
	}))
	defer chatty.Close()
	host := func(u string) string { return strings.TrimPrefix(u, "http://") }

	f := newFixture(t, server.Config{Workers: 1, RetryBase: time.Hour,
		ScanRegistries: []string{host(challenger.URL), host(chatty.URL)}})
	t.Run("loopback address refused at request", func(t *testing.T) {
		if code, _ := f.scanJob(reg + "/demo/app:1.0"); code != 400 {
			t.Errorf("scan request of %s: %d", reg, code)
		}
	})
	t.Run("name resolving to loopback refused at connect", func(t *testing.T) {
		_, job := f.scanJob("localhost:" + port + "/demo/app:1.0")
		if job.State != store.JobFailed || !strings.Contains(job.Error, "loopback, private") {
			t.Errorf("job %+v", job)
		}
	})
	t.Run("realm resolving to loopback not fetched", func(t *testing.T) {
		_, job := f.scanJob(host(challenger.URL) + "/demo/app:1.0")
		if job.State == store.JobDone || !strings.Contains(job.Error, "loopback, private") {
			t.Errorf("job %+v", job)
		}
		if n := internalHits.Load(); n != 0 {
			t.Errorf("the internal service was asked %d times", n)
		}
	})
	t.Run("upstream body not echoed", func(t *testing.T) {
		_, job := f.scanJob(host(chatty.URL) + "/demo/app:1.0")
		if job.State == store.JobDone || strings.Contains(job.Error, "UPSTREAM-SECRET") || !strings.Contains(job.Error, "HTTP 502") {
			t.Errorf("job %+v", job)
		}
	})
	t.Run("listed loopback registry scanned", func(t *testing.T) {
		g := newFixture(t, server.Config{Workers: 1, ScanRegistries: []string{reg}})
		_, job := g.scanJob(reg + "/demo/app:1.0")
		if job.State != store.JobDone {
			t.Errorf("job %+v", job)
		}
	})
}
