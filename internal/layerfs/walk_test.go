package layerfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

type seen struct {
	Path, Kind, Link, Body, RABody string
}

func kindName(k Kind) string {
	return map[Kind]string{KindFile: "file", KindDir: "dir", KindSymlink: "symlink", KindHardlink: "hardlink",
		KindDevice: "device", KindWhiteout: "whiteout", KindOpaque: "opaque"}[k]
}

// walkBoth walks data as a seekable region and as a stream and checks both
// see the same thing.
func walkBoth(t *testing.T, data []byte, opts Options) ([]seen, *Index, error) {
	t.Helper()
	var out [2][]seen
	var ixs [2]*Index
	var errs [2]error
	for i, l := range []Layer{{RA: bytes.NewReader(data), Size: int64(len(data))}, {R: bytes.NewReader(data)}} {
		ixs[i], errs[i] = Walk(context.Background(), l, opts, func(e *Entry, f File) error {
			s := seen{Path: e.Path, Kind: kindName(e.Kind), Link: e.Link}
			if f != nil {
				ra, err := f.ReaderAt()
				if err != nil {
					return err
				}
				b := make([]byte, f.Size())
				if _, err := ra.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				s.RABody = string(b)
				rb, err := io.ReadAll(f)
				if err != nil {
					return err
				}
				s.Body = string(rb)
			}
			out[i] = append(out[i], s)
			return nil
		})
	}
	if (errs[0] == nil) != (errs[1] == nil) {
		t.Fatalf("seekable and stream walks disagree: %v vs %v", errs[0], errs[1])
	}
	if d := cmp.Diff(out[0], out[1]); d != "" {
		t.Fatalf("seekable and stream walks differ (-seek +stream):\n%s", d)
	}
	return out[0], ixs[0], errs[0]
}

func TestWalk(t *testing.T) {
	data := testutil.LayerTar(t,
		testutil.Entry{Name: "./etc/"},
		testutil.Entry{Name: "./etc/os-release", Body: "ID=debian\n"},
		testutil.Entry{Name: "etc/alt", Type: tar.TypeSymlink, Link: "/usr/bin/real"},
		testutil.Entry{Name: "usr/bin/a", Body: "binary", Mode: 0o755},
		testutil.Entry{Name: "usr/bin/b", Type: tar.TypeLink, Link: "usr/bin/a"},
		testutil.Entry{Name: "var/.wh.gone", Body: ""},
		testutil.Entry{Name: "opt/app/.wh..wh..opq", Body: ""},
		testutil.Entry{Name: "dev/null", Type: tar.TypeChar},
	)
	got, ix, err := walkBoth(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{Path: "etc", Kind: "dir"},
		{Path: "etc/os-release", Kind: "file", Body: "ID=debian\n", RABody: "ID=debian\n"},
		{Path: "etc/alt", Kind: "symlink", Link: "/usr/bin/real"},
		{Path: "usr/bin/a", Kind: "file", Body: "binary", RABody: "binary"},
		{Path: "usr/bin/b", Kind: "hardlink", Link: "usr/bin/a"},
		{Path: "var/gone", Kind: "whiteout"},
		{Path: "opt/app", Kind: "opaque"},
		{Path: "dev/null", Kind: "device"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	wantIx := &Index{
		Dirs:      newPathSet(keys([]string{"etc"})),
		Others:    newPathSet(keys([]string{"dev/null", "etc/alt", "etc/os-release", "usr/bin/a", "usr/bin/b"})),
		Whiteouts: newPathSet(keys([]string{"var/gone"})),
		Opaques:   newPathSet(keys([]string{"opt/app"})),
		Symlinks:  map[string]string{"etc/alt": "/usr/bin/real"},
		Files:     2,
		Bytes:     16,
		Entries:   8,
	}
	if d := cmp.Diff(wantIx, ix, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("index (-want +got):\n%s", d)
	}
}

func TestWalkRejectsHostileEntries(t *testing.T) {
	tests := []struct {
		name  string
		entry testutil.Entry
	}{
		{"dotdot", testutil.Entry{Name: "../etc/passwd", Body: "x"}},
		{"dotdot inside", testutil.Entry{Name: "a/../../etc/passwd", Body: "x"}},
		{"absolute", testutil.Entry{Name: "/etc/passwd", Body: "x"}},
		{"symlink escape", testutil.Entry{Name: "a/b", Type: tar.TypeSymlink, Link: "../../etc/shadow"}},
		{"symlink escape deep", testutil.Entry{Name: "x", Type: tar.TypeSymlink, Link: "a/../../../../../root"}},
		{"hardlink escape", testutil.Entry{Name: "x", Type: tar.TypeLink, Link: "../../etc/shadow"}},
		{"hardlink absolute", testutil.Entry{Name: "x", Type: tar.TypeLink, Link: "/etc/shadow"}},
		{"whiteout dotdot", testutil.Entry{Name: "a/.wh...", Body: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := walkBoth(t, testutil.LayerTar(t, tt.entry), Options{})
			if !errors.Is(err, ErrUnsafeEntry) {
				t.Fatalf("got %v, want ErrUnsafeEntry", err)
			}
		})
	}
}

func TestWalkAcceptsInRootLinks(t *testing.T) {
	data := testutil.LayerTar(t,
		testutil.Entry{Name: "usr/lib/os-release", Body: "ID=x\n"},
		testutil.Entry{Name: "etc/os-release", Type: tar.TypeSymlink, Link: "../usr/lib/os-release"},
		testutil.Entry{Name: "bin", Type: tar.TypeSymlink, Link: "usr/bin"},
		testutil.Entry{Name: "etc/abs", Type: tar.TypeSymlink, Link: "/../../x"}, // absolute: the image root
	)
	if _, _, err := walkBoth(t, data, Options{}); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestWalkCompressed(t *testing.T) {
	data := testutil.LayerTar(t, testutil.Entry{Name: "a", Body: "hello"})
	got, _, err := walkBoth(t, gz(t, data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Body != "hello" || got[0].RABody != "hello" {
		t.Fatalf("got %+v", got)
	}
}

func TestWalkDecompressionBomb(t *testing.T) {
	// 16 MiB of zeros in one file compresses to ~16 KiB.
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 16 << 20, Typeflag: tar.TypeReg})
	tw.Write(make([]byte, 16<<20))
	tw.Close()
	bomb := gz(t, raw.Bytes())
	_, _, err := walkBoth(t, bomb, Options{MinBombSize: 1 << 20, MaxRatio: 100})
	if !errors.Is(err, ErrBomb) {
		t.Fatalf("got %v, want ErrBomb", err)
	}
	// The same layer passes with the default limits.
	if _, _, err := walkBoth(t, bomb, Options{}); err != nil {
		t.Fatalf("default limits: %v", err)
	}
}

func TestWalkBadInput(t *testing.T) {
	data := testutil.LayerTar(t, testutil.Entry{Name: "a", Body: string(bytes.Repeat([]byte("x"), 5000))})
	tests := map[string][]byte{
		"not a tar":      bytes.Repeat([]byte("not a tar archive "), 100),
		"truncated body": data[:1024],
		"truncated gzip": gz(t, data)[:40],
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, err := walkBoth(t, in, Options{}); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestWalkTooManyEntries(t *testing.T) {
	data := testutil.LayerTar(t, testutil.Entry{Name: "a"}, testutil.Entry{Name: "b"}, testutil.Entry{Name: "c"})
	if _, _, err := walkBoth(t, data, Options{MaxEntries: 2}); !errors.Is(err, ErrTooManyEntries) {
		t.Fatalf("got %v", err)
	}
}

func TestReaderAtAfterSniff(t *testing.T) {
	body := string(bytes.Repeat([]byte("0123456789"), 3000))
	data := testutil.LayerTar(t, testutil.Entry{Name: "f", Body: body})
	_, err := Walk(context.Background(), Layer{R: bytes.NewReader(gz(t, data))}, Options{TempDir: t.TempDir()}, func(e *Entry, f File) error {
		if f == nil {
			return nil
		}
		head := make([]byte, 4)
		if _, err := io.ReadFull(f, head); err != nil {
			return err
		}
		ra, err := f.ReaderAt()
		if err != nil {
			return err
		}
		got := make([]byte, len(body))
		if _, err := ra.ReadAt(got, 0); err != nil {
			return err
		}
		if string(got) != body {
			t.Error("random access after a sniff lost data")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add(testutil.LayerTar(f, testutil.Entry{Name: "etc/os-release", Body: "ID=x"}, testutil.Entry{Name: "a/.wh.b"}))
	f.Add(testutil.LayerTar(f, testutil.Entry{Name: "l", Type: tar.TypeSymlink, Link: "../x"}))
	f.Add(testutil.LayerTar(f, testutil.Entry{Name: "h", Type: tar.TypeLink, Link: "a"}, testutil.Entry{Name: "d/.wh..wh..opq"}))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, l := range []Layer{{RA: bytes.NewReader(data), Size: int64(len(data))}, {R: bytes.NewReader(data)}} {
			ix, err := Walk(context.Background(), l, Options{MaxEntries: 1000, MinBombSize: 1 << 20}, func(e *Entry, f File) error {
				if e.Path == "" || e.Path == ".." || e.Path[0] == '/' || hasDotDot(e.Path) {
					t.Fatalf("unsafe path passed: %q", e.Path)
				}
				if f != nil {
					_, _ = io.Copy(io.Discard, io.LimitReader(f, 1<<20))
				}
				return nil
			})
			if err == nil && ix == nil {
				t.Fatal("nil index without error")
			}
			if ix != nil {
				Merge([]*Index{ix, ix}).Resolve("a/b/c")
			}
		}
	})
}

func hasDotDot(p string) bool {
	return p == ".." || bytes.HasPrefix([]byte(p), []byte("../")) || bytes.Contains([]byte(p), []byte("/../")) || bytes.HasSuffix([]byte(p), []byte("/.."))
}
