package source

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// member is one entry of a hand-made outer archive.
type member struct {
	name, body, link string
	typ              byte
}

// writeTar writes members as a tar file and returns its path.
func writeTar(t testing.TB, ms ...member) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg, Linkname: m.link}
		if m.typ != 0 {
			h.Typeflag, h.Size = m.typ, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

const goodConfig = `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:` +
	"0000000000000000000000000000000000000000000000000000000000000000" + `"]}}`

// TestHostileArchives: archives built to mislead the reader each give an
// error naming what is wrong (ErrNotImage or ErrUnknownTarget), in the
// process, without a panic and without reading outside the archive.
func TestHostileArchives(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(outside, []byte(goodConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		members []member
		raw     []byte // instead of members
		want    error
		msg     string
	}{
		{name: "empty file", raw: []byte{}, want: ErrNotImage, msg: "empty archive"},
		{name: "not a tar", raw: []byte("hello, this is not a tar archive at all, just text\n"), want: ErrNotImage, msg: "not a tar"},
		{name: "empty tar", members: nil, want: ErrNotImage, msg: "empty archive"},
		{name: "no manifest", members: []member{{name: "hello.txt", body: "hi"}}, want: ErrNotImage, msg: "no manifest.json or index.json"},
		{name: "manifest not json", members: []member{{name: "manifest.json", body: "[{"}}, want: ErrNotImage, msg: "manifest.json"},
		{name: "manifest lists nothing", members: []member{{name: "manifest.json", body: "[]"}}, want: ErrNotImage, msg: "lists no image"},
		{name: "config path escapes the archive", members: []member{
			{name: "manifest.json", body: `[{"Config":"../../../../` + strings.TrimPrefix(outside, "/") + `","Layers":["l.tar"]}]`},
			{name: "l.tar", body: ""},
		}, want: ErrNotImage, msg: "does not exist"},
		{name: "config is an absolute host path", members: []member{
			{name: "manifest.json", body: `[{"Config":"` + outside + `","Layers":["l.tar"]}]`},
		}, want: ErrNotImage, msg: "does not exist"},
		{name: "symlink to a host file", members: []member{
			{name: "manifest.json", body: `[{"Config":"c.json","Layers":["l.tar"]}]`},
			{name: "c.json", link: outside, typ: tar.TypeSymlink},
		}, want: ErrNotImage, msg: "does not exist"},
		{name: "symlink loop", members: []member{
			{name: "manifest.json", body: `[{"Config":"a","Layers":[]}]`},
			{name: "a", link: "b", typ: tar.TypeSymlink},
			{name: "b", link: "a", typ: tar.TypeSymlink},
		}, want: ErrNotImage, msg: "too many links"},
		{name: "config not json", members: []member{
			{name: "manifest.json", body: `[{"Config":"c.json","Layers":[]}]`},
			{name: "c.json", body: "{{{"},
		}, want: ErrNotImage, msg: "image config"},
		{name: "malformed diff id", members: []member{
			{name: "manifest.json", body: `[{"Config":"c.json","Layers":["l.tar"]}]`},
			{name: "c.json", body: `{"rootfs":{"type":"layers","diff_ids":["sha256:abc"]}}`},
		}, want: ErrNotImage, msg: "diff"},
		{name: "layer count differs", members: []member{
			{name: "manifest.json", body: `[{"Config":"c.json","Layers":[]}]`},
			{name: "c.json", body: goodConfig},
		}, want: ErrNotImage, msg: "config lists 1 layers, manifest.json 0"},
		{name: "missing layer", members: []member{
			{name: "manifest.json", body: `[{"Config":"c.json","Layers":["nowhere.tar"]}]`},
			{name: "c.json", body: goodConfig},
		}, want: ErrNotImage, msg: "layer 0"},
		{name: "oversized manifest", members: []member{
			{name: "manifest.json", body: "[" + strings.Repeat(" ", maxDocSize) + "]"},
		}, want: nil, msg: "too large for an image document"},
		{name: "oci index not json", members: []member{{name: "index.json", body: "nope"}}, want: ErrNotImage},
		{name: "oci blob digest with a path", members: []member{
			{name: "index.json", body: `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../../etc/passwd","size":1}]}`},
		}, want: ErrNotImage},
		{name: "oci blob does not match its digest", members: []member{
			{name: "index.json", body: `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + sha("x") + `","size":1}]}`},
			{name: "blobs/sha256/" + sha("x"), body: "y"},
		}, want: ErrNotImage, msg: "does not match its digest"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p string
			if tt.raw != nil {
				p = filepath.Join(t.TempDir(), "image.tar")
				if err := os.WriteFile(p, tt.raw, 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				p = writeTar(t, tt.members...)
			}
			for _, target := range []string{p, "docker-archive:" + p, "oci-archive:" + p} {
				img, err := Open(context.Background(), target, Options{Offline: true})
				if err == nil {
					img.Close()
					t.Fatalf("Open(%s) = nil error", target)
				}
				if target != p {
					continue // a scheme that does not fit says so instead
				}
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("Open(%s) = %v, want %v", target, err, tt.want)
				}
				if !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), "\n") {
					t.Errorf("Open(%s) = %q, want one line saying %q", target, err, tt.msg)
				}
			}
		})
	}
}

// TestHostileLayouts: OCI layout directories whose index leads outside the
// directory, or whose files are not regular, are refused at once.
func TestHostileLayouts(t *testing.T) {
	outside := t.TempDir()
	blob := `{"schemaVersion":2}`
	if err := os.WriteFile(filepath.Join(outside, sha(blob)), []byte(blob), 0o600); err != nil {
		t.Fatal(err)
	}
	index := func(digest string) string {
		return `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + digest + `","size":1}]}`
	}
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		msg   string
	}{
		{name: "index.json is a FIFO", setup: func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "index.json"), 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, msg: "index.json"},
		{name: "blob is a symlink out of the layout", setup: func(t *testing.T, dir string) {
			write(t, dir, "index.json", index("sha256:"+sha(blob)))
			mkdir(t, dir, "blobs/sha256")
			if err := os.Symlink(filepath.Join(outside, sha(blob)), filepath.Join(dir, "blobs/sha256", sha(blob))); err != nil {
				t.Fatal(err)
			}
		}, msg: "blobs/sha256/" + sha(blob)},
		{name: "blobs directory is a symlink out of the layout", setup: func(t *testing.T, dir string) {
			write(t, dir, "index.json", index("sha256:"+sha(blob)))
			mkdir(t, dir, "blobs")
			if err := os.Symlink(outside, filepath.Join(dir, "blobs/sha256")); err != nil {
				t.Fatal(err)
			}
		}, msg: "blobs/sha256/" + sha(blob)},
		{name: "digest climbs out", setup: func(t *testing.T, dir string) {
			write(t, dir, "index.json", index("sha256:../../x"))
		}, msg: "index.json"},
		{name: "indexes nested without end", setup: func(t *testing.T, dir string) {
			// An index whose only entry is itself, by digest.
			self := `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:` + sha(`{}`) + `","size":2}]}`
			write(t, dir, "index.json", self)
			mkdir(t, dir, "blobs/sha256")
			write(t, dir, "blobs/sha256/"+sha(`{}`), `{}`)
		}, msg: "lists no image"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				img, err := Open(ctx, "oci-layout:"+dir, Options{Offline: true})
				if err == nil {
					img.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), "\n") {
					t.Errorf("Open = %v, want one line saying %q", err, tt.msg)
				}
			case <-ctx.Done():
				t.Fatal("Open did not return: it waited on a special file")
			}
		})
	}
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, name), 0o700); err != nil {
		t.Fatal(err)
	}
}

// TestParse: the target grammar, decided here alone.
func TestParse(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile.prod")
	write(t, dir, "Dockerfile.prod", "FROM scratch\n")
	mkdir(t, dir, "Containerfile")
	for _, tt := range []struct {
		arg  string
		want Target
	}{
		{"docker-archive:/a/b.tar", Target{DockerArchive, "/a/b.tar"}},
		{"oci-archive:x.tar", Target{OCIArchive, "x.tar"}},
		{"oci-layout:dir", Target{OCILayout, "dir"}},
		{"dir:/", Target{Dir, "/"}},
		{"docker:alpine:3.19", Target{Docker, "alpine:3.19"}},
		{"registry:localhost:5000/a@sha256:00", Target{Registry, "localhost:5000/a@sha256:00"}},
		{"sbom:app.cdx.json", Target{SBOM, "app.cdx.json"}},
		{"dockerfile:build/Dockerfile", Target{Dockerfile, "build/Dockerfile"}},
		{df, Target{Dockerfile, df}},
		// A directory named like a Dockerfile is not one.
		{filepath.Join(dir, "Containerfile"), Target{Ref: filepath.Join(dir, "Containerfile")}},
		// Named like one but absent: a bare argument, for Open to explain.
		{filepath.Join(dir, "Dockerfile"), Target{Ref: filepath.Join(dir, "Dockerfile")}},
		{"alpine:3.19", Target{Ref: "alpine:3.19"}},
		{"localhost:5000/app", Target{Ref: "localhost:5000/app"}},
		{"DOCKER:alpine", Target{Ref: "DOCKER:alpine"}},
		{"", Target{}},
	} {
		if got := Parse(tt.arg); got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.arg, got, tt.want)
		}
	}
	// Targets that are not images are refused by Open, not guessed at.
	for _, arg := range []string{"sbom:x.json", "dockerfile:Dockerfile", df} {
		if _, err := Open(context.Background(), arg, Options{Offline: true}); !errors.Is(err, ErrNotImage) {
			t.Errorf("Open(%q) = %v, want ErrNotImage", arg, err)
		}
	}
}

// FuzzParse: the grammar never panics, and a scheme it recognises is
// exactly the argument's prefix.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"docker-archive:a.tar", "sbom:", "dockerfile:Dockerfile", "alpine", "a:b:c", ":", "registry:", "Dockerfile"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		got := Parse(arg)
		if got.Kind != "" && got.Kind != Dockerfile && string(got.Kind)+":"+got.Ref != arg {
			t.Fatalf("Parse(%q) = %+v", arg, got)
		}
		if got.Kind == "" && got.Ref != arg {
			t.Fatalf("Parse(%q) = %+v: a bare argument changed", arg, got)
		}
	})
}

// FuzzOpenArchive: whatever bytes a file holds, opening it as an archive
// returns an image or an error, never a panic.
func FuzzOpenArchive(f *testing.F) {
	seed := func(ms ...member) []byte {
		b, err := os.ReadFile(writeTar(f, ms...))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add([]byte{})
	f.Add(seed(member{name: "manifest.json", body: `[{"Config":"c.json","Layers":["l.tar"]}]`}, member{name: "c.json", body: goodConfig}, member{name: "l.tar"}))
	f.Add(seed(member{name: "index.json", body: `{"schemaVersion":2,"manifests":[]}`}))
	f.Add(seed(member{name: "manifest.json", body: `[{"Config":"a","Layers":[]}]`}, member{name: "a", link: "a", typ: tar.TypeSymlink}))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "fuzz.tar")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		img, err := Open(context.Background(), "docker-archive:"+p, Options{Offline: true})
		if err == nil {
			img.Close()
		}
	})
}
