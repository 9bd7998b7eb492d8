package triage_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/ignore"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vex"
)

// fresh returns the sample report with every finding unsuppressed, as
// matching produces it.
func fresh() *report.Report {
	r := reporttest.Sample()
	r.Vulnerabilities = append(r.Vulnerabilities, r.Suppressed...)
	r.Suppressed, r.Filters = nil, nil
	for i := range r.Vulnerabilities {
		r.Vulnerabilities[i].Suppression = nil
	}
	r.Findings = append(r.Findings, r.SuppressedFindings...)
	r.SuppressedFindings = nil
	for i := range r.Findings {
		r.Findings[i].Suppression = nil
	}
	r.Normalize()
	return r
}

func ids(vs []report.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		out = append(out, label(v.ID, v.Suppression))
	}
	return out
}

// label is an id with its suppression kind, and "expired" when it is.
func label(id string, s *report.Suppression) string {
	if s == nil {
		return id
	}
	id += " [" + s.Kind
	if s.Expired {
		id += " expired"
	}
	return id + "]"
}

const ignoreFile = `ignores:
  - id: CVE-2023-45853
    reason: minizip is not used
    expires: 2026-01-31
  - id: CVE-2023-2650
    package: libssl3
    reason: accepted until the base image moves
    expires: 2030-12-31
  - id: CVE-2023-45133
    package: some-other-package
    reason: scoped to another package
`

func TestApply(t *testing.T) {
	l, err := ignore.Parse(strings.NewReader(ignoreFile))
	if err != nil {
		t.Fatal(err)
	}
	l.Path = ".bulwarkignore.yaml"
	d, err := vex.Parse(strings.NewReader(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","timestamp":"2024-01-01T00:00:00Z",
	"statements":[{"vulnerability":{"name":"CVE-2024-24783"},"products":[{"@id":"pkg:golang/stdlib"}],"status":"not_affected",
	"justification":"vulnerable_code_not_in_execute_path","impact_statement":"x509 verification is not used"},
	{"vulnerability":{"name":"CVE-2023-45133"},"products":[{"@id":"pkg:npm/%40babel/traverse"}],"status":"under_investigation"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d.Path = "app.openvex.json"
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name           string
		o              triage.Options
		kept, suppr    []string
		filtered       int
		wantFiltersNil bool
	}{
		{name: "nothing", o: triage.Options{Now: now},
			kept: []string{"CVE-2023-45853", "DSA-5532-1", "DSA-5417-1", "GO-2024-2598", "PYSEC-2020-176", "GHSA-67hx-6x53-jw92", "GO-2021-0113"}, wantFiltersNil: true},
		{name: "severity", o: triage.Options{Now: now, Severities: []advisory.Severity{advisory.Critical, advisory.High}},
			kept: []string{"CVE-2023-45853", "DSA-5532-1"}, filtered: 5}, // vulnerabilities only: the medium and low misconfigurations go uncounted
		{name: "ignore unfixed", o: triage.Options{Now: now, IgnoreUnfixed: true},
			kept: []string{"DSA-5532-1", "DSA-5417-1", "GO-2024-2598", "PYSEC-2020-176", "GO-2021-0113"}, filtered: 2},
		{name: "ignore file: live, expired and scoped entries", o: triage.Options{Now: now, Ignore: l},
			kept:  []string{"CVE-2023-45853 [ignore expired]", "DSA-5532-1", "GO-2024-2598", "PYSEC-2020-176", "GHSA-67hx-6x53-jw92", "GO-2021-0113"},
			suppr: []string{"DSA-5417-1 [ignore]"}},
		{name: "before the expiry date", o: triage.Options{Now: time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), Ignore: l},
			kept:  []string{"DSA-5532-1", "GO-2024-2598", "PYSEC-2020-176", "GHSA-67hx-6x53-jw92", "GO-2021-0113"},
			suppr: []string{"CVE-2023-45853 [ignore]", "DSA-5417-1 [ignore]"}},
		{name: "vex: not_affected suppresses, under_investigation does not", o: triage.Options{Now: now, VEX: []*vex.Document{d}},
			kept:  []string{"CVE-2023-45853", "DSA-5532-1", "DSA-5417-1", "PYSEC-2020-176", "GHSA-67hx-6x53-jw92", "GO-2021-0113"},
			suppr: []string{"GO-2024-2598 [vex]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fresh()
			triage.Apply(r, tt.o)
			if d := cmp.Diff(tt.kept, ids(r.Vulnerabilities)); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.suppr, ids(r.Suppressed)); d != "" {
				t.Errorf("suppressed (-want +got):\n%s", d)
			}
			if (r.Filters == nil) != tt.wantFiltersNil {
				t.Fatalf("filters %+v", r.Filters)
			}
			if r.Filters != nil && (r.Filters.Filtered != tt.filtered || r.Summary.Filtered != tt.filtered) {
				t.Errorf("filtered %d/%d, want %d", r.Filters.Filtered, r.Summary.Filtered, tt.filtered)
			}
			if r.Summary.Suppressed != len(tt.suppr) || r.Summary.Vulnerabilities != len(tt.kept) {
				t.Errorf("summary %+v", r.Summary)
			}
			wantFindings := 4
			if len(tt.o.Severities) > 0 {
				wantFindings = 2 // the critical and the high secret stay
			}
			if len(r.Findings) != wantFindings {
				t.Errorf("%d misconfiguration and secret findings, want %d", len(r.Findings), wantFindings)
			}
		})
	}

	// What the report says about a VEX suppression.
	r := fresh()
	triage.Apply(r, triage.Options{Now: now, VEX: []*vex.Document{d}, Ignore: l})
	var got *report.Suppression
	for _, v := range r.Suppressed {
		if v.ID == "GO-2024-2598" {
			got = v.Suppression
		}
	}
	want := &report.Suppression{Kind: "vex", Reason: "x509 verification is not used", Status: "not_affected",
		Justification: "vulnerable_code_not_in_execute_path", Source: "app.openvex.json", Statement: "https://example.com/vex/1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("VEX suppression (-want +got):\n%s", d)
	}
	if r.Filters.IgnoreFile != ".bulwarkignore.yaml" || len(r.Filters.VEX) != 1 || r.Filters.VEX[0] != "app.openvex.json" {
		t.Errorf("filters: %+v", r.Filters)
	}
}

// TestIdempotent: triaging a report read back from json (as diff does)
// keeps earlier suppressions and does not double them.
func TestIdempotent(t *testing.T) {
	l, err := ignore.Parse(strings.NewReader(ignoreFile))
	if err != nil {
		t.Fatal(err)
	}
	r := fresh()
	triage.Apply(r, triage.Options{IgnoreUnfixed: true, Ignore: l, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	n, s := len(r.Vulnerabilities), len(r.Suppressed)
	triage.Apply(r, triage.Options{IgnoreUnfixed: true})
	if len(r.Vulnerabilities) != n || len(r.Suppressed) != s {
		t.Errorf("second pass: %d/%d, first %d/%d", len(r.Vulnerabilities), len(r.Suppressed), n, s)
	}
}

func findingIDs(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, label(strings.TrimSpace(f.ID+" "+f.Evidence.Path), f.Suppression))
	}
	return out
}

// TestFindings: ignore entries name misconfiguration and secret rules, and
// a path scopes them to files (a glob, or dir/** for a whole tree).
func TestFindings(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		file        string
		kept, suppr []string
	}{
		{name: "rule id everywhere",
			file:  "ignores:\n  - id: BW-SECRET-PRIVATE-KEY\n    reason: test key\n",
			kept:  []string{"BW-SECRET-AWS srv/app/.env", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"},
			suppr: []string{"BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem [ignore]"}},
		{name: "path below a directory, leading slash",
			file:  "ignores:\n  - id: BW-SECRET-PRIVATE-KEY\n    path: /srv/app/test/**\n    reason: test key\n",
			kept:  []string{"BW-SECRET-AWS srv/app/.env", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"},
			suppr: []string{"BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem [ignore]"}},
		{name: "glob on the file",
			file:  "ignores:\n  - id: BW-SECRET-AWS\n    path: srv/*/.env\n    reason: rotated\n",
			kept:  []string{"BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"},
			suppr: []string{"BW-SECRET-AWS srv/app/.env [ignore]"}},
		{name: "path elsewhere does not match",
			file: "ignores:\n  - id: BW-SECRET-AWS\n    path: opt/**\n    reason: rotated\n  - id: BW-SECRET-PRIVATE-KEY\n    path: srv/app/test\n    reason: only the directory itself\n",
			kept: []string{"BW-SECRET-AWS srv/app/.env", "BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"}},
		{name: "a path entry does not match a finding without a file",
			file: "ignores:\n  - id: BW-MISCONFIG-ROOT\n    path: '**'\n    reason: no\n",
			kept: []string{"BW-SECRET-AWS srv/app/.env", "BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"}},
		{name: "config finding by id; expired entry reported",
			file:  "ignores:\n  - id: BW-MISCONFIG-ROOT\n    reason: init needs root\n  - id: BW-MISCONFIG-SSH-PORT\n    reason: bastion\n    expires: 2026-01-31\n",
			kept:  []string{"BW-SECRET-AWS srv/app/.env", "BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem", "BW-MISCONFIG-SSH-PORT [ignore expired]"},
			suppr: []string{"BW-MISCONFIG-ROOT [ignore]"}},
		{name: "a package-scoped entry never matches a finding",
			file: "ignores:\n  - id: BW-SECRET-AWS\n    package: libssl3\n    reason: no\n",
			kept: []string{"BW-SECRET-AWS srv/app/.env", "BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem", "BW-MISCONFIG-ROOT", "BW-MISCONFIG-SSH-PORT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ignore.Parse(strings.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r := fresh()
			triage.Apply(r, triage.Options{Now: now, Ignore: l})
			if d := cmp.Diff(tt.kept, findingIDs(r.Findings)); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.suppr, findingIDs(r.SuppressedFindings)); d != "" {
				t.Errorf("suppressed (-want +got):\n%s", d)
			}
			if r.Summary.SuppressedFindings != len(tt.suppr) || r.Summary.FindingsByClass["secret"]+r.Summary.FindingsByClass["misconfig"] != len(tt.kept) {
				t.Errorf("summary %+v", r.Summary)
			}
			// Vulnerabilities are untouched by rule-id entries.
			if len(r.Suppressed) != 0 || len(r.Vulnerabilities) != 7 {
				t.Errorf("vulnerabilities %d, suppressed %d", len(r.Vulnerabilities), len(r.Suppressed))
			}
		})
	}
}

// TestVulnerabilityPath: a path scopes a vulnerability entry to the
// package found at that place.
func TestVulnerabilityPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		want int
	}{{"usr/lib/python3/**", 1}, {"opt/**", 0}} {
		l, err := ignore.Parse(strings.NewReader("ignores:\n  - id: CVE-2020-14343\n    path: " + tc.path + "\n    reason: r\n"))
		if err != nil {
			t.Fatal(err)
		}
		r := fresh()
		triage.Apply(r, triage.Options{Ignore: l})
		if len(r.Suppressed) != tc.want {
			t.Errorf("path %s: suppressed %v, want %d", tc.path, ids(r.Suppressed), tc.want)
		}
	}
}
