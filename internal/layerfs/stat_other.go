//go:build !unix

package layerfs

import "os"

// statAt stats name through the Root (no owner information here).
func statAt(r *os.Root, _ *os.File, name string) (stat, error) {
	info, err := r.Lstat(name)
	if err != nil {
		return stat{}, err
	}
	return stat{mode: info.Mode(), size: info.Size(), mtime: info.ModTime().UnixNano()}, nil
}

// openAt opens name through the Root.
func openAt(r *os.Root, _ *os.File, name string) (fileHandle, error) {
	return r.Open(name)
}
