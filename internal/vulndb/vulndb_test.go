package vulndb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

var (
	t0 = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	t1 = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
)

func semver(intro, fixed string) []advisory.Range {
	return []advisory.Range{{Type: "SEMVER", Events: []advisory.Event{{Introduced: intro}, {Fixed: fixed}}}}
}

func fixtures() []*advisory.Advisory {
	return []*advisory.Advisory{
		{ID: "GO-2024-0002", Source: "osv-go", Summary: "second", Aliases: []string{"CVE-2024-2"}, Published: t0, Modified: t1,
			References: []string{"https://go.dev/issue/1", "https://example.invalid/fix"},
			Severity:   []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
			Affected: []advisory.Affected{{Ecosystem: "Go", Package: "example.com/mod", Ranges: semver("0", "1.2.0"),
				Imports: []advisory.Import{{Path: "example.com/mod/pkg", Symbols: []string{"F", "T.M"}, GOOS: []string{"linux"}}}}}},
		{ID: "GO-2024-0001", Source: "osv-go", Summary: "first", Modified: t0,
			Affected: []advisory.Affected{
				{Ecosystem: "Go", Package: "example.com/mod", Ranges: semver("1.0.0", "1.1.0")},
				{Ecosystem: "Go", Package: "stdlib", Ranges: semver("0", "1.22.3")},
			}},
		{ID: "GO-2024-0003", Source: "osv-go", Summary: "withdrawn", Modified: t0, Withdrawn: t1,
			Affected: []advisory.Affected{{Ecosystem: "Go", Package: "example.com/mod", Ranges: semver("0", "9.9.9")}}},
		{ID: "PYSEC-2024-1", Source: "osv-pypi", Modified: t0,
			Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "Django_Rest.Framework", Versions: []string{"3.0", "3.1"},
				Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {LastAffected: "3.1"}}}}}}},
		{ID: "DSA-5000-1", Source: "debian-dsa", Summary: "openssl - security update", Aliases: []string{"CVE-2024-1", "CVE-2024-2"}, Published: t0, Modified: t0,
			Affected: []advisory.Affected{
				{Ecosystem: "Debian:12", Package: "openssl", Status: advisory.Fixed,
					Ranges:   []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "3.0.13-1~deb12u1"}}}},
					Severity: []advisory.Score{{Type: "URGENCY", Score: "high"}}},
				{Ecosystem: "Debian:11", Package: "openssl", Status: advisory.NotAffected},
			}},
		// The same Alpine advisory from two secdb files: merged.
		{ID: "ALPINE-CVE-2024-1", Source: "alpine-secdb", Aliases: []string{"CVE-2024-1"},
			Affected: []advisory.Affected{{Ecosystem: "Alpine:v3.19", Package: "openssl", Status: advisory.Fixed,
				Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "3.1.4-r5"}}}}}}},
		{ID: "ALPINE-CVE-2024-1", Source: "alpine-secdb", Aliases: []string{"CVE-2024-1", "XSA-1"},
			Affected: []advisory.Affected{{Ecosystem: "Alpine:v3.20", Package: "openssl", Status: advisory.NotAffected}}},
	}
}

func build(t testing.TB, advs []*advisory.Advisory) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bulwark.db")
	_, err := Build(context.Background(), path, Advisories(advs), BuildOptions{
		BuiltAt: t1,
		Sources: []SourceMeta{{Name: "fixtures", URL: "memory", Fingerprint: "sha256:00", Count: len(advs), FetchedAt: t0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func open(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestByPackage(t *testing.T) {
	db := open(t, build(t, fixtures()))
	type rec struct {
		ID     string
		Status advisory.Status
		Ranges []advisory.Range
	}
	tests := []struct {
		eco, pkg string
		want     []rec
	}{
		// Sorted by id; the withdrawn GO-2024-0003 never appears.
		{"Go", "example.com/mod", []rec{{"GO-2024-0001", "", semver("1.0.0", "1.1.0")}, {"GO-2024-0002", "", semver("0", "1.2.0")}}},
		{"Go", "stdlib", []rec{{"GO-2024-0001", "", semver("0", "1.22.3")}}},
		{"PyPI", "django-rest-framework", []rec{{"PYSEC-2024-1", "", []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {LastAffected: "3.1"}}}}}}},
		{"PyPI", "Django.REST_framework", []rec{{"PYSEC-2024-1", "", []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {LastAffected: "3.1"}}}}}}},
		{"Debian:12", "openssl", []rec{{"DSA-5000-1", advisory.Fixed, []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: "3.0.13-1~deb12u1"}}}}}}},
		{"Debian:11", "openssl", []rec{{"DSA-5000-1", advisory.NotAffected, nil}}},
		{"Alpine:v3.20", "openssl", []rec{{"ALPINE-CVE-2024-1", advisory.NotAffected, nil}}},
		{"Debian:13", "openssl", nil},
		{"Go", "example.com/other", nil},
		{"Go", "", nil},
		{"", "", nil},
		{"zzz", "zzz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.eco+"/"+tt.pkg, func(t *testing.T) {
			recs, err := db.ByPackage(context.Background(), tt.eco, tt.pkg)
			if err != nil {
				t.Fatal(err)
			}
			var got []rec
			for _, r := range recs {
				if r.Affected.Ecosystem != tt.eco || r.Affected.Package != tt.pkg {
					t.Errorf("record names %s/%s", r.Affected.Ecosystem, r.Affected.Package)
				}
				if len(r.Advisory.Affected) != 0 {
					t.Errorf("shared advisory carries Affected")
				}
				got = append(got, rec{r.Advisory.ID, r.Affected.Status, r.Affected.Ranges})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ByPackage (-want +got):\n%s", diff)
			}
		})
	}
	// Go imports and severities survive the round trip.
	recs, _ := db.ByPackage(context.Background(), "Go", "example.com/mod")
	wantImports := []advisory.Import{{Path: "example.com/mod/pkg", Symbols: []string{"F", "T.M"}, GOOS: []string{"linux"}}}
	if diff := cmp.Diff(wantImports, recs[1].Affected.Imports); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
	recs, _ = db.ByPackage(context.Background(), "Debian:12", "openssl")
	if diff := cmp.Diff([]advisory.Score{{Type: "URGENCY", Score: "high"}}, recs[0].Affected.Severity); diff != "" {
		t.Errorf("severity (-want +got):\n%s", diff)
	}
}

func TestAdvisory(t *testing.T) {
	db := open(t, build(t, fixtures()))
	ctx := context.Background()
	got, err := db.Advisory(ctx, "GO-2024-0002")
	if err != nil {
		t.Fatal(err)
	}
	want := &advisory.Advisory{ID: "GO-2024-0002", Source: "osv-go", Summary: "second", Aliases: []string{"CVE-2024-2"}, Published: t0, Modified: t1,
		References: []string{"https://go.dev/issue/1", "https://example.invalid/fix"},
		Severity:   []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Advisory (-want +got):\n%s", diff)
	}
	// Advisory returns a copy: changing it does not change what lookups see.
	got.Summary = "changed"
	if again, _ := db.Advisory(ctx, "GO-2024-0002"); again.Summary != "second" {
		t.Error("Advisory returned shared metadata")
	}
	merged, err := db.Advisory(ctx, "ALPINE-CVE-2024-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CVE-2024-1", "XSA-1"}, merged.Aliases); diff != "" {
		t.Errorf("merged aliases (-want +got):\n%s", diff)
	}
	// Withdrawn advisories keep their metadata.
	if w, err := db.Advisory(ctx, "GO-2024-0003"); err != nil || !w.Withdrawn.Equal(t1) {
		t.Errorf("withdrawn advisory: %v, %+v", err, w)
	}
	if _, err := db.Advisory(ctx, "GO-9999-9999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: err = %v, want ErrNotFound", err)
	}
}

func TestMetaAndEcosystems(t *testing.T) {
	db := open(t, build(t, fixtures()))
	ecos, err := db.Ecosystems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Go": 3, "PyPI": 1, "Debian:12": 1, "Debian:11": 1, "Alpine:v3.19": 1, "Alpine:v3.20": 1}
	if diff := cmp.Diff(want, ecos); diff != "" {
		t.Errorf("Ecosystems (-want +got):\n%s", diff)
	}
	m := db.Meta()
	wantMeta := Meta{SchemaVersion: SchemaVersion, BuiltAt: t1, Advisories: 6, Records: 8,
		Sources: []SourceMeta{{Name: "fixtures", URL: "memory", Fingerprint: "sha256:00", Count: 7, FetchedAt: t0}}}
	if diff := cmp.Diff(wantMeta, m); diff != "" {
		t.Errorf("Meta (-want +got):\n%s", diff)
	}
}

func TestMergeAcrossSources(t *testing.T) {
	old := &advisory.Advisory{ID: "X-1", Source: "a", Summary: "old", Modified: t0}
	newer := &advisory.Advisory{ID: "X-1", Source: "b", Summary: "new", Modified: t1}
	for _, order := range [][]*advisory.Advisory{{old, newer}, {newer, old}} {
		db := open(t, build(t, order))
		a, err := db.Advisory(context.Background(), "X-1")
		if err != nil || a.Summary != "new" {
			t.Errorf("kept %+v (%v), want the most recently modified", a, err)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		advs []*advisory.Advisory
		want string
	}{
		{"nil", []*advisory.Advisory{nil}, "nil advisory"},
		{"no id", []*advisory.Advisory{{Source: "x"}}, "bad id"},
		{"no package", []*advisory.Advisory{{ID: "X", Affected: []advisory.Affected{{Ecosystem: "Go"}}}}, "without ecosystem or package"},
		{"NUL in ecosystem", []*advisory.Advisory{{ID: "X", Affected: []advisory.Affected{{Ecosystem: "Go\x00x", Package: "p"}}}}, "without ecosystem or package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), filepath.Join(t.TempDir(), "x.db"), Advisories(tt.advs), BuildOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFailedBuildKeepsOldDatabase(t *testing.T) {
	path := build(t, fixtures())
	before, _ := os.ReadFile(path)
	failing := func(yield func(*advisory.Advisory, error) bool) {
		if !yield(fixtures()[0], nil) {
			return
		}
		yield(nil, errors.New("feed went away"))
	}
	if _, err := Build(context.Background(), path, failing, BuildOptions{}); err == nil || !strings.Contains(err.Error(), "feed went away") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("a failed build changed the database")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	open(t, path)
}

func TestOpenRejects(t *testing.T) {
	good := build(t, fixtures())
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	otherSchema := filepath.Join(dir, "schema.db")
	if err := os.WriteFile(otherSchema, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(otherSchema, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("99")) }); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	noMeta := filepath.Join(dir, "nometa.db")
	bdb, err = bolt.Open(noMeta, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	bdb.Close()

	tests := []struct {
		name, path, want string
		is               error
	}{
		{"missing", filepath.Join(dir, "none.db"), "no database", os.ErrNotExist},
		{"directory", dir, "not a regular file", nil},
		{"empty", write("empty.db", nil), "not a usable database file", nil},
		{"garbage", write("garbage.db", []byte(strings.Repeat("garbage!", 4096))), "not a usable database file", nil},
		{"truncated", write("truncated.db", data[:len(data)/2]), "truncated", errCorrupt},
		{"meta pages only", write("head.db", data[:8192]), "truncated", errCorrupt},
		{"other schema", otherSchema, "unsupported schema version \"99\"", ErrSchema},
		{"plain bbolt file", noMeta, "not a bulwark vulnerability database", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCorruptBlocks(t *testing.T) {
	// Flip bytes all over the file. Open may succeed (bbolt checks only its
	// meta pages, and some bytes are unused page space), but the damage
	// must never go unnoticed: either Open or Verify fails, or every lookup
	// answers exactly as the intact file does. Nothing panics.
	advs := fixtures()
	for i := range 300 {
		advs = append(advs, &advisory.Advisory{ID: fmt.Sprintf("GO-2000-%04d", i), Source: "osv-go", Summary: fmt.Sprintf("advisory number %d", i*7919),
			Affected: []advisory.Affected{{Ecosystem: "Go", Package: fmt.Sprintf("example.com/m%d", i), Ranges: semver("0", fmt.Sprintf("1.%d.0", i))}}})
	}
	good := build(t, advs)
	data, _ := os.ReadFile(good)
	answers := func(db *DB) (string, error) {
		var b strings.Builder
		for i := range 300 {
			recs, err := db.ByPackage(context.Background(), "Go", fmt.Sprintf("example.com/m%d", i))
			if err != nil {
				return "", err
			}
			for _, r := range recs {
				fmt.Fprintf(&b, "%s %s %v\n", r.Advisory.ID, r.Advisory.Summary, r.Affected.Ranges)
			}
		}
		return b.String(), nil
	}
	want, err := answers(open(t, good))
	if err != nil {
		t.Fatal(err)
	}
	var detected, harmless int
	for off := 2 * 4096; off < len(data); off += 509 {
		bad := append([]byte(nil), data...)
		for i := off; i < off+8 && i < len(bad); i++ {
			bad[i] ^= 0xA5
		}
		p := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := Open(context.Background(), p)
		if err != nil {
			detected++
			continue
		}
		got, lookupErr := answers(db)
		verifyErr := db.Verify(context.Background())
		db.Close()
		switch {
		case verifyErr != nil:
			detected++
		case lookupErr != nil:
			t.Errorf("offset %d: lookups failed (%v) but Verify passed", off, lookupErr)
		case got != want:
			t.Errorf("offset %d: damaged file gave different answers and passed Verify", off)
		default:
			harmless++
		}
	}
	t.Logf("damaged copies: %d detected, %d harmless (unused bytes)", detected, harmless)
	if detected == 0 {
		t.Error("no corruption detected at all")
	}
}

func TestReadersDuringRebuild(t *testing.T) {
	// Scans keep reading while updates replace the file: an open DB keeps
	// its snapshot, a newly opened one sees a complete file.
	path := build(t, fixtures())
	ctx := context.Background()
	stop := make(chan struct{})
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				db, err := Open(ctx, path)
				if err != nil {
					failures.Add(1)
					t.Errorf("open during rebuild: %v", err)
					return
				}
				for range 20 {
					if recs, err := db.ByPackage(ctx, "Go", "example.com/mod"); err != nil || len(recs) != 2 {
						failures.Add(1)
						t.Errorf("lookup during rebuild: %v, %d records", err, len(recs))
					}
				}
				db.Close()
			}
		}()
	}
	for range 15 {
		if _, err := Build(ctx, path, Advisories(fixtures()), BuildOptions{}); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d reader failures", failures.Load())
	}
}

func FuzzDecode(f *testing.F) {
	var e encoder
	for _, a := range fixtures() {
		e.b = e.b[:0]
		e.advisory(a)
		f.Add(append([]byte{0}, e.b...))
		for i := range a.Affected {
			e.b = e.b[:0]
			e.affected(a.ID, &a.Affected[i])
			f.Add(append([]byte{1}, e.b...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d := decoder{b: data[1:]}
		if data[0]%2 == 0 {
			d.advisory()
		} else {
			d.affected()
		}
		if b, err := indexBlock(data); err == nil {
			b.find("key")
		}
		_ = eachInBlock(data, func(k, p []byte) error { return nil })
	})
}
