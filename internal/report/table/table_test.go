package table_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/table"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func TestTable(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    table.Options
	}{
		{"plain", table.Options{}},
		{"color", table.Options{Color: true}},
		{"packages", table.Options{Packages: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := table.Write(&buf, reporttest.Sample(), tt.o); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			testutil.Golden(t, "testdata/"+tt.name+".txt.golden", buf.Bytes())
			if hasESC := strings.Contains(out, "\x1b["); hasESC != tt.o.Color {
				t.Errorf("colour codes present: %v, want %v", hasESC, tt.o.Color)
			}
			if tt.o.Packages {
				return
			}
			for _, want := range []string{"2 suppressed", "2 filtered out", "\ndeb (2)\n", "\nSuppressed (3)\n",
				"ignore entry expired on 2026-01-31", "VEX not_affected (vulnerable_code_not_in_execute_path)"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q", want)
				}
			}
		})
	}
}

// TestNotChecked: packages that were not checked are said on the summary
// line, instead of a count that would read as clean.
func TestNotChecked(t *testing.T) {
	var buf bytes.Buffer
	if err := table.Write(&buf, reporttest.Partial(), table.Options{}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "testdata/partial.txt.golden", buf.Bytes())
	if !strings.Contains(buf.String(), "\nVulnerabilities: 3 (critical 0, high 0, medium 1, low 1, unknown 1), 1 suppressed, 2 filtered out; not checked for 2 of 7 packages (no data for Debian 12)\n") {
		t.Errorf("partial coverage not on the summary line:\n%s", buf.String())
	}
	none := reporttest.Partial()
	none.Vulnerabilities, none.Suppressed = nil, nil
	none.Coverage.SetMatched(report.PackageCounts{NotChecked: 7}, []report.Gap{{Status: report.NotChecked, Reason: "no data for Debian 12", Count: 7}})
	none.Normalize()
	buf.Reset()
	table.Write(&buf, none, table.Options{})
	if !strings.Contains(buf.String(), "\nVulnerabilities: not checked for 7 of 7 packages (no data for Debian 12), 2 filtered out\n") {
		t.Errorf("no package checked, but the summary line says:\n%s", buf.String())
	}
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := table.Write(&buf, r, table.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
