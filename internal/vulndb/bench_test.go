package vulndb_test

// The lookup benchmarks run on a database compiled from ../shared/advisories,
// which takes the importer; an external test package may import it (the
// importer imports vulndb, so package vulndb's own tests cannot).

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var sharedDB struct {
	path string
	dir  string
}

func sharedDatabase(b *testing.B) string {
	src := testutil.Shared(b, "advisories")
	if sharedDB.path == "" {
		dir, err := os.MkdirTemp("", "vulndb-bench-")
		if err != nil {
			b.Fatal(err)
		}
		sharedDB.dir, sharedDB.path = dir, filepath.Join(dir, "bulwark.db")
		if _, err := importer.Import(context.Background(), sharedDB.path, []string{src}, importer.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	return sharedDB.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDB.dir != "" {
		os.RemoveAll(sharedDB.dir)
	}
	os.Exit(code)
}

// benchQueries are 2,000 random (ecosystem, package) pairs of the shared
// database, three in four stored and one in four not.
func benchQueries(b *testing.B, path string) [][2]string {
	db0, err := vulndb.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	keys := vulndb.PackageKeys(b, db0)
	db0.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	queries := make([][2]string, 2000)
	for i := range queries {
		k := keys[rng.IntN(len(keys))]
		if i%4 == 3 {
			k[1] += "-missing"
		}
		queries[i] = k
	}
	return queries
}

// BenchmarkByPackage2000Warm times the same lookups on a database whose
// caches are warm, as in a server that re-matches stored inventories.
func BenchmarkByPackage2000Warm(b *testing.B) {
	path := sharedDatabase(b)
	queries := benchQueries(b, path)
	ctx := context.Background()
	db, err := vulndb.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		db.ByPackage(ctx, q[0], q[1])
	}
	var cpu time.Duration
	rounds := 0
	for b.Loop() {
		before := cpuTime()
		for _, q := range queries {
			if _, err := db.ByPackage(ctx, q[0], q[1]); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - before
		rounds++
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(rounds), "cpu-ms/op")
}

// BenchmarkByPackage2000 times one scan's worth of lookups (benchQueries) on
// a freshly opened database, cold caches, each round.
func BenchmarkByPackage2000(b *testing.B) {
	path := sharedDatabase(b)
	ctx := context.Background()
	queries := benchQueries(b, path)
	records, rounds := 0, 0
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		db, err := vulndb.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		before := cpuTime()
		records = 0
		for _, q := range queries {
			recs, err := db.ByPackage(ctx, q[0], q[1])
			if err != nil {
				b.Fatal(err)
			}
			records += len(recs)
		}
		cpu += cpuTime() - before
		rounds++
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(records), "records/op")
	// CPU time, unlike wall time, does not depend on what else the shared
	// machine is running.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(rounds), "cpu-ms/op")
}
