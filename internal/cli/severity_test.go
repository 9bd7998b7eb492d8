package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestSeverityAndExploitContext scans the demo image through the binary
// with the bundled advisories (DSA list, CVE records, NVD records, EPSS
// scores) and a KEV catalog listing one of its CVEs: every finding has a
// severity, joined from the CVE records by alias; the CVE ids stand beside
// the DSA ids in every format; --fail-on kev and epss>=P gate on the
// exploit context.
func TestSeverityAndExploitContext(t *testing.T) {
	t.Parallel()
	root := testutil.RepoRoot(t)
	demo := filepath.Join(root, "testdata", "demo")
	feeds := copyDir(t, filepath.Join(demo, "advisories"))
	// A catalog in CISA's format that lists zlib's CVE.
	kev := `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.08.25","dateReleased":"2025-08-25T17:04:19.9796Z","count":1,
"vulnerabilities":[{"cveID":"CVE-2022-37434","vendorProject":"zlib","product":"zlib","vulnerabilityName":"zlib Heap-Based Buffer Over-read","dateAdded":"2025-01-15",
"shortDescription":"zlib through 1.2.12 has a heap-based buffer over-read.","requiredAction":"Apply mitigations per vendor instructions.","dueDate":"2025-02-05","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-787"]}]}`
	os.MkdirAll(filepath.Join(feeds, "kev"), 0o755)
	os.WriteFile(filepath.Join(feeds, "kev", "known_exploited_vulnerabilities.json"), []byte(kev), 0o644)
	db := filepath.Join(t.TempDir(), "bulwark.db")
	if r := run(t, "db", "import", "--db", db, feeds); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	img := filepath.Join(demo, "demo-image.tar")
	scanArgs := func(extra ...string) []string {
		return append([]string{"scan", "--db", db, "--scanners", "vuln"}, append(extra, img)...)
	}

	r := run(t, scanArgs("--format", "json")...)
	if r.code != 0 {
		t.Fatalf("scan: %d %s", r.code, r.stderr)
	}
	reporttest.Validate(t, []byte(r.stdout), schemas(t)["json"]...)
	var rep struct {
		SchemaVersion   string `json:"schema_version"`
		Vulnerabilities []struct {
			ID             string   `json:"id"`
			Aliases        []string `json:"aliases"`
			Severity       string   `json:"severity"`
			SeveritySource string   `json:"severity_source"`
			KnownExploited bool     `json:"known_exploited"`
			KEV            *struct {
				DateAdded string `json:"date_added"`
				DueDate   string `json:"due_date"`
			} `json:"kev"`
			EPSS *struct {
				Score float64 `json:"score"`
			} `json:"epss"`
		} `json:"vulnerabilities"`
		Summary struct {
			KnownExploited  int `json:"known_exploited"`
			UnknownSeverity int `json:"unknown_severity"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"DSA-5203-1": {"high", "CVSS_V3 7.5 (CVE-2022-2509 CISA-ADP)"},
		"DSA-5218-1": {"critical", "CVSS_V3 9.8 (CVE-2022-37434 NVD)"},
		"DSA-5122-1": {"high", "CVSS_V3 8.8 (CVE-2022-1271 CNA via NVD)"},
		"DSA-5349-1": {"high", "CVSS_V3 7.4 (CVE-2023-0361 CISA-ADP)"},
		"DSA-5055-1": {"medium", "CVSS_V3 5.5 (CVE-2021-3996 CISA-ADP)"},
	}
	for _, v := range rep.Vulnerabilities {
		if w, ok := want[v.ID]; ok && (v.Severity != w[0] || v.SeveritySource != w[1]) {
			t.Errorf("%s: severity %s from %q, want %s from %q", v.ID, v.Severity, v.SeveritySource, w[0], w[1])
		}
		if v.Severity == "unknown" {
			t.Errorf("%s has no severity", v.ID)
		}
		if (v.ID == "DSA-5218-1") != v.KnownExploited {
			t.Errorf("%s: known_exploited %v", v.ID, v.KnownExploited)
		}
		if v.ID == "DSA-5218-1" && (v.KEV == nil || v.KEV.DateAdded != "2025-01-15" || v.KEV.DueDate != "2025-02-05" || v.EPSS == nil || v.EPSS.Score != 0.08231) {
			t.Errorf("%s: kev %+v epss %+v", v.ID, v.KEV, v.EPSS)
		}
	}
	if len(rep.Vulnerabilities) != 7 || rep.Summary.KnownExploited != 1 || rep.Summary.UnknownSeverity != 0 || rep.SchemaVersion != report.SchemaVersion {
		t.Errorf("%d findings, summary %+v, schema %s", len(rep.Vulnerabilities), rep.Summary, rep.SchemaVersion)
	}

	// CVE ids beside the DSA ids wherever a person reads.
	for format, wants := range map[string][]string{
		"table": {"DSA-5203-1 (CVE-2022-2509)", "DSA-5218-1 (CVE-2022-37434)", "critical KEV", "1 known exploited (KEV)"},
		"junit": {`name="DSA-5203-1 (CVE-2022-2509)"`},
		"sarif": {`"name": "DSA-5203-1 (CVE-2022-2509)"`, `"known_exploited": "true"`},
		"html":  {"<td>DSA-5203-1 (CVE-2022-2509)</td>"},
	} {
		r := run(t, scanArgs("--format", format)...)
		for _, w := range wants {
			if r.code != 0 || !strings.Contains(r.stdout, w) {
				t.Errorf("%s (exit %d) lacks %q", format, r.code, w)
			}
		}
	}

	for _, tt := range []struct {
		failOn string
		code   int
		stderr string
	}{
		{"kev", 1, "known exploited (CISA KEV): DSA-5218-1"},
		{"epss>=0.5", 0, ""},
		{"epss>=0.08", 1, "EPSS score of at least 0.08: DSA-5218-1"},
		{"critical", 1, "2 vulnerabilities at or above critical"},
		{"epss>=2", 2, "epss>=P"},
		{"epss>=x", 2, "epss>=P"},
	} {
		r := run(t, scanArgs("--format", "json", "--fail-on", tt.failOn)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("--fail-on %s: exit %d, stderr %q; want %d and %q", tt.failOn, r.code, r.stderr, tt.code, tt.stderr)
		}
	}

	// diff gates on the exploit context of what was introduced: against
	// the same report nothing was; against one without vulnerabilities the
	// known-exploited zlib finding was.
	same := filepath.Join(t.TempDir(), "same.json")
	os.WriteFile(same, []byte(r.stdout), 0o644)
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	raw["vulnerabilities"] = []any{}
	clean, _ := json.Marshal(raw)
	older := filepath.Join(t.TempDir(), "older.json")
	os.WriteFile(older, clean, 0o644)
	for _, tt := range []struct {
		old, failOn string
		code        int
	}{
		{same, "kev", 0},
		{older, "kev", 1},
		{older, "epss>=0.5", 0},
		{older, "epss>=0.08", 1},
	} {
		r := run(t, "diff", "--db", db, "--fail-on", tt.failOn, tt.old, img)
		if r.code != tt.code {
			t.Errorf("diff --fail-on %s against %s: exit %d (%s), want %d", tt.failOn, filepath.Base(tt.old), r.code, r.stderr, tt.code)
		}
	}
}

// TestDemoWithSharedAdvisories: the demo image against a database imported
// from all of ../shared/advisories. Findings whose CVE records carry a
// rating have a severity (DSA-5203-1 from CVE-2022-2509's CISA ADP CVSS 7.5);
// only those whose records carry none (gzip's, dpkg's and zlib's CVEs have
// no metrics in the CVE List copies there) stay unknown.
func TestDemoWithSharedAdvisories(t *testing.T) {
	t.Parallel()
	shared := testutil.Shared(t, "advisories")
	db := filepath.Join(t.TempDir(), "bulwark.db")
	if r := run(t, "db", "import", "--db", db, shared); r.code != 0 {
		t.Fatalf("db import: %d %s", r.code, r.stderr)
	}
	img := filepath.Join(testutil.RepoRoot(t), "testdata", "demo", "demo-image.tar")
	r := run(t, "scan", "--db", db, "--scanners", "vuln", "--format", "json", img)
	var rep struct {
		Vulnerabilities []struct {
			ID             string `json:"id"`
			Severity       string `json:"severity"`
			SeveritySource string `json:"severity_source"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
		t.Fatalf("scan: exit %d, %v: %s", r.code, err, r.stderr)
	}
	unratedRecords := map[string]bool{"DSA-5122-1": true, "DSA-5147-1": true, "DSA-5218-1": true}
	for _, v := range rep.Vulnerabilities {
		if (v.Severity == "unknown") != unratedRecords[v.ID] {
			t.Errorf("%s: severity %s (%s)", v.ID, v.Severity, v.SeveritySource)
		}
		if v.ID == "DSA-5203-1" && (v.Severity != "high" || v.SeveritySource != "CVSS_V3 7.5 (CVE-2022-2509 CISA-ADP)") {
			t.Errorf("DSA-5203-1: %s from %q", v.Severity, v.SeveritySource)
		}
	}
	r = run(t, "scan", "--db", db, "--scanners", "vuln", "--format", "table", img)
	for _, w := range []string{"DSA-5203-1 (CVE-2022-2509)", "DSA-5218-1 (CVE-2022-37434)", "DSA-5343-1 (CVE-2022-2097, CVE-2022-4304, +3)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("table lacks %q:\n%s", w, r.stdout)
		}
	}
}
