package sbomread_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func openDB(t *testing.T, path string) *vulndb.DB {
	t.Helper()
	db, err := vulndb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func scanTarget(t *testing.T, target string, db *vulndb.DB) *report.Report {
	t.Helper()
	r, err := scan.Inventory(context.Background(), target, scan.Options{Tool: report.Tool{Name: "bulwark", Version: "test"}})
	if err != nil {
		t.Fatalf("inventory of %s: %v", target, err)
	}
	if db != nil {
		if err := scan.Match(context.Background(), r, db, false); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// finding is what must survive the round trip. Reachability is left out:
// SBOMs carry no symbols (checked separately).
type finding struct {
	ID, Package, Version, Type, PURL, Fixed, Severity, Status, Source string
}

func findings(r *report.Report) []finding {
	var out []finding
	for _, v := range r.Vulnerabilities {
		out = append(out, finding{v.ID, v.Package.Name, v.Package.Version, string(v.Package.Type), v.Package.PURL,
			v.FixedVersion, string(v.Severity), string(v.Status), v.DataSource})
	}
	return out
}

func has(fs []finding, id, pkg string) bool {
	return slices.ContainsFunc(fs, func(f finding) bool { return f.ID == id && f.Package == pkg })
}

// TestRoundTrip is acceptance 2: for the real Debian rootfs and a
// mixed-ecosystem fixture, `scan sbom:FILE` with either SBOM format
// reports the same advisories as scanning the image directly.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real root filesystems")
	}
	type fixture struct {
		name   string
		target func(t *testing.T) string
		db     func(t *testing.T) string
		want   [][2]string // findings that must be there (id, package)
	}
	fixtures := []fixture{
		{"debian bullseye rootfs", func(t *testing.T) string { return "dir:" + reporttest.EditedBullseye(t) },
			func(t *testing.T) string {
				return reporttest.DB(t, testutil.Shared(t, "advisories/debian/DSA/list"), testutil.Shared(t, "advisories/debian/DLA/list"))
			},
			[][2]string{{"DSA-5343-1", "libssl1.1"}, {"DSA-5218-1", "zlib1g"}, {"DSA-5122-1", "gzip"}}},
		{"mixed ecosystems in a docker archive", func(t *testing.T) string {
			root := reporttest.Mixed(t)
			return "docker-archive:" + testutil.WriteDockerArchive(t, testutil.ImageFromTarFile(t, testutil.TarDir(t, root)), "mixed:1")
		}, func(t *testing.T) string { return reporttest.MixedDB(t) },
			[][2]string{{"DSA-5343-1", "libssl1.1"}, {"GO-2021-0113", "golang.org/x/text"}, {"GHSA-p6mc-m468-83gw", "lodash"}, {"PYSEC-2021-142", "PyYAML"}}},
	}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			target := fx.target(t)
			db := openDB(t, fx.db(t))
			direct := scanTarget(t, target, db)
			want := findings(direct)
			for _, w := range fx.want {
				if !has(want, w[0], w[1]) {
					t.Errorf("scanning the image directly does not report %s in %s (fixture broken?)", w[0], w[1])
				}
			}
			inv := scanTarget(t, target, nil) // what `bulwark sbom` writes
			for _, format := range []string{"cyclonedx", "spdx-json"} {
				t.Run(format, func(t *testing.T) {
					var buf bytes.Buffer
					var err error
					if format == "cyclonedx" {
						err = cyclonedx.Write(&buf, inv, cyclonedx.Options{NoVulnerabilities: true})
					} else {
						err = spdx.Write(&buf, inv, spdx.Options{NoVulnerabilities: true})
					}
					if err != nil {
						t.Fatal(err)
					}
					file := filepath.Join(t.TempDir(), "sbom.json")
					if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					got := scanTarget(t, "sbom:"+file, db)
					if d := cmp.Diff(want, findings(got)); d != "" {
						t.Errorf("sbom:%s findings differ from the image's (-image +sbom):\n%s", format, d)
					}
					// The inventory itself survives, locations and layers included.
					if d := cmp.Diff(inv.Packages, got.Packages, cmpopts.IgnoreFields(sbom.Package{}, "Symbols")); d != "" {
						t.Errorf("packages differ (-image +sbom):\n%s", d)
					}
					if d := cmp.Diff(inv.OS, got.OS); d != "" {
						t.Errorf("OS differs (-image +sbom):\n%s", d)
					}
					for _, v := range got.Vulnerabilities {
						if (v.Package.Type == sbom.GoModule || v.Package.Type == sbom.GoStdlib) && v.Reachable != "unknown" {
							t.Errorf("%s from an SBOM: reachable %q, want unknown", v.ID, v.Reachable)
						}
					}
					t.Logf("%d findings over %d packages", len(got.Vulnerabilities), len(got.Packages))
				})
			}
		})
	}
}
