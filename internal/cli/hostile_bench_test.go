package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/testutil/hostile"
)

// TestHostileImages is bench/hostile.sh: every adversarial image of
// package hostile at full size (each under 10 MB), scanned by this
// binary, which must finish or refuse each within 30 s, under 300 MB of
// peak RSS and 1 GiB of temporary disk. With BULWARK_BENCH_BASE set to
// another binary (main's), the same images are scanned by it too, capped
// at 60 s and 2 GB of RSS, for the "before" columns. Generated images are
// kept in BULWARK_BENCH_HOSTILE_DIR (default bench/out/hostile) and
// reused. Only with BULWARK_BENCH_HOSTILE=1: generating them takes
// minutes.
func TestHostileImages(t *testing.T) {
	if os.Getenv("BULWARK_BENCH_HOSTILE") != "1" {
		t.Skip("set BULWARK_BENCH_HOSTILE=1 (bench/hostile.sh) to generate and scan the full-size adversarial images")
	}
	dir := os.Getenv("BULWARK_BENCH_HOSTILE_DIR")
	if dir == "" {
		dir = filepath.Join(testutil.RepoRoot(t), "bench", "out", "hostile")
	}
	base := os.Getenv("BULWARK_BENCH_BASE")
	var rows []string
	header := "| image | size | this build | peak RSS | peak temp disk |"
	if base != "" {
		header += " before | peak RSS before | peak temp disk before |"
	}
	rows = append(rows, header, "|"+strings.Repeat("---|", strings.Count(header, "|")-1))
	for _, c := range hostile.Cases(1) {
		if only := os.Getenv("BULWARK_BENCH_HOSTILE_ONLY"); only != "" && !strings.Contains(","+only+",", ","+c.Name+",") {
			continue
		}
		target := cachedCase(t, dir, c)
		args := append(append([]string{}, "scan", "--format", "json", "--output", "/dev/null"), target)
		m := measureRun(t, runSpec{bin: binary, timeout: 90 * time.Second}, args...)
		outcome := describe(m)
		if m.wall > 30*time.Second || m.rssKB > 300<<10 || m.tempPeak > 1<<30 || m.code < 0 || m.code == 1 {
			t.Errorf("%s: %s", c.Name, m)
		}
		row := fmt.Sprintf("| `%s`: %s | %s | %s | %d MB | %d MB |", c.Name, c.What, size(t, target), outcome, m.rssKB>>10, m.tempPeak>>20)
		if base != "" {
			b := measureRun(t, runSpec{bin: base, timeout: 60 * time.Second, rssCapKB: 2 << 20}, args...)
			rss := fmt.Sprintf("%d MB", b.rssKB>>10)
			if b.code == -1 && b.rssKB > 2<<20 {
				rss = "> 2 GB (killed)"
			}
			row += fmt.Sprintf(" %s | %s | %d MB |", describe(b), rss, b.tempPeak>>20)
		}
		rows = append(rows, row)
	}
	t.Log("\n" + strings.Join(rows, "\n"))
	if out := os.Getenv("BULWARK_BENCH_OUT"); out != "" {
		os.WriteFile(out, []byte(strings.Join(rows, "\n")+"\n"), 0o644)
	}
}

// describe is a run's outcome in a few words: "refused in 1.2 s
// (--max-records)", "done in 3.4 s", "killed at 60 s".
func describe(m measured) string {
	secs := fmt.Sprintf("%.1f s", m.wall.Seconds())
	switch {
	case m.code == -1:
		return "killed at " + secs
	case m.code == 0:
		return "done in " + secs
	}
	why := "exit " + fmt.Sprint(m.code)
	for _, f := range []string{"--max-image-bytes", "--max-layer-entries", "--max-image-entries", "--max-path-bytes",
		"--max-spill-bytes", "--max-layers", "--max-records", "--max-file-bytes"} {
		if strings.Contains(m.stderr, f) {
			why = f
		}
	}
	if strings.Contains(m.stderr, "not a regular file") {
		why = "not a regular file"
	}
	return fmt.Sprintf("refused in %s (%s)", secs, why)
}

// cachedCase generates c under dir unless an earlier run did.
func cachedCase(t *testing.T, dir string, c hostile.Case) string {
	t.Helper()
	d := filepath.Join(dir, c.Name)
	if b, err := os.ReadFile(filepath.Join(d, "target")); err == nil {
		return string(b)
	}
	os.RemoveAll(d)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	target, err := c.Write(d)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	t.Logf("generated %s in %s", c.Name, time.Since(start).Round(time.Second))
	if err := os.WriteFile(filepath.Join(d, "target"), []byte(target), 0o644); err != nil {
		t.Fatal(err)
	}
	return target
}

// size is the image's size on disk.
func size(t *testing.T, target string) string {
	_, p, _ := strings.Cut(target, ":")
	var n int64
	filepath.Walk(p, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
}
