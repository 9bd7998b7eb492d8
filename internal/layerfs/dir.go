package layerfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/bulwark-sec/bulwark/internal/catalog"
)

// WalkDir walks an unpacked root filesystem as if it were a single layer.
// Every access goes through os.Root, so neither a symlink nor a concurrent
// rename can lead it outside the directory. Symlinks are reported, never
// followed.
func WalkDir(ctx context.Context, dir string, opts Options, visit Visitor) (*Index, error) {
	opts = opts.withDefaults()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("layerfs: opening %s: %w", dir, err)
	}
	defer root.Close()
	ib := newIndexBuilder()
	n := 0
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			// An unreadable subtree is skipped, not fatal; the caller sees
			// it as missing.
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if n++; n > opts.MaxEntries {
			return ErrTooManyEntries
		}
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		e := &Entry{Path: p, Mode: info.Mode()}
		e.UID, e.GID = owner(info)
		switch t := info.Mode().Type(); {
		case t == 0:
			e.Kind, e.Size = KindFile, info.Size()
		case t == fs.ModeDir:
			e.Kind = KindDir
		case t == fs.ModeSymlink:
			e.Kind = KindSymlink
			if e.Link, err = root.Readlink(p); err != nil {
				return nil
			}
		case t&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
			e.Kind = KindDevice
		default:
			return nil // sockets and the like hold nothing to read
		}
		ib.add(e)
		if visit == nil {
			return nil
		}
		if e.Kind != KindFile {
			return visit(e, nil)
		}
		f, err := root.Open(p)
		if err != nil {
			return nil // raced with a removal or unreadable: skip
		}
		defer f.Close()
		return visit(e, &osFile{entry: e, f: f})
	})
	if err != nil {
		return nil, fmt.Errorf("layerfs: walking %s: %w", dir, err)
	}
	return ib.finish(), nil
}

// osFile is a catalog.File over an open file of a directory walk.
type osFile struct {
	entry *Entry
	f     *os.File
}

var _ catalog.File = (*osFile)(nil)

func (o *osFile) Read(p []byte) (int, error) { return o.f.Read(p) }
func (o *osFile) Path() string               { return o.entry.Path }
func (o *osFile) Size() int64                { return o.entry.Size }
func (o *osFile) Mode() fs.FileMode          { return o.entry.Mode }
func (o *osFile) ReaderAt() (io.ReaderAt, error) {
	if o.f == nil {
		return nil, errors.New("layerfs: closed")
	}
	return io.NewSectionReader(o.f, 0, o.entry.Size), nil
}
