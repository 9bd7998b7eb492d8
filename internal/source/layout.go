package source

import (
	"fmt"
	"io"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// dirStore reads an OCI layout directory through os.Root, so names in the
// index cannot lead outside it.
type dirStore struct {
	root  *os.Root
	mu    sync.Mutex
	files []*os.File
}

func (d *dirStore) open(name string) (io.ReaderAt, int64, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file", name)
	}
	d.mu.Lock()
	d.files = append(d.files, f)
	d.mu.Unlock()
	return f, st.Size(), nil
}

func (d *dirStore) identity(name string) (string, error) {
	fi, err := d.root.Stat(name)
	if err != nil {
		return "", err
	}
	return fileIdentity(fi), nil
}

func (d *dirStore) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.files {
		f.Close()
	}
	d.files = nil
	return d.root.Close()
}

func openLayoutDir(dir string, platform *v1.Platform) (*Image, error) {
	ref := ""
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownTarget, err)
	}
	ds := &dirStore{root: root}
	img, err := loadOCI(ds, ref, platform)
	if err != nil {
		ds.close()
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if img.Name == "" {
		img.Name = dir
	}
	img.closer = ds.close
	return img, nil
}
