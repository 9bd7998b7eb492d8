package cli_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// TestLockFileSpeed is bench/lockfiles.sh: lock files of every streamed
// format at a size real projects reach (5 MiB, 60,000–90,000 packages,
// under the record budget), each alone in a small image, scanned by this
// binary and by BULWARK_BENCH_BASE in alternating rounds; medians of wall
// time and peak RSS, and their ratios. Only with BULWARK_BENCH_LOCKS=1.
func TestLockFileSpeed(t *testing.T) {
	if os.Getenv("BULWARK_BENCH_LOCKS") != "1" {
		t.Skip("set BULWARK_BENCH_LOCKS=1 (bench/lockfiles.sh) to compare lock-file parsing with another build")
	}
	base := os.Getenv("BULWARK_BENCH_BASE")
	if base == "" {
		t.Fatal("set BULWARK_BENCH_BASE to the binary to compare with")
	}
	rounds := 5
	if r, err := strconv.Atoi(os.Getenv("BULWARK_BENCH_ROUNDS")); err == nil && r > 0 {
		rounds = r
	}
	const size = 5 << 20
	rows := []string{"| file (5 MiB) | this build | base | ratio | peak RSS | base | ratio |", "|---|---|---|---|---|---|---|"}
	for _, c := range lockCases(size) {
		dir := t.TempDir()
		target, err := c.gen(dir)
		if err != nil {
			t.Fatal(err)
		}
		args := []string{"scan", "--scanners", "", "--format", "json", "--output", "/dev/null", target}
		var this, that []measured
		for r := range rounds {
			order := []string{binary, base}
			if r%2 == 1 {
				order = []string{base, binary}
			}
			for _, bin := range order {
				m := measureRun(t, runSpec{bin: bin, timeout: 120 * time.Second}, args...)
				if m.code != 0 {
					t.Errorf("%s with %s: %s", c.name, bin, m)
				}
				if bin == binary {
					this = append(this, m)
				} else {
					that = append(that, m)
				}
			}
		}
		tw, bw := medianOf(this, func(m measured) float64 { return m.wall.Seconds() }), medianOf(that, func(m measured) float64 { return m.wall.Seconds() })
		tr, br := medianOf(this, func(m measured) float64 { return float64(m.rssKB >> 10) }), medianOf(that, func(m measured) float64 { return float64(m.rssKB >> 10) })
		rows = append(rows, fmt.Sprintf("| %s | %.2f s | %.2f s | %.2f | %.0f MB | %.0f MB | %.2f |", c.name, tw, bw, tw/bw, tr, br, tr/br))
	}
	t.Log("\n" + strings.Join(rows, "\n"))
	if out := os.Getenv("BULWARK_BENCH_OUT"); out != "" {
		os.WriteFile(out, []byte(strings.Join(rows, "\n")+"\n"), 0o644)
	}
}

type lockCase struct {
	name string
	gen  func(dir string) (string, error)
}

// lockCases are the files TestLockFileSpeed scans, each about size bytes.
func lockCases(size int) []lockCase {
	manifest := func(path string, gen func(io.Writer, int)) func(string) (string, error) {
		return func(dir string) (string, error) { return hostile.Manifest(dir, path, gen)(size) }
	}
	return []lockCase{
		{"package-lock.json (v3)", func(dir string) (string, error) { return hostile.NPMLock(dir, size/95) }},
		{"composer.lock", manifest("srv/app/composer.lock", hostile.ComposerLock)},
		{"Pipfile.lock", manifest("srv/app/Pipfile.lock", hostile.PipfileLock)},
		{"poetry.lock", manifest("srv/app/poetry.lock", hostile.PoetryLock)},
		{"pnpm-lock.yaml (v6)", manifest("srv/app/pnpm-lock.yaml", hostile.PnpmLock)},
		{"yarn.lock (v1)", manifest("srv/app/yarn.lock", hostile.YarnLock)},
		{"app.deps.json", manifest("srv/app/app.deps.json", hostile.DepsJSON)},
		{"package.json", manifest("srv/app/package.json", hostile.PackageJSON)},
	}
}

func medianOf(ms []measured, f func(measured) float64) float64 {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	slices.Sort(v)
	return v[len(v)/2]
}
