package scan_test

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestUpperLayersRemoveAndHide is acceptance 3: built by the real engine,
// an upper layer purges a package (files deleted, status rewritten) and
// another replaces a directory, which overlay2 exports as an opaque
// directory; the scan must see neither what was purged nor what the opaque
// directory hides.
func TestUpperLayersRemoveAndHide(t *testing.T) {
	t.Parallel() // its own image; DOCKER_HOST is set by TestMain
	sock := testutil.NeedDocker(t)
	base := testutil.DebianImage(t, sock, "bookworm")

	ctxDir := t.TempDir()
	dockerfile := `FROM ` + base + `
RUN mkdir -p /var/lib/dpkg/status.d && printf 'Package: hidden-pkg\nVersion: 1.0-1\nArchitecture: all\n' > /var/lib/dpkg/status.d/hidden-pkg
RUN dpkg --purge tzdata
RUN rm -rf /var/lib/dpkg/status.d && mkdir /var/lib/dpkg/status.d && printf 'Package: visible-pkg\nVersion: 2.0-1\nArchitecture: all\n' > /var/lib/dpkg/status.d/visible-pkg
`
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	// Kept by content for later runs: the same Dockerfile on the same base.
	name := testutil.DockerBuildCached(t, sock, ctxDir, "bulwark-test/layers")
	saved := testutil.DockerSaveCached(t, sock, name)
	if !archiveHasOpaqueMarker(t, saved) {
		t.Fatal("the engine exported no opaque-directory marker; the test would not test it")
	}

	for _, target := range []string{"docker-archive:" + saved, "docker:" + name} {
		rep := inventory(t, target)
		got := debs(rep)
		if _, ok := got["tzdata"]; ok {
			t.Errorf("%s: purged package tzdata reported", target)
		}
		if _, ok := got["hidden-pkg"]; ok {
			t.Errorf("%s: package under an opaque directory reported", target)
		}
		if got["visible-pkg"] != "2.0-1" || got["libc6"] == "" {
			t.Errorf("%s: expected packages missing: visible-pkg=%q libc6=%q", target, got["visible-pkg"], got["libc6"])
		}
		layers := rep.Target.Layers
		if len(layers) != 4 {
			t.Fatalf("%s: %d layers, want 4", target, len(layers))
		}
		// Provenance: libc6 came with the base layer even though the
		// status file was rewritten above it; visible-pkg with the last.
		if l := layerOf(rep, "libc6"); l != layers[0].DiffID {
			t.Errorf("%s: libc6 attributed to %s, want base layer %s", target, l, layers[0].DiffID)
		}
		if l := layerOf(rep, "visible-pkg"); l != layers[3].DiffID {
			t.Errorf("%s: visible-pkg attributed to %s, want top layer %s", target, l, layers[3].DiffID)
		}
	}
}

func layerOf(r *report.Report, name string) string {
	for _, p := range r.Packages {
		if p.Name == name && p.Type == sbom.Deb && len(p.Locations) > 0 {
			return p.Locations[0].LayerDigest
		}
	}
	return ""
}

// archiveHasOpaqueMarker looks inside every layer of a docker-archive for
// a ".wh..wh..opq" entry.
func archiveHasOpaqueMarker(t *testing.T, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	outer := tar.NewReader(f)
	for {
		h, err := outer.Next()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, "layer.tar") && !strings.HasPrefix(h.Name, "blobs/") {
			continue
		}
		inner := tar.NewReader(outer)
		for {
			ih, err := inner.Next()
			if err != nil {
				break
			}
			if strings.HasSuffix(ih.Name, ".wh..wh..opq") {
				return true
			}
		}
	}
}
