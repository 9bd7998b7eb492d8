//go:build unix

package layerfs

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenAtStaysPut: a name swapped for a symlink since the walk stat'ed
// it is refused, a FIFO does not block the walk, and a regular file reads
// like an os.File.
func TestOpenAtStaysPut(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("outside"), 0o644)
	os.Symlink(outside, filepath.Join(dir, "link"))
	os.WriteFile(filepath.Join(dir, "file"), []byte("hello, world"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Skip(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	if f, err := openAt(root, d, "link"); err == nil {
		b, _ := io.ReadAll(f)
		f.Close()
		t.Fatalf("opened a symlink, read %q", b)
	}

	done := make(chan error, 1)
	go func() {
		f, err := openAt(root, d, "fifo")
		if err == nil {
			_, err = f.Read(make([]byte, 8))
			f.Close()
		}
		done <- err
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("opening or reading a FIFO blocked")
	}

	f, err := openAt(root, d, "file")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || string(b) != "hello, world" {
		t.Fatalf("read %q, %v", b, err)
	}
	p := make([]byte, 5)
	if n, err := f.ReadAt(p, 7); n != 5 || err != nil || string(p) != "world" {
		t.Fatalf("ReadAt: %d %v %q", n, err, p)
	}
	if n, err := f.ReadAt(p, 10); n != 2 || err != io.EOF {
		t.Fatalf("ReadAt past the end: %d %v", n, err)
	}
}
