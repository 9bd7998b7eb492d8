//go:build !unix

package source

import (
	"fmt"
	"os"
)

// fileIdentity names a file as it is now, as far as portable file
// information allows: its size and modification time.
func fileIdentity(fi os.FileInfo) string {
	return fmt.Sprintf("file:%d:%d", fi.Size(), fi.ModTime().UnixNano())
}
