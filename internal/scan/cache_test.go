package scan_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// dpkgLayer is a layer holding a Debian release file and one installed
// package.
func dpkgLayer(t *testing.T, pkg string) []byte {
	return testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: "Package: " + pkg + "\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n"},
	)
}

func diffID(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// lyingArchive is a docker-archive whose configuration declares diff ID
// claimed for every layer, whatever the layers hold.
func lyingArchive(t *testing.T, claimed string, contents ...[]byte) string {
	var diffIDs, paths []string
	entries := []testutil.Entry{}
	for i, c := range contents {
		diffIDs = append(diffIDs, fmt.Sprintf("%q", claimed))
		p := fmt.Sprintf("%d/layer.tar", i)
		paths = append(paths, fmt.Sprintf("%q", p))
		entries = append(entries, testutil.Entry{Name: p, Body: string(c)})
	}
	cfg := fmt.Sprintf(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}`, strings.Join(diffIDs, ","))
	manifest := fmt.Sprintf(`[{"Config":"config.json","RepoTags":["evil:1"],"Layers":[%s]}]`, strings.Join(paths, ","))
	entries = append(entries, testutil.Entry{Name: "config.json", Body: cfg}, testutil.Entry{Name: "manifest.json", Body: manifest})
	p := filepath.Join(t.TempDir(), "evil.tar")
	if err := os.WriteFile(p, testutil.LayerTar(t, entries...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lyingImage is an image (for a layout or a registry) whose configuration
// declares the diff ID claimed for a layer that holds content.
func lyingImage(t *testing.T, claimed string, content []byte) v1.Image {
	img := testutil.Image(t, content)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	h, err := v1.NewHash(claimed)
	if err != nil {
		t.Fatal(err)
	}
	cf.RootFS.DiffIDs = []v1.Hash{h}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func packageNames(r *report.Report) []string {
	var out []string
	for _, p := range r.Packages {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

// copyFile copies src to a new file (a new inode, as a user's copy or a
// fresh `docker save` would be).
func copyFile(t *testing.T, src string) string {
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestCacheCannotBePoisoned: an image that declares another image's layer
// diff ID gets the results of its own content, never the cached results
// of the layer it names; an honest rescan still hits the cache.
func TestCacheCannotBePoisoned(t *testing.T) {
	good, evil := dpkgLayer(t, "good"), dpkgLayer(t, "evil")
	claimed := diffID(good)
	reg := testutil.Registry(t)
	goodRef, evilRef := reg+"/app/good:1", reg+"/app/evil:1"
	testutil.Push(t, testutil.Image(t, good), goodRef)
	testutil.Push(t, lyingImage(t, claimed, evil), evilRef)

	for _, tc := range []struct {
		kind        string
		honest, bad string
		copyable    bool // a copy of the target is another file
	}{
		{"docker-archive", "docker-archive:" + testutil.DockerArchive(t, "good:1", good), "docker-archive:" + lyingArchive(t, claimed, evil), true},
		{"oci-layout", "oci-layout:" + testutil.WriteOCILayout(t, testutil.Image(t, good), ""), "oci-layout:" + testutil.WriteOCILayout(t, lyingImage(t, claimed, evil), ""), false},
		{"registry", "registry:" + goodRef, "registry:" + evilRef, false},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			c, err := layercache.Open(t.TempDir(), 0)
			if err != nil {
				t.Fatal(err)
			}
			run := func(target string) *report.Report {
				t.Helper()
				r, err := scan.Inventory(context.Background(), target, scan.Options{Cache: c})
				if err != nil {
					t.Fatalf("%s: %v", target, err)
				}
				return r
			}
			first := run(tc.honest)
			if got := packageNames(first); !slices.Equal(got, []string{"good"}) || first.Target.Layers[0].Cached {
				t.Fatalf("first scan: %v, cached %v", got, first.Target.Layers[0].Cached)
			}
			if again := run(tc.honest); !again.Target.Layers[0].Cached || !slices.Equal(packageNames(again), []string{"good"}) {
				t.Errorf("rescan of the same target: cached %v, %v", again.Target.Layers[0].Cached, packageNames(again))
			}
			bad := run(tc.bad)
			if got := packageNames(bad); !slices.Equal(got, []string{"evil"}) || bad.Target.Layers[0].Cached {
				t.Errorf("image claiming the cached layer's diff ID: packages %v, cached %v; want its own content", got, bad.Target.Layers[0].Cached)
			}
			if tc.copyable {
				kind, path, _ := strings.Cut(tc.honest, ":")
				if r := run(kind + ":" + copyFile(t, path)); r.Target.Layers[0].Cached || !slices.Equal(packageNames(r), []string{"good"}) {
					t.Errorf("a copy of the archive: cached %v, %v", r.Target.Layers[0].Cached, packageNames(r))
				}
			}
		})
	}
}

// TestRepeatedDiffIDIsNoHidingPlace: an image that gives a second layer
// the diff ID of its first still has the second layer read.
func TestRepeatedDiffIDIsNoHidingPlace(t *testing.T) {
	good, evil := dpkgLayer(t, "good"), dpkgLayer(t, "evil")
	archive := lyingArchive(t, diffID(good), good, evil)
	c, err := layercache.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []scan.Options{{}, {Cache: c}, {Cache: c}} {
		r, err := scan.Inventory(context.Background(), "docker-archive:"+archive, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := packageNames(r); !slices.Equal(got, []string{"evil"}) {
			t.Errorf("cache %v: packages %v, want the upper layer's [evil]", opts.Cache != nil, got)
		}
	}
}
