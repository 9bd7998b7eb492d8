package scan_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// vulnApp is a program built against old module versions with known
// advisories: it calls some affected symbols (language.Parse,
// yaml.Unmarshal) and not others (language.MatchStrings, transform.String).
const vulnApp = `package main

import (
	"fmt"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v2"
)

func main() {
	t, err := language.Parse("en-US")
	fmt.Println(t, err)
	var v map[string]any
	fmt.Println(yaml.Unmarshal([]byte("a: 1"), &v), v)
}
`

// goCmd runs the go tool in dir with a private GOBIN/GOFLAGS setup.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, env...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("go %v failed (module proxy unreachable?): %v\n%s", args, err, out)
	}
}

// TestGoFindingsMatchGovulncheck is acceptance 2 of the matching issue: for
// a binary built in the test, the advisory ids Bulwark reports equal
// govulncheck's (-mode binary, same OSV data), at module level and for
// the reachable subset.
func TestGoFindingsMatchGovulncheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds modules and govulncheck")
	}
	goZip := testutil.Shared(t, "advisories/osv/Go/all.zip")
	testutil.NeedCommand(t, "go")
	tmp := t.TempDir()
	app := filepath.Join(tmp, "app")
	os.MkdirAll(app, 0o755)
	os.WriteFile(filepath.Join(app, "main.go"), []byte(vulnApp), 0o644)
	os.WriteFile(filepath.Join(app, "go.mod"), []byte("module example.com/vulnapp\n\ngo 1.22\n"), 0o644)
	goCmd(t, app, nil, "get", "gopkg.in/yaml.v2@v2.2.2", "golang.org/x/text@v0.3.2")
	root := filepath.Join(tmp, "rootfs")
	bin := filepath.Join(root, "usr/local/bin/app")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	goCmd(t, app, nil, "build", "-o", bin, ".")
	// Built once per toolchain, then reused from the test cache.
	gobin := testutil.CachedDir(t, "govulncheck@v1.9.0", func(dir string) error {
		goCmd(t, tmp, []string{"GOBIN=" + dir}, "install", "golang.org/x/vuln/cmd/govulncheck@v1.9.0")
		return nil
	})

	// govulncheck reads a directory of <ID>.json records.
	osvDir := filepath.Join(tmp, "osv")
	unzip(t, goZip, osvDir)
	cmd := exec.Command(filepath.Join(gobin, "govulncheck"), "-mode", "binary", "-db", "file://"+osvDir, "-format", "json", bin)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("govulncheck: %v", err)
	}
	wantAll, wantReach := govulncheckIDs(t, out)
	if len(wantReach) == 0 || len(wantAll) == len(wantReach) {
		t.Fatalf("test program should have reachable and unreachable findings: %v / %v", wantAll, wantReach)
	}

	rep := inventory(t, "dir:"+root)
	db := importDB(t, goZip)
	if err := scanMatch(rep, db); err != nil {
		t.Fatal(err)
	}
	var gotAll, gotReach []string
	for _, v := range rep.Vulnerabilities {
		if v.Package.Type != sbom.GoModule && v.Package.Type != sbom.GoStdlib {
			continue
		}
		gotAll = append(gotAll, v.ID)
		if v.Reachable == "true" {
			gotReach = append(gotReach, v.ID)
		}
	}
	slices.Sort(gotAll)
	gotAll = slices.Compact(gotAll)
	slices.Sort(gotReach)
	gotReach = slices.Compact(gotReach)
	if d := cmp.Diff(wantAll, gotAll); d != "" {
		t.Errorf("module-level ids (-govulncheck +bulwark):\n%s", d)
	}
	if d := cmp.Diff(wantReach, gotReach); d != "" {
		t.Errorf("reachable ids (-govulncheck +bulwark):\n%s", d)
	}
	t.Logf("%d advisories, %d reachable", len(gotAll), len(gotReach))
}

// govulncheckIDs reads govulncheck's JSON stream: every finding's OSV id,
// and those whose trace reaches a function.
func govulncheckIDs(t *testing.T, out []byte) (all, reach []string) {
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var msg struct {
			Finding *struct {
				OSV   string `json:"osv"`
				Trace []struct {
					Function string `json:"function"`
				} `json:"trace"`
			} `json:"finding"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("govulncheck output: %v", err)
		}
		if f := msg.Finding; f != nil {
			all = append(all, f.OSV)
			if len(f.Trace) > 0 && f.Trace[0].Function != "" {
				reach = append(reach, f.OSV)
			}
		}
	}
	slices.Sort(all)
	slices.Sort(reach)
	return slices.Compact(all), slices.Compact(reach)
}

// unzip extracts the flat OSV export (one <ID>.json per record).
func unzip(t *testing.T, zipPath, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		name := filepath.Base(f.Name)
		if filepath.Ext(name) != ".json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
