package importer

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func open(t testing.TB, path string) *vulndb.DB {
	t.Helper()
	db, err := vulndb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// feedBytes sums the sizes of the feed files under dir, as published
// (OSV zips compressed, Debian lists and Alpine JSON as served).
func feedBytes(t testing.TB, dir string) (total, zips int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		total += fi.Size()
		if strings.HasSuffix(p, ".zip") {
			zips += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total, zips
}

func TestImportShared(t *testing.T) {
	src := testutil.Shared(t, "advisories")
	path := filepath.Join(t.TempDir(), "bulwark.db")
	ctx := context.Background()
	start := time.Now()
	rep, err := Import(ctx, path, []string{src}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	total, zips := feedBytes(t, src)
	t.Logf("built in %v: %d advisories, %d records; database %d bytes, feeds %d bytes (zips %d)",
		elapsed, rep.Meta.Advisories, rep.Meta.Records, fi.Size(), total, zips)
	if fi.Size() >= zips {
		t.Errorf("database (%d bytes) is not smaller than the zipped OSV feeds alone (%d bytes)", fi.Size(), zips)
	}

	counts := map[string]int{}
	for _, s := range rep.Meta.Sources {
		counts[s.Name] = s.Count
		if !strings.HasPrefix(string(s.Fingerprint), "sha256:") {
			t.Errorf("%s: fingerprint %q", s.Name, s.Fingerprint)
		}
	}
	for name, want := range map[string]int{"osv/Go": 4789, "osv/PyPI": 2661, "osv/Ubuntu": 52, "osv/AlmaLinux": 4440,
		"debian/DSA": 5406, "debian/DLA": 3534, "alpine/v3.11/main": 1124, "kev": 1404} {
		if counts[name] != want {
			t.Errorf("source %s: %d advisories, want %d", name, counts[name], want)
		}
	}
	// Of the 70 CVE records, 30 carry a CVSS metric, a text rating or a
	// KEV entry; the others yield nothing.
	if n := counts["cve"]; n != 30 {
		t.Errorf("source cve: %d records with a rating, want 30", n)
	}
	if len(rep.Meta.Sources) != 26 {
		t.Errorf("%d sources, want 26 (4 OSV zips, 2 Debian lists, 18 secdb files, CVE records, KEV)", len(rep.Meta.Sources))
	}

	db := open(t, path)
	lookups := []struct {
		eco, pkg, id string
		check        func(t *testing.T, r vulndb.Record)
	}{
		{"Debian:11", "openssl", "DSA-4963-1", func(t *testing.T, r vulndb.Record) {
			if got := r.Affected.Ranges[0].Events[1].Fixed; got != "1.1.1k-1+deb11u1" {
				t.Errorf("fixed %s", got)
			}
			if diff := cmp.Diff([]string{"CVE-2021-3711", "CVE-2021-3712"}, r.Advisory.Aliases); diff != "" {
				t.Errorf("aliases (-want +got):\n%s", diff)
			}
		}},
		{"Debian:10", "openssl", "DSA-4963-1", func(t *testing.T, r vulndb.Record) {
			if got := r.Affected.Ranges[0].Events[1].Fixed; got != "1.1.1d-0+deb10u7" {
				t.Errorf("fixed %s", got)
			}
		}},
		{"Go", "github.com/gin-gonic/gin", "GO-2020-0001", func(t *testing.T, r vulndb.Record) {
			if len(r.Affected.Imports) != 1 || len(r.Affected.Imports[0].Symbols) != 5 {
				t.Errorf("imports %+v", r.Affected.Imports)
			}
		}},
		{"PyPI", "tornado", "PYSEC-2012-5", func(t *testing.T, r vulndb.Record) {
			if r.Advisory.Source != "osv-pypi" || len(r.Affected.Versions) != 10 {
				t.Errorf("record %+v", r)
			}
		}},
		{"Debian:11", "gnutls28", "DSA-5203-1", func(t *testing.T, r vulndb.Record) {
			// Joined from CVE-2022-2509's record: CISA's ADP container.
			want := advisory.Score{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Origin: advisory.OriginADP, Ref: "CVE-2022-2509 CISA-ADP"}
			if !slices.Contains(r.Advisory.Severity, want) {
				t.Errorf("severity %+v lacks %+v", r.Advisory.Severity, want)
			}
		}},
		{"Debian:11", "apache-log4j2", "DSA-5020-1", func(t *testing.T, r vulndb.Record) {
			if r.Advisory.KEV == nil || r.Advisory.KEV.DateAdded != "2021-12-10" || r.Advisory.KEV.DueDate == "" {
				t.Errorf("KEV %+v", r.Advisory.KEV)
			}
		}},
		{"Ubuntu:22.04:LTS", "openssh", "CVE-2023-38408", func(t *testing.T, r vulndb.Record) {
			if got := r.Affected.Ranges[0].Events[1].Fixed; got != "1:8.9p1-3ubuntu0.3" || len(r.Affected.Binaries) == 0 {
				t.Errorf("record %+v", r.Affected)
			}
		}},
		{"AlmaLinux:8", "mailman", "ALSA-2021:4916", func(t *testing.T, r vulndb.Record) {
			if r.Affected.Module != "mailman:2.1" || !slices.Contains(r.Advisory.Aliases, "CVE-2021-44227") {
				t.Errorf("record %+v %+v", r.Affected, r.Advisory.Aliases)
			}
		}},
		{"Alpine:v3.11", "openssl", "ALPINE-CVE-2019-1549", func(t *testing.T, r vulndb.Record) {
			if r.Affected.Status != advisory.Fixed || r.Affected.Ranges[0].Events[1].Fixed != "1.1.1d-r1" {
				t.Errorf("record %+v", r.Affected)
			}
		}},
	}
	for _, l := range lookups {
		t.Run(l.eco+"/"+l.pkg, func(t *testing.T) {
			recs, err := db.ByPackage(ctx, l.eco, l.pkg)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range recs {
				if i > 0 && recs[i-1].Advisory.ID > r.Advisory.ID {
					t.Errorf("records not sorted by id")
				}
				if r.Advisory.ID == l.id {
					l.check(t, r)
					return
				}
			}
			t.Errorf("%s not among %d records", l.id, len(recs))
		})
	}
	// Withdrawn Go advisories are stored but never matched.
	if a, err := db.Advisory(ctx, "GO-2022-0617"); err != nil || a.Withdrawn.IsZero() {
		t.Errorf("GO-2022-0617: %v %+v", err, a)
	}
	recs, _ := db.ByPackage(ctx, "Go", "k8s.io/kubernetes")
	for _, r := range recs {
		if r.Advisory.ID == "GO-2022-0617" {
			t.Error("withdrawn GO-2022-0617 returned by ByPackage")
		}
	}
}

// BenchmarkBuild compiles all of ../shared/advisories (parse + build +
// verify + rename) and reports the database and feed sizes.
func BenchmarkBuild(b *testing.B) {
	src := testutil.Shared(b, "advisories")
	dir := b.TempDir()
	path := filepath.Join(dir, "bulwark.db")
	for b.Loop() {
		if _, err := Import(context.Background(), path, []string{src}, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	fi, _ := os.Stat(path)
	total, zips := feedBytes(b, src)
	b.ReportMetric(float64(fi.Size()), "db-bytes")
	b.ReportMetric(float64(total), "feed-bytes")
	b.ReportMetric(float64(zips), "zip-bytes")
}
