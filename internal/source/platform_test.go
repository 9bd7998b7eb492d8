package source

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// A multi-platform OCI layout: the running platform by default, the one
// asked for with Options.Platform, and an error for one it lacks.
func TestPlatformSelection(t *testing.T) {
	native := runtime.GOARCH
	other := "arm64"
	if native == "arm64" {
		other = "amd64"
	}
	idx := mutate.IndexMediaType(empty.Index, "application/vnd.oci.image.index.v1+json")
	for _, arch := range []string{other, native} {
		img := testutil.Image(t, testutil.LayerTar(t, testutil.Entry{Name: "etc/arch", Body: arch}))
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	dir := filepath.Join(t.TempDir(), "layout")
	if _, err := layout.Write(dir, empty.Index); err != nil {
		t.Fatal(err)
	}
	lp, _ := layout.FromPath(dir)
	if err := lp.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	layers := func(platform string) (string, error) {
		img, err := Open(context.Background(), "oci-layout:"+dir, Options{Platform: platform})
		if err != nil {
			return "", err
		}
		defer img.Close()
		return img.Layers[0].DiffID, nil
	}
	def, err := layers("")
	if err != nil {
		t.Fatal(err)
	}
	nat, _ := layers("linux/" + native)
	oth, err := layers("linux/" + other)
	if err != nil {
		t.Fatal(err)
	}
	if def != nat || def == oth {
		t.Errorf("default %s, native %s, other %s: the default is not the running platform's image", def, nat, oth)
	}
	if _, err := layers("linux/s390x"); !errors.Is(err, ErrNotImage) {
		t.Errorf("missing platform: %v", err)
	}
	if _, err := layers("not a platform///"); err == nil {
		t.Error("malformed platform accepted")
	}
}
