package spdx_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// TestReadOwn: a document Bulwark wrote gives back exactly the packages,
// OS and subject of the report it was made from.
func TestReadOwn(t *testing.T) {
	r := reporttest.Sample()
	doc, err := spdx.Read(render(t, r, spdx.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.CheckReadOwn(t, r, doc, "spdx-json")
}

// TestReadOtherTools reads a document shaped like syft's: purls with
// qualifiers (an RPM's epoch and source RPM file), an operating-system
// package, a package without a purl that is skipped.
func TestReadOtherTools(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "syft-like.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := spdx.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	r := doc.Report("syft-like.spdx.json", report.Tool{Name: "bulwark"})
	if d := cmp.Diff(&report.OS{ID: "alpine", Version: "3.19.0"}, r.OS); d != "" {
		t.Errorf("OS (-want +got):\n%s", d)
	}
	want := []reporttest.PackageView{
		reporttest.NewView("libcrypto3", "3.1.4-r2", sbom.APK, "openssl", "", "x86_64"),
		reporttest.NewView("requests", "2.25.0", sbom.Python, "", "", ""),
		reporttest.NewView("openssl-libs", "1:1.1.1k-6.el8", sbom.RPM, "openssl", "1.1.1k-6.el8", "x86_64"),
	}
	if d := cmp.Diff(want, reporttest.View(r.Packages), cmpopts.SortSlices(func(a, b reporttest.PackageView) bool { return a.Name < b.Name })); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
	notes := strings.Join(r.Coverage.Notes, "\n")
	if r.Target.Kind != report.KindSBOM || r.Coverage.Matching != report.NotRequested || r.Coverage.Unidentified != 1 ||
		!strings.Contains(notes, "reachability is unknown") || !strings.Contains(notes, "without a usable package URL") {
		t.Errorf("target %+v coverage %+v", r.Target, r.Coverage)
	}
}

func TestReadErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json": "hello",
		"bad":      `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"nope"}]}`,
	} {
		if _, err := spdx.Read([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "reading SPDX: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "syft-like.spdx.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	var buf bytes.Buffer
	spdx.Write(&buf, reporttest.Sample(), spdx.Options{})
	f.Add(buf.Bytes())
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:rpm/x/y@1?distro=-"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := spdx.Read(b)
		if err != nil {
			return
		}
		doc.Report("x.json", report.Tool{})
	})
}
