package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vex"
)

// TestRunDecidesMatching: every way of asking for vulnerabilities ends in
// the one coverage.matching status that says what happened.
func TestRunDecidesMatching(t *testing.T) {
	root := testutil.RepoRoot(t)
	db := importDB(t, root+"/testdata/demo/advisories")
	image := root + "/testdata/demo/demo-image.tar"
	dockerfile := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(dockerfile, []byte("FROM debian:12\nUSER root\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		target string
		opts   scan.Options
		want   report.Matching
		vulns  bool
	}{
		{"inventory", image, scan.Options{}, report.NotRequested, false},
		{"matched", image, scan.Options{Matching: scan.MatchDB, DB: db}, report.Matched, true},
		{"no database", image, scan.Options{Matching: scan.MatchDB}, report.NoDatabase, false},
		{"vuln scanner off", image, scan.Options{Matching: scan.VulnOff, DB: db}, report.ScannerOff, false},
		{"by the server", image, scan.Options{Matching: scan.ByServer, DB: db}, report.ByServer, false},
		{"dockerfile", dockerfile, scan.Options{Matching: scan.MatchDB, DB: db}, report.NotApplicable, false},
		{"dockerfile:", "dockerfile:" + dockerfile, scan.Options{Matching: scan.MatchDB, DB: db}, report.NotApplicable, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := scan.Run(context.Background(), tt.target, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Coverage.Matching != tt.want || (len(rep.Vulnerabilities) > 0) != tt.vulns {
				t.Errorf("matching %s with %d vulnerabilities, want %s (vulnerabilities: %v)", rep.Coverage.Matching, len(rep.Vulnerabilities), tt.want, tt.vulns)
			}
			if rep.Summary.Packages != len(rep.Packages) || rep.Coverage.VulnerabilityData == "" {
				t.Errorf("report not normalized: summary %+v, coverage %q", rep.Summary, rep.Coverage.VulnerabilityData)
			}
		})
	}
}

// TestRunOrder: verification sees the matched report, the history keeps
// the untriaged findings for the guard's gate (with the layers checked),
// and the report comes back triaged, the verifier's VEX included.
func TestRunOrder(t *testing.T) {
	root := testutil.RepoRoot(t)
	db := importDB(t, root+"/testdata/demo/advisories")
	hist := t.TempDir()
	verified := 0
	opts := scan.Options{
		Matching: scan.MatchDB, DB: db, HistoryDir: hist,
		Triage: &triage.Options{Severities: []advisory.Severity{advisory.Critical}},
		Verify: func(ctx context.Context, rep *report.Report) ([]*vex.Document, error) {
			verified = len(rep.Vulnerabilities)
			return nil, nil
		},
	}
	rep, err := scan.Run(context.Background(), root+"/testdata/demo/demo-image.tar", opts)
	if err != nil {
		t.Fatal(err)
	}
	if verified != 7 {
		t.Errorf("the verifier saw %d vulnerabilities, want the 7 matched", verified)
	}
	for _, v := range rep.Vulnerabilities {
		if v.Severity != advisory.Critical {
			t.Errorf("triage kept %s (%s)", v.ID, v.Severity)
		}
	}
	if rep.Filters == nil || rep.Filters.Filtered+len(rep.Vulnerabilities) != 7 || rep.Summary.Vulnerabilities != len(rep.Vulnerabilities) {
		t.Errorf("triaged report: filters %+v, summary %+v", rep.Filters, rep.Summary)
	}
	if !rep.Target.LayersVerified {
		t.Error("a scan recorded for the gate did not check its layers against the configuration")
	}
	e, err := history.Latest(context.Background(), hist, rep.Target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Findings) != 7 || !e.Matched {
		t.Errorf("history entry: %d findings, matched %v; want the 7 untriaged", len(e.Findings), e.Matched)
	}

	// Without a database nothing is recorded: an unmatched scan vouches
	// for nothing.
	hist2 := t.TempDir()
	if _, err := scan.Run(context.Background(), root+"/testdata/demo/demo-image.tar", scan.Options{Matching: scan.MatchDB, HistoryDir: hist2}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(hist2); len(ents) != 0 {
		t.Errorf("an unmatched scan was recorded: %v", ents)
	}
}
