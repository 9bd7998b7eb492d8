// Package embedded is the default result store of `bulwark serve`: one bbolt
// file used by one process.
//
// # Layout
//
// Records are JSON under 8-byte big-endian ids (bbolt sequences), with index
// buckets beside them: unique keys (scan, bench and job keys, token hashes)
// map to ids; "image_scans" and "host_bench" hold composite keys
// (name, NUL, id) so one image's or host's history is a prefix scan; "latest"
// maps each image to its newest scan. Reports are stored packed
// ([store.Pack]) apart from the scan records, and a scan's findings apart
// from its summary, so listings never decode what they do not show.
//
// The queue keeps every unfinished job in "active" with a 17-byte header
// (state, run-after, lease end), so a claim reads only those headers. Writes
// of reports go through bbolt's Batch, which folds concurrent submissions
// into one transaction and one fsync.
package embedded

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/bulwark-sec/bulwark/internal/store"
)

var (
	bTokens      = []byte("tokens")
	bTokenHash   = []byte("token_hash")
	bScans       = []byte("scans")
	bFindings    = []byte("findings")
	bReports     = []byte("reports")
	bScanKeys    = []byte("scan_keys")
	bImageScans  = []byte("image_scans")
	bLatest      = []byte("latest")
	bBench       = []byte("bench")
	bBenchReport = []byte("bench_reports")
	bBenchKeys   = []byte("bench_keys")
	bHostBench   = []byte("host_bench")
	bHosts       = []byte("hosts")
	bJobs        = []byte("jobs")
	bJobKeys     = []byte("job_keys")
	bActive      = []byte("active")
	bHooks       = []byte("webhooks")
	bDeliveries  = []byte("deliveries")
	bHookDeliv   = []byte("hook_deliveries")

	allBuckets = [][]byte{bTokens, bTokenHash, bScans, bFindings, bReports, bScanKeys, bImageScans, bLatest,
		bBench, bBenchReport, bBenchKeys, bHostBench, bHosts, bJobs, bJobKeys, bActive, bHooks, bDeliveries, bHookDeliv}
)

// Store is a bbolt-backed store.Store.
type Store struct {
	db  *bolt.DB
	now func() time.Time
}

var _ store.Store = (*Store)(nil)

// ErrLocked: another process (a running `bulwark serve`) holds the file.
var ErrLocked = errors.New("in use by another process (a running bulwark serve?)")

// Open opens (creating if needed) the store file at path. A second process
// opening the same file waits a second, then fails.
func Open(ctx context.Context, path string) (*Store, error) {
	// A large initial map and growth step: remapping the file as it grows
	// blocks every transaction, which showed as 250-450 ms stalls under a
	// steady 200 submissions/s. The map is address space, not memory.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true,
		InitialMmapSize: 1 << 30})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded: %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded: opening %s: %w", path, err)
	}
	db.AllocSize = 64 << 20
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded: initialising %s: %w", path, err)
	}
	return &Store{db: db, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func itob(id int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(id))
	return b
}

func btoi(b []byte) int64 {
	if len(b) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

func prefixKey(name string, id int64) []byte {
	k := make([]byte, 0, len(name)+9)
	k = append(k, name...)
	k = append(k, 0)
	return append(k, itob(id)...)
}

func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func get(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return store.ErrNotFound
	}
	return json.Unmarshal(data, v)
}

func wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("embedded: %s: %w", doing, err)
}

// tokenRecord keeps the hash, which store.Token leaves out of JSON.
type tokenRecord struct {
	store.Token
	Hash string `json:"hash"`
}

// CreateToken stores t with a new id.
func (s *Store) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		hb := tx.Bucket(bTokenHash)
		if hb.Get([]byte(t.Hash)) != nil {
			return store.ErrExists
		}
		b := tx.Bucket(bTokens)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		t.ID = int64(seq)
		if err := hb.Put([]byte(t.Hash), itob(t.ID)); err != nil {
			return err
		}
		return put(b, itob(t.ID), tokenRecord{Token: t, Hash: t.Hash})
	})
	return t, wrap("creating token", err)
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var r tokenRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bTokenHash).Get([]byte(hash))
		if id == nil {
			return store.ErrNotFound
		}
		return get(tx.Bucket(bTokens), id, &r)
	})
	r.Token.Hash = r.Hash
	return r.Token, wrap("finding token", err)
}

// ListTokens lists tokens by id.
func (s *Store) ListTokens(ctx context.Context) ([]store.Token, error) {
	var out []store.Token
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bTokens).ForEach(func(_, v []byte) error {
			var r tokenRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			r.Token.Hash = r.Hash
			out = append(out, r.Token)
			return nil
		})
	})
	return out, wrap("listing tokens", err)
}

// DeleteToken removes a token.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bTokens)
		var r tokenRecord
		if err := get(b, itob(id), &r); err != nil {
			return err
		}
		if err := tx.Bucket(bTokenHash).Delete([]byte(r.Hash)); err != nil {
			return err
		}
		return b.Delete(itob(id))
	})
	return wrap("deleting token", err)
}

// PutScan stores a scan and its report, once per key.
func (s *Store) PutScan(ctx context.Context, sc store.Scan, report []byte) (store.Scan, bool, error) {
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = s.now()
	}
	packed := store.Pack(report)
	findings, err := json.Marshal(sc.Findings)
	if err != nil {
		return store.Scan{}, false, wrap("storing scan", err)
	}
	var (
		out     store.Scan
		created bool
	)
	// Batch may run the function more than once; it sets every result.
	err = s.db.Batch(func(tx *bolt.Tx) error {
		out, created = store.Scan{}, false
		keys := tx.Bucket(bScanKeys)
		if sc.Key != "" {
			if id := keys.Get([]byte(sc.Key)); id != nil {
				out = store.Scan{}
				return get(tx.Bucket(bScans), id, &out)
			}
		}
		b := tx.Bucket(bScans)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec := sc
		rec.ID = int64(seq)
		rec.Findings = nil
		id := itob(rec.ID)
		if err := put(b, id, rec); err != nil {
			return err
		}
		if err := tx.Bucket(bFindings).Put(id, findings); err != nil {
			return err
		}
		if err := tx.Bucket(bReports).Put(id, packed); err != nil {
			return err
		}
		if sc.Key != "" {
			if err := keys.Put([]byte(sc.Key), id); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bImageScans).Put(prefixKey(rec.Image, rec.ID), nil); err != nil {
			return err
		}
		lb := tx.Bucket(bLatest)
		newer := true
		if cur := lb.Get([]byte(rec.Image)); cur != nil {
			var prev store.Scan
			if err := get(b, cur, &prev); err != nil {
				return err
			}
			newer = !rec.CreatedAt.Before(prev.CreatedAt)
		}
		if newer {
			if err := lb.Put([]byte(rec.Image), id); err != nil {
				return err
			}
		}
		if rec.Host != "" {
			if err := touchHost(tx, rec.Host, rec.CreatedAt, 0); err != nil {
				return err
			}
		}
		out, created = rec, true
		out.Findings = sc.Findings
		return nil
	})
	return out, created, wrap("storing scan", err)
}

type hostRecord struct {
	Name     string    `json:"name"`
	LastSeen time.Time `json:"last_seen"`
	Bench    int64     `json:"bench,omitempty"` // latest bench run id
	BenchAt  time.Time `json:"bench_at,omitzero"`
}

func touchHost(tx *bolt.Tx, name string, at time.Time, benchID int64) error {
	b := tx.Bucket(bHosts)
	var h hostRecord
	if err := get(b, []byte(name), &h); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	h.Name = name
	if at.After(h.LastSeen) {
		h.LastSeen = at
	}
	if benchID != 0 && !at.Before(h.BenchAt) {
		h.Bench, h.BenchAt = benchID, at
	}
	return put(b, []byte(name), h)
}

// Scan returns one scan with its findings.
func (s *Store) Scan(ctx context.Context, id int64) (store.Scan, error) {
	var sc store.Scan
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := get(tx.Bucket(bScans), itob(id), &sc); err != nil {
			return err
		}
		return get(tx.Bucket(bFindings), itob(id), &sc.Findings)
	})
	return sc, wrap("reading scan", err)
}

// ScanReport returns a scan's report as submitted.
func (s *Store) ScanReport(ctx context.Context, id int64) ([]byte, error) {
	var packed []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bReports).Get(itob(id))
		if v == nil {
			return store.ErrNotFound
		}
		packed = bytes.Clone(v)
		return nil
	})
	if err != nil {
		return nil, wrap("reading report", err)
	}
	return store.Unpack(packed)
}

func newestFirst(a, b store.Scan) int {
	return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
}

// Scans lists scans matching f, newest first.
func (s *Store) Scans(ctx context.Context, f store.ScanFilter) ([]store.Scan, error) {
	var out []store.Scan
	keep := func(sc store.Scan) bool {
		return (f.Host == "" || sc.Host == f.Host) && (f.Since.IsZero() || !sc.CreatedAt.Before(f.Since))
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bScans)
		if f.Image != "" {
			c := tx.Bucket(bImageScans).Cursor()
			pfx := append([]byte(f.Image), 0)
			for k, _ := c.Seek(pfx); k != nil && bytes.HasPrefix(k, pfx); k, _ = c.Next() {
				var sc store.Scan
				if err := get(b, k[len(pfx):], &sc); err != nil {
					return err
				}
				if keep(sc) {
					out = append(out, sc)
				}
			}
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var sc store.Scan
			if err := json.Unmarshal(v, &sc); err != nil {
				return err
			}
			if keep(sc) {
				out = append(out, sc)
			}
			return nil
		})
	})
	slices.SortFunc(out, newestFirst)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, wrap("listing scans", err)
}

// LatestScans returns each image's newest scan, by image name.
func (s *Store) LatestScans(ctx context.Context) ([]store.Scan, error) {
	var out []store.Scan
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bScans)
		return tx.Bucket(bLatest).ForEach(func(_, id []byte) error {
			var sc store.Scan
			if err := get(b, id, &sc); err != nil {
				return err
			}
			out = append(out, sc)
			return nil
		})
	})
	return out, wrap("listing images", err)
}

// PutBench stores an audit, once per key.
func (s *Store) PutBench(ctx context.Context, br store.BenchRun, report []byte) (store.BenchRun, bool, error) {
	if br.CreatedAt.IsZero() {
		br.CreatedAt = s.now()
	}
	packed := store.Pack(report)
	var (
		out     store.BenchRun
		created bool
	)
	err := s.db.Batch(func(tx *bolt.Tx) error {
		out, created = store.BenchRun{}, false
		b := tx.Bucket(bBench)
		keys := tx.Bucket(bBenchKeys)
		if br.Key != "" {
			if id := keys.Get([]byte(br.Key)); id != nil {
				return get(b, id, &out)
			}
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec := br
		rec.ID = int64(seq)
		id := itob(rec.ID)
		if err := put(b, id, rec); err != nil {
			return err
		}
		if err := tx.Bucket(bBenchReport).Put(id, packed); err != nil {
			return err
		}
		if br.Key != "" {
			if err := keys.Put([]byte(br.Key), id); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bHostBench).Put(prefixKey(rec.Host, rec.ID), nil); err != nil {
			return err
		}
		if err := touchHost(tx, rec.Host, rec.CreatedAt, rec.ID); err != nil {
			return err
		}
		out, created = rec, true
		return nil
	})
	return out, created, wrap("storing bench run", err)
}

// BenchRun returns one audit and its report.
func (s *Store) BenchRun(ctx context.Context, id int64) (store.BenchRun, []byte, error) {
	var (
		br     store.BenchRun
		packed []byte
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := get(tx.Bucket(bBench), itob(id), &br); err != nil {
			return err
		}
		packed = bytes.Clone(tx.Bucket(bBenchReport).Get(itob(id)))
		return nil
	})
	if err != nil {
		return br, nil, wrap("reading bench run", err)
	}
	rep, err := store.Unpack(packed)
	return br, rep, err
}

// BenchRuns lists a host's audits, newest first.
func (s *Store) BenchRuns(ctx context.Context, host string, limit int) ([]store.BenchRun, error) {
	var out []store.BenchRun
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bBench)
		c := tx.Bucket(bHostBench).Cursor()
		pfx := append([]byte(host), 0)
		for k, _ := c.Seek(pfx); k != nil && bytes.HasPrefix(k, pfx); k, _ = c.Next() {
			var br store.BenchRun
			if err := get(b, k[len(pfx):], &br); err != nil {
				return err
			}
			out = append(out, br)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b store.BenchRun) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, wrap("listing bench runs", err)
}

func (s *Store) hostOf(tx *bolt.Tx, h hostRecord) (store.Host, error) {
	out := store.Host{Name: h.Name, LastSeen: h.LastSeen}
	if h.Bench != 0 {
		var br store.BenchRun
		if err := get(tx.Bucket(bBench), itob(h.Bench), &br); err != nil {
			return out, err
		}
		out.Bench = &br
	}
	return out, nil
}

// Hosts lists every host by name.
func (s *Store) Hosts(ctx context.Context) ([]store.Host, error) {
	var out []store.Host
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bHosts).ForEach(func(_, v []byte) error {
			var h hostRecord
			if err := json.Unmarshal(v, &h); err != nil {
				return err
			}
			host, err := s.hostOf(tx, h)
			out = append(out, host)
			return err
		})
	})
	return out, wrap("listing hosts", err)
}

// Host returns one host.
func (s *Store) Host(ctx context.Context, name string) (store.Host, error) {
	var out store.Host
	err := s.db.View(func(tx *bolt.Tx) error {
		var h hostRecord
		if err := get(tx.Bucket(bHosts), []byte(name), &h); err != nil {
			return err
		}
		var err error
		out, err = s.hostOf(tx, h)
		return err
	})
	return out, wrap("reading host", err)
}
