package layerfs

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

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
	dirs := newDirRoots(root)
	defer dirs.close()
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
		// Opened on first use: most files interest no cataloger.
		f := &osFile{entry: e, dirs: dirs}
		defer f.close()
		return visit(e, f)
	})
	if err != nil {
		return nil, fmt.Errorf("layerfs: walking %s: %w", dir, err)
	}
	return ib.finish(), nil
}

// osFile is a catalog.File over a file of a directory walk, opened (through
// the walk's os.Root) when first read.
type osFile struct {
	entry *Entry
	dirs  *dirRoots
	f     *os.File
	err   error
}

var _ catalog.File = (*osFile)(nil)

func (o *osFile) open() (*os.File, error) {
	if o.f == nil && o.err == nil {
		o.f, o.err = o.dirs.open(o.entry.Path)
	}
	return o.f, o.err
}

func (o *osFile) close() {
	if o.f != nil {
		o.f.Close()
	}
}

func (o *osFile) Read(p []byte) (int, error) {
	f, err := o.open()
	if err != nil {
		return 0, err
	}
	return f.Read(p)
}

func (o *osFile) Path() string      { return o.entry.Path }
func (o *osFile) Size() int64       { return o.entry.Size }
func (o *osFile) Mode() fs.FileMode { return o.entry.Mode }

func (o *osFile) ReaderAt() (io.ReaderAt, error) {
	f, err := o.open()
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(f, 0, o.entry.Size), nil
}

// dirRoots keeps a few directories of the walk open as os.Roots, so that
// opening a file costs one openat of its base name instead of a walk of
// every path component from the top (what os.Root.Open does to stay
// inside the root). Still confined: each is a Root opened from its parent.
type dirRoots struct {
	top    *os.Root
	opened map[string]*os.Root
	order  []string
}

const keptDirs = 8

func newDirRoots(top *os.Root) *dirRoots {
	return &dirRoots{top: top, opened: map[string]*os.Root{}}
}

func (d *dirRoots) open(p string) (*os.File, error) {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		return d.top.Open(base)
	}
	r, ok := d.opened[dir]
	if !ok {
		var err error
		if r, err = d.top.OpenRoot(dir); err != nil {
			return nil, err
		}
		if len(d.order) == keptDirs {
			old := d.order[0]
			d.opened[old].Close()
			delete(d.opened, old)
			d.order = d.order[1:]
		}
		d.opened[dir] = r
		d.order = append(d.order, dir)
	}
	return r.Open(base)
}

func (d *dirRoots) close() {
	for _, r := range d.opened {
		r.Close()
	}
}
