package layerfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/bulwark-sec/bulwark/internal/budget"
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
	// ModTime is the modification time in Unix nanoseconds, as written.
	ModTime int64
}

// Options bound the work a layer may cause. The zero value is usable.
type Options struct {
	// MaxEntries caps the number of tar entries of one layer (default: the
	// budget's entries per layer).
	MaxEntries int
	// MaxRatio and MinBombSize bound decompression: a compressed layer may
	// expand to max(MinBombSize, MaxRatio × compressed size). Defaults 100
	// and 1 GiB. Real layers compress 2–10×; gzip cannot exceed ~1032×.
	MaxRatio    int64
	MinBombSize int64
	// TempDir receives stream-backed files larger than the in-memory limit
	// when a cataloger asks for random access (default os.TempDir()).
	TempDir string
	// Budget is the account of the whole scan: bytes decompressed (and
	// read from sparse files), entries of the image, path data kept,
	// spill bytes. Nil charges nothing.
	Budget *budget.Budget
	// Verify computes the digest of the layer's uncompressed tar stream
	// (Index.DiffID) in the same pass. On an uncompressed layer in a file
	// the walk itself reads only headers, so the digest is computed by a
	// second reader running alongside.
	Verify bool
}

func (o Options) withDefaults() Options {
	if o.MaxEntries <= 0 {
		o.MaxEntries = int(min(o.Budget.Limits().LayerEntries, int64(^uint(0)>>1)))
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
type Visitor func(e *Entry, f File) error

// File is a regular file of a walk, positioned at its start. Its method
// set is the one catalogers consume (catalog.File, the consumer's
// interface), declared here too so the walker depends on nothing above
// it.
type File interface {
	io.Reader
	// Path is clean, slash-separated and relative to the image root
	// ("var/lib/dpkg/status"); it never contains ".." or a leading "/".
	Path() string
	Size() int64
	Mode() fs.FileMode
	// ReaderAt gives random access to the whole file. It is cheap on
	// seekable layers and directories; on compressed streams it buffers
	// the file, up to MaxRandomAccessSize.
	ReaderAt() (io.ReaderAt, error)
}

// MaxRandomAccessSize bounds the file size a stream-backed File buffers
// for ReaderAt.
const MaxRandomAccessSize = 512 << 20

const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// entryBatch is how many entries are charged to the image at once.
const entryBatch = 1024

// Walk streams a layer once, calls visit for each entry and returns the
// layer's Index. Any unsafe entry aborts the walk with an error wrapping
// ErrUnsafeEntry; a budget overrun with one wrapping budget.ErrExceeded.
func Walk(ctx context.Context, l Layer, opts Options, visit Visitor) (ix *Index, err error) {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src, ra, closeFn, err := open(ctx, l, opts)
	if err != nil {
		return nil, err
	}
	defer closeFn()

	var digest func() (string, error)
	if opts.Verify {
		if ra != nil {
			digest = hashRegion(ctx, l.RA, l.Size)
		} else {
			h := &hashingReader{r: src, h: sha256.New()}
			src = h
			digest = h.drain
		}
		defer func() {
			if err != nil {
				cancel() // a failed walk stops the hashing too
			}
			d, derr := digest()
			if err == nil && derr != nil {
				ix, err = nil, fmt.Errorf("layerfs: hashing layer: %w", derr)
			} else if err == nil {
				ix.DiffID = d
			}
		}()
	}

	tr := tar.NewReader(src)
	ib := newIndexBuilder(opts.Budget)
	var pos *regionReader
	if ra != nil {
		pos = src.(*regionReader)
	}
	charged := 0
	for n := 0; ; n++ {
		if n&(entryBatch-1) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := opts.Budget.Charge(budget.ImageEntries, int64(n-charged)); err != nil {
				return nil, err
			}
			charged = n
		}
		if n >= opts.MaxEntries {
			return nil, fmt.Errorf("%w: %w", ErrTooManyEntries, &budget.ExceededError{Kind: budget.LayerEntries, Limit: int64(opts.MaxEntries)})
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if err := opts.Budget.Charge(budget.ImageEntries, int64(n-charged)); err != nil {
				return nil, err
			}
			break
		}
		if err != nil {
			if errors.Is(err, budget.ErrExceeded) || ctx.Err() != nil {
				return nil, err
			}
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
		if err := ib.add(e); err != nil {
			return nil, err
		}
		if visit == nil {
			continue
		}
		if e.Kind != KindFile {
			if err := visit(e, nil); err != nil {
				return nil, err
			}
			continue
		}
		f := &tarFile{entry: e, r: tr, tempDir: opts.TempDir, budget: opts.Budget, sparse: isSparse(hdr)}
		if pos != nil && !f.sparse {
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
// layers in files, a decompressor with a bomb limit otherwise. Streams
// stop at the first read after ctx ends.
func open(ctx context.Context, l Layer, opts Options) (r io.Reader, ra io.ReaderAt, closeFn func(), err error) {
	noop := func() {}
	var head []byte
	var br *bufio.Reader
	compressed := l.Size
	if l.RA != nil {
		head = make([]byte, 4)
		n, _ := l.RA.ReadAt(head, 0)
		head = head[:n]
	} else {
		br = bufio.NewReaderSize(&ctxReader{ctx: ctx, r: l.R}, 64<<10)
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
	return &bombGuard{ctx: ctx, r: dec, left: limit, budget: opts.Budget}, nil, closeFn, nil
}

// bombGuard fails the read once more than its allowance has been produced,
// or the image's budget of decompressed bytes is spent, or ctx is done.
type bombGuard struct {
	ctx    context.Context
	r      io.Reader
	left   int64
	budget *budget.Budget
}

func (b *bombGuard) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, ErrBomb
	}
	if berr := b.budget.Charge(budget.ImageBytes, int64(n)); berr != nil {
		return n, berr
	}
	return n, err
}

// ctxReader stops a stream once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// hashingReader hashes what passes through it; drain reads what the tar
// reader left (the padding after the end-of-archive blocks) so the digest
// covers the whole stream.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

func (h *hashingReader) drain() (string, error) {
	if _, err := io.Copy(io.Discard, h); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.h.Sum(nil)), nil
}

// hashRegion starts hashing size bytes of ra on its own goroutine (the
// walk seeks over file bodies, so it cannot hash them itself) and returns
// a function that waits for the digest. Reading the layer twice costs
// little: the second reader's pages are the first one's, already cached.
func hashRegion(ctx context.Context, ra io.ReaderAt, size int64) func() (string, error) {
	type result struct {
		d   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		h := sha256.New()
		buf := make([]byte, 1<<20)
		for off := int64(0); off < size; {
			if err := ctx.Err(); err != nil {
				done <- result{err: err}
				return
			}
			n, err := ra.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
			h.Write(buf[:n])
			off += int64(n)
			if err != nil && !(errors.Is(err, io.EOF) && off == size) {
				done <- result{err: err}
				return
			}
			if n == 0 {
				done <- result{err: io.ErrUnexpectedEOF}
				return
			}
		}
		done <- result{d: "sha256:" + hex.EncodeToString(h.Sum(nil))}
	}()
	return func() (string, error) {
		r := <-done
		return r.d, r.err
	}
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
	e := &Entry{Path: p, Mode: h.FileInfo().Mode(), Size: h.Size, UID: h.Uid, GID: h.Gid, ModTime: h.ModTime.UnixNano()}
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

// tarFile is the File for the current tar entry.
type tarFile struct {
	entry   *Entry
	r       io.Reader    // the tar reader, positioned at the body
	ra      io.ReaderAt  // section of the layer file; nil on streams
	read    int64        // bytes consumed through Read
	kept    bytes.Buffer // first bytes consumed, for ReaderAt on streams
	spilled *spillFile   // stream body copied for random access
	tempDir string
	budget  *budget.Budget
	// sparse: archive/tar fills the holes of a sparse entry with zeros as
	// it is read, so a few KB in the layer can read as gigabytes. Reads
	// are charged to the image's decompressed bytes, and random access,
	// which would copy the holes to disk, is not offered.
	sparse bool
}

// keepLimit is how much of a streamed body Read remembers, so a cataloger
// may sniff a header and still ask for random access afterwards.
const keepLimit = 64 << 10

// ErrSparse: random access to a sparse tar entry is not offered.
var ErrSparse = errors.New("random access to a sparse file is not offered (its holes would be copied to disk)")

var _ File = (*tarFile)(nil)

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
	if f.sparse {
		if berr := f.budget.Charge(budget.ImageBytes, int64(n)); berr != nil {
			return n, berr
		}
	}
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
	if f.sparse {
		return nil, fmt.Errorf("layerfs: %s: %w", f.entry.Path, ErrSparse)
	}
	if f.read > int64(f.kept.Len()) {
		return nil, errors.New("layerfs: random access requested after streaming more than 64 KiB")
	}
	if f.entry.Size > MaxRandomAccessSize {
		return nil, fmt.Errorf("layerfs: %s: %d bytes exceeds the random-access limit", f.entry.Path, f.entry.Size)
	}
	s, err := spill(f.kept.Bytes(), f.r, f.entry.Size, f.tempDir, f.budget)
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
