// Package history keeps the latest scan summary of each image on disk, so
// that commands which do not scan (the guard's scan gate, dashboards) can
// ask "was this image scanned, and what did the scan find?".
//
//	scan ─▶ report.Report ─▶ Record ─▶ <dir>/v1/<sha256(key)>.json  (one file per key)
//	guard ─▶ Latest(key) ─────────────▶ Entry
//
// Every report is stored under each of its keys: the image ID (the
// configuration digest, the only key that names exactly one image), each
// repo digest, each repo tag and the target name. Names are mutable; a
// caller that needs certainty looks up by ID and compares Entry.ImageID.
//
// A configuration only declares its layers' diff IDs: an archive can pair
// one image's configuration with other layers. So a report is stored
// under its image ID, and carries it, only when its layers were checked
// against the configuration (report target.layers_verified); otherwise it
// is kept under its names only, which vouch for nothing.
//
// Files are written atomically (temporary file, fsync, rename), so readers
// never see half a record and never need a lock. Writers serialise on an
// advisory lock file and keep the newer record when two scans of the same
// key race.
package history

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/distribution/reference"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/atomicfile"
	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// SchemaVersion is the version of the Entry JSON record. Fields added
// without changing the meaning of others keep the version.
//
//	1  first version; later: assessment, not_checked and coverage
//	   (records without them predate coverage per package), and
//	   layers_verified (absent: false)
const SchemaVersion = 1

// ErrNotFound means no scan is recorded under the key.
var ErrNotFound = errors.New("history: no scan recorded")

// maxRecord bounds a record file read back (a record lists findings, not
// packages; tens of thousands of findings fit comfortably).
const maxRecord = 64 << 20

// Entry is the stored summary of one scan.
type Entry struct {
	SchemaVersion int `json:"schema_version"`
	// Key is the key this copy was stored under.
	Key string `json:"key"`
	// ImageID is the image configuration digest ("sha256:…"); empty for
	// targets that are not images (dir:), and for scans whose layers were
	// not checked against the configuration.
	ImageID string `json:"image_id,omitempty"`
	// LayersVerified: the scan checked every layer against the diff IDs
	// of the configuration (report target.layers_verified), so its result
	// speaks for ImageID. Records written before the field existed lack
	// it and count as unverified.
	LayersVerified bool        `json:"layers_verified,omitempty"`
	Target         string      `json:"target"`
	Names          []string    `json:"names,omitempty"` // repo tags
	RepoDigests    []string    `json:"repo_digests,omitempty"`
	ScannedAt      time.Time   `json:"scanned_at"`
	Tool           report.Tool `json:"tool"`
	// Matched is true when the scan checked vulnerabilities against an
	// advisory database; an inventory-only scan says nothing about them.
	Matched bool `json:"matched"`
	// Assessed is true when Assessment is full.
	Assessed bool `json:"assessed"`
	// Assessment is the report's coverage.assessed: whether every package
	// was checked for vulnerabilities (full), some were (partial) or none
	// (none); empty in records written before it was recorded.
	Assessment report.Assessment `json:"assessment,omitempty"`
	// NotChecked counts packages not checked; Coverage says which and why
	// ("not checked for 88 of 88 packages (no data for Debian 12)").
	NotChecked      int            `json:"not_checked,omitempty"`
	Coverage        string         `json:"coverage,omitempty"`
	DatabaseBuiltAt time.Time      `json:"database_built_at,omitzero"`
	Counts          map[string]int `json:"counts"` // findings by severity
	Findings        []Finding      `json:"findings"`
}

// Finding is one vulnerability of the scan, with what an ignore file needs
// to re-evaluate its suppression later.
type Finding struct {
	ID           string            `json:"id"`
	Aliases      []string          `json:"aliases,omitempty"`
	Package      string            `json:"package"`
	Version      string            `json:"version"`
	PURL         string            `json:"purl,omitempty"`
	Severity     advisory.Severity `json:"severity"`
	Status       advisory.Status   `json:"status"`
	FixedVersion string            `json:"fixed_version,omitempty"`
	// Paths are the files the package was found in, for ignore entries
	// scoped by path.
	Paths []string `json:"paths,omitempty"`
	// KnownExploited and EPSS are the finding's exploit context, for the
	// guard's scan gate.
	KnownExploited bool    `json:"known_exploited,omitempty"`
	EPSS           float64 `json:"epss,omitempty"`
}

// DefaultDir is <user cache dir>/bulwark/history, or
// $BULWARK_CACHE_DIR/history when that is set.
func DefaultDir() (string, error) {
	if d := os.Getenv("BULWARK_CACHE_DIR"); d != "" {
		return filepath.Join(d, "history"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	return filepath.Join(d, "bulwark", "history"), nil
}

// FromReport summarises a scan report.
func FromReport(rep *report.Report) *Entry {
	e := &Entry{
		SchemaVersion:  SchemaVersion,
		LayersVerified: rep.Target.LayersVerified,
		Target:         rep.Target.Name,
		Names:          slices.Clone(rep.Target.RepoTags),
		RepoDigests:    slices.Clone(rep.Target.RepoDigests),
		ScannedAt:      rep.CreatedAt.UTC(),
		Tool:           rep.Tool,
		Matched:        rep.Coverage.Matching == report.Matched,
		Assessed:       rep.Coverage.Assessed == report.AssessedFull,
		Assessment:     rep.Coverage.Assessed,
		NotChecked:     rep.Coverage.PackageStatus.NotChecked,
		Coverage:       rep.Coverage.NotCheckedText(),
		Counts:         map[string]int{},
		Findings:       []Finding{},
	}
	if e.LayersVerified {
		e.ImageID = normID(rep.Target.ID)
	}
	if e.ScannedAt.IsZero() {
		e.ScannedAt = time.Now().UTC()
	}
	if rep.Database != nil {
		e.DatabaseBuiltAt = rep.Database.BuiltAt.UTC()
	}
	for _, v := range rep.Vulnerabilities {
		e.Counts[string(v.Severity)]++
		f := Finding{
			ID: v.ID, Aliases: slices.Clone(v.Aliases), Package: v.Package.Name, Version: v.Package.Version,
			PURL: v.Package.PURL, Severity: v.Severity, Status: v.Status, FixedVersion: v.FixedVersion,
			KnownExploited: v.KnownExploited,
		}
		if v.EPSS != nil {
			f.EPSS = v.EPSS.Score
		}
		for _, l := range v.Package.Locations {
			if !slices.Contains(f.Paths, l.Path) {
				f.Paths = append(f.Paths, l.Path)
			}
		}
		e.Findings = append(e.Findings, f)
	}
	return e
}

// Keys lists the keys an entry is stored under, normalised, without
// duplicates.
func (e *Entry) Keys() []string {
	var keys []string
	if e.ImageID != "" {
		keys = append(keys, e.ImageID)
	}
	for _, k := range e.RepoDigests {
		keys = append(keys, NormalizeKey(k))
	}
	for _, k := range e.Names {
		keys = append(keys, NormalizeKey(k))
	}
	if e.Target != "" {
		keys = append(keys, NormalizeKey(e.Target))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

var hex64 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(sha256:)?[0-9a-f]{64}$`) })

func normID(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	if hex64().MatchString(id) && !strings.HasPrefix(id, "sha256:") {
		return "sha256:" + id
	}
	return id
}

// NormalizeKey gives a lookup key its stored form: image IDs with their
// "sha256:" prefix, image names fully qualified ("nginx" →
// "docker.io/library/nginx:latest"), transport prefixes ("docker:")
// dropped; anything else (paths) unchanged.
func NormalizeKey(key string) string {
	key = strings.TrimSpace(key)
	if hex64().MatchString(strings.ToLower(key)) {
		return normID(key)
	}
	for _, p := range []string{"docker:", "registry:"} {
		if rest, ok := strings.CutPrefix(key, p); ok && rest != "" {
			key = rest
			break
		}
	}
	if named, err := reference.ParseNormalizedNamed(key); err == nil {
		return reference.TagNameOnly(named).String()
	}
	return key
}

func fileFor(dir, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "v1", hex.EncodeToString(sum[:])+".json")
}

// Record stores the summary of rep under each of its keys in dir. A key
// already holding a newer scan keeps it.
func Record(ctx context.Context, dir string, rep *report.Report) error {
	if rep == nil {
		return errors.New("history: recording: no report")
	}
	return RecordEntry(ctx, dir, FromReport(rep))
}

// RecordEntry stores e under each of its keys.
func RecordEntry(ctx context.Context, dir string, e *Entry) error {
	keys := e.Keys()
	if len(keys) == 0 {
		return errors.New("history: recording: the report names no image id, name or target")
	}
	if err := os.MkdirAll(filepath.Join(dir, "v1"), 0o700); err != nil {
		return fmt.Errorf("history: recording: %w", err)
	}
	unlock, err := lock(ctx, dir)
	if err != nil {
		return fmt.Errorf("history: recording: %w", err)
	}
	defer unlock()
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("history: recording: %w", err)
		}
		if old, err := read(fileFor(dir, k)); err == nil && old.ScannedAt.After(e.ScannedAt) {
			continue
		}
		c := *e
		c.Key = k
		if err := writeAtomic(fileFor(dir, k), &c); err != nil {
			return fmt.Errorf("history: recording %s: %w", k, err)
		}
	}
	return nil
}

// Latest returns the latest scan stored under key (an image ID, repo
// digest, image name or target; see NormalizeKey), or ErrNotFound.
func Latest(ctx context.Context, dir, key string) (*Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	k := NormalizeKey(key)
	if k == "" {
		return nil, fmt.Errorf("history: empty key")
	}
	e, err := read(fileFor(dir, k))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s", ErrNotFound, k)
	}
	if err != nil {
		return nil, fmt.Errorf("history: reading %s: %w", k, err)
	}
	if e.Key != k {
		return nil, fmt.Errorf("history: record for %s holds key %q", k, e.Key)
	}
	return e, nil
}

// Dir is a history directory; its Latest method makes it a source of scan
// results for consumers that declare a one-method interface.
type Dir string

// Latest is [Latest] in d.
func (d Dir) Latest(ctx context.Context, key string) (*Entry, error) {
	return Latest(ctx, string(d), key)
}

func read(path string) (*Entry, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxRecord {
		return nil, errors.New("record larger than 64 MiB")
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("damaged record: %w", err)
	}
	if e.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("record schema version %d, want %d", e.SchemaVersion, SchemaVersion)
	}
	return &e, nil
}

func writeAtomic(path string, e *Entry) (err error) {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), atomicfile.Options{Perm: 0o600})
}

// lock takes the directory's writer lock, polling so ctx can cancel.
func lock(ctx context.Context, dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
