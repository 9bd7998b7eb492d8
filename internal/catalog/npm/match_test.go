package npm_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// TestNpmMatching is acceptance test 4: npm packages of an image are
// matched against OSV records (testdata/osv, real advisories in the OSV
// schema) imported into a database. The expected findings were worked out
// by hand from the records' SEMVER ranges.
func TestNpmMatching(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{"testdata/osv"}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	manifest := func(name, version string) string {
		return fmt.Sprintf(`{"name": %q, "version": %q, "license": "MIT"}`, name, version)
	}
	layer := testutil.LayerTar(t,
		testutil.Entry{Name: "srv/app/package.json", Body: manifest("shop-api", "1.4.2")},
		testutil.Entry{Name: "srv/app/node_modules/lodash/package.json", Body: manifest("lodash", "4.17.4")},
		testutil.Entry{Name: "srv/app/node_modules/minimist/package.json", Body: manifest("minimist", "1.2.0")},
		testutil.Entry{Name: "srv/app/node_modules/express/package.json", Body: manifest("express", "4.16.0")},
		testutil.Entry{Name: "srv/app/node_modules/debug/package.json", Body: manifest("debug", "2.6.9")},
		testutil.Entry{Name: "srv/app/node_modules/qs/package.json", Body: manifest("qs", "6.5.1")},
		testutil.Entry{Name: "srv/app/node_modules/@babel/traverse/package.json", Body: manifest("@babel/traverse", "7.22.0")},
		testutil.Entry{Name: "srv/app/node_modules/next-app/node_modules/express/package.json", Body: manifest("express", "5.0.0-beta.1")},
		testutil.Entry{Name: "srv/app/node_modules/next-app/package.json", Body: manifest("next-app", "0.1.0")},
	)
	archive := testutil.DockerArchive(t, "bulwark-test/npm-match:latest", layer)
	rep, err := scan.Inventory(ctx, "docker-archive:"+archive, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := scan.Match(ctx, rep, db, false); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range rep.Vulnerabilities {
		got = append(got, fmt.Sprintf("%s %s@%s fixed %s %s", v.ID, v.Package.Name, v.Package.Version, v.FixedVersion, v.Status))
		if v.Package.PURL == "" || len(v.Aliases) == 0 {
			t.Errorf("%s: purl %q aliases %v", v.ID, v.Package.PURL, v.Aliases)
		}
	}
	slices.Sort(got)
	want := []string{
		"GHSA-35jh-r3h4-6jhm lodash@4.17.4 fixed 4.17.21 fixed",
		"GHSA-67hx-6x53-jw92 @babel/traverse@7.22.0 fixed 7.23.2 fixed",
		"GHSA-hrpp-h998-j3pp qs@6.5.1 fixed 6.5.3 fixed",
		"GHSA-jf85-cpcp-j695 lodash@4.17.4 fixed 4.17.12 fixed",
		"GHSA-qw6h-vgh9-j6wx express@4.16.0 fixed 4.20.0 fixed",
		"GHSA-qw6h-vgh9-j6wx express@5.0.0-beta.1 fixed 5.0.0 fixed",
		"GHSA-rv95-896h-c2vc express@4.16.0 fixed 4.19.2 fixed",
		"GHSA-rv95-896h-c2vc express@5.0.0-beta.1 fixed 5.0.0-beta.3 fixed",
		"GHSA-vh95-rmgr-6w4m minimist@1.2.0 fixed 1.2.3 fixed",
		"GHSA-x5rq-j2xg-h7qm lodash@4.17.4 fixed 4.17.11 fixed",
		"GHSA-xvch-5gv4-984h minimist@1.2.0 fixed 1.2.6 fixed",
		// Not affected: debug 2.6.9 is the fix of GHSA-gxpj-cx7g-858c;
		// BULWARK-TEST-WITHDRAWN-1 is withdrawn; shop-api and next-app
		// have no advisories.
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	for _, p := range rep.Packages {
		if p.Name == "@babel/traverse" && p.PURL != "pkg:npm/%40babel/traverse@7.22.0" {
			t.Errorf("scoped purl %q", p.PURL)
		}
		if p.Name == "shop-api" && !p.Main {
			t.Error("the project manifest is not marked Main")
		}
	}
}
