package guard

import (
	"archive/tar"
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveUser(t *testing.T) {
	pw := passwdFile{present: true, data: []byte("root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\nodd:x:+0:0::/:/bin/sh\n")}
	tests := []struct {
		spec     string
		root     bool
		unjudged bool
	}{
		{"", true, false}, {"0", true, false}, {"+0", true, false}, {"-0", true, false}, {"00", true, false},
		{"+0:+0", true, false}, {"0:1000", true, false}, {"root", true, false}, {"toor", true, false},
		{"toor:app", true, false}, {"odd", true, false}, {"app", false, false}, {"1000", false, false},
		{"+1000", false, false}, {"app:0", false, false}, {"nobody", false, true}, {"-1", false, true},
		{"99999999999", false, true},
	}
	for _, tt := range tests {
		a := resolveUser(tt.spec, pw)
		if a.root != tt.root || (a.unjudged != "") != tt.unjudged {
			t.Errorf("%q: %+v, want root %v unjudged %v", tt.spec, a, tt.root, tt.unjudged)
		}
	}
	if a := resolveUser("app", passwdFile{}); a.unjudged == "" {
		t.Errorf("a name without /etc/passwd resolved: %+v", a)
	}
	if a := resolveUser("app", passwdFile{unjudged: "symlink"}); a.unjudged != "symlink" {
		t.Errorf("unusable /etc/passwd: %+v", a)
	}
}

func layerTar(t *testing.T, entries ...tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		body := []byte(h.Linkname)
		if h.Typeflag == tar.TypeReg {
			h.Size, h.Linkname = int64(len(body)), ""
		} else {
			body = nil
		}
		h.Mode = 0o644
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	return b.Bytes()
}

// TestImagePasswdLayers: whiteouts, opaque directories and links decide
// which /etc/passwd the runtime would read (file bodies are passed in
// Linkname for brevity).
func TestImagePasswdLayers(t *testing.T) {
	file := func(body string) tar.Header {
		return tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Linkname: body}
	}
	dir := tar.Header{Name: "etc/", Typeflag: tar.TypeDir}
	scan := func(hs ...tar.Header) layerPasswd {
		lp, err := scanLayerPasswd(context.Background(), bytes.NewReader(layerTar(t, hs...)))
		if err != nil {
			t.Fatal(err)
		}
		return lp
	}
	tests := []struct {
		name   string
		layers []layerPasswd
		want   passwdFile
	}{
		{"one layer", []layerPasswd{scan(dir, file("a"))}, passwdFile{data: []byte("a"), present: true}},
		{"replaced", []layerPasswd{scan(dir, file("a")), scan(file("b"))}, passwdFile{data: []byte("b"), present: true}},
		{"whiteout", []layerPasswd{scan(dir, file("a")), scan(tar.Header{Name: "etc/.wh.passwd", Typeflag: tar.TypeReg})}, passwdFile{}},
		{"opaque /etc", []layerPasswd{scan(dir, file("a")), scan(dir, tar.Header{Name: "./etc/.wh..wh..opq", Typeflag: tar.TypeReg})}, passwdFile{}},
		{"opaque /etc and a new file", []layerPasswd{scan(dir, file("a")), scan(dir, file("c"), tar.Header{Name: "etc/.wh..wh..opq", Typeflag: tar.TypeReg})}, passwdFile{data: []byte("c"), present: true}},
		{"/etc deleted", []layerPasswd{scan(dir, file("a")), scan(tar.Header{Name: ".wh.etc", Typeflag: tar.TypeReg})}, passwdFile{}},
		{"a symlink", []layerPasswd{scan(dir, tar.Header{Name: "etc/passwd", Typeflag: tar.TypeSymlink, Linkname: "/tmp/p"})}, passwdFile{unjudged: "/etc/passwd is not a regular file"}},
		{"/etc a symlink", []layerPasswd{scan(tar.Header{Name: "etc", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}), scan(file("x"))}, passwdFile{unjudged: "/etc is not a directory (L---------)"}},
		{"none", []layerPasswd{scan(dir)}, passwdFile{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, applyPasswd(tt.layers), cmp.AllowUnexported(passwdFile{})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
