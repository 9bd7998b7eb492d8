package export

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/html"
	"github.com/bulwark-sec/bulwark/internal/report/junit"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/sarif"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func sampleReport() bench.Report {
	mk := func(id, section string, level int, scored bool, o bench.Outcome) bench.Check {
		return bench.Check{ID: id, Section: section, Title: "title of " + id, Level: level, Scored: scored, Automated: true,
			Remediation: "fix " + id, Eval: func(*facts.Snapshot) bench.Outcome { return o }}
	}
	checks := []bench.Check{
		mk("1.1.1", "1 Host configuration", 1, true, bench.Outcome{Status: bench.Pass, Details: "own mount"}),
		mk("2.9", "2 Docker daemon configuration", 2, true, bench.Outcome{Status: bench.Warn, Details: "off"}),
		mk("5.4", "5 Container runtime", 1, true, bench.Outcome{Status: bench.Warn, Details: "1 of 2 containers",
			Items: []string{`web: adds SYS_ADMIN <&"'>`}}),
		mk("5.23", "5 Container runtime", 2, false, bench.Outcome{Status: bench.Note, Details: "review"}),
		mk("7.1", "7 Docker Swarm configuration", 1, true, bench.Outcome{Status: bench.Info, Details: "swarm off"}),
		mk("1.1.3", "1 Host configuration", 1, true, bench.Outcome{Status: bench.Skip, Details: "rules unreadable"}),
	}
	s := &facts.Snapshot{GatheredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s.Engine.Info.Name = "host1"
	rep := bench.Run(checks, bench.Selection{}, s)
	rep.Tool = bench.Tool{Name: "bulwark", Version: "test"}
	return rep
}

func TestDocument(t *testing.T) {
	d := Document(sampleReport())
	type row struct {
		ID, Severity string
		Level        findings.Level
		Outcome      findings.Outcome
		RuleLevel    findings.Level
	}
	var got []row
	for i, r := range d.Results {
		got = append(got, row{r.RuleID, r.Severity, r.Level, r.Outcome, d.Rules[i].Level})
	}
	want := []row{
		{"1.1.1", "pass", findings.None, findings.Pass, findings.Error},
		{"1.1.3", "skip", findings.Note, findings.Skip, findings.Error},
		{"2.9", "warn", findings.Warning, findings.Fail, findings.Warning},
		{"5.4", "warn", findings.Warning, findings.Fail, findings.Error},
		{"5.23", "note", findings.Note, findings.Skip, findings.Warning},
		{"7.1", "info", findings.None, findings.Skip, findings.Error},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if d.Subject != "host1" || d.Kind != "benchmark" || d.Results[3].Message != `1 of 2 containers: web: adds SYS_ADMIN <&"'>` {
		t.Errorf("subject %q kind %q message %q", d.Subject, d.Kind, d.Results[3].Message)
	}
	if diff := cmp.Diff([]int{2, 1, 1, 1, 1}, d.Counts()); diff != "" {
		t.Errorf("counts per status (-want +got):\n%s", diff)
	}
}

func TestSARIFValidates(t *testing.T) {
	var out bytes.Buffer
	if err := sarif.Write(&out, Document(sampleReport())); err != nil {
		t.Fatal(err)
	}
	reporttest.Validate(t, out.Bytes(), reporttest.Schema{
		URL:  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		Path: testutil.Shared(t, "schemas/sarif-2.1.0.schema.json"),
	})
}

func TestJUnitCounts(t *testing.T) {
	var out bytes.Buffer
	if err := junit.Write(&out, Document(sampleReport())); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(out.Bytes(), &suites); err != nil {
		t.Fatalf("junit is not XML: %v\n%s", err, out.String())
	}
	if suites.Tests != 6 || suites.Failures != 2 || suites.Skipped != 3 {
		t.Errorf("tests/failures/skipped = %d/%d/%d, want 6/2/3", suites.Tests, suites.Failures, suites.Skipped)
	}
}

func TestHTML(t *testing.T) {
	var out bytes.Buffer
	if err := html.Write(&out, Document(sampleReport())); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, want := range []string{"CIS Docker Benchmark v1.6.0 on host1", "5.4", "&lt;&amp;"} {
		if !strings.Contains(page, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(page, `<&"'>`) {
		t.Error("html does not escape item text")
	}
}
