package html_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
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

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/html"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func render(t testing.TB, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := html.Write(&buf, findings.FromScan(r)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	out := render(t, reporttest.Sample())
	testutil.Golden(t, "testdata/sample.html.golden", out)
	if !bytes.Equal(out, render(t, reporttest.Sample())) {
		t.Error("two renderings differ")
	}
	out = render(t, reporttest.Partial())
	testutil.Golden(t, "testdata/partial.html.golden", out)
	if !bytes.Contains(out, []byte(`<div class="banner banner-warning" role="alert" data-notice="coverage/not-checked">Vulnerabilities not checked for 2 of 7 packages (no data for Debian 12)</div>`)) {
		t.Error("partial coverage: no banner")
	}
}

// TestSelfContained: no URL, no external resource, and the finding text
// is escaped.
func TestSelfContained(t *testing.T) {
	out := string(render(t, reporttest.Sample()))
	for _, bad := range []string{"http:", "https:", "src=", "href=", "@import", "url(", "<script>alert(1)"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"default-src 'none'", "&lt;script&gt;alert(1)&lt;/script&gt;", `data-count="1"`, "Suppressed (3)",
		"ignore entry expired on 2026-01-31"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// browser starts headless Chromium with a fresh profile and records every
// network request (other than the page itself) and every console problem.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	page     string
	requests []string
	problems []string
}

func newBrowser(t *testing.T, pageURL string) *browser {
	exe := testutil.NeedChromium(t)
	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 1000))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelA)
	cctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(cancelC)
	b := &browser{ctx: cctx, page: pageURL}
	// Listen before anything runs, so nothing the page does is missed.
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
		if e.Request.URL != b.page {
			b.requests = append(b.requests, e.Request.URL)
		}
	case *runtime.EventConsoleAPICalled:
		switch e.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %v", e.Type, args(e.Args)))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			b.problems = append(b.problems, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
		}
	}
}

// seen returns what was recorded, after a moment for late events.
func (b *browser) seen() (requests, problems []string) {
	time.Sleep(300 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests), slices.Clone(b.problems)
}

func writePage(t *testing.T, body []byte) string {
	t.Helper()
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: page}).String()
}

// TestChromiumHarness checks the checker: a page that fetches an image
// and logs an error is caught, so a clean result below means something.
func TestChromiumHarness(t *testing.T) {
	pageURL := writePage(t, []byte(`<!DOCTYPE html><html><head><title>x</title></head><body><p>x</p>
<img src="http://127.0.0.1:9/pixel.png" alt=""><script>console.error("boom")</script></body></html>`))
	b := newBrowser(t, pageURL)
	if err := chromedp.Do(b.ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}
	requests, problems := b.seen()
	if !slices.Contains(requests, "http://127.0.0.1:9/pixel.png") {
		t.Errorf("the image request was not seen: %v", requests)
	}
	if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "boom") }) {
		t.Errorf("console.error was not seen: %v", problems)
	}
}

// TestChromium is acceptance 3: the page opened in headless Chromium shows
// the summary and the table, logs no console error, makes no network
// request, sorts and filters, and its screenshot is not blank.
func TestChromium(t *testing.T) {
	pageURL := writePage(t, render(t, reporttest.Sample()))
	b := newBrowser(t, pageURL)
	cctx := b.ctx
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(cctx, steps...); err != nil {
			t.Fatalf("driving chromium: %v", err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(cctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	do(chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.CSS("#results tbody tr")))
	summary := text("#summary")
	shownAll := text("#shown")
	rows, err := chromedp.Run(cctx, chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr[data-sev]:not(.noterow)").length`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(cctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	// Filter: hide critical and high, then show them again.
	do(chromedp.Click(chromedp.CSS(`input.sevf[value="critical"]`)), chromedp.Click(chromedp.CSS(`input.sevf[value="high"]`)))
	shownFiltered := text("#shown")
	do(chromedp.Click(chromedp.CSS(`input.sevf[value="critical"]`)), chromedp.Click(chromedp.CSS(`input.sevf[value="high"]`)))
	do(chromedp.SendKeys(chromedp.CSS("#q"), "pyyaml"))
	shownText := text("#shown")
	if _, err := chromedp.Run(cctx, chromedp.Evaluate[bool](`(function(){var q=document.getElementById("q"); q.value=""; q.dispatchEvent(new Event("input")); return true})()`)); err != nil {
		t.Fatal(err)
	}
	// Sort by package name, ascending then descending.
	do(chromedp.Click(chromedp.CSS(`#results th:nth-child(1)`)))
	firstSorted := text(`#results tbody tr:first-child td:first-child`)
	do(chromedp.Click(chromedp.CSS(`#results th:nth-child(1)`)))
	firstSortedDesc := text(`#results tbody tr:first-child td:first-child`)
	if d := os.Getenv("BULWARK_SCREENSHOT_DIR"); d != "" {
		os.WriteFile(filepath.Join(d, "report.png"), shot, 0o644)
	}

	requests, problems := b.seen()
	if len(requests) > 0 {
		t.Errorf("network requests: %v", requests)
	}
	if len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
	for _, want := range []string{"8", "critical", "high", "unknown", "3 suppressed"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary %q lacks %q", summary, want)
		}
	}
	if rows != 8 || shownAll != "8 of 8 shown" {
		t.Errorf("table rows %d, %q", rows, shownAll)
	}
	if shownFiltered != "5 of 8 shown" {
		t.Errorf("after unticking critical and high: %q", shownFiltered)
	}
	if shownText != "1 of 8 shown" {
		t.Errorf("after typing pyyaml: %q", shownText)
	}
	if firstSorted != "@babel/traverse" || firstSortedDesc != "zlib1g" {
		t.Errorf("sorted by package: first %q, then %q", firstSorted, firstSortedDesc)
	}
	checkNotBlank(t, shot)
}

// checkNotBlank decodes the screenshot and wants many colours and a good
// share of pixels that are not the background.
func checkNotBlank(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	colours := map[uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>8)<<16|(g>>8)<<8|bl>>8]++
		}
	}
	top, total := 0, 0
	for _, n := range colours {
		total += n
		top = max(top, n)
	}
	if len(colours) < 50 || float64(top)/float64(total) > 0.9 {
		t.Errorf("screenshot %dx%d looks blank: %d colours, the commonest covers %.0f%%", b.Dx(), b.Dy(), len(colours), 100*float64(top)/float64(total))
	}
	// The severity chart's bar colours are on screen.
	for _, c := range []uint32{0xd1343a, 0x7b1113} {
		if colours[c] == 0 {
			t.Errorf("chart colour #%06x not in the screenshot", c)
		}
	}
}

func args(as []*runtime.RemoteObject) string {
	var out []string
	for _, a := range as {
		out = append(out, string(a.Value)+a.Description)
	}
	return strings.Join(out, " ")
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := html.Write(&buf, findings.FromScan(r)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
