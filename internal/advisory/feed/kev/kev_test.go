package kev

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// testdata holds five entries of the real catalog.
func TestParse(t *testing.T) {
	b, err := os.ReadFile("testdata/known_exploited_vulnerabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(context.Background(), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := []*advisory.CVEInfo{
		{ID: "CVE-2014-6271", KEV: &advisory.KEV{DateAdded: "2022-01-28", DueDate: "2022-07-28", Ransomware: "Unknown"}},
		{ID: "CVE-2021-27104", KEV: &advisory.KEV{DateAdded: "2021-11-03", DueDate: "2021-11-17", Ransomware: "Known"}},
		{ID: "CVE-2021-44228", KEV: &advisory.KEV{DateAdded: "2021-12-10", DueDate: "2021-12-24", Ransomware: "Known"}},
		{ID: "CVE-2023-4911", KEV: &advisory.KEV{DateAdded: "2023-11-21", DueDate: "2023-12-12", Ransomware: "Unknown"}},
		{ID: "CVE-2025-48384", KEV: &advisory.KEV{DateAdded: "2025-08-25", DueDate: "2025-09-15", Ransomware: "Unknown"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseShared(t *testing.T) {
	f, err := os.Open(testutil.Shared(t, "advisories/kev/known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Parse(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1404 {
		t.Errorf("%d entries, want the catalog's 1404", len(got))
	}
}

func TestParseErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":   `{`,
		"no list":    `{"title":"x"}`,
		"bad id":     `{"vulnerabilities":[{"cveID":"../x","dateAdded":"2021-01-01"}]}`,
		"bad date":   `{"vulnerabilities":[{"cveID":"CVE-2021-0001","dateAdded":"yesterday"}]}`,
		"over limit": `{"vulnerabilities":[` + strings.Repeat(" ", MaxSize) + `]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(context.Background(), strings.NewReader(doc)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("testdata/known_exploited_vulnerabilities.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"vulnerabilities":[{"cveID":"CVE-2021-0001","dateAdded":"2021-01-01"},{"cveID":"CVE-2021-0001","dateAdded":"2020-01-01"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ci := range got {
			if !advisory.IsCVE(ci.ID) || ci.KEV == nil || !date(ci.KEV.DateAdded) {
				t.Fatalf("entry %+v", ci)
			}
		}
	})
}
