// Package regular opens files that must be regular files (archives, image
// layouts, documents named on the command line) without ever blocking: a
// FIFO, a device or a socket in their place is refused instead of hanging
// the process on open or read.
//
//	path ─open O_NONBLOCK─▶ fstat ─regular?─▶ *os.File
//	                               └─else──▶ *NotRegularError
//
// Opening with O_NONBLOCK returns at once even for a FIFO nobody writes
// to, and the check is made on the descriptor (fstat), not on the name, so
// a file swapped in between cannot slip through. On a regular file the
// flag changes nothing.
package regular

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// NotRegularError: the path names something other than a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%s)", e.Path, kind(e.Mode))
}

// ErrNotRegular matches every *NotRegularError with errors.Is.
var ErrNotRegular = errors.New("not a regular file")

func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

func kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeCharDevice != 0:
		return "a character device"
	case t&fs.ModeDevice != 0:
		return "a block device"
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return m.Type().String()
}

// Open opens path for reading if it is a regular file.
func Open(path string) (*os.File, error) {
	return check(os.OpenFile(path, os.O_RDONLY|nonblock, 0))
}

// OpenIn opens name inside root for reading if it is a regular file.
func OpenIn(root *os.Root, name string) (*os.File, error) {
	return check(root.OpenFile(name, os.O_RDONLY|nonblock, 0))
}

func check(f *os.File, err error) (*os.File, error) {
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: f.Name(), Mode: st.Mode()}
	}
	return f, nil
}
