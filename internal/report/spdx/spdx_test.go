package spdx_test

import (
	"bytes"
	"testing"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

var schema = reporttest.Schema{URL: "http://spdx.org/rdf/terms/2.3", Path: "testdata/spdx-2.3.schema.json"}

func render(t testing.TB, r *report.Report, o spdx.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := spdx.Write(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSchemaAndGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    *report.Report
		o    spdx.Options
	}{
		{"sample", reporttest.Sample(), spdx.Options{}},
		{"sample-sbom", reporttest.Sample(), spdx.Options{NoVulnerabilities: true}},
		{"partial", reporttest.Partial(), spdx.Options{}},
		{"empty", &report.Report{Tool: report.Tool{Name: "bulwark"}, CreatedAt: reporttest.Created, Target: report.Target{Name: "/tmp/rootfs", Kind: "dir"}}, spdx.Options{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Normalize()
			out := render(t, tt.r, tt.o)
			reporttest.Validate(t, out, schema)
			testutil.Golden(t, "testdata/"+tt.name+".spdx.json.golden", reporttest.Redact(out))
			// The SPDX project's own library reads it back and finds the
			// described package.
			doc, err := spdxjson.Read(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Packages) != len(tt.r.Packages)+1+map[bool]int{true: 1}[tt.r.OS != nil] {
				t.Errorf("%d packages read back, report has %d", len(doc.Packages), len(tt.r.Packages))
			}
			described, err := spdxlib.GetDescribedPackageIDs(doc)
			if err != nil || len(described) != 1 || described[0] != "Target" {
				t.Errorf("described packages %v, %v", described, err)
			}
		})
	}
}

// TestSameAsLibraryWriter: the streamed output is byte for byte what
// tools-golang's writer produces.
func TestSameAsLibraryWriter(t *testing.T) {
	r := reporttest.Sample()
	o := spdx.Options{Namespace: "https://example.com/spdx/1"}
	var want bytes.Buffer
	if err := spdxjson.Write(spdx.Build(r, o), &want, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		t.Fatal(err)
	}
	if got := render(t, r, o); !bytes.Equal(want.Bytes(), got) {
		t.Errorf("output differs from tools-golang's writer:\n%s\n---\n%s", want.Bytes(), got)
	}
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := spdx.Write(&buf, r, spdx.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
