package npm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// installArgs is the install that acceptance test 1 of the language
// catalogers issue prescribes.
var installArgs = []string{"install", "--no-audit", "--no-fund", "--ignore-scripts",
	"lodash@4.17.4", "minimist@1.2.0", "express@4.16.0"}

var (
	installOnce sync.Once
	installDir  string
	installErr  string
)

// realInstall runs the npm install once and returns the project folder,
// which tests only read. The installed tree is kept between runs
// (testutil.MakeCachedDir, keyed by the install's arguments and npm
// itself): the comparison is with `npm ls` over that tree, run every
// time, and the install was most of the test's time. It skips when npm or
// the registry is unavailable, and fails instead under
// BULWARK_REQUIRE_NETWORK=1.
func realInstall(t testing.TB) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		registryUnusable(t, "npm not installed")
	}
	key := "npm install\x00" + testutil.ToolKey(t, npm) + "\x00" + strings.Join(installArgs, "\x00")
	installOnce.Do(func() {
		dir, err := testutil.MakeCachedDir(key, func(dir string) error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, npm, installArgs...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("npm install: %v\n%s", err, lastLines(string(out), 5))
			}
			return nil
		})
		installDir = dir
		if err != nil {
			installErr = err.Error()
		}
	})
	if installErr != "" {
		registryUnusable(t, installErr)
	}
	return installDir
}

// registryUnusable skips the test, or fails it under
// BULWARK_REQUIRE_NETWORK=1.
func registryUnusable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("BULWARK_REQUIRE_NETWORK") == "1" {
		t.Fatalf("npm registry required (BULWARK_REQUIRE_NETWORK=1): %s", why)
	}
	t.Skipf("npm registry not usable: %s", why)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

type lsNode struct {
	Version      string            `json:"version"`
	Missing      bool              `json:"missing"`
	Dependencies map[string]lsNode `json:"dependencies"`
}

// npmLs flattens `npm ls --all --json` in dir into a set of name@version.
func npmLs(t testing.TB, dir string) []string {
	t.Helper()
	cmd := exec.Command("npm", "ls", "--all", "--json")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("npm ls: %v\n%s", err, out)
	}
	var root lsNode
	if err := json.Unmarshal(out, &root); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(map[string]lsNode)
	walk = func(deps map[string]lsNode) {
		for name, n := range deps {
			if n.Missing || n.Version == "" {
				t.Fatalf("npm ls: %s is missing", name)
			}
			set[name+"@"+n.Version] = true
			walk(n.Dependencies)
		}
	}
	walk(root.Dependencies)
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// npmPackages is the name@version set of a report's npm packages.
func npmPackages(rep *report.Report) []string {
	set := map[string]bool{}
	for _, p := range rep.Packages {
		if p.Type == sbom.NPM {
			set[p.Name+"@"+p.Version] = true
		}
	}
	return sortedKeys(set)
}

// treeLayer packs dir into a layer tarball under prefix, keeping symlinks
// (node_modules/.bin) as symlinks.
func treeLayer(t testing.TB, dir, prefix string) []byte {
	t.Helper()
	var entries []testutil.Entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := prefix + filepath.ToSlash(rel)
		if rel == "." {
			name = prefix
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			entries = append(entries, testutil.Entry{Name: name, Type: '2', Link: target})
		case d.IsDir():
			entries = append(entries, testutil.Entry{Name: strings.TrimSuffix(name, "/") + "/"})
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entries = append(entries, testutil.Entry{Name: name, Body: string(b)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return testutil.LayerTar(t, entries...)
}

// TestRealInstallMatchesNpmLs is acceptance test 1: a node_modules tree
// installed from the npm registry gives exactly the packages `npm ls`
// lists, scanned as a directory and as a docker-archive made from it.
func TestRealInstallMatchesNpmLs(t *testing.T) {
	dir := realInstall(t)
	want := npmLs(t, dir)
	if len(want) < 40 {
		t.Fatalf("npm ls lists only %d packages", len(want))
	}
	for _, must := range []string{"lodash@4.17.4", "minimist@1.2.0", "express@4.16.0", "debug@2.6.9"} {
		if !slices.Contains(want, must) {
			t.Fatalf("npm ls lacks %s", must)
		}
	}
	archive := testutil.DockerArchive(t, "bulwark-test/npm:latest", treeLayer(t, dir, "srv/app/"))
	for _, target := range []string{"dir:" + dir, "docker-archive:" + archive} {
		t.Run(strings.SplitN(target, ":", 2)[0], func(t *testing.T) {
			rep, err := scan.Inventory(context.Background(), target, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, npmPackages(rep)); d != "" {
				t.Errorf("inventory differs from npm ls (-npm ls +bulwark):\n%s", d)
			}
			prefix := ""
			if strings.HasPrefix(target, "docker-archive:") {
				prefix = "srv/app/"
			}
			for _, p := range rep.Packages {
				if p.Type != sbom.NPM {
					continue
				}
				// Each package is found installed and in the lock file npm
				// wrote, and reported once with both locations.
				var inTree, inLock bool
				for _, l := range p.Locations {
					inTree = inTree || strings.HasPrefix(l.Path, prefix+"node_modules/") && strings.HasSuffix(l.Path, "/package.json")
					inLock = inLock || l.Path == prefix+"package-lock.json"
				}
				if !inTree || !inLock {
					t.Errorf("%s@%s locations %v", p.Name, p.Version, p.Locations)
				}
				if !strings.HasPrefix(p.PURL, "pkg:npm/") {
					t.Errorf("%s purl %q", p.Name, p.PURL)
				}
			}
			if len(rep.Coverage.Unknowns) != 0 {
				t.Errorf("unknowns: %+v", rep.Coverage.Unknowns)
			}
		})
	}
}
