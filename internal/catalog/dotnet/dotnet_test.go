package dotnet

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/match"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

const fixture = "app/Contoso.Api.deps.json"

func nuget(name, version string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.NuGet, Locations: []sbom.Location{{Path: fixture}}}
}

func TestDeps(t *testing.T) {
	got, err := catalogtest.ParseFixture(t, New(), fixture)
	if err != nil {
		t.Fatal(err)
	}
	main := func(p sbom.Package) sbom.Package { p.Main = true; return p }
	dev := func(p sbom.Package) sbom.Package { p.Dev = true; return p }
	want := []sbom.Package{
		main(nuget("Contoso.Api", "1.4.0")),
		main(nuget("Contoso.Domain", "1.0.0")),
		dev(nuget("JetBrains.Annotations", "2021.3.0")),
		nuget("Microsoft.AspNetCore.App.Runtime.linux-x64", "6.0.5"),
		nuget("Microsoft.NETCore.App.Runtime.linux-x64", "6.0.5"),
		nuget("Newtonsoft.Json", "13.0.1"),
		nuget("Serilog", "2.10.0"),
		nuget("Serilog.AspNetCore", "4.1.0"),
		nuget("Serilog.Sinks.Console", "4.0.1"),
		nuget("System.Text.Encodings.Web", "4.7.1"),
	}
	catalogtest.Expect(t, want, got, false)
	p := got[5]
	sbom.SetPURL(&p, nil)
	if p.PURL != "pkg:nuget/Newtonsoft.Json@13.0.1" {
		t.Errorf("purl %s", p.PURL)
	}
}

func TestWants(t *testing.T) {
	c := New()
	for p, want := range map[string]bool{
		"app/Contoso.Api.deps.json": true,
		"usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.5/Microsoft.NETCore.App.deps.json": true,
		"app/.deps.json":                     false,
		"app/Contoso.Api.runtimeconfig.json": false,
		"app/deps.json":                      false,
	} {
		if got := c.Wants(p, 0o644, 1000); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
	// An oversized file is wanted, and refused by the file budget.
	if !c.Wants("a.deps.json", 0o644, budget.DefaultFileBytes+1) {
		t.Error("does not want an oversized file")
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		err      string
	}{
		{"not json", "{", nil, "not a deps.json"},
		{"no libraries", `{"targets":{}}`, nil, `no "libraries"`},
		{"libraries not an object", `{"libraries":[]}`, nil, "not a deps.json"},
		{"bad entries", `{"libraries":{
			"Good/1.0.0":{"type":"package"},
			"NoVersion":{"type":"package"},
			"Bad Name/1.0.0":{"type":"package"},
			"Typed/1.0.0":{"type":7},
			"Empty/":{"type":"package"}}}`,
			[]string{"Good@1.0.0"}, `library "Bad Name/1.0.0"`},
		{"targets of odd shape", `{"targets":{"t":{"A/1.0.0":[],"B/2.0.0":{"compileOnly":"yes"}}},"libraries":{"A/1.0.0":{"type":"package"}}}`, []string{"A@1.0.0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseDeps(context.Background(), generic.FromBytes("x.deps.json", []byte(tc.in)))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name+"@"+p.Version)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("got %v, want %v", names, tc.want)
			}
		})
	}
	// Errors come in a stable order whatever the map order.
	in := `{"libraries":{"a":{},"b":{},"c":{},"d":{},"e":{},"f":{}}}`
	_, first := parseDeps(context.Background(), generic.FromBytes("x", []byte(in)))
	for i := 0; i < 20; i++ {
		if _, err := parseDeps(context.Background(), generic.FromBytes("x", []byte(in))); err.Error() != first.Error() {
			t.Fatalf("error changed:\n%v\n%v", first, err)
		}
	}
}

func TestMatchNuGet(t *testing.T) {
	ctx := context.Background()
	pkgs, err := catalogtest.ParseFixture(t, New(), fixture)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{filepath.Join("testdata", "advisories")}, importer.ImportOptions{BuiltAt: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ecos, err := db.Ecosystems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := match.NewEngine(db, ecos).Match(ctx, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res.Vulnerabilities {
		got = append(got, v.ID+" "+v.Package.Name+" "+v.Package.Version+" fixed "+v.FixedVersion)
	}
	if d := cmp.Diff([]string{"GHSA-ghhp-997w-qr28 System.Text.Encodings.Web 4.7.1 fixed 4.7.2"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func FuzzParseDeps(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(fixture)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"libraries":{"runtimepack./1":{"type":"runtimepack"},"a/1":{"type":"Project"}},"targets":{"x":{"a/1":{"compileOnly":true}}}}`))
	f.Add([]byte(`{"libraries":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, _ := parseDeps(context.Background(), generic.FromBytes("x.deps.json", data))
		for _, p := range pkgs {
			if !validName(p.Name) || !validVersion(p.Version) {
				t.Errorf("invalid package %+v", p)
			}
		}
	})
}
