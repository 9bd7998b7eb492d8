package layerfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/bulwark-sec/bulwark/internal/catalog"
)

// Layer is the content of one image layer: a tar, possibly gzip or zstd
// compressed. Set RA and Size when the layer is a region of a file (random
// access makes uncompressed layers nearly free to walk); otherwise set R.
type Layer struct {
	RA   io.ReaderAt
	Size int64
	R    io.Reader
}

// Kind classifies an entry.
type Kind uint8

const (
	KindFile Kind = iota + 1
	KindDir
	KindSymlink
	KindHardlink
	KindDevice // character, block and FIFO nodes
	KindWhiteout
	KindOpaque
)

// Entry is one sanitised tar entry. For a whiteout Path is the path it
// deletes; for an opaque marker Path is the directory it makes opaque.
type Entry struct {
	Path string // clean, relative to the image root, never "" or ".."
	Kind Kind
	Mode fs.FileMode // permission and special bits (setuid, sticky…) plus type
	Size int64
	// Link is the symlink target as written, or the hardlink target path
	// (clean, relative to the root).
	Link     string
	UID, GID int
}

// Options bound the work a layer may cause. The zero value is usable.
type Options struct {
	// MaxEntries caps the number of tar entries (default 5,000,000).
	MaxEntries int
	// MaxRatio and MinBombSize bound decompression: a compressed layer may
	// expand to max(MinBombSize, MaxRatio × compressed size). Defaults 100
	// and 1 GiB. Real layers compress 2–10×; gzip cannot exceed ~1032×.
	MaxRatio    int64
	MinBombSize int64
	// TempDir receives stream-backed files larger than the in-memory limit
	// when a cataloger asks for random access (default os.TempDir()).
	TempDir string
}

func (o Options) withDefaults() Options {
	if o.MaxEntries <= 0 {
		o.MaxEntries = 5_000_000
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = 100
	}
	if o.MinBombSize <= 0 {
		o.MinBombSize = 1 << 30
	}
	return o
}

// Visitor sees every entry of a layer in tar order. f is non-nil for regular
// files only and valid until the visitor returns.
type Visitor func(e *Entry, f catalog.File) error

const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// Walk streams a layer once, calls visit for each entry and returns the
// layer's Index. Any unsafe entry aborts the walk with an error wrapping
// ErrUnsafeEntry.
func Walk(ctx context.Context, l Layer, opts Options, visit Visitor) (*Index, error) {
	opts = opts.withDefaults()
	src, ra, closeFn, err := open(l, opts)
	if err != nil {
		return nil, err
	}
	defer closeFn()

	tr := tar.NewReader(src)
	ib := newIndexBuilder()
	var pos *regionReader
	if ra != nil {
		pos = src.(*regionReader)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if n >= opts.MaxEntries {
			return nil, ErrTooManyEntries
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if n == 0 && !errors.Is(err, ErrBomb) {
				return nil, fmt.Errorf("%w: %v", ErrNotTar, err)
			}
			return nil, fmt.Errorf("reading layer: %w", err)
		}
		e, err := entryOf(hdr)
		if err != nil {
			return nil, &EntryError{Name: hdr.Name, Err: err}
		}
		if e == nil {
			continue
		}
		ib.add(e)
		if visit == nil {
			continue
		}
		if e.Kind != KindFile {
			if err := visit(e, nil); err != nil {
				return nil, err
			}
			continue
		}
		f := &tarFile{entry: e, r: tr, tempDir: opts.TempDir}
		if pos != nil && !isSparse(hdr) {
			f.ra = io.NewSectionReader(ra, pos.base+pos.pos, e.Size)
		}
		err = visit(e, f)
		f.close()
		if err != nil {
			return nil, err
		}
	}
	return ib.finish(), nil
}

func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// open picks the reading strategy: a seekable region for uncompressed
// layers in files, a decompressor with a bomb limit otherwise.
func open(l Layer, opts Options) (r io.Reader, ra io.ReaderAt, closeFn func(), err error) {
	noop := func() {}
	var head []byte
	var br *bufio.Reader
	compressed := l.Size
	if l.RA != nil {
		head = make([]byte, 4)
		n, _ := l.RA.ReadAt(head, 0)
		head = head[:n]
	} else {
		br = bufio.NewReaderSize(l.R, 64<<10)
		head, _ = br.Peek(4)
	}
	var codec string
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		codec = "gzip"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		codec = "zstd"
	}
	if codec == "" {
		if l.RA != nil {
			return newRegionReader(l.RA, 0, l.Size), l.RA, noop, nil
		}
		return br, nil, noop, nil
	}
	var in io.Reader = br
	if l.RA != nil {
		in = bufio.NewReaderSize(io.NewSectionReader(l.RA, 0, l.Size), 64<<10)
	}
	var dec io.Reader
	switch codec {
	case "gzip":
		zr, err := gzip.NewReader(in)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("opening gzip layer: %w", err)
		}
		dec, closeFn = zr, func() { zr.Close() }
	case "zstd":
		zr, err := zstd.NewReader(in, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("opening zstd layer: %w", err)
		}
		dec, closeFn = zr, zr.Close
	}
	limit := opts.MinBombSize
	if compressed > 0 && compressed*opts.MaxRatio > limit {
		limit = compressed * opts.MaxRatio
	}
	return &bombGuard{r: dec, left: limit}, nil, closeFn, nil
}

// bombGuard fails the read once more than its allowance has been produced.
type bombGuard struct {
	r    io.Reader
	left int64
}

func (b *bombGuard) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, ErrBomb
	}
	return n, err
}

// entryOf sanitises a tar header. It returns (nil, nil) for entries that
// carry nothing (the root itself, global headers).
func entryOf(h *tar.Header) (*Entry, error) {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil, nil
	}
	p, err := cleanName(h.Name)
	if err != nil {
		return nil, err
	}
	if p == "" {
		return nil, nil
	}
	e := &Entry{Path: p, Mode: h.FileInfo().Mode(), Size: h.Size, UID: h.Uid, GID: h.Gid}
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == opaqueMarker:
		if dir == "" {
			return nil, errors.New("opaque marker at the image root")
		}
		e.Kind, e.Path = KindOpaque, dir
		return e, nil
	case strings.HasPrefix(base, whiteoutPrefix):
		name := base[len(whiteoutPrefix):]
		if name == "" || name == "." || name == ".." {
			return nil, fmt.Errorf("%w: malformed whiteout", ErrUnsafeEntry)
		}
		e.Kind, e.Path = KindWhiteout, path.Join(dir, name)
		return e, nil
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeGNUSparse: // archive/tar reports the old TypeRegA as TypeReg
		e.Kind = KindFile
		if h.Size < 0 {
			return nil, errors.New("negative size")
		}
	case tar.TypeDir:
		e.Kind = KindDir
		e.Size = 0
	case tar.TypeSymlink:
		e.Kind, e.Link = KindSymlink, h.Linkname
		if err := checkSymlink(p, h.Linkname); err != nil {
			return nil, err
		}
	case tar.TypeLink:
		target, err := cleanName(h.Linkname)
		if err != nil || target == "" {
			return nil, fmt.Errorf("%w: hard link to %q", ErrUnsafeEntry, h.Linkname)
		}
		e.Kind, e.Link, e.Size = KindHardlink, target, 0
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		e.Kind, e.Size = KindDevice, 0
	default:
		return nil, nil // unknown or vendor types carry no files we read
	}
	return e, nil
}

// cleanName turns a tar name into a clean root-relative path. "" means the
// root itself. Absolute names and names climbing out with ".." are unsafe:
// no tool that writes image layers produces them.
func cleanName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: empty name", ErrUnsafeEntry)
	}
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("%w: NUL in name", ErrUnsafeEntry)
	}
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("%w: absolute name", ErrUnsafeEntry)
	}
	p := path.Clean(name)
	if p == "." {
		return "", nil
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("%w: name leaves the image root", ErrUnsafeEntry)
	}
	if len(p) > 4096 {
		return "", fmt.Errorf("%w: name longer than 4096 bytes", ErrUnsafeEntry)
	}
	return p, nil
}

// checkSymlink refuses a relative symlink whose target climbs above the
// image root. Absolute targets are fine: inside an image they mean the
// image root, and Merge resolves them there.
func checkSymlink(p, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: malformed symlink target", ErrUnsafeEntry)
	}
	if strings.HasPrefix(target, "/") {
		return nil
	}
	depth := strings.Count(p, "/") // directories above p's parent
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return fmt.Errorf("%w: symlink to %q leaves the image root", ErrUnsafeEntry, target)
			}
		default:
			depth++
		}
	}
	return nil
}

// tarFile is the catalog.File for the current tar entry.
type tarFile struct {
	entry   *Entry
	r       io.Reader    // the tar reader, positioned at the body
	ra      io.ReaderAt  // section of the layer file; nil on streams
	read    int64        // bytes consumed through Read
	kept    bytes.Buffer // first bytes consumed, for ReaderAt on streams
	spilled *spillFile   // stream body copied for random access
	tempDir string
}

// keepLimit is how much of a streamed body Read remembers, so a cataloger
// may sniff a header and still ask for random access afterwards.
const keepLimit = 64 << 10

var _ catalog.File = (*tarFile)(nil)

func (f *tarFile) Path() string      { return f.entry.Path }
func (f *tarFile) Size() int64       { return f.entry.Size }
func (f *tarFile) Mode() fs.FileMode { return f.entry.Mode }

func (f *tarFile) Read(p []byte) (int, error) {
	if f.spilled != nil {
		// The body now lives in the spill; continue from where Read was.
		n, err := f.spilled.ReadAt(p, f.read)
		f.read += int64(n)
		if errors.Is(err, io.EOF) && n > 0 {
			err = nil
		}
		return n, err
	}
	n, err := f.r.Read(p)
	if f.ra == nil && f.read < keepLimit {
		k := min(int64(n), keepLimit-f.read)
		f.kept.Write(p[:k])
	}
	f.read += int64(n)
	return n, err
}

func (f *tarFile) ReaderAt() (io.ReaderAt, error) {
	if f.ra != nil {
		return f.ra, nil
	}
	if f.spilled != nil {
		return f.spilled, nil
	}
	if f.read > int64(f.kept.Len()) {
		return nil, errors.New("layerfs: random access requested after streaming more than 64 KiB")
	}
	if f.entry.Size > catalog.MaxRandomAccessSize {
		return nil, fmt.Errorf("layerfs: %s: %d bytes exceeds the random-access limit", f.entry.Path, f.entry.Size)
	}
	s, err := spill(f.kept.Bytes(), f.r, f.entry.Size, f.tempDir)
	if err != nil {
		return nil, err
	}
	f.spilled = s
	return s, nil
}

func (f *tarFile) close() {
	if f.spilled != nil {
		f.spilled.close()
	}
}

// Index is what one layer contributes to the merged image, without any
// file contents. Slices are sorted.
type Index struct {
	Dirs      []string          // directory entries
	Others    []string          // every non-directory entry (files, links, devices)
	Whiteouts []string          // paths this layer deletes from lower layers
	Opaques   []string          // directories whose lower contents this layer hides
	Symlinks  map[string]string // path → target as written
	Hardlinks map[string]string // path → target path
	Files     int               // regular files
	Bytes     int64             // bytes of regular files
}

type indexBuilder struct{ ix *Index }

func newIndexBuilder() *indexBuilder {
	return &indexBuilder{ix: &Index{Symlinks: map[string]string{}, Hardlinks: map[string]string{}}}
}

func (b *indexBuilder) add(e *Entry) {
	ix := b.ix
	switch e.Kind {
	case KindDir:
		ix.Dirs = append(ix.Dirs, e.Path)
	case KindWhiteout:
		ix.Whiteouts = append(ix.Whiteouts, e.Path)
	case KindOpaque:
		ix.Opaques = append(ix.Opaques, e.Path)
	default:
		ix.Others = append(ix.Others, e.Path)
		switch e.Kind {
		case KindFile:
			ix.Files++
			ix.Bytes += e.Size
		case KindSymlink:
			ix.Symlinks[e.Path] = e.Link
		case KindHardlink:
			ix.Hardlinks[e.Path] = e.Link
		}
	}
}

func (b *indexBuilder) finish() *Index {
	ix := b.ix
	for _, s := range []*[]string{&ix.Dirs, &ix.Others, &ix.Whiteouts, &ix.Opaques} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return ix
}
