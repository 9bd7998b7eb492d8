package apk

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

const dbPath = "lib/apk/db/installed"

func apkPkg(name, version, origin string, licenses ...string) sbom.Package {
	return sbom.Package{
		Name: name, Version: version, Type: sbom.APK, Arch: "x86_64",
		SourceName: origin, License: licenses,
		Locations: []sbom.Location{{Path: dbPath}},
	}
}

func TestParseAlpineBase(t *testing.T) {
	got, err := catalogtest.ParseFixture(t, New(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	want := []sbom.Package{
		apkPkg("alpine-baselayout", "3.4.3-r2", "alpine-baselayout", "GPL-2.0-only"),
		apkPkg("alpine-baselayout-data", "3.4.3-r2", "alpine-baselayout", "GPL-2.0-only"),
		apkPkg("alpine-keys", "2.4-r1", "alpine-keys", "MIT"),
		apkPkg("apk-tools", "2.14.0-r5", "apk-tools", "GPL-2.0-only"),
		apkPkg("busybox", "1.36.1-r15", "busybox", "GPL-2.0-only"),
		apkPkg("busybox-binsh", "1.36.1-r15", "busybox", "GPL-2.0-only"),
		apkPkg("ca-certificates-bundle", "20230506-r0", "ca-certificates", "MPL-2.0", "MIT"),
		apkPkg("curl", "8.5.0-r0", "curl", "curl"),
		apkPkg("libc-utils", "0.7.2-r5", "libc-dev", "BSD-2-Clause", "BSD-3-Clause"),
		apkPkg("libcrypto3", "3.1.4-r5", "openssl", "Apache-2.0"),
		apkPkg("libcurl", "8.5.0-r0", "curl", "curl"),
		apkPkg("libidn2", "2.3.4-r4", "libidn2", "GPL-2.0-or-later", "LGPL-3.0-or-later"),
		apkPkg("libssl3", "3.1.4-r5", "openssl", "Apache-2.0"),
		apkPkg("libunistring", "1.1-r2", "libunistring", "GPL-2.0-or-later", "LGPL-3.0-or-later"),
		apkPkg("musl", "1.2.4_git20230717-r4", "musl", "MIT"),
		apkPkg("musl-utils", "1.2.4_git20230717-r4", "musl", "MIT", "BSD-2-Clause", "GPL-2.0-or-later"),
		apkPkg("nghttp2-libs", "1.58.0-r0", "nghttp2", "MIT"),
		apkPkg("scanelf", "1.3.7-r2", "pax-utils", "GPL-2.0-only"),
		apkPkg("ssl_client", "1.36.1-r15", "busybox", "GPL-2.0-only"),
		apkPkg("zlib", "1.3.1-r0", "zlib", "Zlib"),
	}
	catalogtest.Expect(t, want, got, false)

	// The runner renders purls once the distribution is known; check the
	// apk form here since it depends on what Parse fills in.
	d := &sbom.Distro{ID: "alpine", VersionID: "3.19.1"}
	if p := sbom.PURL(&got[6], d); p != "pkg:apk/alpine/ca-certificates-bundle@20230506-r0?arch=x86_64&distro=alpine-3.19.1" {
		t.Errorf("purl = %s", p)
	}
}

func TestWants(t *testing.T) {
	c := New()
	tests := []struct {
		path string
		mode fs.FileMode
		size int64
		want bool
	}{
		{"lib/apk/db/installed", 0o644, 1000, true},
		{"usr/lib/apk/db/installed", 0o644, 1000, true},
		{"lib/apk/db/installed", fs.ModeSymlink | 0o777, 10, false},
		{"lib/apk/db/installed", 0o644, maxDBSize + 1, false},
		{"lib/apk/db/triggers", 0o644, 10, false},
		{"var/lib/apk/db/installed", 0o644, 10, false},
	}
	for _, tt := range tests {
		if got := c.Wants(tt.path, tt.mode, tt.size); got != tt.want {
			t.Errorf("Wants(%q, %v, %d) = %v, want %v", tt.path, tt.mode, tt.size, got, tt.want)
		}
	}
}

func TestSplitLicense(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"MIT", []string{"MIT"}},
		{"MPL-2.0 AND MIT", []string{"MPL-2.0", "MIT"}},
		{"GPL-2.0-or-later OR LGPL-3.0-or-later", []string{"GPL-2.0-or-later", "LGPL-3.0-or-later"}},
		{"GPL-2.0-only WITH Linux-syscall-note", []string{"GPL-2.0-only WITH Linux-syscall-note"}},
		{"(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0",
			[]string{"MIT", "Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"}},
		{"MIT BSD GPL2+", []string{"MIT", "BSD", "GPL2+"}},
		{"MIT AND MIT", []string{"MIT"}},
		{"AND OR", nil},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, SplitLicense(tt.in)); d != "" {
			t.Errorf("SplitLicense(%q) (-want +got):\n%s", tt.in, d)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name      string
		db        string
		wantNames []string
		// wantLines lists the first lines of skipped stanzas; nil means no error.
		wantLines []int
		fatal     bool
	}{
		{name: "empty", db: ""},
		{name: "blank lines only", db: "\n\n\n"},
		{name: "no trailing blank line", db: "P:a\nV:1-r0", wantNames: []string{"a"}},
		{name: "crlf", db: "P:a\r\nV:1-r0\r\n\r\n", wantNames: []string{"a"}},
		{name: "missing version", db: "P:a\n\nP:b\nV:1-r0\n", wantNames: []string{"b"}, wantLines: []int{1}},
		{name: "missing name", db: "P:a\nV:1-r0\n\nV:2-r0\nA:x86_64\n", wantNames: []string{"a"}, wantLines: []int{4}},
		{name: "not a field", db: "P:a\nV:1-r0\ngarbage\n\nP:b\nV:1-r0\n", wantNames: []string{"b"}, wantLines: []int{1}},
		{name: "repeated name", db: "P:a\nP:b\nV:1-r0\n", wantLines: []int{1}},
		{name: "blank in version", db: "P:a\nV:1 -r0\n", wantLines: []int{1}},
		{name: "two bad", db: "P:a\n\nx\n\nP:c\nV:3-r0\n", wantNames: []string{"c"}, wantLines: []int{1, 3}},
		{name: "line too long", db: "P:a\nT:" + strings.Repeat("x", maxLine+1) + "\n", fatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := New().Parse(context.Background(), catalog.NewBytesFile(dbPath, []byte(tt.db)))
			if tt.fatal {
				if err == nil || pkgs != nil {
					t.Fatalf("Parse = %v, %v; want no packages and an error", pkgs, err)
				}
				return
			}
			var names []string
			for _, p := range pkgs {
				names = append(names, p.Name)
			}
			if d := cmp.Diff(tt.wantNames, names); d != "" {
				t.Errorf("names (-want +got):\n%s", d)
			}
			var lines []int
			for _, e := range unjoin(err) {
				var se *StanzaError
				if !errors.As(e, &se) {
					t.Fatalf("error %v is not a *StanzaError", e)
				}
				lines = append(lines, se.Line)
			}
			if d := cmp.Diff(tt.wantLines, lines); d != "" {
				t.Errorf("skipped stanza lines (-want +got):\n%s\nerr: %v", d, err)
			}
		})
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := strings.Repeat("P:a\nV:1-r0\n\n", 5000)
	if _, err := New().Parse(ctx, catalog.NewBytesFile(dbPath, []byte(db))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("testdata/" + dbPath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("P:a\nV:1-r0\nL:(MIT OR X) AND Y WITH Z\n\n\nP:\nV:\n"))
	f.Add([]byte("x\n:\nP\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, _ := New().Parse(context.Background(), catalog.NewBytesFile(dbPath, data))
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.Type != sbom.APK || len(p.Locations) != 1 {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
