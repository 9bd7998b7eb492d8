// Package importer compiles the advisory feeds into the vulnerability
// database: it is the only part of Bulwark that links the feed parsers.
// Scans only read the database, through package vulndb, and never link
// this package.
//
// Data flow: Update (from publishers or a mirror, via the feed Fetchers,
// into the download cache next to the database) and Import (from local
// files) take the database's writer lock (vulndb.Lock), detect each file's
// kind (Detect, scanLayout), parse every feed file with its package under
// internal/advisory/feed into advisory.Advisory values and per-CVE
// enrichment (advisory.CVEInfo), and hand them to vulndb.Build, which
// writes, verifies and renames the new database into place. On any failure
// the old database stays where it was.
package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Report says what an Update or Import did.
type Report struct {
	Path    string
	Meta    *vulndb.Meta
	Rebuilt bool
	// Changed, Unchanged and Skipped list source names: downloaded anew,
	// unchanged since the last build, and missing on the server (404).
	Changed, Unchanged, Skipped []string
}

// ImportOptions configures Import.
type ImportOptions struct {
	// BuiltAt defaults to now.
	BuiltAt time.Time
}

// Import builds the database at dbPath from local files: OSV all.zip files,
// folders of OSV JSON records, single OSV records, Debian DSA/DLA lists and
// tracker JSON, Alpine, Wolfi and Chainguard secdb files, Red Hat CSAF VEX
// documents (one, a folder, or the tar.zst archive), Amazon Linux
// updateinfo.xml[.gz], CVE JSON 5 records (one, a folder, a zip), NVD
// records and feeds, the CISA KEV catalog, EPSS scores, or folders laid out
// like a mirror (osv/<Ecosystem>/all.zip, debian/DSA/list,
// alpine/v3.N/main.json, cve/, kev/…; see scanLayout). Any file that fails
// to parse fails the import and leaves the old database.
func Import(ctx context.Context, dbPath string, paths []string, opts ImportOptions) (*Report, error) {
	unlock, err := vulndb.Lock(dbPath)
	if err != nil {
		return nil, err
	}
	defer unlock()
	type job struct {
		path, name string
		kind       Kind
	}
	var jobs []job
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("importer: import: %w", err)
		}
		if fi.IsDir() {
			if files, isLayout := scanLayout(p); isLayout {
				if len(files) == 0 {
					return nil, fmt.Errorf("importer: import: %s has no feed files", p)
				}
				for _, lf := range files {
					jobs = append(jobs, job{path: filepath.Join(p, filepath.FromSlash(lf.rel)), name: lf.name, kind: lf.kind})
				}
				continue
			}
		}
		kind, err := Detect(p)
		if err != nil {
			return nil, fmt.Errorf("importer: import: %w", &FileError{Path: p, Err: err})
		}
		jobs = append(jobs, job{path: p, kind: kind})
	}
	// Files parse independently; results keep the order of the jobs.
	all := make([]*parsed, len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, j := range jobs {
		g.Go(func() error {
			ps, err := parseFile(gctx, j.path, j.kind, j.name)
			if err != nil {
				return fmt.Errorf("importer: import: %w", err)
			}
			all[i] = ps
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	rep := &Report{Path: dbPath, Rebuilt: true}
	for _, p := range all {
		rep.Changed = append(rep.Changed, p.meta.Name)
	}
	rep.Meta, err = buildParsed(ctx, dbPath, all, opts.BuiltAt)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func buildParsed(ctx context.Context, dbPath string, all []*parsed, builtAt time.Time) (*vulndb.Meta, error) {
	var (
		sources []vulndb.SourceMeta
		cves    []*advisory.CVEInfo
	)
	for _, p := range all {
		sources = append(sources, p.meta)
		cves = append(cves, p.cves...)
	}
	seq := func(yield func(*advisory.Advisory, error) bool) {
		for _, p := range all {
			for _, a := range p.advs {
				if !yield(a, nil) {
					return
				}
			}
		}
	}
	return vulndb.Build(ctx, dbPath, seq, vulndb.BuildOptions{Sources: sources, CVEs: cves, BuiltAt: builtAt})
}
