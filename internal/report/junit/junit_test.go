package junit_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/junit"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Type string `xml:"type,attr"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func render(t testing.TB, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := junit.Write(&buf, findings.FromScan(r)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJUnit(t *testing.T) {
	r := reporttest.Sample()
	out := render(t, r)
	testutil.Golden(t, "testdata/sample.xml.golden", out)
	var p parsed
	if err := xml.Unmarshal(out, &p); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if p.Tests != 12 || p.Failures != 8 || p.Skipped != 3 {
		t.Errorf("tests %d failures %d skipped %d, want 12 8 3", p.Tests, p.Failures, p.Skipped)
	}
	type tc struct{ Suite, Case, Failure, Skipped string }
	var got []tc
	for _, s := range p.Suites {
		for _, c := range s.Cases {
			x := tc{Suite: s.Name, Case: c.Name}
			if c.Failure != nil {
				x.Failure = c.Failure.Type
			}
			if c.Skipped != nil {
				x.Skipped = c.Skipped.Message
			}
			got = append(got, x)
		}
	}
	want := []tc{
		{"coverage", "packages checked for vulnerabilities", "", ""},
		{"@babel/traverse 7.20.0 (npm)", "GHSA-67hx-6x53-jw92 (CVE-2023-45133)", "low", ""},
		{"PyYAML 5.3 (python)", "PYSEC-2020-176 (CVE-2020-14343)", "medium", ""},
		{"golang.org/x/text v0.3.5 (go-module)", "GO-2021-0113 (CVE-2021-38561)", "unknown", ""},
		{"libssl3 3.0.11-1~deb12u1 (deb)", "DSA-5532-1 (CVE-2023-5363)", "high", ""},
		{"libssl3 3.0.11-1~deb12u1 (deb)", "DSA-5417-1 (CVE-2023-2650)", "", "ignored until 2030-12-31: accepted until the base image moves [.bulwarkignore.yaml]"},
		{"misconfig", "BW-MISCONFIG-ROOT config User", "medium", ""},
		{"misconfig", "BW-MISCONFIG-SSH-PORT config ExposedPorts", "low", ""},
		{"secret", "BW-SECRET-AWS srv/app/.env:3", "critical", ""},
		{"secret", "BW-SECRET-PRIVATE-KEY srv/app/test/fixtures/key.pem:1", "", "ignored: throw-away test key [.bulwarkignore.yaml]"},
		{"stdlib 1.22.1 (golang-stdlib)", "GO-2024-2598 (CVE-2024-24783)", "", "VEX not_affected (vulnerable_code_not_in_execute_path): x509 verification is not used [app.openvex.json]"},
		{"zlib1g 1:1.2.13.dfsg-1 (deb)", "CVE-2023-45853", "critical", ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cases (-want +got):\n%s", d)
	}
}

func TestCleanPasses(t *testing.T) {
	r := &report.Report{Target: report.Target{Name: "scratch"}, Coverage: report.Coverage{OSDetected: true}}
	r.Coverage.SetMatched(report.PackageCounts{}, nil)
	r.Normalize()
	var p parsed
	if err := xml.Unmarshal(render(t, r), &p); err != nil {
		t.Fatal(err)
	}
	if p.Tests != 2 || p.Failures != 0 || len(p.Suites) != 2 || p.Suites[0].Name != "coverage" || p.Suites[1].Cases[0].Failure != nil {
		t.Errorf("clean report: %+v", p)
	}
}

// TestNotCheckedFails: packages not checked for vulnerabilities fail the
// coverage case, and the coverage is in the suite's properties.
func TestNotCheckedFails(t *testing.T) {
	out := render(t, reporttest.Partial())
	testutil.Golden(t, "testdata/partial.xml.golden", out)
	var p struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name       string `xml:"name,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	s := p.Suites[0]
	if s.Name != "coverage" || len(s.Cases) != 1 || s.Cases[0].Failure == nil ||
		s.Cases[0].Failure.Message != "Vulnerabilities not checked for 2 of 7 packages (no data for Debian 12)" {
		t.Fatalf("coverage suite %+v", s)
	}
	props := map[string]string{}
	for _, pr := range s.Properties {
		props[pr.Name] = pr.Value
	}
	if props["bulwark.coverage.assessed"] != "partial" || props["bulwark.coverage.not_checked"] != "2" {
		t.Errorf("properties %v", props)
	}
	// Three vulnerabilities, three other findings, the coverage case.
	if p.Failures != 3+3+1 {
		t.Errorf("%d failures", p.Failures)
	}
}

func TestControlCharacters(t *testing.T) {
	r := reporttest.Sample()
	r.Vulnerabilities[0].Title = "bad \x00\x1b[31m bytes ]]> </failure>"
	var p parsed
	if err := xml.Unmarshal(render(t, r), &p); err != nil {
		t.Fatalf("output with control characters is not XML: %v", err)
	}
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := junit.Write(&buf, findings.FromScan(r)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
