package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/docker/docker/api/types/container"
	"github.com/google/go-cmp/cmp"
)

// benchSnapshot records a host with one container that adds SYS_ADMIN.
func benchSnapshot(t *testing.T) string {
	t.Helper()
	s := &facts.Snapshot{SchemaVersion: facts.SchemaVersion, HostRoot: "/",
		Daemon: facts.Daemon{ArgsSource: "/proc/1/cmdline", Args: []string{"-H", "fd://"}}}
	s.Engine.Info.Driver = "overlay2"
	pids := int64(10)
	c := facts.Container{Processes: []string{"app"}}
	c.Inspect.ContainerJSONBase = &container.ContainerJSONBase{ID: "abc", Name: "/web",
		State: &container.State{Running: true},
		HostConfig: &container.HostConfig{CapAdd: []string{"SYS_ADMIN"},
			Resources: container.Resources{Memory: 1 << 20, PidsLimit: &pids}}}
	s.Engine.Containers = []facts.Container{c}
	p := filepath.Join(t.TempDir(), "facts.json")
	var buf bytes.Buffer
	if err := facts.Save(&buf, s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// inProcess serialises runCLI: Run points the process's default logger
// at the run's stderr, so two runs at once (parallel tests) would write
// each other's warnings (a feed fixture's skipped statements in another
// test's one-line error).
var inProcess sync.Mutex

// runCLI runs the command line in this process and returns its stdout,
// stderr and exit code.
func runCLI(args ...string) (string, string, int) {
	inProcess.Lock()
	defer inProcess.Unlock()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	code := 0
	if err != nil {
		code = ExitInput
		if ec, ok := errors.AsType[ExitCoder](err); ok {
			code = ec.ExitCode()
		}
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func TestBenchCommandExitCodes(t *testing.T) {
	t.Parallel()
	snap := benchSnapshot(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"report only", []string{"--check", "5.4"}, ExitClean},
		{"fail on warn", []string{"--check", "5.4", "--fail-on", "warn"}, ExitFindings},
		{"fail on level 1", []string{"--check", "5.4", "--fail-on", "1"}, ExitFindings},
		{"level 2 warning does not trip level 1", []string{"--check", "2.9", "--fail-on", "1"}, ExitClean},
		{"unknown check", []string{"--check", "9.9"}, ExitInput},
		{"bad pattern", []string{"--check", "5;1"}, ExitInput},
		{"bad format", []string{"--format", "xml"}, ExitInput},
		{"sarif", []string{"--format", "sarif"}, ExitClean},
		{"junit", []string{"--format", "junit"}, ExitClean},
		{"html", []string{"--format", "html"}, ExitClean},
		{"bad fail-on", []string{"--fail-on", "sometimes"}, ExitInput},
		{"bad level", []string{"--level", "3"}, ExitInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(append([]string{"bench", "--facts", snap}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
		})
	}
	if _, _, code := runCLI("bench", "--facts", filepath.Join(t.TempDir(), "missing.json")); code != ExitInput {
		t.Errorf("missing facts file: exit %d, want 2", code)
	}
}

func TestBenchCommandJSONAndOutput(t *testing.T) {
	t.Parallel()
	snap := benchSnapshot(t)
	out := filepath.Join(t.TempDir(), "report.json")
	stdout, stderr, code := runCLI("bench", "--facts", snap, "--check", "5.4,5.11,2.9", "--format", "json", "--output", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]bench.Status{}
	for _, r := range rep.Results {
		got[r.ID] = r.Status
	}
	want := map[string]bench.Status{"2.9": bench.Warn, "5.4": bench.Warn, "5.11": bench.Pass}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if rep.SchemaVersion != bench.SchemaVersion || rep.Score.Score != -1 || rep.Results[0].IDv180 != "2.10" {
		t.Errorf("schema %q score %d v1.8.0 id %q", rep.SchemaVersion, rep.Score.Score, rep.Results[0].IDv180)
	}

	table, _, _ := runCLI("bench", "--facts", snap, "--check", "5.4")
	if !strings.Contains(table, "[WARN] 5.4") || !strings.Contains(table, "web: adds SYS_ADMIN") || strings.Contains(table, "\x1b[") {
		t.Errorf("table output:\n%s", table)
	}
}

// Facts recorded from a live engine replay to the same results.
func TestBenchCommandRecordReplay(t *testing.T) {
	t.Parallel()
	sock := testutil.NeedDocker(t)
	dir := t.TempDir()
	rec := filepath.Join(dir, "facts.json")
	live, stderr, code := runCLI("bench", "--docker-host", "unix://"+sock, "--check", "2,3,5,6", "--format", "json", "--facts-out", rec)
	if code != 0 {
		t.Fatalf("live run: exit %d: %s", code, stderr)
	}
	replay, stderr, code := runCLI("bench", "--facts", rec, "--check", "2,3,5,6", "--format", "json")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	var a, b bench.Report
	if err := json.Unmarshal([]byte(live), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(replay), &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.Results, b.Results); diff != "" {
		t.Errorf("replayed results differ (-live +replay):\n%s", diff)
	}
	if len(a.Results) < 50 {
		t.Errorf("only %d results", len(a.Results))
	}
}
