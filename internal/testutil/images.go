package testutil

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Entry is one member of a test layer. Type defaults to a regular file
// (or a directory when Name ends in "/").
type Entry struct {
	Name string
	Type byte
	Body string
	Link string
	Mode int64
	Size int64 // overrides len(Body) in the header (for hostile tests)
	// ModTime is the modification time (default: the Unix epoch).
	ModTime time.Time
}

// LayerTar builds an uncompressed layer tarball.
func LayerTar(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Typeflag: e.Type, Linkname: e.Link, Mode: e.Mode, Size: int64(len(e.Body)), Format: tar.FormatPAX, ModTime: e.ModTime}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
			if strings.HasSuffix(e.Name, "/") {
				h.Typeflag = tar.TypeDir
			}
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, e.Body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Image assembles an image from uncompressed layer tarballs with
// go-containerregistry (layers are gzip-compressed as a registry would
// store them).
func Image(t testing.TB, layers ...[]byte) v1.Image {
	t.Helper()
	img := empty.Image
	for _, l := range layers {
		b := l
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(b)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		img, err = mutate.AppendLayers(img, layer)
		if err != nil {
			t.Fatal(err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// ImageFromTarFile makes a one-layer image from a rootfs tarball on disk.
func ImageFromTarFile(t testing.TB, path string) v1.Image {
	t.Helper()
	layer, err := tarball.LayerFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// WriteDockerArchive writes img as a docker-archive (go-containerregistry's
// tarball format, gzip layers) and returns its path.
func WriteDockerArchive(t testing.TB, img v1.Image, tag string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	ref, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(p, ref, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteOCILayout writes img into a new OCI layout directory.
func WriteOCILayout(t testing.TB, img v1.Image, refName string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	if err := writeLayout(dir, img, refName); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeLayout(dir string, img v1.Image, refName string) error {
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	var opts []layout.Option
	if refName != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": refName}))
	}
	return lp.AppendImage(img, opts...)
}

// CachedOCILayout is WriteOCILayout of the one-layer image of a rootfs
// tarball (ImageFromTarFile), written once per tarball (size and
// modification time) into the test cache and kept for later tests and
// runs: gzip-compressing a 200 MB layer is most of what writing it costs.
// Tests must only read it; LayoutImage opens its image, with the layer
// already compressed (pushing it compresses nothing).
func CachedOCILayout(t testing.TB, tarball, refName string) string {
	t.Helper()
	return CachedDir(t, "oci-layout "+StampKey(t, tarball)+" "+refName, func(dir string) error {
		return writeLayout(dir, ImageFromTarFile(t, tarball), refName)
	})
}

// LayoutImage opens the first image of an OCI layout directory.
func LayoutImage(t testing.TB, dir string) v1.Image {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) == 0 {
		t.Fatalf("OCI layout %s holds no image", dir)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TarDir writes a tarball of dir's contents (an oci-archive when dir is an
// OCI layout) and returns its path.
func TarDir(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dir.tar")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// Registry serves an in-process OCI registry on loopback and returns its
// host:port.
func Registry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(discardLogger())))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Push uploads img to ref.
func Push(t testing.TB, img v1.Image, ref string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// DockerArchive writes a docker-archive in the legacy `docker save` form
// (uncompressed <n>/layer.tar members, config, manifest.json) from raw
// layer blobs, which may be anything (hostile tests). Diff IDs are the
// digests of the blobs as given.
func DockerArchive(t testing.TB, tag string, layers ...[]byte) string {
	t.Helper()
	var diffIDs, paths []string
	for i, l := range layers {
		diffIDs = append(diffIDs, "sha256:"+sha256Hex(l))
		paths = append(paths, fmt.Sprintf("%d/layer.tar", i))
	}
	cfg := fmt.Sprintf(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":%s}}`, jsonList(diffIDs))
	cfgName := sha256Hex([]byte(cfg)) + ".json"
	manifest := fmt.Sprintf(`[{"Config":%q,"RepoTags":[%q],"Layers":%s}]`, cfgName, tag, jsonList(paths))
	members := []Entry{{Name: cfgName, Body: cfg}}
	for i, l := range layers {
		members = append(members, Entry{Name: paths[i], Body: string(l)})
	}
	members = append(members, Entry{Name: "manifest.json", Body: manifest})
	p := filepath.Join(t.TempDir(), "archive.tar")
	if err := os.WriteFile(p, LayerTar(t, members...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func jsonList(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}
