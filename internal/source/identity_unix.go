//go:build unix

package source

import (
	"fmt"
	"os"
	"syscall"
)

// fileIdentity names a file as it is now: device and inode say which file,
// size and modification time what it holds, and the change time, which no
// user can set, that nobody rewrote it and put the old times back.
func fileIdentity(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Sprintf("file:%d:%d", fi.Size(), fi.ModTime().UnixNano())
	}
	return fmt.Sprintf("file:%d:%d:%d:%d.%d:%d.%d", uint64(st.Dev), uint64(st.Ino), fi.Size(),
		st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
}
