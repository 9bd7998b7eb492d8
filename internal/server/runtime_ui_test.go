package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bulwark-sec/bulwark/internal/server"
)

// TestRuntimeDashboardChromium draws the runtime page in headless Chromium,
// empty and with alerts and models: no console error, no failed or outside
// request, every list drawn, a screenshot that is not blank.
func TestRuntimeDashboardChromium(t *testing.T) {
	t.Parallel() // its own server, store and browser profile
	f := newFixture(t, server.Config{NoWorkers: true})
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
	run("login", chromedp.Navigate(f.url+"/"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), f.viewer), chromedp.Click(chromedp.CSS("#loginform button")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/"] #images`)))
	b.check(t, "overview")

	// Empty: every card says so.
	run("runtime empty", chromedp.Navigate(f.url+"/#/runtime"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/runtime"] #runtime-models`)))
	b.check(t, "runtime empty")
	if got := text("#stat-alerts") + "/" + text("#stat-models"); got != "0/0" {
		t.Errorf("empty page counts %s", got)
	}
	if s := text("#runtime-models"); !strings.Contains(s, "No behaviour model") {
		t.Errorf("empty models card: %q", s)
	}

	// With data from two hosts.
	as := runtimeAlerts(t)
	for _, tok := range []string{f.agent1, f.agent2} {
		if code, body := f.do("POST", "/api/v1/runtime/alerts", tok, alertsBody(t, as)); code != 201 {
			t.Fatalf("alerts: %d %s", code, body)
		}
	}
	models := `{"models":[{"image":"sha256:aaaa","names":["shop/web:1.4"],"state":"active","deviations":3,"processes":[{"exe":"/app/server","parent":"containerd-shim"}],"writes":["/var/lib/app"],"listens":[{"proto":"tcp","port":8080}],"outbound":[]},` +
		`{"image":"sha256:bbbb","names":["postgres:16"],"state":"learning","processes":[],"writes":[],"listens":[],"outbound":[]}]}`
	if code, body := f.do("PUT", "/api/v1/runtime/models", f.agent1, []byte(models)); code != 200 {
		t.Fatalf("models: %d %s", code, body)
	}
	run("runtime", chromedp.Navigate(f.url+"/#/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/"] #images`)),
		chromedp.Navigate(f.url+"/#/runtime"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/runtime"] #runtime-alerts table`)))
	b.check(t, "runtime")
	if got, want := text("#stat-alerts"), fmt.Sprint(2*len(as)); got != want {
		t.Errorf("alerts stat %s, want %s", got, want)
	}
	if s := text("#runtime-hosts"); !strings.Contains(s, "h1") || !strings.Contains(s, "h2") || !strings.Contains(s, "critical") {
		t.Errorf("hosts card: %q", s)
	}
	if s := text("#runtime-containers"); !strings.Contains(s, "web-2") || !strings.Contains(s, "postgres:16") || strings.Count(s, "web-2") != 2 {
		t.Errorf("containers card: %q", s)
	}
	if s := text("#runtime-alerts"); !strings.Contains(s, "read-shadow") || !strings.Contains(s, "Behaviour outside the learned model") {
		t.Errorf("alerts card: %q", s)
	}
	if s := text("#runtime-models"); !strings.Contains(s, "active") || !strings.Contains(s, "learning") || !strings.Contains(s, "shop/web:1.4") {
		t.Errorf("models card: %q", s)
	}
	shot("runtime")

	// Narrowed to one container, through its link.
	run("runtime container", chromedp.Click(chromedp.CSS(`#runtime-containers a[href*="c0ffee000002"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready^="#/runtime/container/"] #runtime-alerts table`)))
	b.check(t, "runtime container")
	if s := text("#runtime-alerts"); strings.Contains(s, "xmrig") || !strings.Contains(s, "web-2") {
		t.Errorf("container page alerts: %q", s)
	}
	run("runtime host", chromedp.Navigate(f.url+"/#/runtime/host/h2"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="#/runtime/host/h2"] #runtime-models`)))
	b.check(t, "runtime host")
	if got := text("#stat-models"); got != "0" {
		t.Errorf("h2 has %s models, want 0", got)
	}
}
