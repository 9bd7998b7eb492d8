package cve

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The records are real ones from the CVE List (cvelistV5).
func TestParseRecord(t *testing.T) {
	tests := []struct {
		file string
		want *advisory.CVEInfo
	}{
		// CVSS only in CISA's ADP container; its SSVC decision is skipped.
		{"CVE-2022-2509.json", &advisory.CVEInfo{ID: "CVE-2022-2509", Severity: []advisory.Score{
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Origin: advisory.OriginADP, Ref: "CVE-2022-2509 CISA-ADP"},
		}}},
		// A text rating from the CNA, CVSS from CISA.
		{"CVE-2022-4450.json", &advisory.CVEInfo{ID: "CVE-2022-4450", Severity: []advisory.Score{
			{Type: "URGENCY", Score: "moderate", Origin: advisory.OriginCNA, Ref: "CVE-2022-4450 openssl"},
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Origin: advisory.OriginADP, Ref: "CVE-2022-4450 CISA-ADP"},
		}}},
		// Red Hat's rating and CVSS in the CNA container; CISA's KEV entry.
		{"CVE-2023-4911.json", &advisory.CVEInfo{ID: "CVE-2023-4911", Severity: []advisory.Score{
			{Type: "URGENCY", Score: "important", Origin: advisory.OriginCNA, Ref: "CVE-2023-4911 redhat"},
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Origin: advisory.OriginCNA, Ref: "CVE-2023-4911 redhat"},
		}, KEV: &advisory.KEV{DateAdded: "2023-11-21"}}},
		// No rating anywhere.
		{"CVE-2024-22365.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseRecord(read(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseRecordErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":     `{`,
		"not a record": `{"dataType":"CVE_RECORD","dataVersion":"4.0"}`,
		"bad id":       `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"../../x","state":"PUBLISHED"}}`,
		"trailing":     `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED"}} x`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRecord([]byte(doc)); err == nil {
				t.Error("no error")
			}
		})
	}
	rejected := `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"REJECTED"},"containers":{"cna":{"metrics":[{"cvssV3_1":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]}}}`
	if ci, err := ParseRecord([]byte(rejected)); err != nil || ci != nil {
		t.Errorf("rejected record: %+v, %v", ci, err)
	}
}

func TestParseDirAndZip(t *testing.T) {
	ctx := context.Background()
	dir, err := ParseDir(ctx, os.DirFS("testdata"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(dir) != 3 {
		t.Fatalf("%d records with ratings, want 3", len(dir))
	}
	// A cvelistV5 release: a zip holding cves.zip holding cves/<year>/….
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	for _, ci := range []string{"CVE-2022-2509.json", "CVE-2022-4450.json", "CVE-2023-4911.json", "CVE-2024-22365.json"} {
		w, _ := zw.Create("cves/" + ci[4:8] + "/" + ci[9:10] + "xxx/" + ci)
		w.Write(read(t, ci))
	}
	zw.Close()
	var outer bytes.Buffer
	zw = zip.NewWriter(&outer)
	w, _ := zw.Create("cves.zip")
	w.Write(inner.Bytes())
	zw.Close()
	got, err := ParseZip(ctx, bytes.NewReader(outer.Bytes()), int64(outer.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(dir, got); d != "" {
		t.Errorf("zip and folder differ (-dir +zip):\n%s", d)
	}
}

func TestParseShared(t *testing.T) {
	dir := testutil.Shared(t, "advisories/cve")
	got, err := ParseDir(context.Background(), os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	// 30 of the 70 real records carry a CVSS metric, a text rating or a
	// KEV entry.
	if len(got) != 30 {
		t.Errorf("%d records with ratings, want 30", len(got))
	}
}

func FuzzParseRecord(f *testing.F) {
	for _, name := range []string{"CVE-2022-2509.json", "CVE-2022-4450.json", "CVE-2023-4911.json"} {
		f.Add(read(f, name))
	}
	f.Add([]byte(`{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED"},"containers":{"cna":{"metrics":[{"other":{"type":"x","content":"High"}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ci, err := ParseRecord(data)
		if err != nil || ci == nil {
			return
		}
		if !advisory.IsCVE(ci.ID) {
			t.Fatalf("id %q", ci.ID)
		}
	})
}
