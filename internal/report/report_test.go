package report_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// schema is the project's JSON Schema of the json report.
func schema(t testing.TB) reporttest.Schema {
	return reporttest.Schema{URL: "https://github.com/bulwark-sec/bulwark/docs/report-schema.json",
		Path: filepath.Join(testutil.RepoRoot(t), "docs", "report-schema.json")}
}

func TestJSONValidatesAgainstSchema(t *testing.T) {
	empty := &report.Report{SchemaVersion: report.SchemaVersion, Tool: report.Tool{Name: "bulwark", Version: "v1"},
		CreatedAt: reporttest.Created, Target: report.Target{Name: "x", Kind: "dir"}}
	empty.Normalize()
	for name, r := range map[string]*report.Report{"sample": reporttest.Sample(), "empty": empty, "large": reporttest.Large(50)} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteJSON(&buf, r); err != nil {
				t.Fatal(err)
			}
			reporttest.Validate(t, buf.Bytes(), schema(t))
		})
	}
}

// TestSchemaRejects makes sure the schema is not vacuous.
func TestSchemaRejects(t *testing.T) {
	var buf bytes.Buffer
	report.WriteJSON(&buf, reporttest.Sample())
	for _, bad := range []struct{ from, to string }{
		{`"severity": "high"`, `"severity": "severe"`},
		{`"schema_version": "` + report.SchemaVersion + `"`, `"schema_version": "3.0.0"`},
		{`"assessed": "full"`, `"assessed": true`},
		{`"status": "unsupported"`, `"status": "checked"`},
		{`"kind": "vex"`, `"kind": "waiver"`},
		{`"filtered": 2`, `"filtered": -1`},
	} {
		doc := strings.Replace(buf.String(), bad.from, bad.to, 1)
		if doc == buf.String() {
			t.Fatalf("sample has no %s", bad.from)
		}
		ft := &fakeT{TB: t}
		reporttest.Validate(ft, []byte(doc), schema(t))
		if !ft.failed {
			t.Errorf("schema accepts %s", bad.to)
		}
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }

func TestReadJSONRoundTrip(t *testing.T) {
	want := reporttest.Sample()
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := report.ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestReadJSONErrors(t *testing.T) {
	for name, tt := range map[string]struct {
		in      string
		notRept bool
	}{
		"not json":      {"hello", true},
		"other json":    {`{"bomFormat":"CycloneDX"}`, true},
		"array":         {`[1,2]`, true},
		"future major":  {`{"schema_version":"3.0.0","target":{"name":"x"}}`, false},
		"bad assessed":  {`{"schema_version":"2.0.0","target":{"name":"x"},"coverage":{"assessed":"most"}}`, false},
		"bad field":     {`{"schema_version":"1.0.0","target":{"name":"x"},"packages":"many"}`, false},
		"empty":         {``, true},
		"schema, no tg": {`{"schema_version":"1.0.0"}`, true},
	} {
		_, err := report.ReadJSON(strings.NewReader(tt.in))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if errors.Is(err, report.ErrNotReport) != tt.notRept {
			t.Errorf("%s: %v (ErrNotReport: %v)", name, err, errors.Is(err, report.ErrNotReport))
		}
	}
	// A 1.0.0 report (before suppression existed) still reads.
	r, err := report.ReadJSON(strings.NewReader(`{"schema_version":"1.0.0","tool":{"name":"bulwark","version":"v0"},"target":{"name":"x","kind":"dir"},"packages":[],"vulnerabilities":[{"id":"CVE-1","severity":"high","package":{"name":"a"}}]}`))
	if err != nil || len(r.Vulnerabilities) != 1 || r.Summary.BySeverity["high"] != 1 {
		t.Errorf("1.0.0 report: %v %+v", err, r)
	}
}

func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	report.WriteJSON(&buf, reporttest.Sample())
	f.Add(buf.String())
	f.Add(`{"schema_version":"1.0.0","target":{}}`)
	f.Add(`{"schema_version":"1.9.9","target":{"name":"x"},"vulnerabilities":[{"aliases":null}]}`)
	buf.Reset()
	report.WriteJSON(&buf, reporttest.Partial())
	f.Add(buf.String())
	f.Add(`{"schema_version":"1.3.0","target":{"name":"x"},"coverage":{"assessed":true,"vulnerability_data":"matched; no advisory data for Debian:12 (88 packages), crates.io (1 package)"},"packages":[{"name":"a","type":"deb"}]}`)
	f.Add(`{"schema_version":"2.0.0","target":{"name":"x"},"coverage":{"assessed":"full","matching":"matched","package_status":{"checked":-1,"not_checked":3},"gaps":[{"status":"not_checked","count":-5}]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := report.ReadJSON(strings.NewReader(s))
		if err != nil {
			return
		}
		switch r.Coverage.Assessed {
		case report.AssessedFull, report.AssessedPartial, report.AssessedNone:
		default:
			t.Fatalf("assessed %q", r.Coverage.Assessed)
		}
		var out bytes.Buffer
		if err := report.WriteJSON(&out, r); err != nil {
			t.Fatal(err)
		}
		// What was read back reads back the same.
		again, err := report.ReadJSON(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written report does not read back: %v", err)
		}
		if again.Coverage.Assessed != r.Coverage.Assessed || again.Coverage.VulnerabilityData != r.Coverage.VulnerabilityData {
			t.Fatalf("coverage %q %q read back as %q %q", r.Coverage.Assessed, r.Coverage.VulnerabilityData, again.Coverage.Assessed, again.Coverage.VulnerabilityData)
		}
	})
}
