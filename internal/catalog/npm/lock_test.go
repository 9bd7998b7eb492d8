package npm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// lsNode is a node of `npm ls --all --json`.
type lsNode struct {
	Version      string            `json:"version"`
	Dependencies map[string]lsNode `json:"dependencies"`
}

// NpmLsSet flattens `npm ls --all --json` output into name@version keys.
func npmLsSet(t testing.TB, file string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var root lsNode
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := map[string]bool{}
	var walk func(map[string]lsNode)
	walk = func(deps map[string]lsNode) {
		for name, n := range deps {
			if n.Version == "" {
				t.Fatalf("%s: %s has no version (missing from the tree?)", file, name)
			}
			out[name+"@"+n.Version] = true
			walk(n.Dependencies)
		}
	}
	walk(root.Dependencies)
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestLockFilesAgreeWithNpmLs parses lock files written by the real tools
// for one project (testdata/lock/README.md) and compares each with what
// `npm ls` listed after installing that project: the same name@version set,
// and, where the format records it, Dev exactly on the packages that
// `npm ls --omit=dev` leaves out.
func TestLockFilesAgreeWithNpmLs(t *testing.T) {
	all := npmLsSet(t, "testdata/lock/npm-ls-all.json")
	prod := npmLsSet(t, "testdata/lock/npm-ls-prod.json")
	wantDev := map[string]bool{}
	for k := range all {
		wantDev[k] = !prod[k]
	}
	if len(all) < 50 || len(keys(wantDev)) < 3 {
		t.Fatalf("reference too small: %d packages, %d dev", len(all), len(keys(wantDev)))
	}
	for _, tc := range []struct {
		path   string
		hasDev bool
	}{
		{"lock/npm-v1/package-lock.json", true},
		{"lock/npm-v2/package-lock.json", true},
		{"lock/npm-v3/package-lock.json", true},
		{"lock/yarn-v1/yarn.lock", false},
		{"lock/yarn-berry/yarn.lock", false},
		{"lock/pnpm-v5/pnpm-lock.yaml", true},
		{"lock/pnpm-v6/pnpm-lock.yaml", true},
		{"lock/pnpm-v9/pnpm-lock.yaml", true},
	} {
		t.Run(filepath.Dir(tc.path), func(t *testing.T) {
			pkgs, err := catalogtest.ParseFixture(t, New(), tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, gotDev := map[string]bool{}, map[string]bool{}
			for _, p := range pkgs {
				k := p.Name + "@" + p.Version
				if got[k] {
					t.Errorf("%s reported twice", k)
				}
				got[k], gotDev[k] = true, p.Dev
				if p.Type != sbom.NPM || p.Main || len(p.Locations) != 1 || p.Locations[0].Path != tc.path {
					t.Errorf("%s: %+v", k, p)
				}
			}
			if d := cmp.Diff(keys(all), keys(got)); d != "" {
				t.Errorf("packages differ from npm ls (-npm ls +parsed):\n%s", d)
			}
			if !tc.hasDev {
				if len(keys(gotDev)) != 0 {
					t.Errorf("format without dev data reports dev packages %v", keys(gotDev))
				}
				return
			}
			if d := cmp.Diff(keys(wantDev), keys(gotDev)); d != "" {
				t.Errorf("dev packages differ from npm ls --omit=dev (-npm ls +parsed):\n%s", d)
			}
			if !slices.IsSortedFunc(pkgs, func(a, b sbom.Package) int {
				if a.Name != b.Name {
					return cmpStr(a.Name, b.Name)
				}
				return cmpStr(a.Version, b.Version)
			}) {
				t.Error("not sorted")
			}
		})
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
