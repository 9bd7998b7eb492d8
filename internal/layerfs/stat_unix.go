//go:build unix

package layerfs

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// statAt stats name in the open directory d without following a final
// symlink and without resolving any path: one fstatat on d's descriptor.
func statAt(_ *os.Root, d *os.File, name string) (stat, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(d.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return stat{}, err
	}
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if st.Mode&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if st.Mode&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if st.Mode&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return stat{mode: mode, size: st.Size, uid: int(st.Uid), gid: int(st.Gid), mtime: st.Mtim.Nano()}, nil
}

// openAt opens the file name of the open directory d: one openat on d's
// descriptor, refusing a symlink swapped in since the walk stat'ed it
// (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK), and refusing
// anything the descriptor shows is not a regular file (a FIFO or device
// swapped in since the stat), so it is as confined as os.Root for a
// single name. The descriptor is read directly
// rather than wrapped in an os.File: a directory walk opens thousands of
// files, and os.File adds a failed poller registration, an allocation and
// a finaliser to each.
func openAt(_ *os.Root, d *os.File, name string) (fileHandle, error) {
	fd, err := unix.Openat(int(d.Fd()), name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: name, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		if err == nil {
			err = errors.New("not a regular file")
		}
		return nil, &os.PathError{Op: "openat", Path: name, Err: err}
	}
	return &fdFile{fd: fd, name: name}, nil
}

// fdFile reads an open descriptor.
type fdFile struct {
	fd   int
	name string
	off  int64
}

func (f *fdFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := ignoringEINTR(func() (int, error) { return unix.Pread(f.fd, p, f.off) })
	if err != nil {
		return 0, &os.PathError{Op: "read", Path: f.name, Err: err}
	}
	if n == 0 {
		return 0, io.EOF
	}
	f.off += int64(n)
	return n, nil
}

func (f *fdFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &os.PathError{Op: "readat", Path: f.name, Err: errors.New("negative offset")}
	}
	done := 0
	for done < len(p) {
		n, err := ignoringEINTR(func() (int, error) { return unix.Pread(f.fd, p[done:], off+int64(done)) })
		if err != nil {
			return done, &os.PathError{Op: "read", Path: f.name, Err: err}
		}
		if n == 0 {
			return done, io.EOF
		}
		done += n
	}
	return done, nil
}

func (f *fdFile) Close() error { return unix.Close(f.fd) }

func ignoringEINTR(op func() (int, error)) (int, error) {
	for {
		n, err := op()
		if !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
}
