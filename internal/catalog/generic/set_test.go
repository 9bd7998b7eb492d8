package generic

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func TestSet(t *testing.T) {
	var s Set
	s.Add(sbom.Package{Name: "b", Version: "1", Type: sbom.NPM, Dev: true})
	s.Add(sbom.Package{Name: "a", Version: "2", Type: sbom.NPM, Dev: true})
	s.Add(sbom.Package{Name: "b", Version: "1", Type: sbom.NPM, Dev: false}) // a runtime dependent too
	s.Add(sbom.Package{Name: "b", Version: "2", Type: sbom.NPM, Dev: true})
	s.Add(sbom.Package{Name: "a", Version: "2", Type: sbom.NPM, Dev: true})
	got := s.Sorted()
	if len(got) != 3 {
		t.Fatalf("%d packages, want 3: %+v", len(got), got)
	}
	want := map[string]bool{"a@2": true, "b@1": false, "b@2": true}
	for _, p := range got {
		if dev, ok := want[p.Name+"@"+p.Version]; !ok || p.Dev != dev {
			t.Errorf("%s@%s dev=%v, want present with dev=%v", p.Name, p.Version, p.Dev, dev)
		}
	}

	// A key that folds names: one package, the first spelling kept.
	k := Set{Key: func(name, version string) string { return strings.ToLower(name) + "\x00" + version }}
	k.Add(sbom.Package{Name: "Django", Version: "4.2"})
	k.Add(sbom.Package{Name: "django", Version: "4.2"})
	if p := k.Packages(); len(p) != 1 || p[0].Name != "Django" {
		t.Errorf("folded set %+v", p)
	}
}
