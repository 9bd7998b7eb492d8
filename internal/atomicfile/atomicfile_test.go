package atomicfile_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/atomicfile"
)

// entries lists dir's names, to show no temporary file is left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// Not parallel: it sets the process's umask.
func TestWriteFileModeAndReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	if err := atomicfile.WriteFile(p, []byte("one"), atomicfile.Options{Perm: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(p, []byte("two"), atomicfile.Options{Perm: 0o644}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "two" || st.Mode().Perm() != 0o644 {
		t.Errorf("content %q mode %v, want two 0644", b, st.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v", got)
	}
	// The default mode is private.
	q := filepath.Join(dir, "private")
	atomicfile.WriteFile(q, nil, atomicfile.Options{})
	if st, _ := os.Stat(q); st.Mode().Perm() != 0o600 {
		t.Errorf("default mode %v", st.Mode().Perm())
	}
}

func TestNoClobber(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "key.pem")
	if err := atomicfile.WriteFile(p, []byte("first"), atomicfile.Options{NoClobber: true}); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.WriteFile(p, []byte("second"), atomicfile.Options{NoClobber: true})
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "first" {
		t.Errorf("content %q", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v", got)
	}
}

func TestFailureLeavesTheOldFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "db")
	os.WriteFile(p, []byte("old"), 0o600)
	boom := errors.New("boom")
	err := atomicfile.Write(p, atomicfile.Options{}, func(w io.Writer) error {
		io.WriteString(w, "half of the new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("content %q", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v", got)
	}
	// By name, as bbolt writes: the temporary path is in the same directory.
	f, err := atomicfile.Create(p, atomicfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(f.Name()) != dir {
		t.Errorf("temporary file %s outside %s", f.Name(), dir)
	}
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v", got)
	}
	// A missing directory is an error, not a panic.
	if err := atomicfile.WriteFile(filepath.Join(dir, "no", "such"), nil, atomicfile.Options{}); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

// TestConcurrentWriters: many writers of one path leave one whole version.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "entry")
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			body := bytes.Repeat([]byte(fmt.Sprintf("%02d", i)), 4096)
			if err := atomicfile.WriteFile(p, body, atomicfile.Options{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b, _ := os.ReadFile(p)
	if len(b) != 8192 || !bytes.Equal(b, bytes.Repeat(b[:2], 4096)) {
		t.Errorf("mixed content: %d bytes starting %q", len(b), b[:min(len(b), 8)])
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v", got)
	}
}
