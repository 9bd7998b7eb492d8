package harden

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bulwark-sec/bulwark/internal/atomicfile"
)

// ErrExists reports an output file that is already there; WriteOptions.Force
// replaces it.
var ErrExists = errors.New("file exists (use --force to replace it)")

// WriteOptions control WriteFile.
type WriteOptions struct {
	// Force replaces an existing file (atomically: readers see the old or
	// the new file, never a mix).
	Force bool
}

// Written describes one file WriteFile wrote.
type Written struct {
	Path string      `json:"path"`
	Mode fs.FileMode `json:"mode"`
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
}

// MarshalJSON writes the mode in octal, as chmod(1) takes it.
func (w Written) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path string `json:"path"`
		Mode string `json:"mode"`
		UID  int    `json:"uid"`
		GID  int    `json:"gid"`
	}{w.Path, fmt.Sprintf("%04o", uint32(w.Mode.Perm())), w.UID, w.GID})
}

// WriteFile writes data to dir/name with exactly mode. The file is written
// beside its destination under a temporary name (atomicfile), given, when
// the process runs as root, root ownership (CIS 3.x wants root:root for
// every Docker configuration and TLS file) and its mode, synced, then moved
// into place: renamed over an old file with Force, otherwise linked, which
// fails when a file already exists, so two writers can never both succeed.
func WriteFile(dir, name string, data []byte, mode fs.FileMode, opt WriteOptions) (Written, error) {
	final := filepath.Join(dir, name)
	w := Written{Path: final, Mode: mode, UID: os.Geteuid(), GID: os.Getegid()}
	if !opt.Force {
		if _, err := os.Lstat(final); err == nil {
			return w, fmt.Errorf("harden: writing %s: %w", final, ErrExists)
		}
	}
	// Commit sets the mode after the chown here, which may clear mode bits.
	tmp, err := atomicfile.Create(final, atomicfile.Options{Perm: mode, NoClobber: !opt.Force})
	if err != nil {
		return w, fmt.Errorf("harden: writing %s: %w", final, err)
	}
	defer tmp.Abort()
	_, err = tmp.Write(data)
	if err == nil && os.Geteuid() == 0 {
		err = tmp.Chown(0, 0)
		w.UID, w.GID = 0, 0
	}
	if err == nil {
		err = tmp.Commit()
	}
	if errors.Is(err, fs.ErrExist) {
		err = ErrExists
	}
	if err != nil {
		return w, fmt.Errorf("harden: writing %s: %w", final, err)
	}
	return w, nil
}

// MkdirAll creates dir (and parents) with mode when it does not exist, owned
// by root when the process runs as root.
func MkdirAll(dir string, mode fs.FileMode) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("harden: %s is not a directory", dir)
		}
		return nil
	}
	if err := os.MkdirAll(dir, mode); err != nil {
		return fmt.Errorf("harden: creating %s: %w", dir, err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		return fmt.Errorf("harden: creating %s: %w", dir, err)
	}
	return nil
}
