// Package dotnet catalogs the NuGet packages of .NET applications from
// their *.deps.json files.
//
// # Data flow
//
// The .NET SDK writes <app>.deps.json next to every application it
// builds or publishes; the host reads it at start-up to find the
// assemblies to load, so it lists exactly what the application runs with.
// Wants picks files whose name ends in ".deps.json"; Parse decodes the
// JSON and turns each entry of its "libraries" object, keyed "Name/Version",
// into one package according to its "type":
//
//   - "package": a NuGet package, reported as a nuget package;
//   - "project" (and "msbuildproject"): the application itself or a project
//     it references, built from its own sources; reported with Main set,
//     the mark of the application's own code, which no advisory names;
//   - "runtimepack": the .NET runtime that a self-contained application
//     carries, keyed "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64";
//     reported under the NuGet id of the pack (the prefix dropped), which
//     is how advisories name the runtime;
//   - anything else ("reference" assemblies of the framework) is skipped.
//
// A library that the "targets" section lists only as compileOnly (needed
// to compile, not shipped to run) is reported with Dev set.
//
// A library entry that cannot be read is skipped and named in the error
// Parse returns beside the packages it could read.
package dotnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxSize bounds a deps.json: large ASP.NET applications write a few
// hundred KiB.
const maxSize = 64 << 20

// Cataloger reads .NET deps.json files. The zero value is ready to use.
type Cataloger struct{}

// New returns a .NET cataloger.
func New() *Cataloger { return &Cataloger{} }

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "dotnet" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

// Wants implements [catalog.Cataloger].
func (*Cataloger) Wants(path string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && size <= maxSize && strings.HasSuffix(path, ".deps.json") && len(path) > len(".deps.json") && path[len(path)-len(".deps.json")-1] != '/'
}

// Parse implements [catalog.Cataloger].
func (*Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	if f.Size() > maxSize {
		return nil, fmt.Errorf("dotnet: reading %s: %d bytes, more than the %d accepted", f.Path(), f.Size(), maxSize)
	}
	pkgs, err := ParseDeps(f, f.Path())
	if err != nil {
		err = fmt.Errorf("dotnet: reading %s: %w", f.Path(), err)
	}
	return pkgs, err
}

// depsFile is the part of the deps.json schema the inventory needs.
type depsFile struct {
	Targets   map[string]map[string]json.RawMessage `json:"targets"`
	Libraries map[string]json.RawMessage            `json:"libraries"`
}

type library struct {
	Type string `json:"type"`
}

type targetEntry struct {
	CompileOnly bool `json:"compileOnly"`
}

// ParseDeps reads a deps.json and returns its libraries located at path,
// sorted.
func ParseDeps(r io.Reader, path string) ([]sbom.Package, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("more than %d bytes", maxSize)
	}
	var doc depsFile
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not a deps.json: %w", err)
	}
	if doc.Libraries == nil {
		return nil, errors.New(`not a deps.json: no "libraries" object`)
	}

	// A library is compile-only when every target that lists it says so.
	runtime, compileOnly := map[string]bool{}, map[string]bool{}
	for _, entries := range doc.Targets {
		for key, raw := range entries {
			var e targetEntry
			if json.Unmarshal(raw, &e) == nil && e.CompileOnly {
				compileOnly[key] = true
			} else {
				runtime[key] = true
			}
		}
	}

	var (
		pkgs    []sbom.Package
		skipped []error
	)
	for key, raw := range doc.Libraries {
		var lib library
		if err := json.Unmarshal(raw, &lib); err != nil {
			skipped = append(skipped, fmt.Errorf("library %q: %w", key, err))
			continue
		}
		name, version, ok := strings.Cut(key, "/")
		if !ok || !validName(name) || !validVersion(version) {
			skipped = append(skipped, fmt.Errorf("library %q: not \"Name/Version\"", key))
			continue
		}
		p := sbom.Package{
			Name: name, Version: version, Type: sbom.NuGet,
			Dev:       compileOnly[key] && !runtime[key],
			Locations: []sbom.Location{{Path: path}},
		}
		switch strings.ToLower(lib.Type) {
		case "package":
		case "project", "msbuildproject":
			p.Main = true
		case "runtimepack":
			if rest, ok := strings.CutPrefix(name, "runtimepack."); ok && validName(rest) {
				p.Name = rest
			}
		default:
			continue
		}
		pkgs = append(pkgs, p)
	}
	sbom.Sort(pkgs)
	// Errors in map order would make the message differ from run to run.
	return pkgs, joinSorted(skipped)
}

func joinSorted(errs []error) error {
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// validName accepts NuGet package ids: letters, digits, '.', '-' and '_',
// at most 100 characters (nuget.org's limit; 256 here for older feeds).
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validVersion accepts a NuGet version: it starts with a digit and has no
// white space.
func validVersion(s string) bool {
	if s == "" || len(s) > 256 || s[0] < '0' || s[0] > '9' {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e })
}
