// Package vulndb is the vulnerability database: one embedded file that
// answers the matcher's lookups, and the writer that compiles advisories
// into it. It knows the file's layout, not the feeds: parsing them is
// package importer's job (internal/vulndb/importer), so what only reads
// the database (match, scan, server, agent) links no feed parser.
//
// Data flow: the importer parses feeds into advisory.Advisory values and
// per-CVE enrichment, takes the writer lock (Lock) and hands them to Build,
// which merges advisories by ID, joins the enrichment onto them by CVE,
// writes a new database next to the old one, fsyncs it, verifies it through
// Open and renames it into place. Open maps a database read-only;
// ByPackage, Advisory and Ecosystems read it. DefaultPath says where the
// database lives.
//
// # Storage
//
// The file is a bbolt (go.etcd.io/bbolt) B+tree. bbolt is a single file,
// pure Go, copy-on-write with checksummed meta pages, and its read-only
// mode takes only a shared lock and a memory map, so any number of scans
// read at once without blocking each other. We never write to a live file:
// an update builds a fresh one and renames it over the old, so readers that
// opened the old file keep a consistent snapshot and are never blocked by a
// writer, and a killed update leaves the old file untouched. (SQLite would
// also work but brings a query layer we do not need; bbolt is what etcd and
// several scanners, Trivy among them, keep their data in.)
//
// Four buckets:
//   - "meta": "schema" (SchemaVersion) and "info" (build time, sources with
//     fingerprints and counts, per-ecosystem record counts), JSON.
//   - "pkg": records keyed by "ecosystem NUL package", sorted, packed into
//     blocks of a few KiB, each block zstd-compressed and stored under its
//     first key. A lookup seeks to the block whose first key is at or
//     below the wanted key and scans it.
//   - "adv": advisory metadata (aliases, summary, severity, source, dates)
//     stored once per id, packed and compressed the same way.
//   - "ref": each advisory's reference URLs, apart because only Advisory
//     reads them and they are the bulk of OSV metadata: lookups would
//     otherwise decompress them for nothing.
//
// Blocks rather than one value per key are what make the file smaller than
// the zipped feeds it came from: zstd needs a few KiB of context to find
// the repetition in ids, URLs and version strings. Decoded blocks and
// advisories are kept in small caches, so the many lookups of one scan
// decompress each block once.
package vulndb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// SchemaVersion is the layout version written into every database. Bump it
// when the codec or the bucket layout changes; Open refuses other versions.
//
//	1  first layout
//	2  severity statements carry their origin; advisories carry KEV and
//	   EPSS; package records carry rpm module streams and binaries
const SchemaVersion = 2

var (
	// ErrNotFound is returned by Advisory for an unknown id.
	ErrNotFound = errors.New("vulndb: not found")
	// ErrSchema is returned by Open for a database of another schema version.
	ErrSchema = errors.New("vulndb: unsupported schema version")
)

// Record is one advisory's statement about one package.
type Record struct {
	// Advisory is the shared metadata (ID, Aliases, Source, Severity,
	// Summary…), Affected empty. It is shared between records and calls:
	// treat it as read-only.
	Advisory *advisory.Advisory
	// Affected is the statement about this package; Ecosystem and Package
	// are the ones looked up.
	Affected advisory.Affected
}

// Meta describes a compiled database.
type Meta struct {
	SchemaVersion int          `json:"schema_version"`
	BuiltAt       time.Time    `json:"built_at"`
	Sources       []SourceMeta `json:"sources"`
	// Advisories and Records count stored advisories and package records
	// (withdrawn advisories have metadata but no records).
	Advisories int `json:"advisories"`
	Records    int `json:"records"`
}

// SourceMeta describes one feed file a database was built from.
type SourceMeta struct {
	// Name is the feed file as laid out on a mirror ("osv/Go",
	// "debian/DSA", "debian/tracker", "alpine/v3.11/main").
	Name string `json:"name"`
	URL  string `json:"url"`
	// Fingerprint identifies the file's content ("sha256:<hex>", as the
	// feed downloader computes it), so an update skips files that did not
	// change.
	Fingerprint string `json:"fingerprint"`
	// Count is the number of advisories parsed from the file.
	Count     int       `json:"count"`
	FetchedAt time.Time `json:"fetched_at"`
}

// DefaultPath is os.UserCacheDir()/bulwark/db/bulwark.db, or $BULWARK_DB.
func DefaultPath() (string, error) {
	if p := os.Getenv("BULWARK_DB"); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("vulndb: no cache directory (set BULWARK_DB or --db): %w", err)
	}
	return filepath.Join(dir, "bulwark", "db", "bulwark.db"), nil
}
