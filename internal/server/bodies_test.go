package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// largeReport writes a json scan report of about size bytes: the demo
// report with its package list grown by numbered copies of a package.
func largeReport(t *testing.T, size int) string {
	t.Helper()
	demo := demoReport(t)
	i := bytes.Index(demo, []byte(`"packages": [`))
	if i < 0 {
		t.Fatal("demo report has no package list")
	}
	i += len(`"packages": [`)
	p := filepath.Join(t.TempDir(), "large.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.Write(demo[:i])
	written := len(demo)
	for n := 0; written < size; n++ {
		k, _ := fmt.Fprintf(w, `{"name":"pad-%d","version":"1.0.%d","type":"deb","purl":"pkg:deb/debian/pad-%d@1.0.%d?arch=amd64&distro=debian-11","arch":"amd64","locations":[{"path":"var/lib/dpkg/status","layer_digest":"sha256:32f153da2cc0d3b1139272eb2c9bec79206a57c7394fbf957e6b3906fe1cbe8a"}]},`, n, n, n, n)
		written += k
	}
	w.Write(demo[i:])
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// procKB reads a field of /proc/PID/status in kB (VmRSS, VmHWM).
func procKB(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// TestConcurrentLargeReports: eight 61 MB reports posted at once by one
// agent token take the server (the real binary) to at most its idle RSS
// plus 3 times the per-token body budget (128 MiB by default, so two such
// bodies in flight): the bodies, their compressed copies, and the garbage
// collector's headroom (its heap goal is twice the live heap). Each body in flight used to cost ~85 MB, so eight
// took the server from 362 MB to 1 GB. BULWARK_BODY_BUDGET_OFF=1 runs the
// same load with budgets too large to bind, for the comparison in
// docs/PERFORMANCE.md.
func TestConcurrentLargeReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and posts 490 MB")
	}
	report := largeReport(t, 61_000_000)
	st, _ := os.Stat(report)
	admin, _ := store.NewSecret()
	args := []string{"--db", filepath.Join(t.TempDir(), "s.db"), "--no-cache", "--workers", "0", "--log-requests=false"}
	if os.Getenv("BULWARK_BODY_BUDGET_OFF") == "1" {
		args = append(args, "--body-budget", "8000000000", "--token-body-budget", "8000000000")
	}
	r := startReplica(t, "bodies", []string{"BULWARK_ADMIN_TOKEN=" + admin}, args...)
	h := &httpFixture{url: r.url, token: admin}
	agent := h.mintAgent(t, "big-host")
	pid := r.cmd.Process.Pid
	idle := procKB(t, pid, "VmRSS")

	var wg sync.WaitGroup
	codes := make([]int, 8)
	start := time.Now()
	for i := range codes {
		wg.Go(func() {
			f, err := os.Open(report)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			req, _ := http.NewRequest("POST", r.url+"/api/v1/scans", f)
			req.ContentLength = st.Size()
			req.Header.Set("Authorization", "Bearer "+agent)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("large-%d", i))
			resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	took := time.Since(start)
	peak := procKB(t, pid, "VmHWM")
	bound := idle + 3*(128<<20)/1024
	t.Logf("8 × %.1f MB reports in %v: status %v; server RSS idle %d MB, peak %d MB (bound %d MB)",
		float64(st.Size())/1e6, took.Round(time.Millisecond), codes, idle/1024, peak/1024, bound/1024)
	for i, c := range codes {
		if c != 201 {
			t.Errorf("report %d: status %d", i, c)
		}
	}
	if os.Getenv("BULWARK_BODY_BUDGET_OFF") != "1" && peak > bound {
		t.Errorf("peak RSS %d MB over the bound %d MB", peak/1024, bound/1024)
	}
}
