package cyclonedx_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// TestReadOwn: a BOM Bulwark wrote gives back exactly the packages, OS and
// subject of the report it was made from.
func TestReadOwn(t *testing.T) {
	r := reporttest.Sample()
	doc, err := cyclonedx.Read(render(t, r, cyclonedx.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.CheckReadOwn(t, r, doc, "cyclonedx")
}

// TestReadOtherTools reads BOMs shaped like other scanners' output: purls
// with syft's qualifiers, Trivy's source-package properties, an
// operating-system component, file and unidentified components that are
// skipped.
func TestReadOtherTools(t *testing.T) {
	tests := []struct {
		file    string
		os      *report.OS
		pkgs    []reporttest.PackageView
		skipped int
	}{
		{"syft-like.cdx.json", &report.OS{ID: "debian", Version: "12", PrettyName: "Debian GNU/Linux 12 (bookworm)"},
			[]reporttest.PackageView{
				reporttest.NewView("libgcc-s1", "12.2.0-14", sbom.Deb, "gcc-12", "12.2.0-14", "amd64"),
				reporttest.NewView("libssl3", "3.0.11-1~deb12u2", sbom.Deb, "openssl", "", "amd64"),
				reporttest.NewView("golang.org/x/net", "v0.17.0", sbom.GoModule, "", "", ""),
				reporttest.NewView("stdlib", "1.21.3", sbom.GoStdlib, "", "", ""),
				reporttest.NewView("org.apache.logging.log4j:log4j-core", "2.14.1", sbom.Java, "", "", ""),
			}, 1},
		{"trivy-like.cdx.json", &report.OS{ID: "debian", Version: "12.5"},
			[]reporttest.PackageView{
				reporttest.NewView("libc6", "2.36-9+deb12u4", sbom.Deb, "glibc", "2.36-9+deb12u4", "amd64"),
				reporttest.NewView("libgcrypt20", "1.10.1-3", sbom.Deb, "libgcrypt20", "1:1.10.1-3", "amd64"),
			}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := cyclonedx.Read(b)
			if err != nil {
				t.Fatal(err)
			}
			r := doc.Report(tt.file, report.Tool{Name: "bulwark"})
			if d := cmp.Diff(tt.os, r.OS); d != "" {
				t.Errorf("OS (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.pkgs, reporttest.View(r.Packages), cmpopts.SortSlices(func(a, b reporttest.PackageView) bool { return a.Name < b.Name })); d != "" {
				t.Errorf("packages (-want +got):\n%s", d)
			}
			if r.Target.Kind != report.KindSBOM || r.Coverage.Matching != report.NotRequested || r.Coverage.Unidentified != tt.skipped || !strings.Contains(strings.Join(r.Coverage.Notes, "\n"), "reachability is unknown") {
				t.Errorf("target %+v coverage %+v", r.Target, r.Coverage)
			}
			if n := strings.Contains(strings.Join(r.Coverage.Notes, "\n"), "without a usable package URL"); n != (tt.skipped > 0) {
				t.Errorf("notes %v", r.Coverage.Notes)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":  "hello",
		"truncated": `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":`,
		"bad":       `{"bomFormat":"CycloneDX","specVersion":"1.6","components":"x"}`,
	} {
		if _, err := cyclonedx.Read([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "reading CycloneDX: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, n := range []string{"syft-like.cdx.json", "trivy-like.cdx.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	cyclonedx.Write(&buf, reporttest.Sample(), cyclonedx.Options{})
	f.Add(buf.Bytes())
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:deb/x/y@1?distro=-"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := cyclonedx.Read(b)
		if err != nil {
			return
		}
		doc.Report("x.json", report.Tool{})
	})
}
