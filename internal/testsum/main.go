// Command testsum runs `go test -json` with the arguments it is given and
// prints what `go test` would print, plus one line that counts the skipped
// tests by their reason (no Docker engine, no PostgreSQL, no ../shared,
// -short…), so a run on a bare machine says at a glance what it left out.
// `make test` runs it.
//
// # Data flow
//
//	go test -json ARGS ──events──▶ per-test output, kept until the test ends
//	                                 ├─ failed: printed, as go test does
//	                                 └─ skipped: its t.Skip message counted
//	                    ──end──▶ "skipped: N tests: …" then the last package line
//
// The output ends as go test's does, with its ok/FAIL package lines (CI
// reads them), and the exit status is go test's. gotestsum does much more
// of this; it is not a dependency of the module, and the one thing needed
// here (skips grouped by reason) it does not print.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

func main() {
	gobin := os.Getenv("GO") // the Makefile's $(GO)
	if gobin == "" {
		gobin = "go"
	}
	cmd := exec.Command(gobin, append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	failed := summarize(out, os.Stdout)
	err = cmd.Wait()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		os.Exit(ee.ExitCode())
	}
	if err != nil || failed {
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// summarize copies the test stream in go test's plain form to w and
// reports whether a package failed.
func summarize(r io.Reader, w io.Writer) bool {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	pending := map[string][]string{} // package + test → its output so far
	skips := map[string]int{}
	var held string // the latest package result line, printed last
	failed := false
	// emit writes a line, after the held result line: only the last one
	// waits for the end.
	emit := func(s string) {
		if held != "" {
			bw.WriteString(held)
			held = ""
		}
		bw.WriteString(s)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			emit(sc.Text() + "\n") // not an event: pass it on
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "output", "build-output":
			if e.Test != "" {
				if !strings.HasPrefix(e.Output, "=== ") {
					pending[key] = append(pending[key], e.Output)
				}
				continue
			}
			switch {
			case e.Output == "PASS\n", strings.HasPrefix(e.Output, "=== "), e.Output == "testing: warning: no tests to run\n":
			case isResultLine(e.Output):
				emit("")
				held = e.Output
			default:
				emit(e.Output)
			}
		case "fail":
			if e.Test == "" {
				failed = true
				// Tests that never ended (a timeout, a crash in another
				// goroutine) keep their output, panic included: it
				// belongs before the package's result line.
				for _, k := range unended(pending, e.Package) {
					for _, l := range pending[k] {
						bw.WriteString(l)
					}
					delete(pending, k)
				}
				continue
			}
			for _, l := range pending[key] {
				emit(l)
			}
			delete(pending, key)
		case "skip":
			if e.Test != "" {
				skips[reason(pending[key])]++
			}
			delete(pending, key)
		case "pass":
			delete(pending, key)
		}
		bw.Flush()
	}
	if line := skipLine(skips); line != "" {
		bw.WriteString(line + "\n")
	}
	if held != "" {
		bw.WriteString(held)
	}
	if failed {
		bw.WriteString("FAIL\n")
	}
	return failed
}

// unended returns the keys of pkg's tests that have output but no result,
// in a stable order.
func unended(pending map[string][]string, pkg string) []string {
	var keys []string
	for k := range pending {
		if strings.HasPrefix(k, pkg+"\x00") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

var resultLine = regexp.MustCompile(`^(ok  |FAIL|\?   )\t\S+\t`)

func isResultLine(s string) bool { return resultLine.MatchString(s) }

var (
	logPrefix = regexp.MustCompile(`^\s+\S+\.go:\d+: `)
	digits    = regexp.MustCompile(`\d+`)
)

// reason is a skipped test's message without its file:line, with numbers
// (ports, temporary paths) folded so that one cause counts once.
func reason(lines []string) string {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "--- SKIP") {
			continue
		}
		if m := logPrefix.FindString(l); m != "" {
			r := digits.ReplaceAllString(strings.TrimSpace(l[len(m):]), "N")
			if len(r) > 90 {
				r = r[:87] + "..."
			}
			return r
		}
	}
	return "no reason given"
}

// skipLine is the one-line summary: "skipped: 7 tests: 4 no Docker
// engine…; 3 chromium not installed".
func skipLine(skips map[string]int) string {
	total := 0
	var rs []string
	for r, n := range skips {
		total += n
		rs = append(rs, r)
	}
	if total == 0 {
		return "skipped: none"
	}
	sort.Slice(rs, func(i, j int) bool {
		if skips[rs[i]] != skips[rs[j]] {
			return skips[rs[i]] > skips[rs[j]]
		}
		return rs[i] < rs[j]
	})
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d %s", skips[r], r)
	}
	return fmt.Sprintf("skipped: %d test%s: %s", total, map[bool]string{true: "", false: "s"}[total == 1], strings.Join(parts, "; "))
}
