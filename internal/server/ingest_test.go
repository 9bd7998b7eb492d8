package server

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImageName(t *testing.T) {
	tests := []struct {
		target string
		tags   []string
		want   string
	}{
		{"docker:sha256:abc", []string{"app:1"}, "app:1"},
		{"registry:ghcr.io/x/y:2", nil, "ghcr.io/x/y:2"},
		{"docker:nginx", []string{""}, "nginx"},
		{"docker-archive:/tmp/a.tar", nil, "docker-archive:/tmp/a.tar"},
	}
	for _, tc := range tests {
		if got := ImageName(tc.target, tc.tags); got != tc.want {
			t.Errorf("ImageName(%q, %q) = %q, want %q", tc.target, tc.tags, got, tc.want)
		}
	}
}

func TestParseBench(t *testing.T) {
	b, err := os.ReadFile("testdata/bench-report.json")
	if err != nil {
		t.Fatal(err)
	}
	br, host, err := ParseBench(b)
	if err != nil {
		t.Fatal(err)
	}
	if host != "host1" || br.Score != -1 || br.Pass != 1 || br.Warn != 2 || br.Total != 5 || br.CreatedAt.IsZero() {
		t.Errorf("ParseBench = %+v, %q", br, host)
	}
	if _, _, err := ParseBench([]byte(`{"schema_version":"2.0"}`)); err == nil {
		t.Error("future major version accepted")
	}
}

// FuzzParseScan: submitted reports are hostile input; parsing never
// panics, and what parses has a bounded name and consistent counts.
func FuzzParseScan(f *testing.F) {
	demo, err := os.ReadFile("testdata/demo-report.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(`{"schema_version":"1.0.0","target":{"name":"x"},"vulnerabilities":[{"id":"A","severity":"bogus"}]}`))
	f.Add([]byte(`{"schema_version":"1","target":{"name":"","repo_tags":["a:1"]},"database":{"built_at":"2020-01-01T00:00:00Z"},"coverage":{"vulnerability_data":"matched"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"schema_version":"2.0.0","target":{"name":"x"},"coverage":{"assessed":"full","matching":"matched","package_status":{"checked":0,"not_checked":88},"gaps":[{"status":"not_checked","reason":"no data for Debian 12","count":88}]}}`))
	f.Add([]byte(`{"schema_version":"1.3.0","target":{"name":"x"},"coverage":{"assessed":true,"vulnerability_data":"matched; no advisory data for Debian:12 (88 packages)"},"summary":{"packages":88}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScan(data)
		if err != nil {
			return
		}
		switch sc.Coverage.Assessed {
		case "full", "partial", "none":
		default:
			t.Fatalf("coverage %q stored", sc.Coverage.Assessed)
		}
		if sc.Image == "" || len(sc.Image) > maxName {
			t.Fatalf("image %q accepted", sc.Image)
		}
		if sc.Counts.Total() != len(sc.Findings) {
			t.Fatalf("counts %+v for %d findings", sc.Counts, len(sc.Findings))
		}
		sc2, err := ParseScan(data)
		if err != nil || !cmp.Equal(sc, sc2) {
			t.Fatal("parse is not deterministic")
		}
	})
}

func FuzzParseBench(f *testing.F) {
	b, err := os.ReadFile("testdata/bench-report.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"schema_version":"1.0","results":[{"id":"1.1","status":"warn","scored":true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		br, _, err := ParseBench(data)
		if err == nil && br.Total < 0 {
			t.Fatalf("negative total %+v", br)
		}
	})
}
