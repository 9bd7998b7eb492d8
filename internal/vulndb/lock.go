package vulndb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrBusy is returned when another update or import holds the database lock.
var ErrBusy = errors.New("vulndb: another update of this database is running")

// Lock takes the writer lock of the database at path and removes the
// temporary files a killed build left next to it (with the lock held, no
// live build owns them). Whatever replaces a live database takes it
// first, so two updates never run at once; readers never take it. It
// returns ErrBusy while another process holds the lock.
func Lock(path string) (unlock func(), err error) {
	unlock, err = lock(path)
	if err != nil {
		return nil, err
	}
	removeStaleTemps(path)
	return unlock, nil
}

// lock takes the writer lock of the database at path: a flock on path.lock,
// released by the kernel if the process dies. Readers never take it.
//
// The holder removes the file before it lets go, so no lock file outlives
// an update. A process that opened the file before it was removed may then
// lock a name nobody else sees; it notices (the inode at the path is not
// the one it holds, or there is none) and starts again on a fresh file.
func lock(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("vulndb: lock: %w", err)
	}
	name := path + ".lock"
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("vulndb: lock: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%w (%s)", ErrBusy, name)
			}
			return nil, fmt.Errorf("vulndb: lock: %w", err)
		}
		held, err1 := f.Stat()
		atPath, err2 := os.Stat(name)
		if err1 == nil && err2 == nil && os.SameFile(held, atPath) {
			return func() {
				os.Remove(name)
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		f.Close() // removed by the previous holder: try the new file
	}
}
