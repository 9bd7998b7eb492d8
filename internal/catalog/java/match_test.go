package java

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/match"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// TestMatchMaven catalogs a war and matches its packages against OSV
// records imported the way `db import` does: coordinates found in nested
// jars must meet the Maven ecosystem's "group:artifact" names.
func TestMatchMaven(t *testing.T) {
	ctx := context.Background()
	snakeyaml, err := os.ReadFile(filepath.Join("testdata", "usr", "share", "java", "snakeyaml-1.33.jar"))
	if err != nil {
		t.Fatal(err)
	}
	lib := func(g, a, v string) []byte { return mkzip(t, pomEntry(g, a, v), entry{name: "A.class"}) }
	war := mkzip(t,
		pomEntry("com.example", "shop", "1.0.0"),
		entry{name: "WEB-INF/lib/log4j-core-2.14.1.jar", data: lib("org.apache.logging.log4j", "log4j-core", "2.14.1")},
		entry{name: "WEB-INF/lib/log4j-api-2.14.1.jar", data: lib("org.apache.logging.log4j", "log4j-api", "2.14.1")},
		entry{name: "WEB-INF/lib/guava-31.1-jre.jar", data: lib("com.google.guava", "guava", "31.1-jre")},
		entry{name: "WEB-INF/lib/guava-32.1.2-jre.jar", data: lib("com.google.guava", "guava", "32.1.2-jre")},
		entry{name: "WEB-INF/lib/snakeyaml-1.33.jar", data: snakeyaml, store: true},
	)
	pkgs, err := catalogtest.ParseBytes(t, New(), "usr/local/tomcat/webapps/shop.war", war, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 6 {
		t.Fatalf("%d packages: %+v", len(pkgs), pkgs)
	}
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
	type finding struct{ ID, Package, Version, Fixed, Path string }
	var got []finding
	for _, v := range res.Vulnerabilities {
		got = append(got, finding{v.ID, v.Package.Name, v.Package.Version, v.FixedVersion, v.Package.Locations[0].Path})
	}
	const war0 = "usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/"
	want := []finding{
		{"GHSA-7g45-4rm6-3mm3", "com.google.guava:guava", "31.1-jre", "32.0.0-android", war0 + "guava-31.1-jre.jar"},
		{"GHSA-7rjr-3q55-vv33", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.16.0", war0 + "log4j-core-2.14.1.jar"},
		{"GHSA-jfh8-c2jp-5v3q", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0", war0 + "log4j-core-2.14.1.jar"},
		{"GHSA-mjmj-j48q-9wg2", "org.yaml:snakeyaml", "1.33", "2.0", war0 + "snakeyaml-1.33.jar"},
	}
	opt := cmp.Transformer("sort", func(fs []finding) map[string]finding {
		m := map[string]finding{}
		for _, f := range fs {
			m[f.ID] = f
		}
		return m
	})
	if d := cmp.Diff(want, got, opt); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	// log4j-core 2.14.1 is past the fix of CVE-2020-9488: considered, dropped.
	dropped := false
	for _, d := range res.Dropped {
		dropped = dropped || d.ID == "GHSA-vwqq-5vrc-xw9h"
	}
	if !dropped {
		t.Errorf("GHSA-vwqq-5vrc-xw9h was not considered: %+v", res.Dropped)
	}
}
