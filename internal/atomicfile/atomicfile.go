// Package atomicfile writes files so that a reader, or the next boot after a
// crash, finds either the old content or the new, never a part.
//
// Create opens a temporary file beside the destination (same directory, so
// the final rename never crosses file systems); the caller writes it, by
// the *os.File or, for a program that opens files by name (bbolt), through
// Name; Commit gives it its mode, syncs it, closes it, moves it into place
// (rename, or link when it must not replace a file) and syncs the
// directory, so the new name itself survives a crash. Abort, deferred,
// removes the temporary file when anything failed.
//
// github.com/moby/sys/atomicwriter does the first half of this but neither
// syncs the directory nor refuses to replace an existing file, which the
// hardening writers need so that two writers can never both succeed.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Options change how the file is put in place.
type Options struct {
	// Perm is the file's mode (default 0o600). It is set explicitly, so
	// the umask does not decide it.
	Perm fs.FileMode
	// NoClobber makes Commit fail with an error matching fs.ErrExist when
	// the destination exists, instead of replacing it.
	NoClobber bool
}

// File is a temporary file that becomes path on Commit.
type File struct {
	*os.File
	path string
	opt  Options
	done bool
}

// Create opens a temporary file in path's directory.
func Create(path string, opt Options) (*File, error) {
	if opt.Perm == 0 {
		opt.Perm = 0o600
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("atomicfile: %w", err)
	}
	return &File{File: f, path: path, opt: opt}, nil
}

// Commit moves the written file into place; after an error the temporary
// file is gone and path is as it was.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("atomicfile: %s: already committed or aborted", f.path)
	}
	f.done = true
	tmp := f.File.Name()
	err := f.File.Chmod(f.opt.Perm)
	if err == nil {
		err = f.File.Sync()
	}
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if f.opt.NoClobber {
			err = os.Link(tmp, f.path)
		} else {
			err = os.Rename(tmp, f.path)
		}
	}
	// After a link the temporary name still exists; after a failure it is
	// all that was written.
	if f.opt.NoClobber || err != nil {
		os.Remove(tmp)
	}
	if err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", f.path, err)
	}
	if err := SyncDir(filepath.Dir(f.path)); err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", f.path, err)
	}
	return nil
}

// Abort removes the temporary file unless Commit already ran; it is meant
// to be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// Write creates path with the bytes fill writes.
func Write(path string, opt Options, fill func(w io.Writer) error) error {
	f, err := Create(path, opt)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// WriteFile creates path holding data.
func WriteFile(path string, data []byte, opt Options) error {
	return Write(path, opt, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SyncDir flushes a directory's entries (a new or renamed name in it) to
// disk. File systems that cannot sync a directory say EINVAL; that is not
// an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}
