package vulndb

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// Cache bounds: decoded blocks by their bytes, so that one scan decompresses
// each block at most once for databases up to that size; advisories by count.
const (
	blockCacheBytes      = 64 << 20
	advisoryCacheEntries = 32768
)

// DB is an open, read-only database. Its methods are safe for concurrent use.
type DB struct {
	path string
	bolt *bolt.DB
	info info
	dec  *zstd.Decoder

	mu     sync.Mutex
	blocks *lru[*block]
	advs   *lru[*advisory.Advisory]
}

// Open opens a compiled database read-only; several processes may open it at
// once. A missing file, a file that is not a database, a truncated or
// corrupt one, and one of another schema version are refused with an error
// that says which.
func Open(ctx context.Context, path string) (db *DB, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vulndb: open %s: no database (run `bulwark db update` or `bulwark db import`): %w", path, err)
		}
		return nil, fmt.Errorf("vulndb: open %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("vulndb: open %s: not a regular file", path)
	}
	defer recoverCorrupt(&err, path)
	bdb, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("vulndb: open %s: not a usable database file: %w", path, err)
	}
	db = &DB{path: path, bolt: bdb, blocks: newLRU[*block](blockCacheBytes), advs: newLRU[*advisory.Advisory](advisoryCacheEntries)}
	defer func() {
		if err != nil {
			bdb.Close()
		}
	}()
	var schema, infoJSON []byte
	err = bdb.View(func(tx *bolt.Tx) error {
		if hwm := tx.Size(); hwm > fi.Size() {
			return fmt.Errorf("%w: file is truncated (%d bytes, pages in use reach %d)", errCorrupt, fi.Size(), hwm)
		}
		m := tx.Bucket(bucketMeta)
		if m == nil || tx.Bucket(bucketPkg) == nil || tx.Bucket(bucketAdv) == nil || tx.Bucket(bucketRef) == nil {
			return errors.New("not a bulwark vulnerability database")
		}
		schema = append(schema, m.Get(keySchema)...)
		infoJSON = append(infoJSON, m.Get(keyInfo)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vulndb: open %s: %w", path, err)
	}
	if v, perr := strconv.Atoi(string(schema)); perr != nil || v != SchemaVersion {
		return nil, fmt.Errorf("vulndb: open %s: %w %q (this bulwark reads version %d; run `bulwark db update`)", path, ErrSchema, schema, SchemaVersion)
	}
	if err := json.Unmarshal(infoJSON, &db.info); err != nil {
		return nil, fmt.Errorf("vulndb: open %s: %w: metadata: %v", path, errCorrupt, err)
	}
	db.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxMemory(maxBlock), zstd.WithDecoderMaxWindow(maxBlock))
	if err != nil {
		return nil, fmt.Errorf("vulndb: open %s: %w", path, err)
	}
	return db, nil
}

// recoverCorrupt turns a panic inside bbolt, or a fault on the memory map of a
// file damaged after it was opened, into an error: a corrupt file must not
// crash a scan.
func recoverCorrupt(err *error, path string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("vulndb: %s: %w: %v", path, errCorrupt, r)
	}
}

// Close releases the database.
func (db *DB) Close() error {
	if db.dec != nil {
		db.dec.Close()
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("vulndb: close: %w", err)
	}
	return nil
}

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// Meta describes the database.
func (db *DB) Meta() Meta { return db.info.Meta }

// Ecosystems lists the stored ecosystems with record counts.
func (db *DB) Ecosystems(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(db.info.Ecosystems))
	for k, v := range db.info.Ecosystems {
		out[k] = v
	}
	return out, nil
}

// ByPackage returns every record that names pkg in ecosystem (PyPI names are
// normalised before the lookup). Withdrawn advisories are never returned.
// The result is sorted by advisory ID.
func (db *DB) ByPackage(ctx context.Context, ecosystem, pkg string) (recs []Record, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vulndb: lookup: %w", context.Cause(ctx))
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err, db.path)
	key := pkgKey(ecosystem, pkg)
	err = db.bolt.View(func(tx *bolt.Tx) error {
		payload, ok, err := db.find(tx, bucketPkg, key)
		if err != nil || !ok {
			return err
		}
		d := decoder{b: payload}
		n := d.count()
		recs = make([]Record, 0, n)
		for range n {
			id, aff := d.affected()
			if d.err != nil {
				return fmt.Errorf("vulndb: %s/%s: %w", ecosystem, pkg, d.err)
			}
			a, err := db.advisory(tx, id)
			if err != nil {
				return fmt.Errorf("vulndb: %s/%s: advisory %s: %w", ecosystem, pkg, id, err)
			}
			if !a.Withdrawn.IsZero() {
				continue
			}
			aff.Ecosystem, aff.Package = ecosystem, pkg
			recs = append(recs, Record{Advisory: a, Affected: aff})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// Advisory returns the stored metadata of one advisory (Affected left
// empty), or ErrNotFound. The result is the caller's to modify.
func (db *DB) Advisory(ctx context.Context, id string) (a *advisory.Advisory, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vulndb: advisory: %w", context.Cause(ctx))
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err, db.path)
	err = db.bolt.View(func(tx *bolt.Tx) error {
		shared, err := db.advisory(tx, id)
		if err != nil {
			return err
		}
		cp := *shared
		cp.Aliases, cp.Severity = slices.Clone(shared.Aliases), slices.Clone(shared.Severity)
		refs, found, err := db.find(tx, bucketRef, id)
		if err != nil {
			return err
		}
		if found {
			d := decoder{b: refs}
			cp.References = d.strs()
			if d.err != nil {
				return fmt.Errorf("vulndb: advisory %s: references: %w", id, d.err)
			}
		}
		a = &cp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (db *DB) advisory(tx *bolt.Tx, id string) (*advisory.Advisory, error) {
	db.mu.Lock()
	a, ok := db.advs.get(id)
	db.mu.Unlock()
	if ok {
		return a, nil
	}
	payload, found, err := db.find(tx, bucketAdv, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%w: advisory %s", ErrNotFound, id)
	}
	d := decoder{b: payload}
	a = d.advisory()
	if d.err != nil {
		return nil, fmt.Errorf("vulndb: advisory %s: %w", id, d.err)
	}
	db.mu.Lock()
	db.advs.put(id, a, 1)
	db.mu.Unlock()
	return a, nil
}

// find returns the payload under key: the block whose first key is the
// greatest at or below key holds it, if anything does.
func (db *DB) find(tx *bolt.Tx, bucket []byte, key string) ([]byte, bool, error) {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil, false, fmt.Errorf("%w: bucket %s missing", errCorrupt, bucket)
	}
	c := b.Cursor()
	k, v := c.Seek([]byte(key))
	if k == nil {
		k, v = c.Last()
	} else if string(k) != key {
		k, v = c.Prev()
	}
	if k == nil {
		return nil, false, nil
	}
	blockKey := string(bucket) + "\x00" + string(k)
	db.mu.Lock()
	blk, cached := db.blocks.get(blockKey)
	db.mu.Unlock()
	if !cached {
		data, err := db.decompress(v)
		if err != nil {
			return nil, false, err
		}
		if blk, err = indexBlock(data); err != nil {
			return nil, false, err
		}
		db.mu.Lock()
		db.blocks.put(blockKey, blk, blk.cost())
		db.mu.Unlock()
	}
	p, ok := blk.find(key)
	return p, ok, nil
}

func (db *DB) decompress(v []byte) ([]byte, error) {
	if len(v) == 0 || v[0] != codecZstd {
		return nil, fmt.Errorf("%w: unknown block codec", errCorrupt)
	}
	out, err := db.dec.DecodeAll(v[1:], nil)
	if err != nil {
		return nil, fmt.Errorf("%w: block: %v", errCorrupt, err)
	}
	return out, nil
}

// Verify reads every block and decodes every entry, checking order, counts
// and that each record's advisory exists. Build runs it before installing a
// new file; `bulwark db status --verify` runs it on demand.
func (db *DB) Verify(ctx context.Context) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err, db.path)
	ids := map[string]bool{}
	records := 0
	eco := map[string]int{}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		var last string
		err := tx.Bucket(bucketAdv).ForEach(func(k, v []byte) error {
			block, err := db.decompress(v)
			if err != nil {
				return err
			}
			return eachInBlock(block, func(key, payload []byte) error {
				if string(key) <= last && last != "" {
					return fmt.Errorf("%w: advisory keys out of order", errCorrupt)
				}
				last = string(key)
				d := decoder{b: payload}
				a := d.advisory()
				if d.err != nil || a.ID != string(key) || len(d.b) != 0 {
					return fmt.Errorf("%w: advisory %q", errCorrupt, key)
				}
				ids[a.ID] = !a.Withdrawn.IsZero()
				return nil
			})
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketRef).ForEach(func(k, v []byte) error {
			block, err := db.decompress(v)
			if err != nil {
				return err
			}
			return eachInBlock(block, func(key, payload []byte) error {
				d := decoder{b: payload}
				d.strs()
				if _, ok := ids[string(key)]; !ok || d.err != nil || len(d.b) != 0 {
					return fmt.Errorf("%w: references of %q", errCorrupt, key)
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		last = ""
		return tx.Bucket(bucketPkg).ForEach(func(k, v []byte) error {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			block, err := db.decompress(v)
			if err != nil {
				return err
			}
			return eachInBlock(block, func(key, payload []byte) error {
				if string(key) <= last && last != "" {
					return fmt.Errorf("%w: package keys out of order", errCorrupt)
				}
				last = string(key)
				ecosystem, _, _ := cutNUL(string(key))
				d := decoder{b: payload}
				n := d.count()
				for range n {
					id, _ := d.affected()
					withdrawn, ok := ids[id]
					if d.err != nil || !ok || withdrawn {
						return fmt.Errorf("%w: record of %q for %q", errCorrupt, id, key)
					}
					eco[ecosystem]++
					records++
				}
				if len(d.b) != 0 {
					return fmt.Errorf("%w: trailing bytes in %q", errCorrupt, key)
				}
				return nil
			})
		})
	})
	if err != nil {
		return fmt.Errorf("vulndb: verify %s: %w", db.path, err)
	}
	if len(ids) != db.info.Advisories || records != db.info.Records {
		return fmt.Errorf("vulndb: verify %s: %w: holds %d advisories and %d records, metadata says %d and %d",
			db.path, errCorrupt, len(ids), records, db.info.Advisories, db.info.Records)
	}
	for e, n := range db.info.Ecosystems {
		if eco[e] != n {
			return fmt.Errorf("vulndb: verify %s: %w: ecosystem %s holds %d records, metadata says %d", db.path, errCorrupt, e, eco[e], n)
		}
	}
	return nil
}

func cutNUL(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// lru is a least-recently-used cache bounded by the total cost of its
// entries; the caller locks.
type lru[V any] struct {
	max, used int
	order     *list.List
	items     map[string]*list.Element
}

type lruItem[V any] struct {
	key  string
	val  V
	cost int
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru[V]) get(k string) (V, bool) {
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruItem[V]).val, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(k string, v V, cost int) {
	if e, ok := c.items[k]; ok {
		it := e.Value.(*lruItem[V])
		c.used += cost - it.cost
		it.val, it.cost = v, cost
		c.order.MoveToFront(e)
	} else {
		c.items[k] = c.order.PushFront(&lruItem[V]{key: k, val: v, cost: cost})
		c.used += cost
	}
	for c.used > c.max && c.order.Len() > 1 {
		last := c.order.Back()
		it := last.Value.(*lruItem[V])
		c.order.Remove(last)
		delete(c.items, it.key)
		c.used -= it.cost
	}
}
