package epss

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// testdata follows FIRST's published CSV format (the comment line, the
// header, one row per CVE), plain and gzip-compressed.
func TestParse(t *testing.T) {
	want := []*advisory.CVEInfo{
		{ID: "CVE-2021-44228", EPSS: &advisory.EPSS{Score: 0.94358, Percentile: 0.99961, Date: "2025-08-25"}},
		{ID: "CVE-2022-1271", EPSS: &advisory.EPSS{Score: 0.00431, Percentile: 0.61993, Date: "2025-08-25"}},
		{ID: "CVE-2022-1664", EPSS: &advisory.EPSS{Score: 0.01262, Percentile: 0.78516, Date: "2025-08-25"}},
		{ID: "CVE-2022-2509", EPSS: &advisory.EPSS{Score: 0.00338, Percentile: 0.56208, Date: "2025-08-25"}},
		{ID: "CVE-2022-37434", EPSS: &advisory.EPSS{Score: 0.08231, Percentile: 0.91873, Date: "2025-08-25"}},
		{ID: "CVE-2023-4911", EPSS: &advisory.EPSS{Score: 0.78542, Percentile: 0.98997, Date: "2025-08-25"}},
	}
	for _, name := range []string{"epss_scores-current.csv", "epss_scores-current.csv.gz"} {
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
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	// Without the comment line, as older files were published.
	got, err := Parse(context.Background(), strings.NewReader("cve,epss,percentile\nCVE-2022-1271,0.5,0.9\n"))
	if err != nil || len(got) != 1 || got[0].EPSS.Date != "" {
		t.Errorf("%+v, %v", got, err)
	}
}

func TestParseErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"header":    "a,b,c\n",
		"bad id":    "cve,epss,percentile\n../x,0.1,0.2\n",
		"bad score": "cve,epss,percentile\nCVE-2022-1271,1.5,0.2\n",
		"nan":       "cve,epss,percentile\nCVE-2022-1271,NaN,0.2\n",
		"fields":    "cve,epss,percentile\nCVE-2022-1271,0.1\n",
		"bad gzip":  "\x1f\x8bxxxx",
		"empty":     "",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(context.Background(), strings.NewReader(doc)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("testdata/epss_scores-current.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	gz, _ := os.ReadFile("testdata/epss_scores-current.csv.gz")
	f.Add(gz)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ci := range got {
			if !advisory.IsCVE(ci.ID) || ci.EPSS.Score < 0 || ci.EPSS.Score > 1 {
				t.Fatalf("row %+v", ci)
			}
		}
	})
}
