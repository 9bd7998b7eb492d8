package sarif_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/sarif"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

var schema = reporttest.Schema{URL: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", Path: "testdata/sarif-2.1.0.schema.json"}

// render writes r as SARIF.
func render(t testing.TB, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sarif.Write(&buf, findings.FromScan(r)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSchemaAndGolden(t *testing.T) {
	for name, r := range map[string]*report.Report{
		"sample":  reporttest.Sample(),
		"partial": reporttest.Partial(),
		"empty":   {Tool: report.Tool{Name: "bulwark", Version: "v1"}, Target: report.Target{Name: "scratch:latest", Kind: "docker"}},
	} {
		t.Run(name, func(t *testing.T) {
			r.Normalize()
			out := render(t, r)
			reporttest.Validate(t, out, schema)
			testutil.Golden(t, "testdata/"+name+".sarif.golden", out)
			if !bytes.Equal(out, render(t, r)) {
				t.Error("two renderings differ")
			}
		})
	}
}

// TestContent checks what dashboards rely on: one rule per advisory with a
// numeric security-severity, results pointing at their rule, locations
// always present, suppressed findings carried as suppressions.
func TestContent(t *testing.T) {
	r := reporttest.Sample()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string `json:"ruleId"`
				RuleIndex    int    `json:"ruleIndex"`
				Level        string `json:"level"`
				Locations    []any  `json:"locations"`
				Suppressions []struct {
					Kind, Justification string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, r), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got, want := len(run.Results), len(r.Vulnerabilities)+len(r.Suppressed)+len(r.Findings)+len(r.SuppressedFindings); got != want {
		t.Fatalf("%d results, want %d", got, want)
	}
	type res struct {
		Rule, Level string
		Suppressed  bool
	}
	var got []res
	for _, x := range run.Results {
		if run.Tool.Driver.Rules[x.RuleIndex].ID != x.RuleID {
			t.Errorf("result %s points at rule %d (%s)", x.RuleID, x.RuleIndex, run.Tool.Driver.Rules[x.RuleIndex].ID)
		}
		if len(x.Locations) == 0 {
			t.Errorf("result %s has no location", x.RuleID)
		}
		got = append(got, res{x.RuleID, x.Level, len(x.Suppressions) > 0})
	}
	want := []res{
		{"CVE-2023-45853", "error", false}, {"DSA-5532-1", "error", false}, {"PYSEC-2020-176", "warning", false},
		{"GHSA-67hx-6x53-jw92", "note", false}, {"GO-2021-0113", "note", false},
		{"DSA-5417-1", "warning", true}, {"GO-2024-2598", "warning", true},
		{"BW-SECRET-AWS", "error", false}, {"BW-MISCONFIG-ROOT", "warning", false}, {"BW-MISCONFIG-SSH-PORT", "note", false},
		{"BW-SECRET-PRIVATE-KEY", "error", true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	for _, rule := range run.Tool.Driver.Rules {
		if rule.ID == "CVE-2023-45853" && rule.Properties["security-severity"] != "9.8" {
			t.Errorf("critical rule security-severity = %v", rule.Properties["security-severity"])
		}
	}
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := sarif.Write(&buf, findings.FromScan(r)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
