package testutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDebianRootWith: the replaced file has the new bytes, an added one
// exists, the rest are DebianRoot's own files (links, not copies), and
// DebianRoot itself is left as it was.
func TestDebianRootWith(t *testing.T) {
	base := DebianRoot(t, "bookworm")
	const status, added = "var/lib/dpkg/status", "srv/new/dir/file"
	orig, err := os.ReadFile(filepath.Join(base, status))
	if err != nil {
		t.Fatal(err)
	}
	edited := append([]byte("Package: x\nStatus: install ok installed\nVersion: 1\n\n"), orig...)
	root := DebianRootWith(t, "bookworm", map[string][]byte{status: edited, added: []byte("new\n")})
	if got, _ := os.ReadFile(filepath.Join(root, status)); !bytes.Equal(got, edited) {
		t.Error("the replaced file does not hold the new bytes")
	}
	if got, _ := os.ReadFile(filepath.Join(base, status)); !bytes.Equal(got, orig) {
		t.Fatal("DebianRoot's own file was edited")
	}
	if got, _ := os.ReadFile(filepath.Join(root, added)); string(got) != "new\n" {
		t.Errorf("added file: %q", got)
	}
	a, errA := os.Stat(filepath.Join(root, "etc/os-release"))
	b, errB := os.Stat(filepath.Join(base, "etc/os-release"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("etc/os-release is not a link to DebianRoot's (%v, %v)", errA, errB)
	}
	if l, err := os.Readlink(filepath.Join(root, "bin")); err != nil || l != "usr/bin" {
		t.Errorf("bin: %q, %v (want the symbolic link kept)", l, err)
	}
	if again := DebianRootWith(t, "bookworm", map[string][]byte{added: []byte("new\n"), status: edited}); again != root {
		t.Errorf("same content, another directory: %s, %s", again, root)
	}
}
