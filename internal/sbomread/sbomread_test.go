package sbomread_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/sbomread"
)

// TestOwnRoundTrip: Bulwark's own SBOMs give back exactly the packages
// and OS of the report they were made from.
func TestOwnRoundTrip(t *testing.T) {
	r := reporttest.Sample()
	for _, format := range []string{"cyclonedx", "spdx-json", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			switch format {
			case "cyclonedx":
				cyclonedx.Write(&buf, r, cyclonedx.Options{})
			case "spdx-json":
				spdx.Write(&buf, r, spdx.Options{})
			case "json":
				report.WriteJSON(&buf, r)
			}
			doc, err := sbomread.Parse(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(r.Packages, doc.Packages, cmpopts.IgnoreFields(sbom.Package{}, "Symbols")); d != "" {
				t.Errorf("packages (-report +sbom):\n%s", d)
			}
			if d := cmp.Diff(r.OS, doc.OS); d != "" {
				t.Errorf("OS (-report +sbom):\n%s", d)
			}
			if doc.Subject != r.Target.Name || doc.ID != r.Target.ID || doc.Skipped != 0 {
				t.Errorf("subject %q id %q skipped %d", doc.Subject, doc.ID, doc.Skipped)
			}
		})
	}
}

// TestInventory: a file of each readable format, told apart by its
// content alone, becomes an inventory report that says where its packages
// came from.
func TestInventory(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ format, readAs string }{
		{"cyclonedx", "cyclonedx"},
		{"spdx-json", "spdx-json"},
		{"json", "bulwark-json"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			f, _ := formats.Lookup(tt.format)
			var buf bytes.Buffer
			if err := f.Encoder.Encode(&buf, reporttest.Sample(), report.EncodeOptions{Packages: true}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "sbom"+f.Ext)
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := sbomread.Inventory(context.Background(), path, report.Tool{Name: "bulwark"})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{path + " (" + tt.readAs + ")"}; !slices.Equal(r.Coverage.PackageDatabases, want) {
				t.Errorf("package databases %q, want %q", r.Coverage.PackageDatabases, want)
			}
			if r.Target.Kind != sbomread.Kind || r.Coverage.Matching != report.NotRequested || len(r.Packages) != len(reporttest.Sample().Packages) ||
				!strings.Contains(strings.Join(r.Coverage.Notes, "\n"), "reachability is unknown") {
				t.Errorf("target %+v coverage %+v, %d packages", r.Target, r.Coverage, len(r.Packages))
			}
		})
	}
}

// TestDetect: a document is read as the standard it names before its
// shape is taken for a json report, and member names match as
// encoding/json matches them (case-insensitively).
func TestDetect(t *testing.T) {
	for in, want := range map[string]string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","schema_version":"2.0","packages":[]}`:          "cyclonedx",
		`{"BOMFORMAT":"CycloneDX","specVersion":"1.6"}`:                                               "cyclonedx",
		`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","schema_version":"2.0","packages":[]}`: "spdx-json",
	} {
		doc, err := sbomread.Parse([]byte(in))
		if err != nil || doc.Format != want {
			t.Errorf("%s: %v, %v (want %s)", in, doc, err, want)
		}
	}
}

func TestErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      "hello",
		"other json":    `{"kind":"List"}`,
		"truncated cdx": `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":`,
		"bad cdx":       `{"bomFormat":"CycloneDX","specVersion":"1.6","components":"x"}`,
		"bad spdx":      `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"nope"}]}`,
	} {
		if _, err := sbomread.Parse([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := sbomread.Parse([]byte(`{"a":1}`)); !errors.Is(err, sbomread.ErrUnknownFormat) {
		t.Errorf("unknown JSON: %v", err)
	}
	_, err := sbomread.Inventory(context.Background(), filepath.Join(t.TempDir(), "none.json"), report.Tool{})
	if err == nil || !strings.HasPrefix(err.Error(), "sbomread: ") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	cyclonedx.Write(&buf, reporttest.Sample(), cyclonedx.Options{})
	f.Add(buf.Bytes())
	buf.Reset()
	spdx.Write(&buf, reporttest.Sample(), spdx.Options{})
	f.Add(buf.Bytes())
	buf.Reset()
	report.WriteJSON(&buf, reporttest.Sample())
	f.Add(buf.Bytes())
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:deb/x/y@1?distro=-"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","spdxVersion":"SPDX-2.3","schema_version":"2.0","packages":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := sbomread.Parse(b)
		if err != nil {
			return
		}
		doc.Report("x.json", report.Tool{})
	})
}
