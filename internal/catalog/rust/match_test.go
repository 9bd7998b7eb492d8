package rust

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/match"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// TestMatchCratesIO matches crates from a Cargo.lock and from audit data
// against OSV records imported the way `db import` does.
func TestMatchCratesIO(t *testing.T) {
	ctx := context.Background()
	v1, err := catalogtest.ParseFixture(t, New(), "v1/app/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	audit, err := ParseAuditData(compress(t, auditJSON), "usr/local/bin/lite-grep")
	if err != nil {
		t.Fatal(err)
	}
	lock := `version = 3

[[package]]
name = "smallvec"
version = "0.6.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "smallvec"
version = "1.6.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
`
	extra, err := lockOf(lock, "srv/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := slices.Concat(v1, audit, extra)
	for i := range pkgs {
		sbom.SetPURL(&pkgs[i], nil)
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
	eng := match.NewEngine(db, ecos)
	eng.Explain = true // the test reads the dropped candidates too
	res, err := eng.Match(ctx, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	type finding struct{ ID, Package, Version, Fixed, PURL string }
	var got []finding
	for _, v := range res.Vulnerabilities {
		got = append(got, finding{v.ID, v.Package.Name, v.Package.Version, v.FixedVersion, v.Package.PURL})
	}
	want := []finding{
		{"RUSTSEC-2020-0071", "time", "0.1.42", "0.2.23", "pkg:cargo/time@0.1.42"},
		{"RUSTSEC-2021-0003", "smallvec", "0.6.10", "0.6.14", "pkg:cargo/smallvec@0.6.10"},
		{"RUSTSEC-2022-0013", "regex", "1.5.4", "1.5.5", "pkg:cargo/regex@1.5.4"},
	}
	byID := cmp.Transformer("byID", func(fs []finding) map[string]finding {
		m := map[string]finding{}
		for _, f := range fs {
			m[f.ID+" "+f.Version] = f
		}
		return m
	})
	if d := cmp.Diff(want, got, byID); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	dropped := false
	for _, d := range res.Dropped {
		dropped = dropped || d.ID == "RUSTSEC-2021-0003" && d.Package.Version == "1.6.1"
	}
	if !dropped {
		t.Errorf("smallvec 1.6.1 (fixed) was not considered and dropped: %+v", res.Dropped)
	}
}
