package table_test

import (
	"bytes"
	"strings"
	"testing"

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
