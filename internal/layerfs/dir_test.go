package layerfs

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWalkDir(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("host file"), 0o644)
	mk := func(p string, body string, mode os.FileMode) {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(full, mode)
	}
	mk("etc/os-release", "ID=debian\n", 0o644)
	mk("usr/bin/su", "binary", 0o755|os.ModeSetuid)
	mk("b/z", "z", 0o600)
	os.Symlink("../usr/lib/os-release", filepath.Join(root, "etc/lsb"))
	os.Symlink(outside, filepath.Join(root, "escape"))                              // a directory outside: never followed
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "etc/passwd")) // a file outside: never read
	os.Mkdir(filepath.Join(root, "tmp"), 0o777|os.ModeSticky)
	os.Chmod(filepath.Join(root, "tmp"), 0o777|os.ModeSticky)

	var got []seen
	ix, err := WalkDir(context.Background(), root, Options{}, func(e *Entry, f File) error {
		s := seen{Path: e.Path, Kind: kindName(e.Kind), Link: e.Link}
		if f != nil {
			b, err := io.ReadAll(f)
			if err != nil {
				return err
			}
			s.Body = string(b)
			ra, err := f.ReaderAt()
			if err != nil {
				return err
			}
			rb := make([]byte, f.Size())
			ra.ReadAt(rb, 0)
			s.RABody = string(rb)
		}
		got = append(got, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{Path: "b", Kind: "dir"},
		{Path: "b/z", Kind: "file", Body: "z", RABody: "z"},
		{Path: "escape", Kind: "symlink", Link: outside},
		{Path: "etc", Kind: "dir"},
		{Path: "etc/lsb", Kind: "symlink", Link: "../usr/lib/os-release"},
		{Path: "etc/os-release", Kind: "file", Body: "ID=debian\n", RABody: "ID=debian\n"},
		{Path: "etc/passwd", Kind: "symlink", Link: filepath.Join(outside, "secret")},
		{Path: "tmp", Kind: "dir"},
		{Path: "usr", Kind: "dir"},
		{Path: "usr/bin", Kind: "dir"},
		{Path: "usr/bin/su", Kind: "file", Body: "binary", RABody: "binary"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if ix.Files != 3 || ix.Symlinks["etc/lsb"] != "../usr/lib/os-release" {
		t.Errorf("index: %+v", ix)
	}
	// Modes carry the special bits the misconfiguration checks read.
	_, err = WalkDir(context.Background(), root, Options{}, func(e *Entry, _ File) error {
		switch e.Path {
		case "usr/bin/su":
			if e.Mode&fs.ModeSetuid == 0 || e.Mode.Perm() != 0o755 {
				t.Errorf("su mode %v", e.Mode)
			}
		case "tmp":
			if e.Mode&fs.ModeSticky == 0 || !e.Mode.IsDir() {
				t.Errorf("tmp mode %v", e.Mode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WalkDir(context.Background(), root, Options{MaxEntries: 3}, nil); err == nil {
		t.Error("entry limit not enforced")
	}
	if _, err := WalkDir(context.Background(), filepath.Join(root, "missing"), Options{}, nil); err == nil {
		t.Error("missing directory walked")
	}
}
