//go:build unix

package layercache

import (
	"os"
	"syscall"
)

// tryLock takes an exclusive flock without waiting.
func tryLock(path string) (unlock func(), ok bool) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false
	}
	// The holder removes the file before letting go, so no lock file is
	// left in the cache. One opened before that removal is no longer at
	// the path: its holder gives up this round (another process evicts).
	held, err1 := f.Stat()
	atPath, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, atPath) {
		f.Close()
		return nil, false
	}
	return func() { os.Remove(path); f.Close() }, true
}
