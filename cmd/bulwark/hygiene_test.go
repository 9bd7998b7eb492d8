package main

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the repository, seen from this package's directory.
var repoRoot = filepath.Join("..", "..")

// walkGoFiles calls fn with the path of each of the repository's own Go
// files: not under .git, bin, testdata or node_modules, nor in third_party,
// whose patched copies of dependencies stay as upstream wrote them (each
// README says what changed) and are modules of their own, checked by their
// own tests.
func walkGoFiles(t *testing.T, fn func(p string) error) {
	t.Helper()
	err := filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "bin", "testdata", "node_modules":
				return filepath.SkipDir
			}
			if filepath.Dir(p) == repoRoot && d.Name() == "third_party" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		return fn(p)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHygiene keeps rules a linter would otherwise enforce: every Go file
// is gofmt-clean; production code never calls os.Create (it truncates
// whatever is at the path, a host file included) or the os.Is* helpers
// (errors.Is sees wrapped errors; they do not); and test helpers stay out of
// production code.
func TestHygiene(t *testing.T) {
	banned := map[string]string{
		"os.Create":       "use os.OpenFile with O_EXCL, or a temporary file and rename",
		"os.IsNotExist":   "use errors.Is(err, fs.ErrNotExist)",
		"os.IsExist":      "use errors.Is(err, fs.ErrExist)",
		"os.IsPermission": "use errors.Is(err, fs.ErrPermission)",
	}
	fset := token.NewFileSet()
	walkGoFiles(t, func(p string) error {
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if formatted, err := format.Source(src); err != nil || string(formatted) != string(src) {
			t.Errorf("%s is not gofmt-clean", p)
		}
		// Test-support packages (testutil, catalogtest, reporttest…) are
		// for tests only; production code must not import them.
		dir := filepath.Base(filepath.Dir(p))
		if strings.HasSuffix(p, "_test.go") || dir == "testutil" || strings.HasSuffix(dir, "test") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, "/internal/") && (strings.HasSuffix(path, "/testutil") || strings.HasSuffix(path, "test")) {
				t.Errorf("%s imports the test-support package %s", p, path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				if why, bad := banned[x.Name+"."+sel.Sel.Name]; bad {
					t.Errorf("%s: %s.%s: %s", fset.Position(sel.Pos()), x.Name, sel.Sel.Name, why)
				}
			}
			return true
		})
		return nil
	})
}

// TestTestBinaryNamesUnique: make test writes every test binary into one
// directory (go test -o bin/test/, so that the build cache keeps the
// linked binaries), where go test names each by the last element of its
// package path; two packages with tests and the same last element make
// go test refuse the whole run.
func TestTestBinaryNamesUnique(t *testing.T) {
	byName := map[string][]string{}
	walkGoFiles(t, func(p string) error {
		if strings.HasSuffix(p, "_test.go") {
			dir := filepath.Dir(p)
			name := filepath.Base(dir)
			if dir == repoRoot {
				name = "bulwark"
			}
			if !slices.Contains(byName[name], dir) {
				byName[name] = append(byName[name], dir)
			}
		}
		return nil
	})
	if len(byName) < 50 {
		t.Fatalf("found test packages under %d names only: is %s the repository?", len(byName), repoRoot)
	}
	for name, dirs := range byName {
		if len(dirs) > 1 {
			t.Errorf("test packages %v share the name %s.test: give one of them another directory name", dirs, name)
		}
	}
}
