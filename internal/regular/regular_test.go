//go:build unix

package regular

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpen: a regular file opens and reads; a FIFO nobody writes to, a
// directory and a device are refused at once, directly and inside a Root.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Skip(err)
	}
	os.Mkdir(filepath.Join(dir, "dir"), 0o755)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, open := range []func(string) (*os.File, error){
		func(n string) (*os.File, error) { return Open(filepath.Join(dir, n)) },
		func(n string) (*os.File, error) { return OpenIn(root, n) },
	} {
		f, err := open("file")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil || string(b) != "hello" {
			t.Errorf("read %q, %v", b, err)
		}
		for _, name := range []string{"fifo", "dir"} {
			done := make(chan error, 1)
			go func() { _, err := open(name); done <- err }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("%s: got %v, want ErrNotRegular", name, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("opening %s blocked", name)
			}
		}
	}
	if _, err := Open("/dev/null"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/null: got %v", err)
	}
}
