// Package dotnet catalogs the NuGet packages of .NET applications from
// their *.deps.json files.
//
// # Data flow
//
// The .NET SDK writes <app>.deps.json next to every application it
// builds or publishes; the host reads it at start-up to find the
// assemblies to load, so it lists exactly what the application runs with.
// The cataloger is a [generic.Cataloger] for files whose name ends in
// ".deps.json"; it reads the JSON as a stream and turns each entry of its
// "libraries" object, keyed "Name/Version", into one package according to
// its "type":
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
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// New returns the .NET cataloger.
func New() *generic.Cataloger {
	return generic.New("dotnet", "1", func(p string) generic.Parser {
		if strings.HasSuffix(p, ".deps.json") && len(p) > len(".deps.json") && p[len(p)-len(".deps.json")-1] != '/' {
			return parseDeps
		}
		return nil
	})
}

type library struct {
	Type string `json:"type"`
}

type targetEntry struct {
	CompileOnly bool `json:"compileOnly"`
}

// parseDeps reads a deps.json as a JSON stream and returns its libraries,
// sorted. Entries of "targets" and "libraries" are read one at a time;
// each library counts against the record budget, and the entries of the
// targets against a budget of the same size.
func parseDeps(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		runtime, compileOnly = map[string]bool{}, map[string]bool{}
		targetRecords        = catalog.NewRecords(ctx)
		pkgs                 []sbom.Package
		keys                 []string // of pkgs
		skipped              []error
		hasLibraries         bool
		n                    int
	)
	tick := func() error {
		if n++; n%1024 == 0 {
			return ctx.Err()
		}
		return nil
	}
	dec := generic.NewDecoder(f)
	isObj, err := generic.Object(dec, func(key string) error {
		switch strings.ToLower(key) { // encoding/json matches fields so
		case "targets":
			_, err := generic.Object(dec, func(string) error {
				_, err := generic.Object(dec, func(key string) error {
					if err := tick(); err != nil {
						return err
					}
					if err := targetRecords.Add(); err != nil {
						return err
					}
					// A library is compile-only when every target that
					// lists it says so.
					var e targetEntry
					err := generic.Decode(dec, &e)
					if _, ok := errors.AsType[*generic.TypeError](err); err != nil && !ok {
						return err
					}
					if err == nil && e.CompileOnly {
						compileOnly[key] = true
					} else {
						runtime[key] = true
					}
					return nil
				})
				return err
			})
			return err
		case "libraries":
			ok, err := generic.Object(dec, func(key string) error {
				if err := tick(); err != nil {
					return err
				}
				if err := f.Record(); err != nil {
					return err
				}
				var lib library
				err := generic.Decode(dec, &lib)
				if _, ok := errors.AsType[*generic.TypeError](err); err != nil && !ok {
					return err
				}
				if p, ok, err := libraryPackage(key, lib, err); err != nil {
					skipped = append(skipped, err)
				} else if ok {
					pkgs, keys = append(pkgs, p), append(keys, key)
				}
				return nil
			})
			hasLibraries = hasLibraries || ok
			return err
		}
		return generic.Skip(dec)
	})
	if err == nil && !isObj {
		err = errors.New("not an object")
	}
	if err == nil {
		err = generic.End(dec)
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, budget.ErrExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("not a deps.json: %w", err)
	}
	if !hasLibraries {
		return nil, errors.New(`not a deps.json: no "libraries" object`)
	}
	for i, key := range keys {
		pkgs[i].Dev = compileOnly[key] && !runtime[key]
	}
	sbom.Sort(pkgs)
	// Errors in map order would make the message differ from run to run.
	return pkgs, joinSorted(skipped)
}

// libraryPackage is the package of the "libraries" entry key: lib, whose
// decoding failed with err if not nil; ok is false for kinds that are not
// reported.
func libraryPackage(key string, lib library, err error) (sbom.Package, bool, error) {
	if err != nil {
		return sbom.Package{}, false, fmt.Errorf("library %q: %w", key, err)
	}
	name, version, ok := strings.Cut(key, "/")
	if !ok || !validName(name) || !validVersion(version) {
		return sbom.Package{}, false, fmt.Errorf("library %q: not \"Name/Version\"", key)
	}
	p := sbom.Package{Name: name, Version: version, Type: sbom.NuGet}
	switch strings.ToLower(lib.Type) {
	case "package":
	case "project", "msbuildproject":
		p.Main = true
	case "runtimepack":
		if rest, ok := strings.CutPrefix(name, "runtimepack."); ok && validName(rest) {
			p.Name = rest
		}
	default:
		return sbom.Package{}, false, nil
	}
	return p, true, nil
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
