package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// browser is headless Chromium with a fresh profile that records every
// request, failed or answered with an error status, and every console
// problem.
type browser struct {
	ctx      context.Context
	origin   string
	mu       sync.Mutex
	foreign  []string
	failed   []string
	problems []string
}

func newBrowser(t *testing.T, origin string) *browser {
	exe := testutil.NeedChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 1000))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelA)
	cctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(cancelC)
	b := &browser{ctx: cctx, origin: origin}
	if err := chromedp.Listen(cctx, b.event); err != nil {
		t.Skipf("chromium does not start here: %v", err)
	}
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(cctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(cctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(cctx, cdplog.Enable, cdp.Empty{}); return err },
	} {
		if err := enable(); err != nil {
			t.Skipf("chromium does not start here: %v", err)
		}
	}
	return b
}

func (b *browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if !strings.HasPrefix(e.Request.URL, b.origin+"/") && !strings.HasPrefix(e.Request.URL, "data:") {
			b.foreign = append(b.foreign, e.Request.URL)
		}
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			b.failed = append(b.failed, fmt.Sprintf("%d %s", e.Response.Status, e.Response.URL))
		}
	case *network.EventLoadingFailed:
		b.failed = append(b.failed, "failed: "+e.ErrorText)
	case *runtime.EventConsoleAPICalled:
		switch e.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			b.problems = append(b.problems, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
		}
	}
}

// check reports what was recorded since the last check.
func (b *browser) check(t *testing.T, page string) {
	t.Helper()
	time.Sleep(200 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.foreign {
		t.Errorf("%s: request outside the server: %s", page, u)
	}
	for _, f := range b.failed {
		t.Errorf("%s: %s", page, f)
	}
	for _, p := range b.problems {
		t.Errorf("%s: %s", page, p)
	}
	b.foreign, b.failed, b.problems = nil, nil, nil
}

// seedFleet submits scans over several days and bench runs for two hosts.
func seedFleet(t *testing.T, f *fixture) (scanIDs []int64) {
	t.Helper()
	var base map[string]any
	if err := json.Unmarshal(demoReport(t), &base); err != nil {
		t.Fatal(err)
	}
	vulns := base["vulnerabilities"].([]any)
	sev := []string{"critical", "high", "medium", "low", "unknown", "high", "medium"}
	for i, v := range vulns {
		v.(map[string]any)["severity"] = sev[i%len(sev)]
	}
	now := time.Now().UTC()
	submit := func(image, host string, daysAgo, nVulns int, extra ...map[string]any) int64 {
		rep := map[string]any{}
		for k, v := range base {
			rep[k] = v
		}
		for _, e := range extra {
			for k, v := range e {
				rep[k] = v
			}
		}
		target := map[string]any{}
		for k, v := range base["target"].(map[string]any) {
			target[k] = v
		}
		target["repo_tags"] = []string{image}
		rep["target"] = target
		rep["created_at"] = now.AddDate(0, 0, -daysAgo).Format(time.RFC3339Nano)
		rep["vulnerabilities"] = vulns[:nVulns]
		body, _ := json.Marshal(rep)
		code, b := f.do("POST", "/api/v1/scans?host="+host, f.admin, body)
		if code != 201 {
			t.Fatalf("seed scan: %d %s", code, b)
		}
		var sc struct{ ID int64 }
		_ = json.Unmarshal(b, &sc)
		return sc.ID
	}
	for d, n := range []int{2, 4, 7} { // app gathers findings: 20, 12 and 4 days ago
		scanIDs = append(scanIDs, submit("registry.example/shop/app:2.1", "h1", 20-d*8, n))
	}
	submit("registry.example/shop/db:15", "h1", 10, 5)
	submit("registry.example/base/debian:11", "h2", 3, 7)
	submit("registry.example/tools/clean:1", "h2", 1, 0)
	// A Debian 12 image matched against a database without Debian 12 data.
	submit("registry.example/base/debian:12", "h2", 1, 0, map[string]any{"schema_version": "2.0.0", "coverage": map[string]any{
		"assessed": "none", "os_detected": true, "package_databases": []string{"var/lib/dpkg/status (dpkg)"}, "catalogers": []string{"dpkg"},
		"files": 900, "matching": "matched", "package_status": map[string]int{"checked": 0, "not_checked": 88, "unsupported": 0},
		"gaps":               []any{map[string]any{"status": "not_checked", "reason": "no data for Debian 12", "ecosystem": "Debian:12", "count": 88}},
		"vulnerability_data": "matched; not checked for 88 of 88 packages (no data for Debian 12)"}})
	var bench map[string]any
	if err := json.Unmarshal(benchReport(t), &bench); err != nil {
		t.Fatal(err)
	}
	results := bench["results"].([]any)
	for i, host := range []string{"h1", "h1", "h1", "h2"} {
		bench["finished_at"] = now.AddDate(0, 0, -(4 - i)).Format(time.RFC3339Nano)
		// Later runs on h1 pass more checks.
		for j, r := range results {
			st := "warn"
			if j < i+1 {
				st = "pass"
			}
			r.(map[string]any)["status"] = st
		}
		body, _ := json.Marshal(bench)
		if code, b := f.do("POST", "/api/v1/bench?host="+host, f.admin, body); code != 201 {
			t.Fatalf("seed bench: %d %s", code, b)
		}
	}
	return scanIDs
}

// TestDashboardChromium is acceptance 4 of the serve issue: every dashboard
// page renders in headless Chromium from the binary's own assets, with no
// console error, no failed or outside request, and a screenshot that is
// not blank. BULWARK_SCREENSHOTS=DIR keeps the screenshots.
func TestDashboardChromium(t *testing.T) {
	t.Parallel() // its own server, store and browser profile
	f := newFixture(t, server.Config{NoWorkers: true})
	ids := seedFleet(t, f)
	b := newBrowser(t, f.url)
	run := func(page string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.ctx, actions...); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		checkNotBlank(t, name, png)
		if dir := os.Getenv("BULWARK_SCREENSHOTS"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "dashboard-"+name+".png"), png, 0o644)
		}
	}

	// Sign in through the form.
	run("login", chromedp.Navigate(f.url+"/"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), f.viewer), chromedp.Click(chromedp.CSS("#loginform button")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/"] #images table`)))
	b.check(t, "overview")
	if got := text("#stat-hosts") + "/" + text("#stat-images") + "/" + text("#stat-notchecked"); got != "2/5/1" {
		t.Errorf("overview shows %s hosts/images/not fully checked, want 2/5/1", got)
	}
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#images .cov[data-assessed="none"]').length`)); err != nil || n != 1 {
		t.Errorf("%d images marked not checked (%v), want 1", n, err)
	}
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#trend svg path").length`)); err != nil || n < 3 {
		t.Errorf("trend chart has %d areas (%v)", n, err)
	}
	if s := text("#hosts"); !strings.Contains(s, "h1") || !strings.Contains(s, "h2") {
		t.Errorf("hosts card: %q", s)
	}
	shot("overview")

	pages := []struct {
		name, hash, ready, want string
	}{
		{"image", "#/image/registry.example/shop/app:2.1", "#findings table", "DSA-5343-1"},
		{"host", "#/host/h1", "#bench svg", "registry.example/shop/db:15"},
		{"diff", fmt.Sprintf("#/diff/%d/%d", ids[2], ids[0]), "#fixed table", "5 fixed"},
		{"findings", "#/findings", "main table", "registry.example/base/debian:11"},
		{"not-checked", "#/image/registry.example/base/debian:12", "#coverage", "Vulnerabilities not checked for 88 of 88 packages (no data for Debian 12)"},
	}
	for _, p := range pages {
		run(p.name, chromedp.Navigate(f.url+"/"+p.hash), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`body[data-ready=%q] %s`, p.hash, p.ready))))
		b.check(t, p.name)
		if s := text("main"); !strings.Contains(s, p.want) {
			t.Errorf("%s page lacks %q", p.name, p.want)
		}
		shot(p.name)
	}

	// From the image page, pick two scans and compare them.
	run("compare", chromedp.Navigate(f.url+"/#/image/registry.example/shop/app:2.1"),
		chromedp.WaitVisible(chromedp.CSS(`#scans table`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=from][value="%d"]`, ids[0]))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=to][value="%d"]`, ids[2]))),
		chromedp.Click(chromedp.CSS(`#diffform button`)),
		chromedp.WaitVisible(chromedp.CSS(`#new table`)))
	if s := text("#new h2"); s != "5 new" {
		t.Errorf("diff from the oldest to the newest scan: %q, want 5 new", s)
	}
	b.check(t, "compare")

	// A revoked token sends the user back to the sign-in form.
	toks, _ := f.st.ListTokens(context.Background())
	for _, tok := range toks {
		if tok.Role == "viewer" {
			f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.ID), f.admin, nil)
		}
	}
	run("revoked", chromedp.Navigate(f.url+"/#/"), chromedp.WaitVisible(chromedp.CSS("#loginform")))
	if s := text("#loginerr"); !strings.Contains(s, "refused") {
		t.Errorf("after revocation: %q", s)
	}
	b.mu.Lock()
	// The refused API calls are the expected 401s, which Chromium also logs.
	b.failed = slices.DeleteFunc(b.failed, func(s string) bool { return strings.HasPrefix(s, "401 ") })
	b.problems = slices.DeleteFunc(b.problems, func(s string) bool { return strings.Contains(s, "status of 401 (Unauthorized)") })
	b.mu.Unlock()
	b.check(t, "revoked")
}

// checkNotBlank wants many colours and no colour covering most pixels.
func checkNotBlank(t *testing.T, name string, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("%s screenshot: %v", name, err)
	}
	bd := img.Bounds()
	colours := map[uint32]int{}
	total := 0
	for y := bd.Min.Y; y < bd.Max.Y; y += 2 {
		for x := bd.Min.X; x < bd.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>8)<<16|(g>>8)<<8|bl>>8]++
			total++
		}
	}
	top := 0
	for _, n := range colours {
		top = max(top, n)
	}
	if len(colours) < 30 || float64(top)/float64(total) > 0.93 {
		t.Errorf("%s screenshot %dx%d looks blank: %d colours, the commonest covers %.0f%%", name, bd.Dx(), bd.Dy(), len(colours), 100*float64(top)/float64(total))
	}
}
