package alas

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

func fixed(v string) []advisory.Range {
	return []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
}

// testdata/updateinfo.xml follows the updateinfo.xml of Amazon Linux's
// repositories (repodata/…-updateinfo.xml.gz).
func TestParse(t *testing.T) {
	want := []*advisory.Advisory{
		{
			ID: "ALAS2023-2023-076", Aliases: []string{"CVE-2023-23914", "CVE-2023-23916"}, Source: "amazon-alas",
			Summary:   "Medium priority package update for curl",
			Published: time.Date(2023, 2, 17, 0, 55, 0, 0, time.UTC), Modified: time.Date(2023, 10, 4, 21, 34, 0, 0, time.UTC),
			Severity:   []advisory.Score{{Type: "URGENCY", Score: "medium"}},
			References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2023-23914", "https://nvd.nist.gov/vuln/detail/CVE-2023-23916"},
			Affected: []advisory.Affected{
				{Ecosystem: "Amazon Linux:2023", Package: "curl-minimal", Status: advisory.Fixed, Ranges: fixed("7.88.0-1.amzn2023.0.1")},
				{Ecosystem: "Amazon Linux:2023", Package: "libcurl-minimal", Status: advisory.Fixed, Ranges: fixed("7.88.0-1.amzn2023.0.1")},
			},
		},
		{
			ID: "ALAS2023-2023-181", Aliases: []string{"CVE-2023-2650"}, Source: "amazon-alas",
			Summary:   "Important priority package update for openssl",
			Published: time.Date(2023, 6, 5, 19, 24, 0, 0, time.UTC), Modified: time.Date(2023, 6, 7, 13, 23, 0, 0, time.UTC),
			Severity:   []advisory.Score{{Type: "URGENCY", Score: "important"}},
			References: []string{"https://nvd.nist.gov/vuln/detail/CVE-2023-2650"},
			Affected: []advisory.Affected{
				{Ecosystem: "Amazon Linux:2023", Package: "openssl", Status: advisory.Fixed, Ranges: fixed("1:3.0.8-1.amzn2023.0.3")},
				{Ecosystem: "Amazon Linux:2023", Package: "openssl-libs", Status: advisory.Fixed, Ranges: fixed("1:3.0.8-1.amzn2023.0.3")},
			},
		},
	}
	for _, name := range []string{"updateinfo.xml", "updateinfo.xml.gz"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Parse(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			// The optional topic (kernel 5.10) and the bug fix update are
			// left out.
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not xml":      "{}",
		"no root":      `<update type="security"><id>ALAS2023-2023-1</id></update>`,
		"other root":   `<html><body/></html>`,
		"bad id":       `<updates><update type="security"><id>../../x</id></update></updates>`,
		"bad name":     `<updates><update type="security"><id>ALAS2023-2023-1</id><pkglist><collection><package name="a b" version="1" release="1"/></collection></pkglist></update></updates>`,
		"bad epoch":    `<updates><update type="security"><id>ALAS2023-2023-1</id><pkglist><collection><package name="a" epoch="x" version="1" release="1"/></collection></pkglist></update></updates>`,
		"unterminated": `<updates><update type="security"><id>ALAS2023-2023-1</id>`,
		"entity bomb":  `<!DOCTYPE x [<!ENTITY a "aaaa">]><updates><update><id>&a;</id></update></updates>`,
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := Parse(context.Background(), strings.NewReader(doc)); err == nil {
				t.Errorf("no error: %+v", got)
			}
		})
	}
}

func TestRepomd(t *testing.T) {
	md := `<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1696535016</revision>
  <data type="primary"><location href="repodata/abc-primary.xml.gz"/></data>
  <data type="updateinfo"><checksum type="sha256">1234</checksum><location href="repodata/def-updateinfo.xml.gz"/><size>123</size></data>
</repomd>`
	if got, err := Repomd([]byte(md)); err != nil || got != "repodata/def-updateinfo.xml.gz" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{`<repomd><data type="updateinfo"><location href="../../etc/passwd"/></data></repomd>`,
		`<repomd><data type="updateinfo"><location href="https://elsewhere/x"/></data></repomd>`, `<repomd/>`, `<`} {
		if got, err := Repomd([]byte(bad)); err == nil {
			t.Errorf("%s: got %q", bad, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("testdata/updateinfo.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	gz, _ := os.ReadFile("testdata/updateinfo.xml.gz")
	f.Add(gz)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(context.Background(), strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, a := range got {
			for _, af := range a.Affected {
				if af.Package == "" || !strings.HasPrefix(af.Ecosystem, "Amazon Linux:") {
					t.Fatalf("statement %+v", af)
				}
			}
		}
		_, _ = Repomd(data)
	})
}
