package dpkg

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func deb(name, version, arch, src, srcVer, path string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.Deb, Arch: arch, SourceName: src, SourceVersion: srcVer,
		Locations: []sbom.Location{{Path: path}}}
}

func TestStatus(t *testing.T) {
	const p = "var/lib/dpkg/status"
	got, err := catalogtest.ParseFixture(t, New(), p)
	if err != nil {
		t.Fatal(err)
	}
	// Real stanzas of Debian bookworm, plus one config-files and one
	// not-installed stanza that must not be reported.
	want := []sbom.Package{
		deb("base-files", "12.4+deb12u15", "amd64", "base-files", "12.4+deb12u15", p),
		deb("bash", "5.2.15-2+b13", "amd64", "bash", "5.2.15-2", p),
		deb("bsdutils", "1:2.38.1-5+deb12u3", "amd64", "util-linux", "2.38.1-5+deb12u3", p),
		deb("libc6", "2.36-9+deb12u14", "amd64", "glibc", "2.36-9+deb12u14", p),
		deb("libgcc-s1", "12.2.0-14+deb12u1", "amd64", "gcc-12", "12.2.0-14+deb12u1", p),
		deb("tzdata", "2026b-0+deb12u1", "all", "tzdata", "2026b-0+deb12u1", p),
	}
	catalogtest.Expect(t, want, got, false)
}

func TestStatusD(t *testing.T) {
	const p = "var/lib/dpkg/status.d/libssl3"
	got, err := catalogtest.ParseFixture(t, New(), p)
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.Expect(t, []sbom.Package{deb("libssl3", "3.0.17-1~deb12u2", "amd64", "openssl", "3.0.17-1~deb12u2", p)}, got, false)
}

func TestWants(t *testing.T) {
	c := New()
	for p, want := range map[string]bool{
		"var/lib/dpkg/status":                   true,
		"var/lib/dpkg/status-old":               false,
		"var/lib/dpkg/status.d/libssl3":         true,
		"var/lib/dpkg/status.d/python3.11":      true,
		"var/lib/dpkg/status.d/libssl3.md5sums": false,
		"var/lib/dpkg/status.d/sub/x":           false,
		"usr/share/doc/var/lib/dpkg/status":     false,
		"var/lib/dpkg/status.d/":                false,
	} {
		if got := c.Wants(p, 0o644, 100); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestMalformed(t *testing.T) {
	for name, in := range map[string]string{
		"no colon":   "Package: a\nthis is not a field\n",
		"no package": "Version: 1\nStatus: install ok installed\n",
		"bad status": "Package: a\nStatus: installed\nVersion: 1\n",
		"no version": "Package: a\nStatus: install ok installed\n",
		"huge line":  "Package: a\nDescription: " + strings.Repeat("x", 5<<20) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseStatus(strings.NewReader(in)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add("Package: a\nStatus: install ok installed\nVersion: 1.0-1\nSource: b (1.0-0)\n\nPackage: c\nVersion: 2\n")
	f.Add("Package: x\nStatus: deinstall ok config-files\n\n")
	f.Add("Package: y\n Continuation\nVersion: 1:2~3\nSource: z\n")
	f.Fuzz(func(t *testing.T, s string) {
		pkgs, err := ParseStatus(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" {
				t.Fatalf("incomplete package %+v", p)
			}
		}
	})
}
