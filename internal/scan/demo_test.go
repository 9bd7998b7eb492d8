package scan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestDemo keeps `make demo` meaningful: the bundled sample image, matched
// against the bundled advisories, shows these findings.
func TestDemo(t *testing.T) {
	root := testutil.RepoRoot(t)
	db := importDB(t, root+"/testdata/demo/advisories")
	rep := scanWithDB(t, root+"/testdata/demo/demo-image.tar", db)
	want := []string{
		"DSA-5055-1 util-linux", "DSA-5122-1 gzip", "DSA-5147-1 dpkg", "DSA-5203-1 libgnutls30",
		"DSA-5218-1 zlib1g", "DSA-5343-1 libssl1.1", "DSA-5349-1 libgnutls30",
	}
	if d := cmp.Diff(want, ids(rep)); d != "" {
		t.Errorf("demo findings (-want +got):\n%s", d)
	}
	if rep.OS == nil || rep.OS.Version != "11" || len(rep.Target.Layers) != 2 {
		t.Errorf("demo image: os %+v, %d layers", rep.OS, len(rep.Target.Layers))
	}
}
