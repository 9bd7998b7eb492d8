package findings_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
)

func TestFromScan(t *testing.T) {
	r := reporttest.Sample()
	// The same advisory in a second package, rated higher there.
	v := r.Vulnerabilities[len(r.Vulnerabilities)-1] // GO-2021-0113, unknown
	v.Package.Name, v.Severity = "golang.org/x/text-fork", advisory.High
	r.Vulnerabilities = append(r.Vulnerabilities, v)
	r.Normalize()
	d := findings.FromScan(r)

	type rule struct {
		ID    string
		Level findings.Level
		Score float64
	}
	var rules []rule
	for _, ru := range d.Rules {
		rules = append(rules, rule{ru.ID, ru.Level, ru.Score})
	}
	want := []rule{
		{"BW-MISCONFIG-ROOT", findings.Warning, 5.5}, {"BW-MISCONFIG-SSH-PORT", findings.Note, 2},
		{"BW-SECRET-AWS", findings.Error, 9.5}, {"BW-SECRET-PRIVATE-KEY", findings.Error, 8},
		{"CVE-2023-45853", findings.Error, 9.8}, {"DSA-5417-1", findings.Warning, 5.5}, {"DSA-5532-1", findings.Error, 7.5},
		{"GHSA-67hx-6x53-jw92", findings.Note, 2}, {"GO-2021-0113", findings.Error, 8}, {"GO-2024-2598", findings.Warning, 5.5},
		{"PYSEC-2020-176", findings.Warning, 5.5},
	}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if got := d.Counts(); !cmp.Equal(got, []int{2, 2, 2, 2, 1}) {
		t.Errorf("counts by severity %v (suppressed ones must not count)", got)
	}
	var suppressed, noted int
	for _, res := range d.Results {
		if len(res.Cells) != len(d.Columns) {
			t.Errorf("%s: %d cells for %d columns", res.RuleID, len(res.Cells), len(d.Columns))
		}
		if res.Cells[d.SeverityColumn] != res.Severity {
			t.Errorf("%s: severity column holds %q", res.RuleID, res.Cells[d.SeverityColumn])
		}
		if res.Suppressed != "" {
			suppressed++
			if res.Outcome != findings.Skip {
				t.Errorf("%s: suppressed but outcome %s", res.RuleID, res.Outcome)
			}
		}
		if res.Note != "" {
			noted++
		}
	}
	if suppressed != 3 || noted != 2 {
		t.Errorf("%d suppressed, %d noted results; want 3 and 2", suppressed, noted)
	}
	if d.Rank("critical") != 0 || d.Rank("unknown") != 4 || d.Rank("bogus") != 5 {
		t.Error("rank of scale labels")
	}
}

func TestSuppressionText(t *testing.T) {
	for _, tt := range []struct {
		s    report.Suppression
		want string
	}{
		{report.Suppression{Kind: "ignore", Reason: "r", Source: "f.yaml"}, "ignored: r [f.yaml]"},
		{report.Suppression{Kind: "ignore", Reason: "r", Expires: "2027-01-01"}, "ignored until 2027-01-01: r"},
		{report.Suppression{Kind: "ignore", Reason: "r", Expires: "2020-01-01", Expired: true}, "ignore entry expired on 2020-01-01: r"},
		{report.Suppression{Kind: "vex", Status: "fixed"}, "VEX fixed"},
		{report.Suppression{Kind: "vex", Status: "not_affected", Justification: "component_not_present", Reason: "gone"}, "VEX not_affected (component_not_present): gone"},
	} {
		if got := findings.SuppressionText(&tt.s); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.s, got, tt.want)
		}
	}
}
