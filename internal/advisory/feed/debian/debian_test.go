package debian

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func fixed(v string) []advisory.Range {
	return []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func urg(u string) []advisory.Score { return []advisory.Score{{Type: "URGENCY", Score: u}} }

func TestParseListFixture(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "list"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseList(context.Background(), f, "debian-dsa")
	if err != nil {
		t.Fatal(err)
	}
	want := []*advisory.Advisory{
		{ID: "DLA-3380-1", Source: "debian-dsa", Summary: "firmware-nonfree - security update", Published: date("2023-04-01"), Modified: date("2023-04-01"),
			Aliases: []string{"CVE-2020-12362"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:10", Package: "firmware-nonfree", Status: advisory.Fixed, Ranges: fixed("20190114+really20220913-0+deb10u1")},
				{Ecosystem: "Debian:sid", Package: "firmware-nonfree", Status: advisory.NotAffected},
			}},
		{ID: "DSA-1724-1", Source: "debian-dsa", Summary: "several vulnerabilities", Published: date("2009-02-13"), Modified: date("2009-02-13"),
			Aliases: []string{"CVE-2009-0040"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:4.0", Package: "moodle", Status: advisory.Fixed, Ranges: fixed("1.6.3-2+etch2"), Severity: urg("medium")},
				{Ecosystem: "Debian:3.1", Package: "moodle", Status: advisory.EndOfLife},
			}},
		{ID: "DSA-2114-1", Source: "debian-dsa", Summary: "git-core", Published: date("2010-09-26"), Modified: date("2010-09-26"),
			Aliases: []string{"CVE-2010-2542"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:5.0", Package: "git-core", Status: advisory.Fixed, Ranges: fixed("1:1.5.6.5-3+lenny3.2")},
			}},
		{ID: "DSA-4963-1", Source: "debian-dsa", Summary: "openssl - security update", Published: date("2021-08-24"), Modified: date("2021-08-24"),
			Aliases: []string{"CVE-2021-3711", "CVE-2021-3712"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:10", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1.1.1d-0+deb10u7")},
				{Ecosystem: "Debian:11", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1.1.1k-1+deb11u1")},
			}},
		{ID: "DSA-5356-2", Source: "debian-dsa", Summary: "sox - regression update", Published: date("2023-03-17"), Modified: date("2023-03-17"),
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:11", Package: "sox", Status: advisory.Fixed, Ranges: fixed("14.4.2+git20190427-2+deb11u2")},
			}},
		{ID: "DSA-620", Source: "debian-dsa", Summary: "perl - several vulnerabilities", Published: date("2005-01-05"), Modified: date("2005-01-05"),
			Aliases: []string{"CVE-2004-0452", "CVE-2004-0976"},
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:3.0", Package: "perl", Status: advisory.Fixed, Ranges: fixed("5.6.1-8.8"), Severity: urg("high")},
				{Ecosystem: "Debian:3.1", Package: "perl", Status: advisory.NotAffected},
				{Ecosystem: "Debian:2.0", Package: "perl", Status: advisory.WillNotFix},
				{Ecosystem: "Debian:2.2", Package: "perl", Status: advisory.Unfixed},
				// [zeppelin] is no Debian release: skipped.
			}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseList mismatch (-want +got):\n%s", diff)
	}
}

func TestParseListErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"indented before header", "\t{CVE-2020-1}\n", "line 1: indented line before"},
		{"bad header", "DSA-1-1 foo\n", "line 1: expected an advisory header"},
		{"bad date", "[45 Foo 2020] DSA-1-1 foo - x\n", "line 1: bad date"},
		{"unterminated ids", "[01 Jan 2020] DSA-1-1 foo - x\n\t{CVE-2020-1\n", "line 2: unterminated"},
		{"bad id", "[01 Jan 2020] DSA-1-1 foo - x\n\t{CVE-2020-1 <script>}\n", "line 2: bad id"},
		{"unknown tag", "[01 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo <maybe>\n", "line 2: unknown tag"},
		{"no version", "[01 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo\n", "line 2: release line names no version"},
		{"bad version", "[01 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo 1.0\x01\n", "line 2: bad version"},
		{"garbage line", "[01 Jan 2020] DSA-1-1 foo - x\n\tgarbage\n", "line 2: unrecognised line"},
		{"line too long", "[01 Jan 2020] DSA-1-1 foo - x\n\t{" + strings.Repeat("A", maxLineLen+10) + "}\n", "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseList(context.Background(), strings.NewReader(tt.in), "debian-dsa")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseListReal(t *testing.T) {
	tests := []struct {
		file   string
		source string
		count  int
		id     string
		want   []advisory.Affected
	}{
		{"debian/DSA/list", "debian-dsa", 5406, "DSA-4963-1", []advisory.Affected{
			{Ecosystem: "Debian:10", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1.1.1d-0+deb10u7")},
			{Ecosystem: "Debian:11", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1.1.1k-1+deb11u1")},
		}},
		{"debian/DLA/list", "debian-dla", 3534, "DLA-3193-2", []advisory.Affected{
			{Ecosystem: "Debian:10", Package: "joblib", Status: advisory.Fixed, Ranges: fixed("0.13.0-2+deb10u2")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(testutil.Shared(t, filepath.Join("advisories", tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ParseList(context.Background(), f, tt.source)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.count {
				t.Errorf("%d advisories, want %d (README count)", len(got), tt.count)
			}
			var a *advisory.Advisory
			for _, x := range got {
				if x.ID == tt.id {
					a = x
				}
			}
			if a == nil {
				t.Fatalf("%s not found", tt.id)
			}
			if diff := cmp.Diff(tt.want, a.Affected); diff != "" {
				t.Errorf("%s affected (-want +got):\n%s", tt.id, diff)
			}
			for _, x := range got {
				if x.Source != tt.source {
					t.Fatalf("%s has source %q", x.ID, x.Source)
				}
			}
		})
	}
}

func TestParseTrackerFixture(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "tracker.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseTracker(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	want := []*advisory.Advisory{
		{ID: "DEBIAN-CVE-2010-0928", Aliases: []string{"CVE-2010-0928"}, Source: "debian-tracker",
			Summary: "OpenSSL 0.9.8i on the Gaisler Research LEON3 SoC on the Xilinx Virtex-II Pro FPGA uses a Fixed Width Exponentiation (FWE) algorithm",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.Unfixed, Severity: urg("unimportant")},
			}},
		{ID: "DEBIAN-CVE-2023-0286", Aliases: []string{"CVE-2023-0286"}, Source: "debian-tracker",
			Summary: "There is a type confusion vulnerability relating to X.400 address processing inside an X.509 GeneralName.",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:10", Package: "openssl", Status: advisory.EndOfLife},
				{Ecosystem: "Debian:11", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1.1.1n-0+deb11u4")},
				{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("3.0.8-1")},
				{Ecosystem: "Debian:sid", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("3.0.8-1")},
			}},
		{ID: "DEBIAN-CVE-2023-0687", Aliases: []string{"CVE-2023-0687"}, Source: "debian-tracker",
			Summary: "A vulnerability was found in GNU C Library 2.38. It has been declared as critical.",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:12", Package: "glibc", Status: advisory.NotAffected, Severity: urg("unimportant")},
			}},
		{ID: "DEBIAN-CVE-2023-4806", Aliases: []string{"CVE-2023-4806"}, Source: "debian-tracker",
			Summary: "A flaw was found in glibc.",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:11", Package: "glibc", Status: advisory.WillNotFix, Severity: urg("low")},
				{Ecosystem: "Debian:12", Package: "glibc", Status: advisory.WillNotFix, Severity: urg("low")},
				{Ecosystem: "Debian:13", Package: "glibc", Status: advisory.Fixed, Ranges: fixed("2.37-12"), Severity: urg("low")},
			}},
		{ID: "DEBIAN-CVE-2024-2398", Aliases: []string{"CVE-2024-2398"}, Source: "debian-tracker",
			Summary: "When an application tells libcurl it wants to allow HTTP/2 server push...",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:11", Package: "curl", Status: advisory.StatusAffected},
				{Ecosystem: "Debian:12", Package: "curl", Status: advisory.Unfixed, Severity: urg("medium")},
				{Ecosystem: "Debian:2.0", Package: "curl", Status: advisory.Unfixed, Severity: urg("high")},
			}},
		{ID: "DEBIAN-TEMP-0000000-1A2B3C", Source: "debian-tracker",
			Summary: "curl: example of an issue the tracker has no CVE for",
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:12", Package: "curl", Status: advisory.WillNotFix, Severity: urg("low")},
			}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseTracker mismatch (-want +got):\n%s", diff)
	}
}

func TestParseTrackerErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"not an object", `[1,2]`, "expected"},
		{"truncated", `{"openssl": {"CVE-2020-1": {"releases": {"buster": {"status": "open"`, "package \"openssl\""},
		{"bad package name", `{"../x": {}}`, "bad source package name"},
		{"bad status", `{"a": {"CVE-2020-1": {"releases": {"buster": {"status": "weird"}}}}}`, "unknown status"},
		{"bad version", `{"a": {"CVE-2020-1": {"releases": {"buster": {"status": "resolved", "fixed_version": "1 2"}}}}}`, "bad version"},
		{"bad id", `{"a": {"<x>": {}}}`, "bad issue id"},
		{"trailing", `{} {}`, "trailing data"},
		{"wrong type", `{"a": {"CVE-2020-1": {"releases": {"buster": {"status": 3}}}}}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTracker(context.Background(), strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLimitedReader(t *testing.T) {
	_, err := ParseList(context.Background(), &limitedReader{r: bytes.NewReader(bytes.Repeat([]byte("\n"), 100)), n: 10}, "x")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestReleasesCoverAllCodenames(t *testing.T) {
	// Every codename from hamm (2.0) to duke, plus sid.
	for _, c := range []string{"hamm", "slink", "potato", "woody", "sarge", "etch", "lenny", "squeeze", "wheezy",
		"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid"} {
		if _, ok := Ecosystem(c); !ok {
			t.Errorf("codename %s not mapped", c)
		}
	}
	if e, _ := Ecosystem("bookworm"); e != "Debian:12" {
		t.Errorf("bookworm = %s, want Debian:12", e)
	}
}

func FuzzParseList(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "list")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("[01 Jan 2020] DSA-1-1 foo - x\n\t{CVE-2020-1}\n\t[buster] - foo 1.0-1 (low)\n"))
	f.Add([]byte("[01 Jan 2020] DLA-1-1 foo\n\t[sid] - foo <not-affected> (reason)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, err := ParseList(context.Background(), bytes.NewReader(data), "debian-dsa")
		if err != nil {
			return
		}
		for _, a := range advs {
			if a.ID == "" {
				t.Fatal("advisory without id")
			}
			for _, af := range a.Affected {
				if af.Package == "" || af.Ecosystem == "" || af.Status == "" {
					t.Fatalf("incomplete statement %+v", af)
				}
			}
		}
	})
}

func FuzzParseTracker(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "tracker.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"a": {"CVE-2020-1": {"releases": {"buster": {"status": "resolved", "fixed_version": "0"}}}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, err := ParseTracker(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range advs {
			for _, af := range a.Affected {
				if af.Status == advisory.Fixed && len(af.Ranges) != 1 {
					t.Fatalf("fixed statement without range %+v", af)
				}
			}
		}
	})
}
