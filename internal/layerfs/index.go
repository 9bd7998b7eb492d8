package layerfs

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"sort"

	"github.com/bulwark-sec/bulwark/internal/budget"
)

// Key stands for a path in an Index: the first 16 bytes of its SHA-256.
// An index holds keys rather than names so that what it costs is 16 bytes
// an entry whatever the names' length (a hostile layer of 4,000-byte names
// would otherwise cost 4 KB an entry, in memory and in the layer cache).
// SHA-256 rather than a faster hash because the keys are stored in the
// layer cache and compared across images: nobody can construct two paths
// with one key, so no layer can hide or reveal another path by a collision.
type Key [16]byte

// KeyOf returns the key of a clean root-relative path.
func KeyOf(p string) Key {
	s := sha256.Sum256([]byte(p))
	return Key(s[:16])
}

// PathSet is a sorted set of keys stored flat, 16 bytes each, so it is one
// allocation and encodes as one byte string.
type PathSet []byte

// Len is the number of keys.
func (s PathSet) Len() int { return len(s) / len(Key{}) }

// Has reports whether k is in the set.
func (s PathSet) Has(k Key) bool {
	n := s.Len()
	i := sort.Search(n, func(i int) bool { return bytes.Compare(s[i*16:i*16+16], k[:]) >= 0 })
	return i < n && bytes.Equal(s[i*16:i*16+16], k[:])
}

func newPathSet(keys []Key) PathSet {
	slices.SortFunc(keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	keys = slices.Compact(keys)
	out := make(PathSet, 0, len(keys)*16)
	for _, k := range keys {
		out = append(out, k[:]...)
	}
	return out
}

// Index is what one layer contributes to the merged image, without any
// file contents and without the names of its entries: paths are keys.
// Only symlinks keep their names and targets, which resolving paths needs;
// they count against the budget of path data.
type Index struct {
	Dirs      PathSet           // directory entries
	Others    PathSet           // every non-directory entry (files, links, devices)
	Whiteouts PathSet           // paths this layer deletes from lower layers
	Opaques   PathSet           // directories whose lower contents this layer hides
	Symlinks  map[string]string // path → target as written
	Files     int               // regular files
	Bytes     int64             // bytes of regular files
	Entries   int               // tar entries
	// DiffID is the digest of the layer's uncompressed tar stream, when
	// the walk was asked to compute it (Options.Verify).
	DiffID string
}

// Has reports whether the layer has a non-directory entry at p.
func (ix *Index) Has(p string) bool { return ix.Others.Has(KeyOf(p)) }

type indexBuilder struct {
	ix                               *Index
	dirs, others, whiteouts, opaques []Key
	budget                           *budget.Budget
}

func newIndexBuilder(b *budget.Budget) *indexBuilder {
	return &indexBuilder{ix: &Index{Symlinks: map[string]string{}}, budget: b}
}

func (b *indexBuilder) add(e *Entry) error {
	ix := b.ix
	ix.Entries++
	k := KeyOf(e.Path)
	switch e.Kind {
	case KindDir:
		b.dirs = append(b.dirs, k)
	case KindWhiteout:
		b.whiteouts = append(b.whiteouts, k)
	case KindOpaque:
		b.opaques = append(b.opaques, k)
	default:
		b.others = append(b.others, k)
		switch e.Kind {
		case KindFile:
			ix.Files++
			ix.Bytes += e.Size
		case KindSymlink:
			if err := b.budget.Charge(budget.PathBytes, int64(len(e.Path)+len(e.Link)+budget.RecordOverhead)); err != nil {
				return err
			}
			ix.Symlinks[e.Path] = e.Link
		}
	}
	return nil
}

func (b *indexBuilder) finish() *Index {
	ix := b.ix
	ix.Dirs, ix.Others = newPathSet(b.dirs), newPathSet(b.others)
	ix.Whiteouts, ix.Opaques = newPathSet(b.whiteouts), newPathSet(b.opaques)
	b.dirs, b.others, b.whiteouts, b.opaques = nil, nil, nil, nil
	return ix
}
