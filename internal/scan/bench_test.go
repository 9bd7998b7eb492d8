package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

var (
	benchArchiveOnce sync.Once
	benchArchive     string
)

// bookwormArchive returns a docker-archive (the legacy `docker save`
// layout, uncompressed layer) of the real Debian bookworm rootfs, made once
// next to the rootfs tarball.
func bookwormArchive(b *testing.B) string {
	tarball := testutil.DebianRootfs(b, "bookworm")
	benchArchiveOnce.Do(func() {
		p := filepath.Join(filepath.Dir(tarball), "bench-bookworm-archive.tar")
		if _, err := os.Stat(p); err != nil {
			layer, err := os.ReadFile(tarball)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(testutil.DockerArchive(b, "bench/bookworm:1", layer), p); err != nil {
				b.Fatal(err)
			}
		}
		benchArchive = p
	})
	return benchArchive
}

// BenchmarkInventoryCold and BenchmarkInventoryWarm measure the scan work
// itself, without process start-up: the inventory of the Debian bookworm
// docker-archive with an empty layer cache, and with the layer cached.
//
//	go test -run '^$' -bench 'Inventory(Cold|Warm)' -benchtime 20x ./internal/scan/
func BenchmarkInventoryCold(b *testing.B) {
	archive := bookwormArchive(b)
	b.ResetTimer()
	for b.Loop() {
		c, err := layercache.Open(b.TempDir(), 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := scan.Inventory(context.Background(), archive, scan.Options{Cache: c}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInventoryWarm(b *testing.B) {
	archive := bookwormArchive(b)
	c, err := layercache.Open(filepath.Join(b.TempDir(), "cache"), 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := scan.Inventory(context.Background(), archive, scan.Options{Cache: c}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := scan.Inventory(context.Background(), archive, scan.Options{Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Target.Layers[0].Cached {
			b.Fatal("layer not served from the cache")
		}
	}
}
