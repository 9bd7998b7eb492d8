package match

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/osv"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// benchPackages makes n packages that all have records in the shared
// feeds, in the mix of an application image: Debian packages by source
// name, PyPI distributions and Go modules.
func benchPackages(b *testing.B, dir string, n int) []sbom.Package {
	ctx := context.Background()
	seen := map[string]bool{}
	var pkgs []sbom.Package
	add := func(eco, name string) {
		key := eco + "/" + name
		if len(pkgs) >= n || seen[key] {
			return
		}
		seen[key] = true
		switch eco {
		case "Debian:11":
			pkgs = append(pkgs, sbom.Package{Name: name, Version: "1.0-1", Type: sbom.Deb, SourceName: name, SourceVersion: "1.0-1"})
		case "PyPI":
			pkgs = append(pkgs, sbom.Package{Name: name, Version: "1.0", Type: sbom.Python})
		case "Go":
			pkgs = append(pkgs, sbom.Package{Name: name, Version: "v0.1.0", Type: sbom.GoModule})
		}
	}
	var advs []*advisory.Advisory
	f, err := os.Open(filepath.Join(dir, "debian/DSA/list"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	dsa, err := debian.ParseList(ctx, f, "debian-dsa")
	if err != nil {
		b.Fatal(err)
	}
	advs = append(advs, dsa...)
	for _, eco := range []string{"PyPI", "Go"} {
		z, err := os.Open(filepath.Join(dir, "osv", eco, "all.zip"))
		if err != nil {
			b.Fatal(err)
		}
		st, _ := z.Stat()
		as, err := osv.ParseZip(ctx, z, st.Size())
		z.Close()
		if err != nil {
			b.Fatal(err)
		}
		advs = append(advs, as...)
	}
	// Interleave ecosystems, as an image mixes them.
	for round := 0; len(pkgs) < n && round < 10000; round++ {
		before := len(pkgs)
		for _, a := range advs {
			for _, af := range a.Affected {
				if af.Ecosystem == "Debian:11" || af.Ecosystem == "PyPI" || af.Ecosystem == "Go" {
					add(af.Ecosystem, af.Package)
				}
			}
		}
		if len(pkgs) == before {
			break
		}
	}
	for len(pkgs) < n { // pad with misses
		pkgs = append(pkgs, sbom.Package{Name: fmt.Sprintf("no-such-package-%d", len(pkgs)), Version: "1.0", Type: sbom.Python})
	}
	return pkgs
}

// BenchmarkMatch2000 matches 2,000 packages against a database compiled
// from all of ../shared/advisories: the worst case, where every package has
// advisory records and every one of them is affected. Run it with
//
//	go test -run '^$' -bench 'Match2000' -benchmem ./internal/match/
func BenchmarkMatch2000(b *testing.B) { benchMatch(b, 2000, 1.0) }

// BenchmarkMatch2000Typical is an application image's shape: one package
// in ten has advisory records, at an old version; the rest are names the
// feeds do not know.
func BenchmarkMatch2000Typical(b *testing.B) { benchMatch(b, 2000, 0.1) }

func benchMatch(b *testing.B, n int, known float64) {
	dir := testutil.Shared(b, "advisories")
	path := filepath.Join(b.TempDir(), "bulwark.db")
	if _, err := importer.Import(context.Background(), path, []string{dir}, importer.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	db, err := vulndb.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pkgs := benchPackages(b, dir, int(float64(n)*known))
	for i := len(pkgs); i < n; i++ {
		pkgs = append(pkgs, sbom.Package{Name: fmt.Sprintf("in-house-lib-%d", i), Version: "1.0.0", Type: sbom.NPM})
	}
	d := &sbom.Distro{ID: "debian", VersionID: "11"}
	ecos, _ := db.Ecosystems(context.Background())
	runtime.GC()
	cpu0 := cpuTime()
	b.ResetTimer()
	var found int
	for b.Loop() {
		// A fresh engine and database handle each time: a scan opens the
		// database once, so its block cache starts cold.
		db2, err := vulndb.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := NewEngine(db2, ecos).Match(context.Background(), pkgs, d)
		if err != nil {
			b.Fatal(err)
		}
		found = len(res.Vulnerabilities)
		db2.Close()
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(found), "findings")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MB")
	if os.Getenv("BULWARK_BENCH_VERBOSE") != "" {
		b.Logf("%d packages, %d findings", len(pkgs), found)
	}
}

// cpuTime is the process's user+system CPU time in nanoseconds: on a
// shared machine it says what an operation costs better than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
