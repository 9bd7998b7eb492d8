package nvd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz"

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

// The records are NVD's, as copied per CVE by fkie-cad/nvd-json-data-feeds
// (configurations and references shortened).
func TestParseRecord(t *testing.T) {
	got, err := ParseRecord(read(t, "CVE-2022-1271.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &advisory.CVEInfo{ID: "CVE-2022-1271", Severity: []advisory.Score{
		{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Origin: advisory.OriginNVD, Ref: "CVE-2022-1271 NVD"},
		{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Origin: advisory.OriginCNA, Ref: "CVE-2022-1271 CNA via NVD"},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	got, err = ParseRecord(read(t, "CVE-2022-1664.json"))
	if err != nil || len(got.Severity) != 2 || got.Severity[1].Type != "CVSS_V2" {
		t.Errorf("CVE-2022-1664: %+v, %v", got, err)
	}
	if ci, err := ParseRecord([]byte(`{"id":"CVE-2020-0001","vulnStatus":"Rejected","metrics":{}}`)); ci != nil || err != nil {
		t.Errorf("rejected: %+v %v", ci, err)
	}
	for _, bad := range []string{`{`, `{"id":"x"}`, `{"id":"CVE-2020-0001"} {}`} {
		if _, err := ParseRecord([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// releaseFeed builds a release feed as fkie-cad publishes it.
func releaseFeed(t testing.TB, names ...string) []byte {
	var items []json.RawMessage
	for _, n := range names {
		items = append(items, read(t, n))
	}
	b, err := json.MarshalIndent(map[string]any{
		"timestamp": "2026-10-02T00:00:00+00:00", "cve_count": len(items), "feed_name": "CVE-2022",
		"source": "fkie-cad/nvd-json-data-feeds", "cve_items": items,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseFeed(t *testing.T) {
	ctx := context.Background()
	plain := releaseFeed(t, "CVE-2022-37434.json", "CVE-2022-1271.json", "CVE-2022-1664.json")
	var compressed bytes.Buffer
	w, _ := xz.NewWriter(&compressed)
	w.Write(plain)
	w.Close()
	dir, err := ParseDir(ctx, os.DirFS("testdata"), ".")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"plain": plain, "xz": compressed.Bytes()} {
		got, err := ParseFeed(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := cmp.Diff(dir, got); d != "" || len(got) != 3 {
			t.Errorf("%s feed and folder differ (-dir +feed):\n%s", name, d)
		}
	}
	api := `{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CVE","version":"2.0","vulnerabilities":[{"cve":` + string(read(t, "CVE-2022-37434.json")) + `}]}`
	got, err := ParseFeed(ctx, strings.NewReader(api))
	if err != nil || len(got) != 1 || got[0].ID != "CVE-2022-37434" {
		t.Errorf("API response: %+v, %v", got, err)
	}
	if _, err := ParseFeed(ctx, bytes.NewReader(plain[:len(plain)/2])); err == nil {
		t.Error("a truncated feed parsed")
	}
	huge := `{"cve_items":[{"id":"CVE-2020-0001","descriptions":"` + strings.Repeat("a", MaxRecordSize+(2<<20)) + `"}]}`
	if _, err := ParseFeed(ctx, strings.NewReader(huge)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("an oversized record: %v", err)
	}
}

func FuzzParseFeed(f *testing.F) {
	f.Add(releaseFeed(f, "CVE-2022-1271.json"))
	f.Add(read(f, "CVE-2022-1664.json"))
	f.Add([]byte(`{"vulnerabilities":[{"cve":{"id":"CVE-2020-0001","metrics":{"cvssMetricV2":[{"type":"Primary","cvssData":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}}]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseFeed(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ci := range got {
			if !advisory.IsCVE(ci.ID) || len(ci.Severity) == 0 {
				t.Fatalf("record %+v", ci)
			}
		}
		_, _ = ParseRecord(data)
	})
}
