package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/atomicfile"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

var (
	bucketMeta = []byte("meta")
	bucketPkg  = []byte("pkg")
	bucketAdv  = []byte("adv")
	bucketRef  = []byte("ref")
	keySchema  = []byte("schema")
	keyInfo    = []byte("info")
)

// Uncompressed block sizes: large enough for zstd to find repetition, small
// enough that a lookup decompresses little.
const (
	pkgBlockSize = 16 << 10
	advBlockSize = 24 << 10
	// codecZstd is the first byte of every block value.
	codecZstd = 1
	// maxBlock bounds decompression of a (corrupt) block.
	maxBlock = 16 << 20
)

// info is the JSON stored under meta/info.
type info struct {
	Meta
	Ecosystems map[string]int `json:"ecosystems"`
}

// BuildOptions carries what Build records besides the advisories.
type BuildOptions struct {
	Sources []SourceMeta
	// CVEs are the enrichment feeds' statements (CVE records, NVD, KEV,
	// EPSS), joined onto the advisories that name each CVE.
	CVEs []*advisory.CVEInfo
	// BuiltAt defaults to now.
	BuiltAt time.Time
}

// Advisories adapts a slice to Build's input.
func Advisories(as []*advisory.Advisory) iter.Seq2[*advisory.Advisory, error] {
	return func(yield func(*advisory.Advisory, error) bool) {
		for _, a := range as {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// Build compiles advisories into a database at path, replacing any file
// there only once the new one is complete, synced and verified. Advisories
// with the same ID from the same Source are merged (the same advisory seen in
// several feed files, such as one secdb file per Alpine branch); between
// sources the most recently modified wins. The enrichment statements of
// opts.CVEs are then joined onto every advisory by the CVEs it names.
// Build takes no lock: a caller replacing a database others may update
// takes Lock first.
func Build(ctx context.Context, path string, advs iter.Seq2[*advisory.Advisory, error], opts BuildOptions) (*Meta, error) {
	byID := map[string]*advisory.Advisory{}
	for a, err := range advs {
		if err != nil {
			return nil, fmt.Errorf("vulndb: build: %w", err)
		}
		if err := validate(a); err != nil {
			return nil, fmt.Errorf("vulndb: build: %w", err)
		}
		if prev, ok := byID[a.ID]; ok {
			byID[a.ID] = merge(prev, a)
			continue
		}
		byID[a.ID] = a
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vulndb: build: %w", context.Cause(ctx))
	}
	join(byID, mergeCVEs(opts.CVEs))
	in := compile(byID)
	in.info.SchemaVersion = SchemaVersion
	in.info.BuiltAt = opts.BuiltAt.UTC()
	if opts.BuiltAt.IsZero() {
		in.info.BuiltAt = time.Now().UTC()
	}
	in.info.Sources = slices.Clone(opts.Sources)

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("vulndb: build: %w", err)
	}
	// Every user of the machine may read the database, as with any cache.
	tmp, err := atomicfile.Create(path, atomicfile.Options{Perm: 0o644})
	if err != nil {
		return nil, fmt.Errorf("vulndb: build: %w", err)
	}
	defer tmp.Abort()
	tmpPath := tmp.Name()
	if err := write(ctx, tmpPath, in); err != nil {
		return nil, err
	}
	// Verify what is on disk, through the reader every scan uses.
	db, err := Open(ctx, tmpPath)
	if err != nil {
		return nil, fmt.Errorf("vulndb: verify new database: %w", err)
	}
	verr := db.Verify(ctx)
	db.Close()
	if verr != nil {
		return nil, fmt.Errorf("vulndb: verify new database: %w", verr)
	}
	if err := tmp.Commit(); err != nil {
		return nil, fmt.Errorf("vulndb: install new database: %w", err)
	}
	m := in.info.Meta
	return &m, nil
}

func validate(a *advisory.Advisory) error {
	if a == nil {
		return errors.New("nil advisory")
	}
	if a.ID == "" || strings.ContainsRune(a.ID, 0) {
		return fmt.Errorf("advisory with bad id %q", a.ID)
	}
	for _, af := range a.Affected {
		if af.Ecosystem == "" || af.Package == "" || strings.ContainsRune(af.Ecosystem, 0) || strings.ContainsRune(af.Package, 0) {
			return fmt.Errorf("advisory %s: affected entry without ecosystem or package", a.ID)
		}
	}
	return nil
}

// merge combines two advisories with one ID without modifying either.
func merge(a, b *advisory.Advisory) *advisory.Advisory {
	if a.Source != b.Source {
		if b.Modified.After(a.Modified) {
			return b
		}
		return a
	}
	m := *a
	m.Aliases = slices.Clone(a.Aliases)
	for _, x := range b.Aliases {
		if !slices.Contains(m.Aliases, x) {
			m.Aliases = append(m.Aliases, x)
		}
	}
	m.Affected = append(slices.Clone(a.Affected), b.Affected...)
	if m.Summary == "" {
		m.Summary = b.Summary
	}
	if len(m.Severity) == 0 {
		m.Severity = b.Severity
	}
	if !b.Published.IsZero() && (m.Published.IsZero() || b.Published.Before(m.Published)) {
		m.Published = b.Published
	}
	if b.Modified.After(m.Modified) {
		m.Modified = b.Modified
	}
	return &m
}

type compiled struct {
	ids    []string
	refIDs []string // advisories with references
	advs   map[string]*advisory.Advisory
	keys   []string
	pkgs   map[string][]pkgEntry
	info   info
}

type pkgEntry struct {
	id  string
	aff *advisory.Affected
}

func pkgKey(ecosystem, pkg string) string {
	if base, _, _ := strings.Cut(ecosystem, ":"); base == "PyPI" {
		pkg = sbom.NormalizePythonName(pkg)
	}
	return ecosystem + "\x00" + pkg
}

func compile(byID map[string]*advisory.Advisory) *compiled {
	c := &compiled{advs: byID, pkgs: map[string][]pkgEntry{}, info: info{Ecosystems: map[string]int{}}}
	for id, a := range byID {
		c.ids = append(c.ids, id)
		if !a.Withdrawn.IsZero() {
			continue // kept for Advisory, never matched
		}
		for i := range a.Affected {
			af := &a.Affected[i]
			k := pkgKey(af.Ecosystem, af.Package)
			c.pkgs[k] = append(c.pkgs[k], pkgEntry{id: id, aff: af})
			c.info.Ecosystems[af.Ecosystem]++
			c.info.Records++
		}
	}
	sort.Strings(c.ids)
	for _, id := range c.ids {
		if len(byID[id].References) > 0 {
			c.refIDs = append(c.refIDs, id)
		}
	}
	for k, es := range c.pkgs {
		c.keys = append(c.keys, k)
		sort.SliceStable(es, func(i, j int) bool { return es[i].id < es[j].id })
	}
	sort.Strings(c.keys)
	c.info.Advisories = len(c.ids)
	return c
}

// write fills a new bbolt file in one transaction, keys in order and pages
// packed full, then cuts the file to the pages in use.
func write(ctx context.Context, path string, c *compiled) error {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("vulndb: create %s: %w", path, err)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		db.Close()
		return fmt.Errorf("vulndb: build: %w", err)
	}
	defer enc.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return err
		}
		js, err := json.Marshal(c.info)
		if err != nil {
			return err
		}
		if err := meta.Put(keyInfo, js); err != nil {
			return err
		}
		var w blockWriter
		var p encoder
		err = writeBlocks(ctx, tx, bucketAdv, enc, &w, advBlockSize, len(c.ids), func(i int) (string, []byte) {
			p.b = p.b[:0]
			p.advisory(c.advs[c.ids[i]])
			return c.ids[i], p.b
		})
		if err != nil {
			return err
		}
		err = writeBlocks(ctx, tx, bucketRef, enc, &w, advBlockSize, len(c.refIDs), func(i int) (string, []byte) {
			p.b = p.b[:0]
			p.strs(c.advs[c.refIDs[i]].References)
			return c.refIDs[i], p.b
		})
		if err != nil {
			return err
		}
		return writeBlocks(ctx, tx, bucketPkg, enc, &w, pkgBlockSize, len(c.keys), func(i int) (string, []byte) {
			es := c.pkgs[c.keys[i]]
			p.b = p.b[:0]
			p.uvarint(uint64(len(es)))
			for _, e := range es {
				p.affected(e.id, e.aff)
			}
			return c.keys[i], p.b
		})
	})
	var hwm int64
	if err == nil {
		err = db.View(func(tx *bolt.Tx) error { hwm = tx.Size(); return nil })
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("vulndb: write %s: %w", path, err)
	}
	// bbolt grows files ahead of use; pages past the high-water mark are
	// never read, so dropping them is safe and keeps the file small.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("vulndb: write %s: %w", path, err)
	}
	err = f.Truncate(hwm)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("vulndb: write %s: %w", path, err)
	}
	return nil
}

func writeBlocks(ctx context.Context, tx *bolt.Tx, name []byte, enc *zstd.Encoder, w *blockWriter, target, n int, entry func(int) (string, []byte)) error {
	b, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	b.FillPercent = 1.0 // keys arrive in order and the file is never updated
	w.reset()
	flush := func() error {
		if w.n == 0 {
			return nil
		}
		v := enc.EncodeAll(w.enc.b, []byte{codecZstd})
		err := b.Put([]byte(w.first), v)
		w.reset()
		return err
	}
	for i := range n {
		if i%1024 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		k, p := entry(i)
		w.add(k, p)
		if len(w.enc.b) >= target {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// removeStaleTemps deletes temporary files that a killed build left next to
// path. Callers hold the writer lock (Lock), so no live build owns them.
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			continue
		}
	}
}
