package osv

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseRecord(t *testing.T) {
	tests := []struct {
		file string
		want *advisory.Advisory
	}{
		{"GO-2021-0068.json", &advisory.Advisory{
			ID: "GO-2021-0068", Source: "osv-go",
			Aliases:   []string{"CVE-2021-3115"},
			Summary:   "Arbitrary code injection via the go command with cgo on Windows in cmd/go",
			Published: mustTime("2021-04-14T20:04:52Z"), Modified: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			References: []string{
				"https://go.dev/cl/284783",
				"https://go.googlesource.com/go/+/953d1feca9b21af075ad5fc8a3dad096d3ccc3a0",
				"https://go.dev/issue/43783",
				"https://groups.google.com/g/golang-announce/c/mperVMGa98w/m/yo5W5wnvAAAJ",
				"https://go.dev/cl/284780",
				"https://go.googlesource.com/go/+/46e2e2e9d99925bbf724b12693c6d3e27a95d6a0",
			},
			Affected: []advisory.Affected{{
				Ecosystem: "Go", Package: "toolchain",
				Ranges: []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{
					{Introduced: "0"}, {Fixed: "1.14.14"}, {Introduced: "1.15.0-0"}, {Fixed: "1.15.7"},
				}}},
				Imports: []advisory.Import{{Path: "cmd/go", GOOS: []string{"windows"}}},
			}},
		}},
		{"GHSA-xxxx-yyyy-zzzz.json", &advisory.Advisory{
			ID: "GHSA-xxxx-yyyy-zzzz", Source: "osv-npm",
			Aliases:   []string{"CVE-2024-0001"},
			Summary:   "Prototype pollution in example-lib",
			Published: mustTime("2024-02-01T08:30:00.5Z"), Modified: mustTime("2024-03-01T12:00:00Z"),
			Severity: []advisory.Score{
				{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
				{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
				{Type: "URGENCY", Score: "MODERATE"},
			},
			References: []string{"https://example.invalid/advisory"},
			Affected: []advisory.Affected{
				{
					Ecosystem: "npm", Package: "example-lib",
					Ranges: []advisory.Range{
						{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.2.3"}, {Introduced: "2.0.0"}, {LastAffected: "2.1.0"}}},
						// The event naming two bounds at once is malformed and dropped.
						{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "3.0.0"}, {Limit: "3.5.0"}}},
					},
					Severity: []advisory.Score{{Type: "URGENCY", Score: "HIGH"}},
				},
				{
					Ecosystem: "PyPI", Package: "django-rest-framework",
					Versions: []string{"3.0", "3.1"},
					Severity: []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}},
				},
				// "only-git" has nothing but a GIT range: dropped.
				{
					Ecosystem: "Debian:12", Package: "node-example",
					Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "1.2.3-1"}}}},
				},
			},
		}},
		{"WITHDRAWN-1.json", &advisory.Advisory{
			ID: "WITHDRAWN-1", Source: "osv-go",
			Summary:  "First sentence of details.",
			Modified: mustTime("2024-01-02T00:00:00Z"), Withdrawn: mustTime("2024-01-02T00:00:00Z"),
			Affected: []advisory.Affected{{
				Ecosystem: "Go", Package: "example.com/mod",
				Ranges: []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: "0"}}}},
			}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRecord(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseRecord mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDistroRecords(t *testing.T) {
	read := func(name string) *advisory.Advisory {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseRecord(b)
		if err != nil || a == nil {
			t.Fatalf("%s: %v, %v", name, a, err)
		}
		return a
	}
	t.Run("ubuntu", func(t *testing.T) {
		a := read("CVE-2023-38408.json")
		if a.Source != "osv-ubuntu" || len(a.Severity) != 1 || a.Severity[0].Type != "CVSS_V3" {
			t.Errorf("advisory %s %+v", a.Source, a.Severity)
		}
		var jammy *advisory.Affected
		for i, af := range a.Affected {
			if af.Ecosystem == "Ubuntu:22.04:LTS" && af.Package == "openssh" {
				jammy = &a.Affected[i]
			}
		}
		if jammy == nil {
			t.Fatal("no Ubuntu:22.04:LTS openssh statement")
		}
		if diff := cmp.Diff([]advisory.Score{{Type: "URGENCY", Score: "medium"}}, jammy.Severity); diff != "" {
			t.Errorf("priority (-want +got):\n%s", diff)
		}
		want := []advisory.Binary{
			{Name: "openssh-client", Version: "1:8.9p1-3ubuntu0.3"}, {Name: "openssh-server", Version: "1:8.9p1-3ubuntu0.3"},
			{Name: "openssh-sftp-server", Version: "1:8.9p1-3ubuntu0.3"}, {Name: "openssh-tests", Version: "1:8.9p1-3ubuntu0.3"},
			{Name: "ssh", Version: "1:8.9p1-3ubuntu0.3"}, {Name: "ssh-askpass-gnome", Version: "1:8.9p1-3ubuntu0.3"},
		}
		if diff := cmp.Diff(want, jammy.Binaries); diff != "" {
			t.Errorf("binaries without dbgsym and udebs (-want +got):\n%s", diff)
		}
		if got := jammy.Ranges[0].Events[1].Fixed; got != "1:8.9p1-3ubuntu0.3" {
			t.Errorf("fixed %q", got)
		}
	})
	t.Run("almalinux module", func(t *testing.T) {
		a := read("ALSA-2021:4916.json")
		if diff := cmp.Diff([]string{"CVE-2021-44227"}, a.Aliases); diff != "" {
			t.Errorf("aliases from related (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]advisory.Score{{Type: "URGENCY", Score: "Important"}}, a.Severity); diff != "" {
			t.Errorf("rating (-want +got):\n%s", diff)
		}
		for _, af := range a.Affected {
			if af.Module != "mailman:2.1" || af.Ecosystem != "AlmaLinux:8" {
				t.Errorf("statement %s %s module %q", af.Ecosystem, af.Package, af.Module)
			}
		}
	})
	t.Run("almalinux plain", func(t *testing.T) {
		a := read("ALSA-2026:0067.json")
		for _, af := range a.Affected {
			if af.Module != "" {
				t.Errorf("%s: module %q on a non-modular fix", af.Package, af.Module)
			}
		}
		if len(a.Severity) != 1 || a.Severity[0].Score != "Moderate" {
			t.Errorf("severity %+v", a.Severity)
		}
	})
	t.Run("suse", func(t *testing.T) {
		a := read("SUSE-SU-2024:0114-1.json")
		if a.Source != "osv-suse" {
			t.Errorf("source %q", a.Source)
		}
		if diff := cmp.Diff([]string{"CVE-2023-6129", "CVE-2023-6237"}, a.Aliases); diff != "" {
			t.Errorf("aliases (-want +got):\n%s", diff)
		}
		var ecos []string
		for _, af := range a.Affected {
			ecos = append(ecos, af.Ecosystem)
		}
		want := []string{"SUSE:Linux Enterprise Server 15 SP5", "SUSE:Linux Enterprise Micro 5.5", "openSUSE:Leap 15.5"}
		if diff := cmp.Diff(want, ecos); diff != "" {
			t.Errorf("ecosystems (-want +got):\n%s", diff)
		}
	})
	t.Run("bug fix advisory", func(t *testing.T) {
		a, err := ParseRecord([]byte(`{"id":"ALBA-2019:0973","summary":"x bug fix update","affected":[{"package":{"ecosystem":"AlmaLinux:8","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1-1.el8"}]}]}]}`))
		if err != nil || a != nil {
			t.Errorf("got %v, %v; want nothing", a, err)
		}
	})
}

func TestParseRecordErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"not json", `garbage`, "decode record"},
		{"no id", `{"affected": []}`, "no id"},
		{"bad id", `{"id": "../../etc"}`, "not a valid identifier"},
		{"bad time", `{"id": "X-1", "modified": "yesterday"}`, "modified: not an RFC 3339 time"},
		{"trailing", `{"id": "X-1"} {"id": "X-2"}`, "trailing data"},
		{"wrong type", `{"id": "X-1", "affected": "all"}`, "decode record"},
		{"huge", `{"id": "X-1", "details": "` + strings.Repeat("a", MaxRecordSize) + `"}`, "over the"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRecord([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseDir(t *testing.T) {
	got, err := ParseDir(context.Background(), os.DirFS("testdata"), ".")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	want := []string{"ALSA-2021:4916", "ALSA-2026:0067", "CVE-2023-38408", "GHSA-xxxx-yyyy-zzzz", "GO-2021-0068", "SUSE-SU-2024:0114-1", "WITHDRAWN-1"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestParseZipReal(t *testing.T) {
	tests := []struct {
		eco       string
		count     int
		withdrawn int
		check     func(t *testing.T, byID map[string]*advisory.Advisory)
	}{
		{"Go", 4789, 18, func(t *testing.T, byID map[string]*advisory.Advisory) {
			a := byID["GO-2020-0001"]
			want := []advisory.Import{{Path: "github.com/gin-gonic/gin", Symbols: []string{
				"Default", "Logger", "LoggerWithConfig", "LoggerWithFormatter", "LoggerWithWriter"}}}
			if diff := cmp.Diff(want, a.Affected[0].Imports); diff != "" {
				t.Errorf("GO-2020-0001 imports (-want +got):\n%s", diff)
			}
			if got := a.Affected[0].Ranges[0].Events[1].Fixed; got != "1.6.0" {
				t.Errorf("GO-2020-0001 fixed = %q, want 1.6.0", got)
			}
			var stdlib int
			for _, a := range byID {
				for _, af := range a.Affected {
					if af.Package == "stdlib" {
						stdlib++
					}
				}
			}
			if stdlib == 0 {
				t.Error("no stdlib records: the module name must be kept as is")
			}
		}},
		{"Ubuntu", 52, 0, func(t *testing.T, byID map[string]*advisory.Advisory) {
			a := byID["CVE-2022-37434"]
			if a.Source != "osv-ubuntu" {
				t.Errorf("source %q", a.Source)
			}
			ecos := map[string]bool{}
			for _, a := range byID {
				for _, af := range a.Affected {
					ecos[af.Ecosystem] = true
				}
			}
			for _, e := range []string{"Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS", "Ubuntu:24.04:LTS"} {
				if !ecos[e] {
					t.Errorf("no records for %s", e)
				}
			}
		}},
		{"AlmaLinux", 4440, 0, func(t *testing.T, byID map[string]*advisory.Advisory) {
			// 5637 records, less 1197 bug fix and enhancement advisories
			// that name no CVE.
			a := byID["ALSA-2023:5143"]
			if a == nil || a.Source != "osv-almalinux" || !slices.Contains(a.Aliases, "CVE-2023-36799") {
				t.Fatalf("ALSA-2023:5143 = %+v", a)
			}
			if diff := cmp.Diff([]advisory.Score{{Type: "URGENCY", Score: "Moderate"}}, a.Severity); diff != "" {
				t.Errorf("severity (-want +got):\n%s", diff)
			}
			if byID["ALBA-2019:0973"] != nil {
				t.Error("a bug fix advisory was kept")
			}
		}},
		{"PyPI", 2661, 10, func(t *testing.T, byID map[string]*advisory.Advisory) {
			a := byID["PYSEC-2012-5"]
			if a.Affected[0].Package != "tornado" || len(a.Affected[0].Versions) != 10 {
				t.Errorf("PYSEC-2012-5 = %+v", a.Affected[0])
			}
			if diff := cmp.Diff([]string{"CVE-2012-2374"}, a.Aliases); diff != "" {
				t.Errorf("aliases (-want +got):\n%s", diff)
			}
			for _, a := range byID {
				for _, af := range a.Affected {
					for _, r := range af.Ranges {
						if r.Type == "GIT" {
							t.Fatalf("%s kept a GIT range", a.ID)
						}
					}
					if strings.ContainsAny(af.Package, "_.ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
						t.Fatalf("%s: PyPI name %q not normalised", a.ID, af.Package)
					}
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.eco, func(t *testing.T) {
			path := testutil.Shared(t, "advisories/osv/"+tt.eco+"/all.zip")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			got, err := ParseZip(context.Background(), f, fi.Size())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.count {
				t.Errorf("%d advisories, want %d (README count)", len(got), tt.count)
			}
			byID := map[string]*advisory.Advisory{}
			withdrawn := 0
			for _, a := range got {
				byID[a.ID] = a
				if !a.Withdrawn.IsZero() {
					withdrawn++
				}
			}
			if withdrawn != tt.withdrawn {
				t.Errorf("%d withdrawn, want %d", withdrawn, tt.withdrawn)
			}
			tt.check(t, byID)
		})
	}
}

// makeZip builds a zip of name → content; store skips compression.
func makeZip(t testing.TB, files map[string][]byte, store bool) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		method := zip.Deflate
		if store {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseZipHostile(t *testing.T) {
	good := []byte(`{"id": "X-1", "affected": [{"package": {"ecosystem": "Go", "name": "m"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}`)
	valid := makeZip(t, map[string][]byte{"X-1.json": good}, false)
	// A bomb: 9 MiB of zeros compress to a few KiB.
	bomb := makeZip(t, map[string][]byte{"BOMB.json": make([]byte, 9<<20)}, false)
	// A liar: the header claims a small size, the data is larger.
	liar := makeZip(t, map[string][]byte{"LIAR.json": append([]byte(`{"id":"L-1","details":"`), bytes.Repeat([]byte("a"), 100)...)}, true)
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"truncated", valid[:len(valid)/2], "open zip"},
		{"garbage", []byte("this is not a zip file at all, not even close"), "open zip"},
		{"bomb", bomb, `zip entry "BOMB.json": 9437184 bytes is over`},
		{"bad record", makeZip(t, map[string][]byte{"BAD.json": []byte("{")}, false), `zip entry "BAD.json"`},
		{"liar", corruptSize(liar), `zip entry "LIAR.json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseZip(context.Background(), bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	if got, err := ParseZip(context.Background(), bytes.NewReader(valid), int64(len(valid))); err != nil || len(got) != 1 {
		t.Fatalf("valid zip: %v, %d advisories", err, len(got))
	}
}

// corruptSize rewrites the uncompressed size in the central directory of a
// one-entry stored zip to 10 bytes, so the entry holds more than it claims.
func corruptSize(z []byte) []byte {
	out := bytes.Clone(z)
	i := bytes.LastIndex(out, []byte("PK\x01\x02"))
	// Central directory header: uncompressed size at offset 24.
	out[i+24], out[i+25], out[i+26], out[i+27] = 10, 0, 0, 0
	return out
}

func FuzzParseRecord(f *testing.F) {
	for _, name := range []string{"GO-2021-0068.json", "GHSA-xxxx-yyyy-zzzz.json", "WITHDRAWN-1.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"id":"A-1","affected":[{"package":{"ecosystem":"PyPI","name":"A_b"},"versions":["1"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseRecord(data)
		if err != nil || a == nil {
			return
		}
		if a.ID == "" {
			t.Fatal("advisory without id")
		}
		for _, af := range a.Affected {
			if len(af.Ranges) == 0 && len(af.Versions) == 0 {
				t.Fatalf("statement that can match nothing kept: %+v", af)
			}
		}
	})
}

func FuzzParseZip(f *testing.F) {
	good := []byte(`{"id": "X-1", "affected": [{"package": {"ecosystem": "Go", "name": "m"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}`)
	f.Add(makeZip(f, map[string][]byte{"X-1.json": good}, false))
	f.Add(makeZip(f, map[string][]byte{"X-1.json": good}, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseZip(context.Background(), bytes.NewReader(data), int64(len(data)))
	})
}
