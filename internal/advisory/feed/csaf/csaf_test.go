package csaf

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixed(v string) []advisory.Range {
	return []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
}

func TestParseDocument(t *testing.T) {
	important := []advisory.Score{{Type: "URGENCY", Score: "Important"}}
	moderate := []advisory.Score{{Type: "URGENCY", Score: "Moderate"}}
	tests := []struct {
		file string
		want *advisory.Advisory
	}{
		{"cve-2023-38545.json", &advisory.Advisory{
			ID: "REDHAT-CVE-2023-38545", Aliases: []string{"CVE-2023-38545", "RHSA-2023:5763", "RHSA-2023:5766"},
			Source: "redhat-csaf", Summary: "curl: heap based buffer overflow in the SOCKS5 proxy handshake",
			Published: time.Date(2023, 10, 11, 0, 0, 0, 0, time.UTC), Modified: time.Date(2024, 10, 17, 22, 40, 6, 0, time.UTC),
			Severity: []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}, {Type: "URGENCY", Score: "Important"}},
			Affected: []advisory.Affected{
				// RHEL 8 states its curl unaffected (the component names
				// both the source and a binary package).
				{Ecosystem: "Red Hat:8", Package: "curl", Status: advisory.NotAffected},
				{Ecosystem: "Red Hat:8", Package: "libcurl", Status: advisory.NotAffected},
				// RHEL 9: the mainline fix by source rpm; the 9.2 EUS
				// stream's older fix and Satellite's packages are left out.
				{Ecosystem: "Red Hat:9", Package: "curl", Status: advisory.Fixed, Ranges: fixed("7.76.1-26.el9_3.2"), Severity: important},
			},
		}},
		{"cve-2023-32002.json", &advisory.Advisory{
			ID: "REDHAT-CVE-2023-32002", Aliases: []string{"CVE-2023-32002", "RHSA-2023:5360", "RHSA-2023:5362"},
			Source: "redhat-csaf", Summary: "nodejs: Permissions policies can be bypassed via Module._load",
			Published: time.Date(2023, 8, 9, 0, 0, 0, 0, time.UTC), Modified: time.Date(2024, 11, 22, 0, 28, 19, 0, time.UTC),
			Severity: []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, {Type: "URGENCY", Score: "Moderate"}},
			Affected: []advisory.Affected{
				// The nodejs:16 stream of RHEL 8 will not be fixed; the
				// nodejs:18 stream is, with its epoch.
				{Ecosystem: "Red Hat:8", Package: "nodejs", Status: advisory.WillNotFix, Module: "nodejs:16", Severity: moderate},
				{Ecosystem: "Red Hat:8", Package: "nodejs", Status: advisory.Fixed, Module: "nodejs:18",
					Ranges: fixed("1:18.17.1-1.module+el8.8.0+19757+8ca87034"), Severity: moderate},
				{Ecosystem: "Red Hat:9", Package: "nodejs", Status: advisory.Fixed, Ranges: fixed("1:16.20.2-1.el9_2"), Severity: moderate},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseDocument(read(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseDocumentErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":       `{`,
		"not vex":        `{"document":{"category":"csaf_security_advisory","csaf_version":"2.0"}}`,
		"two vulns":      `{"document":{"category":"csaf_vex","csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-2023-1"},{"cve":"CVE-2023-2"}]}`,
		"bad cve":        `{"document":{"category":"csaf_vex","csaf_version":"2.0"},"vulnerabilities":[{"cve":"../x"}]}`,
		"trailing":       `{"document":{"category":"csaf_vex","csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-2023-0001"}]} {}`,
		"deep relations": deepRelations(),
	} {
		t.Run(name, func(t *testing.T) {
			a, err := ParseDocument([]byte(doc))
			if name == "deep relations" {
				// A chain that never reaches a platform states nothing.
				if err != nil || a != nil {
					t.Errorf("got %v, %v", a, err)
				}
				return
			}
			if err == nil {
				t.Errorf("no error; got %+v", a)
			}
		})
	}
}

// deepRelations builds a relationship cycle.
func deepRelations() string {
	return `{"document":{"category":"csaf_vex","csaf_version":"2.0"},
"product_tree":{"branches":[{"category":"product_version","name":"x-0:1-1.el9.src","product":{"name":"x","product_id":"x-0:1-1.el9.src"}}],
"relationships":[{"category":"default_component_of","full_product_name":{"product_id":"a:x-0:1-1.el9.src"},"product_reference":"x-0:1-1.el9.src","relates_to_product_reference":"b"},
{"category":"default_component_of","full_product_name":{"product_id":"b"},"product_reference":"x-0:1-1.el9.src","relates_to_product_reference":"b"}]},
"vulnerabilities":[{"cve":"CVE-2023-0001","product_status":{"fixed":["a:x-0:1-1.el9.src"]}}]}`
}

func TestParseArchiveAndDir(t *testing.T) {
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	for _, name := range []string{"cve-2023-38545.json", "cve-2023-32002.json"} {
		data := read(t, name)
		if err := tw.WriteHeader(&tar.Header{Name: "2023/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.WriteHeader(&tar.Header{Name: "index.txt", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("x\n\n"))
	tw.Close()
	enc, _ := zstd.NewWriter(nil)
	archive := enc.EncodeAll(tarBuf.Bytes(), nil)
	got, err := ParseArchive(context.Background(), bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := ParseDir(context.Background(), os.DirFS("testdata"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(dir, got); d != "" || len(got) != 2 {
		t.Errorf("archive and folder differ (-dir +archive):\n%s", d)
	}
	if _, err := ParseArchive(context.Background(), bytes.NewReader(archive[:len(archive)/2])); err == nil {
		t.Error("a truncated archive parsed")
	}
}

func FuzzParseDocument(f *testing.F) {
	f.Add(read(f, "cve-2023-38545.json"))
	f.Add(read(f, "cve-2023-32002.json"))
	f.Add([]byte(deepRelations()))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseDocument(data)
		if err != nil || a == nil {
			return
		}
		for _, af := range a.Affected {
			if af.Ecosystem == "" || af.Package == "" {
				t.Fatalf("statement without ecosystem or package: %+v", af)
			}
		}
	})
}
