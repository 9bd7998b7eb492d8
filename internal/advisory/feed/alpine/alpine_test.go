package alpine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func fixedIn(eco, pkg, v string) advisory.Affected {
	return advisory.Affected{Ecosystem: eco, Package: pkg, Status: advisory.Fixed,
		Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}}
}

func TestParseFixture(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "v3.19", "main.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Parse(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	const eco = "Alpine:v3.19"
	want := []*advisory.Advisory{
		{ID: "ALPINE-CVE-2017-16808", Source: "alpine-secdb", Aliases: []string{"CVE-2017-16808"},
			Affected: []advisory.Affected{fixedIn(eco, "tcpdump", "4.9.3-r0")}},
		{ID: "ALPINE-CVE-2019-15166", Source: "alpine-secdb", Aliases: []string{"CVE-2019-15166"},
			Affected: []advisory.Affected{fixedIn(eco, "tcpdump", "4.9.3-r0")}},
		{ID: "ALPINE-CVE-2020-11742", Source: "alpine-secdb", Aliases: []string{"CVE-2020-11742"},
			Affected: []advisory.Affected{{Ecosystem: eco, Package: "xen", Status: advisory.NotAffected}}},
		{ID: "ALPINE-CVE-2023-46836", Source: "alpine-secdb", Aliases: []string{"CVE-2023-46836", "XSA-446"},
			Affected: []advisory.Affected{fixedIn(eco, "xen", "4.18.0-r2")}},
		// One id fixed in two packages: one advisory, two statements.
		{ID: "ALPINE-CVE-2023-46837", Source: "alpine-secdb", Aliases: []string{"CVE-2023-46837", "XSA-447"},
			Affected: []advisory.Affected{fixedIn(eco, "xen", "4.18.0-r2"), fixedIn(eco, "musl", "1.2.4-r2")}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestSplitIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"CVE-2020-1234", []string{"CVE-2020-1234"}},
		{"CVE-2020-1234 XSA-300", []string{"CVE-2020-1234", "XSA-300"}},
		{"CVE-2019-17349   XSA-295", []string{"CVE-2019-17349", "XSA-295"}},
		{"CVE-2018-16228 (BGP)", []string{"CVE-2018-16228"}},
		{"CVE_2019-15166", []string{"CVE-2019-15166"}},
		{"CVE 2019-1", []string{"CVE-2019-1"}},
		{"CVE-2019-6111.patch", []string{"CVE-2019-6111"}},
		{"CVE-2018-3639 CVE-2018-3640 XSA-263 XPTI", []string{"CVE-2018-3639", "CVE-2018-3640", "XSA-263"}},
		{"wnpa-sec-2019-1", []string{"wnpa-sec-2019-1"}},
		{"CVE-????-?????  XSA-300", []string{"XSA-300"}},
		{"CVE-????-?????", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SplitIDs(tt.in)); diff != "" {
				t.Errorf("SplitIDs(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"garbage", `not json`, "decode secdb"},
		{"no branch", `{"packages": []}`, "distroversion"},
		{"bad branch", `{"distroversion": "../x", "packages": []}`, "distroversion"},
		{"bad name", `{"distroversion": "v3.1", "packages": [{"pkg": {"name": "../x", "secfixes": {}}}]}`, "bad package name"},
		{"bad version", `{"distroversion": "v3.1", "packages": [{"pkg": {"name": "x", "secfixes": {"1 2": ["CVE-1-1"]}}}]}`, "bad fixed version"},
		{"wrong type", `{"distroversion": "v3.1", "packages": [{"pkg": {"name": "x", "secfixes": {"1": "CVE-1-1"}}}]}`, "decode secdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseReal(t *testing.T) {
	dir := testutil.Shared(t, "advisories/alpine")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(files) != 18 {
		t.Fatalf("%d secdb files (%v), want 18", len(files), err)
	}
	total := 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		advs, err := Parse(context.Background(), f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		total += len(advs)
		if !strings.HasSuffix(file, "v3.11/main.json") {
			continue
		}
		// openssl in v3.11: "1.1.1d-r1": CVE-2019-1547, CVE-2019-1549, CVE-2019-1563.
		found := false
		for _, a := range advs {
			if a.ID == "ALPINE-CVE-2019-1549" {
				found = true
				if diff := cmp.Diff([]advisory.Affected{fixedIn("Alpine:v3.11", "openssl", "1.1.1d-r1")}, a.Affected); diff != "" {
					t.Errorf("ALPINE-CVE-2019-1549 (-want +got):\n%s", diff)
				}
			}
		}
		if !found {
			t.Error("ALPINE-CVE-2019-1549 missing from v3.11/main")
		}
	}
	if total < 10000 {
		t.Errorf("only %d advisories over all branches", total)
	}
}

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "v3.19", "main.json")); err == nil {
		f.Add(b)
	}
	for _, r := range []string{"wolfi", "chainguard"} {
		if b, err := os.ReadFile(filepath.Join("testdata", r, "security.json")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"distroversion": "v3.3", "reponame": "community", "packages": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, err := Parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range advs {
			prefixed := strings.HasPrefix(a.ID, "ALPINE-") || strings.HasPrefix(a.ID, Wolfi.Prefix) || strings.HasPrefix(a.ID, Chainguard.Prefix)
			if !prefixed || len(a.Aliases) == 0 {
				t.Fatalf("bad advisory %+v", a)
			}
		}
	})
}

// testdata/wolfi and testdata/chainguard follow the security.json files
// Wolfi and Chainguard publish: Alpine's secdb shape without a branch.
func TestParseRolling(t *testing.T) {
	for _, r := range []Rolling{Wolfi, Chainguard} {
		t.Run(r.Ecosystem, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", strings.ToLower(r.Ecosystem), "security.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Parse(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]*advisory.Advisory{}
			for _, a := range got {
				byID[a.ID] = a
				if a.Source != r.Source {
					t.Errorf("%s: source %q", a.ID, a.Source)
				}
				for _, af := range a.Affected {
					if af.Ecosystem != r.Ecosystem {
						t.Errorf("%s: ecosystem %q", a.ID, af.Ecosystem)
					}
				}
			}
			if len(got) != 6 {
				t.Errorf("%d advisories, want 6", len(got))
			}
			a := byID[r.Prefix+"CVE-2023-0286"]
			if a == nil || len(a.Aliases) != 2 || a.Affected[0].Ranges[0].Events[1].Fixed != "3.0.8-r0" {
				t.Fatalf("%sCVE-2023-0286 = %+v", r.Prefix, a)
			}
			if na := byID[r.Prefix+"CVE-2023-0216"]; na == nil || na.Affected[0].Status != advisory.NotAffected {
				t.Errorf("secfix 0 is not affected: %+v", na)
			}
		})
	}
	// Without a branch, only Wolfi's and Chainguard's hosts are accepted.
	if _, err := Parse(context.Background(), strings.NewReader(`{"urlprefix":"https://packages.example.com","packages":[]}`)); err == nil {
		t.Error("an unknown rolling secdb parsed")
	}
}
