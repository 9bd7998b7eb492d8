package vex_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/vex"
)

func load(t *testing.T, name string) *vex.Document {
	t.Helper()
	d, err := vex.Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParse(t *testing.T) {
	d := load(t, "app.openvex.json")
	if d.ID != "https://example.com/vex/app-2024-001" || len(d.Statements) != 4 || !d.Timestamp.Equal(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("document: %+v", d)
	}
	st := d.Statements[0]
	want := vex.Statement{Vulnerability: "CVE-2023-5363", Aliases: []string{"DSA-5532-1"}, Status: vex.NotAffected,
		Justification: "vulnerable_code_not_in_execute_path", ImpactStatement: "the service never parses PKCS12 input",
		Timestamp: d.Timestamp, Products: []vex.Product{{ID: "pkg:oci/app@sha256%3A3333333333333333333333333333333333333333333333333333333333333333",
			Subcomponents: []vex.Product{{ID: "pkg:deb/debian/libssl3"}}}}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("statement (-want +got):\n%s", diff)
	}
	old := load(t, "v0.0.1.openvex.json")
	if got := old.Statements[0]; got.Vulnerability != "CVE-2023-45853" || got.Products[0].ID != "pkg:deb/debian/zlib1g" {
		t.Errorf("v0.0.1 statement: %+v", got)
	}
}

func TestDecide(t *testing.T) {
	docs := []*vex.Document{load(t, "app.openvex.json"), load(t, "v0.0.1.openvex.json")}
	img := vex.Image{Names: []string{"registry.example/app:1.4"}, Digests: []string{"sha256:3333333333333333333333333333333333333333333333333333333333333333"}}
	tests := []struct {
		name string
		s    vex.Subject
		want vex.Status // "" for no statement
	}{
		{"alias of the finding, package as subcomponent of the image",
			vex.Subject{Vulnerability: "DSA-5532-1", Aliases: []string{"CVE-2023-5363"}, PURL: "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12", Image: img}, vex.NotAffected},
		{"subcomponent of another image",
			vex.Subject{Vulnerability: "CVE-2023-5363", PURL: "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64", Image: vex.Image{Digests: []string{"sha256:4444"}}}, ""},
		{"source package named by the upstream qualifier",
			vex.Subject{Vulnerability: "CVE-2023-5363", PURL: "pkg:deb/debian/libssl-dev@3.0.11-1?arch=amd64&upstream=libssl3", Image: img}, vex.NotAffected},
		{"newer document statement wins over the older one",
			vex.Subject{Vulnerability: "CVE-2023-45853", PURL: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12"}, vex.Affected},
		{"qualifier in the statement must match",
			vex.Subject{Vulnerability: "CVE-2023-45853", PURL: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=arm64"}, vex.NotAffected},
		{"latest statement by timestamp",
			vex.Subject{Vulnerability: "GO-2021-0113", PURL: "pkg:golang/golang.org/x/text@v0.3.5"}, vex.Fixed},
		{"other version",
			vex.Subject{Vulnerability: "GO-2021-0113", PURL: "pkg:golang/golang.org/x/text@v0.3.6"}, ""},
		{"other vulnerability",
			vex.Subject{Vulnerability: "CVE-2000-0001", PURL: "pkg:golang/golang.org/x/text@v0.3.5"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := vex.Decide(docs, tt.s)
			var got vex.Status
			if d.Statement != nil {
				got = d.Statement.Status
			}
			if got != tt.want {
				t.Errorf("status %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	head := `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[`
	for name, tt := range map[string]struct{ doc, msg string }{
		"not json":         {`{`, "not an OpenVEX JSON"},
		"not openvex":      {`{"@context":"https://cyclonedx.org"}`, "@context"},
		"unknown status":   {head + `{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a"}],"status":"fine"}]}`, "unknown status"},
		"no justification": {head + `{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a"}],"status":"not_affected"}]}`, "needs a justification"},
		"bad justification": {head + `{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a"}],"status":"not_affected","justification":"trust me"}]}`,
			"unknown justification"},
		"no products":      {head + `{"vulnerability":{"name":"CVE-1"},"status":"fixed"}]}`, "no products"},
		"no vulnerability": {head + `{"products":[{"@id":"pkg:npm/a"}],"status":"fixed"}]}`, "vulnerability"},
		"bad timestamp":    {head + `{"vulnerability":"CVE-1","products":["pkg:npm/a"],"status":"fixed","timestamp":"yesterday"}]}`, "timestamp"},
		"product number":   {head + `{"vulnerability":"CVE-1","products":[7],"status":"fixed"}]}`, "product"},
	} {
		_, err := vex.Parse(strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, tt.msg)
		}
	}
	if _, err := vex.Load(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.HasPrefix(err.Error(), "vex: ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestPURLMatches(t *testing.T) {
	for _, tt := range []struct {
		want, have string
		ok         bool
	}{
		{"pkg:npm/%40babel/traverse", "pkg:npm/%40babel/traverse@7.20.0", true},
		{"pkg:npm/%40babel/traverse@7.20.0", "pkg:npm/%40babel/traverse@7.20.1", false},
		{"pkg:pypi/pyyaml@5.3", "pkg:pypi/pyyaml@5.3", true},
		{"pkg:pypi/pyyaml@5.3", "pkg:npm/pyyaml@5.3", false},
		{"pkg:deb/debian/openssl?distro=debian-12", "pkg:deb/debian/libssl3@3?distro=debian-12&upstream=openssl", true},
		{"pkg:deb/debian/openssl?distro=debian-11", "pkg:deb/debian/libssl3@3?distro=debian-12&upstream=openssl", false},
		{"not a purl", "pkg:npm/a@1", false},
	} {
		if got := vex.PURLMatches(tt.want, tt.have); got != tt.ok {
			t.Errorf("PURLMatches(%q, %q) = %v", tt.want, tt.have, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"app.openvex.json", "v0.0.1.openvex.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"@context":"https://openvex.dev/ns","statements":[{"vulnerability":{},"products":[{"subcomponents":[1]}]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := vex.Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, st := range d.Statements {
			vex.Decide([]*vex.Document{d}, vex.Subject{Vulnerability: st.Vulnerability, PURL: "pkg:npm/a@1"})
		}
	})
}
