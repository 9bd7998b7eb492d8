package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// onTerminal runs the binary with stdout and stderr on a pseudo-terminal, so
// it colours as it does for a person, and returns what the terminal got.
func onTerminal(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "BULWARK_CACHE_DIR="+filepath.Join(home, "cache"), "TERM=xterm-256color")
	cmd.Env = slicesDeleteEnv(cmd.Env, "NO_COLOR")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 220})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer f.Close()
	var out bytes.Buffer
	if _, err := io.Copy(&out, f); err != nil && !errors.Is(err, syscall.EIO) { // EIO: the child closed its side
		t.Fatal(err)
	}
	cmd.Wait()
	return strings.ReplaceAll(out.String(), "\r\n", "\n")
}

// TestColouredColumnsAligned is acceptance 4 of the first-hour fixes: on
// a real pseudo-terminal the table is coloured and every column still
// starts at the same place on every row, whether the severity is coloured
// bold red (critical), yellow (medium) or not at all (unknown).
func TestColouredColumnsAligned(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "colour.db")
	if r := run(t, "db", "import", "--db", db, "testdata/colour/advisories"); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	screen := onTerminal(t, "scan", "--no-cache", "--db", db, "dir:testdata/colour/rootfs")
	if !strings.Contains(screen, "\x1b[1;31mcritical\x1b[0m") || !strings.Contains(screen, "\x1b[33mmedium\x1b[0m") {
		t.Fatalf("no colour on a terminal:\n%q", screen)
	}
	checkAligned(t, screen, "PACKAGE", []string{"left-pad", "qs-lite", "lodash-mini"})

	// The same alignment in the diff table: everything is introduced.
	empty := t.TempDir()
	os.MkdirAll(filepath.Join(empty, "app"), 0o755)
	screen = onTerminal(t, "diff", "--no-cache", "--db", db, "dir:"+empty, "dir:testdata/colour/rootfs")
	if !strings.Contains(screen, "\x1b[1;31mcritical\x1b[0m") {
		t.Fatalf("diff: no colour on a terminal:\n%q", screen)
	}
	checkAligned(t, screen, "INTRODUCED", []string{"GHSA-test-crit-0001", "GHSA-test-medi-0003", "GHSA-test-unkn-0002"})
}

// checkAligned finds the table whose header starts with head and checks
// that on each row (starting with one of rows) every header column's
// start is a column start too: the character before is a space and the
// one at it is not.
func checkAligned(t *testing.T, screen, head string, rows []string) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	var header string
	var body []string
	for _, l := range lines {
		plain := escapes.ReplaceAllString(l, "")
		if strings.HasPrefix(plain, head+" ") {
			header = plain
			continue
		}
		for _, r := range rows {
			if strings.HasPrefix(plain, r+" ") {
				body = append(body, plain)
			}
		}
	}
	if header == "" || len(body) != len(rows) {
		t.Fatalf("table %s not found (%d of %d rows):\n%s", head, len(body), len(rows), screen)
	}
	var starts []int
	for i := 1; i < len(header); i++ {
		if header[i-1] == ' ' && header[i] != ' ' && (i < 2 || header[i-2] == ' ') {
			starts = append(starts, i)
		}
	}
	for _, b := range body {
		for _, s := range starts {
			if s >= len(b) || b[s-1] != ' ' || b[s] == ' ' {
				t.Errorf("column at %d out of line:\n%s\n%s", s, header, b)
				break
			}
		}
	}
}
