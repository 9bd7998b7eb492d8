package sbomread_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
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

type pkgView struct {
	Name, Version string
	Type          sbom.Type
	Source, SrcV  string
	Arch          string
}

func view(ps []sbom.Package) []pkgView {
	var out []pkgView
	for _, p := range ps {
		out = append(out, pkgView{p.Name, p.Version, p.Type, p.SourceName, p.SourceVersion, p.Arch})
	}
	return out
}

// TestOtherTools reads SBOMs shaped like other scanners' output: purls with
// syft's qualifiers, an operating-system component, file and unidentified
// components that are skipped.
func TestOtherTools(t *testing.T) {
	tests := []struct {
		file    string
		os      *report.OS
		pkgs    []pkgView
		skipped int
	}{
		{"syft-like.cdx.json", &report.OS{ID: "debian", Version: "12", PrettyName: "Debian GNU/Linux 12 (bookworm)"},
			[]pkgView{
				{"libgcc-s1", "12.2.0-14", sbom.Deb, "gcc-12", "12.2.0-14", "amd64"},
				{"libssl3", "3.0.11-1~deb12u2", sbom.Deb, "openssl", "", "amd64"},
				{"golang.org/x/net", "v0.17.0", sbom.GoModule, "", "", ""},
				{"stdlib", "1.21.3", sbom.GoStdlib, "", "", ""},
				{"org.apache.logging.log4j:log4j-core", "2.14.1", sbom.Java, "", "", ""},
			}, 1},
		{"trivy-like.cdx.json", &report.OS{ID: "debian", Version: "12.5"},
			[]pkgView{
				{"libc6", "2.36-9+deb12u4", sbom.Deb, "glibc", "2.36-9+deb12u4", "amd64"},
				{"libgcrypt20", "1.10.1-3", sbom.Deb, "libgcrypt20", "1:1.10.1-3", "amd64"},
			}, 0},
		{"syft-like.spdx.json", &report.OS{ID: "alpine", Version: "3.19.0"},
			[]pkgView{
				{"libcrypto3", "3.1.4-r2", sbom.APK, "openssl", "", "x86_64"},
				{"requests", "2.25.0", sbom.Python, "", "", ""},
				{"openssl-libs", "1:1.1.1k-6.el8", sbom.RPM, "openssl", "1.1.1k-6.el8", "x86_64"},
			}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := sbomread.Inventory(context.Background(), filepath.Join("testdata", tt.file), report.Tool{Name: "bulwark"})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.os, r.OS); d != "" {
				t.Errorf("OS (-want +got):\n%s", d)
			}
			want := append([]pkgView(nil), tt.pkgs...)
			if d := cmp.Diff(want, view(r.Packages), cmpopts.SortSlices(func(a, b pkgView) bool { return a.Name < b.Name })); d != "" {
				t.Errorf("packages (-want +got):\n%s", d)
			}
			if r.Target.Kind != sbomread.Kind || r.Coverage.Matching != report.NotRequested || r.Coverage.Unidentified != tt.skipped || !strings.Contains(strings.Join(r.Coverage.Notes, "\n"), "reachability is unknown") {
				t.Errorf("target %+v coverage %+v", r.Target, r.Coverage)
			}
			if n := strings.Contains(strings.Join(r.Coverage.Notes, "\n"), "without a usable package URL"); n != (tt.skipped > 0) {
				t.Errorf("notes %v", r.Coverage.Notes)
			}
		})
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
	for _, n := range []string{"syft-like.cdx.json", "syft-like.spdx.json", "trivy-like.cdx.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	cyclonedx.Write(&buf, reporttest.Sample(), cyclonedx.Options{})
	f.Add(buf.Bytes())
	buf.Reset()
	spdx.Write(&buf, reporttest.Sample(), spdx.Options{})
	f.Add(buf.Bytes())
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:deb/x/y@1?distro=-"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := sbomread.Parse(b)
		if err != nil {
			return
		}
		doc.Report("x.json", report.Tool{})
	})
}
