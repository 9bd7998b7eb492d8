package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bulwark-sec/bulwark/internal/server"
)

// TestDashboardEdgesChromium is acceptance 2 of the first-hour fixes: in
// headless Chromium, with no console error and no failed request, the
// dashboard draws an empty fleet, an image whose newest scan found nothing,
// an image with only misconfigurations and a secret, an image with one
// scan (its chart a point per severity, not a vertical line), and a host
// with one bench run.
func TestDashboardEdgesChromium(t *testing.T) {
	t.Parallel() // its own server, store and browser profile
	f := newFixture(t, server.Config{NoWorkers: true})
	b := newBrowser(t, f.url)
	do := func(page string, actions ...chromedp.Action[chromedp.Void]) {
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
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	open := func(hash, ready string) {
		t.Helper()
		do(hash, chromedp.Navigate(f.url+"/"+hash), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`body[data-ready=%q] %s`, hash, ready))))
		b.check(t, hash)
	}

	// An empty fleet.
	do("login", chromedp.Navigate(f.url+"/"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), f.viewer), chromedp.Click(chromedp.CSS("#loginform button")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/"] #images`)))
	b.check(t, "empty overview")
	if s := text("#images"); !strings.Contains(s, "No image has been scanned yet.") {
		t.Errorf("empty overview, images card: %q", s)
	}
	if s := text("#hosts"); !strings.Contains(s, "No host has reported yet.") {
		t.Errorf("empty overview, hosts card: %q", s)
	}
	open("#/findings", "main")
	if s := text("main"); !strings.Contains(s, "No findings.") {
		t.Errorf("empty findings page: %q", s)
	}

	seedEdges(t, f)
	var demo map[string]any
	json.Unmarshal(demoReport(t), &demo)
	if code, body := f.do("POST", "/api/v1/scans?host=h2", f.admin, variantReport(t, "registry.example/once:1", demo["vulnerabilities"].([]any), []any{})); code != 201 {
		t.Fatalf("scan: %d %s", code, body)
	}

	open("#/", "#images table")
	if got := text("#stat-hosts") + "/" + text("#stat-images"); got != "3/3" {
		t.Errorf("overview shows %s hosts/images, want 3/3", got)
	}

	open("#/image/registry.example/clean:1", "#scans table")
	for sel, want := range map[string]string{"#findings": "No known vulnerability.", "#misconfigurations": "No misconfiguration.", "#secrets": "No secret found."} {
		if s := text(sel); !strings.Contains(s, want) {
			t.Errorf("clean image, %s: %q, want %q", sel, s, want)
		}
	}
	if n := count("#findings tbody tr, #misconfigurations tbody tr, #secrets tbody tr"); n != 0 {
		t.Errorf("clean image has %d finding rows", n)
	}
	if n := count("#trend svg path"); n != 0 {
		t.Errorf("clean image chart draws %d areas for nothing", n)
	}

	open("#/image/registry.example/misconf:1", "#misconfigurations table")
	if n := count("#misconfigurations tbody tr"); n != 2 {
		t.Errorf("misconfigurations: %d rows, want 2", n)
	}
	if n := count("#secrets tbody tr"); n != 1 || !strings.Contains(text("#secrets"), "srv/app/.env:3") {
		t.Errorf("secrets: %d rows, want 1 at srv/app/.env:3: %q", n, text("#secrets"))
	}
	if s := text("#findings"); !strings.Contains(s, "No known vulnerability.") {
		t.Errorf("misconfigured image, vulnerabilities: %q", s)
	}
	if got := text("#stat-misconfigurations") + "/" + text("#stat-secrets"); got != "2/1" {
		t.Errorf("misconfigured image stats: %s misconfigurations/secrets, want 2/1", got)
	}
	if s := text("#misconfigurations"); !strings.Contains(s, "BW-IMG-001") || !strings.Contains(s, "config User") {
		t.Errorf("misconfigurations card: %q", s)
	}

	open("#/image/registry.example/once:1", "#findings table")
	if n := count("#trend svg path"); n != 0 {
		t.Errorf("one scan drawn with %d paths; want points only", n)
	}
	if n := count("#trend svg circle"); n == 0 {
		t.Error("one scan: no point drawn")
	}
	if n := count("#findings tbody tr"); n != len(demo["vulnerabilities"].([]any)) {
		t.Errorf("once image: %d rows, want %d", n, len(demo["vulnerabilities"].([]any)))
	}

	open("#/host/solo", "#bench svg")
	if n := count("#bench tbody tr"); n != 1 {
		t.Errorf("host with one bench run: %d rows", n)
	}
	if n := count("#bench svg circle"); n != 1 {
		t.Errorf("host with one bench run: %d points", n)
	}
	if s := text("#images"); !strings.Contains(s, "No image scanned on this host.") {
		t.Errorf("host without images: %q", s)
	}
}
