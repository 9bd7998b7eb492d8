package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSummarize replays a recorded `go test -json` stream of two packages:
// passing tests stay quiet, a failing test's output is shown, skips are
// counted by reason (numbers folded), and the output ends with the
// package lines as go test's does.
func TestSummarize(t *testing.T) {
	stream := `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestOK"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"    a_test.go:3: chatter\n"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"a","Test":"TestOK"}
{"Action":"output","Package":"a","Test":"TestDocker","Output":"=== RUN   TestDocker\n"}
{"Action":"output","Package":"a","Test":"TestDocker","Output":"    docker.go:40: no Docker engine at unix:///tmp/x123.sock\n"}
{"Action":"output","Package":"a","Test":"TestDocker","Output":"--- SKIP: TestDocker (0.00s)\n"}
{"Action":"skip","Package":"a","Test":"TestDocker"}
{"Action":"output","Package":"a","Output":"PASS\n"}
{"Action":"output","Package":"a","Output":"ok  \ta\t0.010s\n"}
{"Action":"pass","Package":"a"}
{"Action":"output","Package":"b","Test":"TestDocker2","Output":"    docker.go:40: no Docker engine at unix:///tmp/x456.sock\n"}
{"Action":"skip","Package":"b","Test":"TestDocker2"}
{"Action":"output","Package":"b","Test":"TestBad/sub","Output":"=== RUN   TestBad/sub\n"}
{"Action":"output","Package":"b","Test":"TestBad/sub","Output":"    b_test.go:9: skipping: needs chromium\n"}
{"Action":"skip","Package":"b","Test":"TestBad/sub"}
{"Action":"output","Package":"b","Test":"TestBad","Output":"    b_test.go:7: boom\n"}
{"Action":"output","Package":"b","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}
{"Action":"fail","Package":"b","Test":"TestBad"}
{"Action":"output","Package":"b","Output":"FAIL\n"}
{"Action":"output","Package":"b","Output":"FAIL\tb\t0.020s\n"}
{"Action":"fail","Package":"b"}
`
	var out strings.Builder
	failed := summarize(strings.NewReader(stream), &out)
	want := `ok  	a	0.010s
    b_test.go:7: boom
--- FAIL: TestBad (0.00s)
FAIL
skipped: 3 tests: 2 no Docker engine at unix:///tmp/xN.sock; 1 skipping: needs chromium
FAIL	b	0.020s
FAIL
`
	if !failed {
		t.Error("a failed package not reported")
	}
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var clean strings.Builder
	if summarize(strings.NewReader(`{"Action":"output","Package":"a","Output":"ok  \ta\t0.1s\n"}`+"\n"), &clean) || clean.String() != "skipped: none\nok  \ta\t0.1s\n" {
		t.Errorf("clean run: %q", clean.String())
	}
}

// TestUnendedTestKeepsItsOutput: a test that never ends (go test's timeout
// panics inside it) has no result event of its own; its output, the panic
// included, must still be shown before the package's FAIL line.
func TestUnendedTestKeepsItsOutput(t *testing.T) {
	stream := `{"Action":"run","Package":"a","Test":"TestHang"}
{"Action":"output","Package":"a","Test":"TestHang","Output":"=== RUN   TestHang\n"}
{"Action":"output","Package":"a","Test":"TestHang","Output":"    a_test.go:3: hanging\n"}
{"Action":"output","Package":"a","Test":"TestHang","Output":"panic: test timed out after 3s\n"}
{"Action":"output","Package":"a","Output":"FAIL\ta\t3.0s\n"}
{"Action":"fail","Package":"a"}
`
	var out strings.Builder
	if !summarize(strings.NewReader(stream), &out) {
		t.Error("a failed package not reported")
	}
	want := "    a_test.go:3: hanging\npanic: test timed out after 3s\nskipped: none\nFAIL\ta\t3.0s\nFAIL\n"
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
