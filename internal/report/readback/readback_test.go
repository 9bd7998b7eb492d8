package readback

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func TestFromPURL(t *testing.T) {
	for _, tt := range []struct {
		purl string
		want sbom.Package
		ok   bool
	}{
		{"pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&distro=debian-12&upstream=openssl%403.0.11-1",
			sbom.Package{Name: "libssl3", Version: "3.0.11-1", Type: sbom.Deb, Arch: "amd64", SourceName: "openssl", SourceVersion: "3.0.11-1"}, true},
		{"pkg:rpm/redhat/openssl-libs@1.1.1k-6.el8?epoch=1&upstream=openssl-1.1.1k-6.el8.src.rpm",
			sbom.Package{Name: "openssl-libs", Version: "1:1.1.1k-6.el8", Type: sbom.RPM, SourceName: "openssl", SourceVersion: "1.1.1k-6.el8"}, true},
		{"pkg:golang/stdlib@go1.21.3", sbom.Package{Name: "stdlib", Version: "1.21.3", Type: sbom.GoStdlib}, true},
		{"pkg:golang/golang.org/x/net@v0.17.0", sbom.Package{Name: "golang.org/x/net", Version: "v0.17.0", Type: sbom.GoModule}, true},
		{"pkg:npm/%40scope/pkg@1.0.0", sbom.Package{Name: "@scope/pkg", Version: "1.0.0", Type: sbom.NPM}, true},
		{"pkg:maven/org.apache/log4j-core@2.14.1", sbom.Package{Name: "org.apache:log4j-core", Version: "2.14.1", Type: sbom.Java}, true},
		{"pkg:generic/thing@1", sbom.Package{Name: "thing", Version: "1"}, false},
		{"not a purl", sbom.Package{}, false},
	} {
		b := New("test")
		got, ok := b.FromPURL(tt.purl)
		if tt.want.Name != "" {
			tt.want.PURL = tt.purl
		}
		if ok != tt.ok || !cmp.Equal(tt.want, got) {
			t.Errorf("%s: %v %s", tt.purl, ok, cmp.Diff(tt.want, got))
		}
	}
}

func TestDistroFromQualifier(t *testing.T) {
	for _, tt := range []struct {
		purl string
		want *report.OS
	}{
		{"pkg:deb/debian/a@1?distro=debian-12", &report.OS{ID: "debian", Version: "12"}},
		{"pkg:apk/alpine/a@1?distro=alpine-3.19.1", &report.OS{ID: "alpine", Version: "3.19.1"}},
		{"pkg:deb/debian/a@1?distro=bookworm", &report.OS{ID: "debian", Codename: "bookworm"}},
		{"pkg:deb/debian/a@1", nil},
	} {
		b := New("test")
		if _, ok := b.FromPURL(tt.purl); !ok {
			t.Fatalf("%s: not read", tt.purl)
		}
		if d := cmp.Diff(tt.want, b.Finish().OS); d != "" {
			t.Errorf("%s: %s", tt.purl, d)
		}
	}
}

func TestSplitLocation(t *testing.T) {
	for in, want := range map[string][2]string{
		"usr/lib/node_modules/@scope/pkg/package.json@sha256:abc": {"usr/lib/node_modules/@scope/pkg/package.json", "sha256:abc"},
		"usr/lib/node_modules/@scope/pkg/package.json":            {"usr/lib/node_modules/@scope/pkg/package.json", ""},
		"a@b": {"a@b", ""},
		"":    {"", ""},
	} {
		if p, d := SplitLocation(in); p != want[0] || d != want[1] {
			t.Errorf("SplitLocation(%q) = %q, %q", in, p, d)
		}
	}
}

// TestFinishMerges: packages of one identity become one with every
// location.
func TestFinishMerges(t *testing.T) {
	b := New("test")
	for _, path := range []string{"a", "b", "a"} {
		p, _ := b.FromPURL("pkg:pypi/requests@2.25.0")
		p.Locations = []sbom.Location{{Path: path}}
		b.Doc.Packages = append(b.Doc.Packages, p)
	}
	doc := b.Finish()
	if len(doc.Packages) != 1 || !cmp.Equal(doc.Packages[0].Locations, []sbom.Location{{Path: "a"}, {Path: "b"}}) {
		t.Errorf("%+v", doc.Packages)
	}
}
