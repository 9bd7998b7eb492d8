package guard

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/report"
)

const (
	imgID  = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	repoDG = "registry.example/web@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// TestScanGateRules exercises the gate over real history files: the
// severity threshold, statuses, suppression (live and expired), scan age,
// scans without vulnerability data, lookup by repo digest, and images
// never scanned.
func TestScanGateRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	critical := history.Finding{ID: "CVE-2024-0001", Aliases: []string{"GHSA-x"}, Package: "openssl", Version: "3.0.1", Severity: advisory.Critical, Status: advisory.Fixed,
		Paths: []string{"var/lib/dpkg/status"}}
	high := history.Finding{ID: "CVE-2024-0002", Package: "zlib", Version: "1.2", Severity: advisory.High, Status: advisory.Unfixed}
	unknown := history.Finding{ID: "DSA-1-1", Package: "curl", Version: "7", Severity: advisory.UnknownSeverity, Status: advisory.Fixed}
	notAffected := history.Finding{ID: "CVE-2024-0003", Package: "bash", Version: "5", Severity: advisory.Critical, Status: advisory.NotAffected}
	exploited := history.Finding{ID: "CVE-2023-4911", Package: "libc6", Version: "2.36-9", Severity: advisory.High, Status: advisory.Fixed, KnownExploited: true, EPSS: 0.78}
	likely := history.Finding{ID: "CVE-2022-37434", Package: "zlib1g", Version: "1:1.2.13", Severity: advisory.Medium, Status: advisory.Fixed, EPSS: 0.08}
	entry := func(id string, digests []string, matched bool, at time.Time, fs ...history.Finding) *history.Entry {
		return &history.Entry{SchemaVersion: history.SchemaVersion, ImageID: id, LayersVerified: id != "", RepoDigests: digests, Target: "web:1",
			ScannedAt: at, Matched: matched, Assessment: report.AssessedFull, Counts: map[string]int{}, Findings: fs}
	}
	covered := func(a report.Assessment, text string) *history.Entry {
		e := entry(imgID, nil, true, now)
		e.Assessment, e.Coverage = a, text
		return e
	}
	debian12 := "not checked for 88 of 88 packages (no data for Debian 12)"
	mixed := "not checked for 88 of 90 packages (no data for Debian 12)"
	// A record under the image ID from a scan that did not check the
	// layers against the configuration (written before the check existed,
	// or forged by pairing the configuration with other layers).
	unverified := func(e *history.Entry) *history.Entry { e.LayersVerified = false; return e }
	tests := []struct {
		name    string
		gate    string // scan_gate keys
		entry   *history.Entry
		ignores string
		want    string // "" allowed, else a substring of the violation
	}{
		{"critical finding", "severity: critical", entry(imgID, nil, true, now, critical, high), "", "1 finding at or above critical in its scan of 2026-11-27T12:00:00Z: CVE-2024-0001 (openssl 3.0.1, critical)"},
		{"high threshold counts both", "severity: high", entry(imgID, nil, true, now, critical, high), "", "2 findings at or above high"},
		{"below the threshold", "severity: critical", entry(imgID, nil, true, now, high, unknown), "", ""},
		{"unknown means any finding", "severity: unknown", entry(imgID, nil, true, now, unknown), "", "1 finding at or above unknown"},
		{"not-affected does not count", "severity: critical", entry(imgID, nil, true, now, notAffected), "", ""},
		{"suppressed by alias", "severity: critical", entry(imgID, nil, true, now, critical), "ignores:\n  - id: GHSA-x\n    reason: not reachable\n", ""},
		{"suppression scoped to the package's path", "severity: critical", entry(imgID, nil, true, now, critical), "ignores:\n  - id: CVE-2024-0001\n    path: /var/lib/dpkg/**\n    reason: x\n", ""},
		{"suppression scoped to another path", "severity: critical", entry(imgID, nil, true, now, critical), "ignores:\n  - id: CVE-2024-0001\n    path: usr/local/**\n    reason: x\n", "CVE-2024-0001"},
		{"suppression scoped to another package", "severity: critical", entry(imgID, nil, true, now, critical), "ignores:\n  - id: CVE-2024-0001\n    package: libssl3\n    reason: x\n", "CVE-2024-0001"},
		{"expired suppression", "severity: critical", entry(imgID, nil, true, now, critical), "ignores:\n  - id: CVE-2024-0001\n    reason: x\n    expires: 2026-01-31\n", "CVE-2024-0001"},
		{"never scanned", "severity: critical", nil, "", "was never scanned"},
		{"never scanned, scan not required", "severity: critical\n  require_scan: false", nil, "", ""},
		{"inventory-only scan", "severity: critical", entry(imgID, nil, false, now), "", "no scan with vulnerability data"},
		{"old scan", "severity: critical\n  max_age: 24h", entry(imgID, nil, true, now.Add(-48*time.Hour)), "", "longer ago than 24h0m0s"},
		{"recent scan", "severity: critical\n  max_age: 24h", entry(imgID, nil, true, now.Add(-time.Hour)), "", ""},
		{"found by repo digest", "severity: critical", entry("", []string{repoDG}, true, now, critical), "", "CVE-2024-0001"},
		{"nothing checked", "severity: critical", covered(report.AssessedNone, debian12), "",
			"was not fully checked for vulnerabilities in its scan of 2026-11-27T12:00:00Z (coverage none): " + debian12 + " (scan_gate.require_coverage: full)"},
		{"partly checked", "severity: critical", covered(report.AssessedPartial, mixed), "", "(coverage partial): " + mixed},
		{"partly checked, partial allowed", "severity: critical\n  require_coverage: partial", covered(report.AssessedPartial, mixed), "", ""},
		{"nothing checked, partial required", "severity: critical\n  require_coverage: partial", covered(report.AssessedNone, debian12), "", "(coverage none)"},
		{"nothing checked, any coverage", "severity: critical\n  require_coverage: any", covered(report.AssessedNone, debian12), "", ""},
		{"scan before coverage was recorded", "severity: critical", covered("", ""), "", "does not record which packages were checked"},
		{"findings come first", "severity: critical", func() *history.Entry {
			e := covered(report.AssessedPartial, mixed)
			e.Findings = []history.Finding{critical}
			return e
		}(), "", "CVE-2024-0001"},
		{"known exploited below the severity", "severity: critical\n  known_exploited: true", entry(imgID, nil, true, now, exploited), "",
			"1 finding at or above critical or known exploited in its scan of 2026-11-27T12:00:00Z: CVE-2023-4911 (libc6 2.36-9, high, known exploited) (scan_gate.severity, scan_gate.known_exploited)"},
		{"known exploited ignored when off", "severity: critical\n  known_exploited: false", entry(imgID, nil, true, now, exploited), "", ""},
		{"known exploited, suppressed", "severity: critical\n  known_exploited: true", entry(imgID, nil, true, now, exploited), "ignores:\n  - id: CVE-2023-4911\n    reason: patched in place\n", ""},
		{"epss threshold", "severity: critical\n  epss: 0.05", entry(imgID, nil, true, now, likely), "", "CVE-2022-37434 (zlib1g 1:1.2.13, medium, EPSS 0.08) (scan_gate.severity, scan_gate.epss)"},
		{"epss below the threshold", "severity: critical\n  epss: 0.5", entry(imgID, nil, true, now, likely), "", ""},
		{"repo digest record of another image", "severity: critical", entry("sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", []string{repoDG}, true, now, critical), "", "was never scanned"},
		{"unverified clean record", "severity: critical", unverified(entry(imgID, nil, true, now)), "", "no scan whose layers were checked against its configuration"},
		{"unverified clean record, verified one by repo digest", "severity: critical", unverified(entry(imgID, []string{repoDG}, true, now, critical)), "", "CVE-2024-0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			hist := filepath.Join(dir, "history")
			ign := filepath.Join(dir, "ignore.yaml")
			if tt.entry != nil {
				if err := history.RecordEntry(context.Background(), hist, tt.entry); err != nil {
					t.Fatal(err)
				}
			}
			if tt.ignores != "" {
				os.WriteFile(ign, []byte(tt.ignores), 0o644)
			}
			p, err := policy.Parse(strings.NewReader("version: 1\nscan_gate:\n  history_dir: " + hist + "\n  ignore_file: " + ign + "\n  " + tt.gate + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			g := newGuard(t, p, Options{Now: func() time.Time { return now }})
			e := &eval{g: g, c: g.cur.Load(), d: &Decision{}}
			v, err := e.gate(context.Background(), imgID, []string{repoDG}, "web:1")
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && v != nil:
				t.Errorf("denied: %s", v.Detail)
			case tt.want != "" && v == nil:
				t.Errorf("allowed, want %q", tt.want)
			case tt.want != "" && !strings.Contains(v.Detail, tt.want):
				t.Errorf("detail %q, want %q", v.Detail, tt.want)
			}
		})
	}
}
