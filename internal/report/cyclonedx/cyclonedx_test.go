package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// Schemas are the CycloneDX 1.6 schema files, by the URLs the main schema
// uses to reference the others.
var Schemas = []reporttest.Schema{
	{URL: "http://cyclonedx.org/schema/bom-1.6.schema.json", Path: "testdata/bom-1.6.SNAPSHOT.schema.json"},
	{URL: "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json", Path: "testdata/spdx.SNAPSHOT.schema.json"},
	{URL: "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json", Path: "testdata/jsf-0.82.SNAPSHOT.schema.json"},
}

func render(t testing.TB, r *report.Report, o cyclonedx.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := cyclonedx.Write(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSchemaAndGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    *report.Report
		o    cyclonedx.Options
	}{
		{"sample", reporttest.Sample(), cyclonedx.Options{}},
		{"sample-sbom", reporttest.Sample(), cyclonedx.Options{NoVulnerabilities: true}},
		{"partial", reporttest.Partial(), cyclonedx.Options{}},
		{"empty", &report.Report{Tool: report.Tool{Name: "bulwark"}, CreatedAt: reporttest.Created, Target: report.Target{Name: "/tmp/rootfs", Kind: "dir"}}, cyclonedx.Options{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Normalize()
			out := render(t, tt.r, tt.o)
			reporttest.Validate(t, out, Schemas...)
			testutil.Golden(t, "testdata/"+tt.name+".cdx.json.golden", reporttest.Redact(out))
		})
	}
}

func TestVulnerabilities(t *testing.T) {
	var bom struct {
		Vulnerabilities []struct {
			ID       string `json:"id"`
			Analysis *struct {
				State, Justification, Detail string
				Response                     []string
			} `json:"analysis"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
		} `json:"vulnerabilities"`
		Components []struct {
			Ref string `json:"bom-ref"`
		} `json:"components"`
	}
	if err := json.Unmarshal(render(t, reporttest.Sample(), cyclonedx.Options{Serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"}), &bom); err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	for _, c := range bom.Components {
		refs[c.Ref] = true
	}
	type got struct{ ID, State, Justification, Response string }
	var gs []got
	for _, v := range bom.Vulnerabilities {
		for _, a := range v.Affects {
			if !refs[a.Ref] {
				t.Errorf("%s affects %q, which is no component", v.ID, a.Ref)
			}
		}
		g := got{ID: v.ID}
		if a := v.Analysis; a != nil {
			g.State, g.Justification = a.State, a.Justification
			if len(a.Response) > 0 {
				g.Response = a.Response[0]
			}
		}
		gs = append(gs, g)
	}
	want := []got{
		{ID: "CVE-2023-45853"}, {ID: "DSA-5532-1"}, {ID: "PYSEC-2020-176"}, {ID: "GHSA-67hx-6x53-jw92"}, {ID: "GO-2021-0113"},
		{ID: "DSA-5417-1", Response: "will_not_fix"},
		{ID: "GO-2024-2598", State: "not_affected", Justification: "code_not_reachable"},
	}
	if d := cmp.Diff(want, gs); d != "" {
		t.Errorf("vulnerabilities (-want +got):\n%s", d)
	}
}

func TestRefsUnique(t *testing.T) {
	r := reporttest.Sample()
	r.Packages = append(r.Packages, r.Packages[0], r.Packages[0])
	refs := cyclonedx.Refs(r.Packages)
	seen := map[string]bool{}
	for _, ref := range refs {
		if seen[ref] {
			t.Errorf("duplicate bom-ref %s", ref)
		}
		seen[ref] = true
	}
	reporttest.Validate(t, render(t, r, cyclonedx.Options{}), Schemas...)
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := cyclonedx.Write(&buf, r, cyclonedx.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// TestSameAsLibraryEncoder: the streamed output is byte for byte what
// cyclonedx-go's own encoder writes.
func TestSameAsLibraryEncoder(t *testing.T) {
	r := reporttest.Sample()
	o := cyclonedx.Options{Serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"}
	var want bytes.Buffer
	enc := cdx.NewBOMEncoder(&want, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.Encode(cyclonedx.Build(r, o)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want.String(), string(render(t, r, o))); d != "" {
		t.Errorf("(-library +ours):\n%s", d)
	}
}
