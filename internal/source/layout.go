package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/regular"
)

// dirStore reads an OCI layout directory through os.Root, so names in the
// index cannot lead outside it, and opens only regular files (a FIFO in
// place of index.json or a blob is refused, not waited on).
type dirStore struct {
	root  *os.Root
	mu    sync.Mutex
	files []*os.File
}

func (d *dirStore) open(name string) (io.ReaderAt, int64, error) {
	f, err := regular.OpenIn(d.root, name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
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
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is a file, and oci-layout: wants a directory (a tarred layout is oci-archive:%s, a docker save docker-archive:%s)",
			ErrUnknownTarget, dir, dir, dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownTarget, err)
	}
	ds := &dirStore{root: root}
	if _, err := root.Stat("index.json"); errors.Is(err, fs.ErrNotExist) {
		ds.close()
		return nil, fmt.Errorf("%w: %s has no index.json, so it is not an OCI image layout (a root filesystem is dir:%s)", ErrNotImage, dir, dir)
	}
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
