// Package layercache stores per-layer analysis results on disk, keyed by
// the layer's key (source.LayerRef.Key: a digest its storage vouches for)
// and analyzer fingerprint, so a rescan of known layers costs a file read.
//
// # Design
//
// One file per entry under DIR/v1/xx/KEY. Writers write a temporary file in
// the same directory and rename it into place, so readers see a whole entry
// or none, and concurrent scans never wait for each other: there is no lock
// on the read or write path. Each entry carries a checksum; a damaged entry
// is deleted and reported as a miss. Hits refresh the entry's mtime, and
// eviction removes the least recently used entries once the directory grows
// past its bound; only one process evicts at a time (a non-blocking flock,
// skipped when held elsewhere). A file-per-entry layout was chosen over an
// embedded database because the embedded databases available hold a
// process-wide write lock, which is exactly what makes concurrent scans of
// other tools block or time out.
package layercache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/atomicfile"
	"github.com/bulwark-sec/bulwark/internal/regular"
)

const (
	magic      = "BWLC1\n"
	headerSize = len(magic) + 8 + 4 // magic, payload length, crc32c
	// DefaultMaxBytes bounds the cache when the caller sets nothing.
	DefaultMaxBytes = 2 << 30
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Cache is a directory of entries. The zero value is not usable; use Open.
type Cache struct {
	dir      string
	maxBytes int64

	// written counts bytes this process has put since its last look at
	// the directory's size (unknown until then): eviction walks the
	// directory when it may have outgrown its bound, not after every Put.
	mu      sync.Mutex
	looked  bool
	written int64
	size    int64 // at the last look
}

// Open prepares a cache in dir (created with mode 0700), bounded to
// maxBytes (DefaultMaxBytes when <= 0).
func Open(dir string, maxBytes int64) (*Cache, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	d := filepath.Join(dir, "v1")
	if err := os.MkdirAll(d, 0o700); err != nil {
		return nil, fmt.Errorf("layercache: %w", err)
	}
	return &Cache{dir: d, maxBytes: maxBytes}, nil
}

// Key derives an entry key from its parts (layer digest, analyzer
// fingerprint…).
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key)
}

// Get returns the entry for key, or ok=false on a miss. Damaged entries are
// removed and count as misses.
func (c *Cache) Get(key string) (data []byte, ok bool) {
	p := c.path(key)
	b, err := readEntry(p, c.maxEntry())
	if err != nil {
		return nil, false
	}
	data, err = decode(b)
	if err != nil {
		slog.Warn("layercache: removing damaged entry", "key", key, "err", err)
		os.Remove(p)
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(p, now, now) // LRU clock; failure only ages the entry
	return data, true
}

var errEntryTooLarge = errors.New("entry larger than the cache allows")

// readEntry reads an entry file, refusing anything but a regular file of
// at most max bytes.
func readEntry(p string, max int64) ([]byte, error) {
	f, err := regular.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := max + int64(headerSize) + 1
	// Sized from the file, so that a hit reads into one buffer instead of
	// the doublings of io.ReadAll (twice the entry allocated and copied,
	// which on a warm rescan is a sixth of what the whole process
	// allocates); reading still stops at EOF or the limit.
	var capacity int64
	if st, err := f.Stat(); err == nil {
		capacity = st.Size()
	}
	if capacity >= limit {
		return nil, errEntryTooLarge
	}
	buf := bytes.NewBuffer(make([]byte, 0, capacity+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, limit))
	b := buf.Bytes()
	if err == nil && int64(len(b)) >= limit { // grew since the Stat
		err = errEntryTooLarge
	}
	return b, err
}

// maxEntry is the largest entry stored: a quarter of the bound, so that one
// result can never evict the whole cache.
func (c *Cache) maxEntry() int64 { return c.maxBytes / 4 }

// ErrTooLarge: Put was given more than a quarter of the cache's bound.
var ErrTooLarge = errors.New("layercache: entry larger than a quarter of the cache")

func decode(b []byte) ([]byte, error) {
	if len(b) < headerSize || string(b[:len(magic)]) != magic {
		return nil, errors.New("bad header")
	}
	n := binary.LittleEndian.Uint64(b[len(magic):])
	sum := binary.LittleEndian.Uint32(b[len(magic)+8:])
	payload := b[headerSize:]
	if uint64(len(payload)) != n {
		return nil, errors.New("truncated entry")
	}
	if crc32.Checksum(payload, crcTable) != sum {
		return nil, errors.New("checksum mismatch")
	}
	return payload, nil
}

// Put stores data under key, atomically. Entries larger than a quarter of
// the cache's bound are refused with ErrTooLarge.
func (c *Cache) Put(key string, data []byte) error {
	if int64(len(data)) > c.maxEntry() {
		return ErrTooLarge
	}
	dir := filepath.Dir(c.path(key))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("layercache: %w", err)
	}
	var hdr [headerSize]byte
	copy(hdr[:], magic)
	binary.LittleEndian.PutUint64(hdr[len(magic):], uint64(len(data)))
	binary.LittleEndian.PutUint32(hdr[len(magic)+8:], crc32.Checksum(data, crcTable))
	err := atomicfile.Write(c.path(key), atomicfile.Options{Perm: 0o600}, func(w io.Writer) error {
		if _, err := w.Write(hdr[:]); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("layercache: storing entry: %w", err)
	}
	if c.mayBeFull(int64(len(data) + headerSize)) {
		c.evict()
	}
	return nil
}

// mayBeFull adds n bytes to what this process has written and reports
// whether the directory may now be over its bound. Other processes write
// too; their entries are seen at the next look.
func (c *Cache) mayBeFull(n int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.written += n
	return !c.looked || c.size+c.written > c.maxBytes
}

// sawSize records the directory's size after an eviction walk.
func (c *Cache) sawSize(total int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.looked, c.size, c.written = true, total, 0
}

// evict trims the cache to 90% of its bound, oldest entries first, unless
// another process is already doing so.
func (c *Cache) evict() {
	unlock, ok := tryLock(filepath.Join(c.dir, ".evict.lock"))
	if !ok {
		return
	}
	defer unlock()
	type ent struct {
		path string
		size int64
		mod  time.Time
	}
	var ents []ent
	var total int64
	_ = filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name()[0] == '.' {
			// Stale temporaries of killed writers are removed after a day.
			if err == nil && !d.IsDir() && len(d.Name()) > 5 && d.Name()[:5] == ".tmp-" {
				if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
					os.Remove(p)
				}
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		ents = append(ents, ent{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	defer func() { c.sawSize(total) }()
	if total <= c.maxBytes {
		return
	}
	slices.SortFunc(ents, func(a, b ent) int { return a.mod.Compare(b.mod) })
	target := c.maxBytes / 10 * 9
	for _, e := range ents {
		if total <= target {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}

// Stats reports the number of entries and their total size.
func (c *Cache) Stats() (entries int, size int64) {
	_ = filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name()[0] != '.' {
			if info, err := d.Info(); err == nil {
				entries++
				size += info.Size()
			}
		}
		return nil
	})
	return entries, size
}
