package match

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/distro"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// DefaultMatchers returns the built-in matchers.
func DefaultMatchers() []Matcher {
	return []Matcher{distroMatcher{}, langMatcher{}}
}

// distroMatcher looks distribution packages up in the feed of the release
// the image runs ([distro.Ecosystem] names it): by source package and
// source version where the feed names source packages (Debian, Ubuntu,
// Alpine, Wolfi, Chainguard, Red Hat), by binary package and its own
// version where it names binaries (AlmaLinux, Rocky Linux, SUSE, Amazon
// Linux). rpm packages also carry the module stream they came from.
type distroMatcher struct{}

func (distroMatcher) Name() string { return "distro" }

func (distroMatcher) Query(p *sbom.Package, d *sbom.Distro) (Query, bool) {
	if d == nil {
		return Query{}, false
	}
	f, ok := distro.Ecosystem(d)
	if !ok {
		return Query{}, false
	}
	want := map[sbom.Type]string{sbom.Deb: "dpkg", sbom.APK: "apk", sbom.RPM: "rpm"}[p.Type]
	if want == "" || want != f.Scheme {
		return Query{}, false
	}
	q := Query{Ecosystem: f.Ecosystem, Also: f.Also, Package: p.Name, Version: p.Version, Scheme: f.Scheme}
	if !f.Binary {
		if p.SourceName != "" {
			q.Package = p.SourceName
		}
		// apk origins share their package's version; dpkg and rpm source
		// versions can differ from the binary's.
		if p.SourceVersion != "" && p.Type != sbom.APK {
			q.Version = p.SourceVersion
		}
		q.Binary = advisory.Binary{Name: p.Name, Version: p.Version}
	}
	if p.Type == sbom.RPM {
		q.Module = p.Module
		if q.Module == "" && modularRelease(p.Version) {
			q.Module = "*" // a modular build whose stream is not recorded
		}
	}
	return q, true
}

// modularRelease reports whether an rpm version's release marks a modular
// build ("…module+el8.8.0+19757+8ca87034", "…module_el8.5.0+26+48d4c9ee").
func modularRelease(v string) bool {
	return strings.Contains(v, ".module+el") || strings.Contains(v, ".module_el")
}

// lookup reads the records of q's package in its ecosystem and the
// further ones it names.
func lookup(ctx context.Context, src Source, q Query) ([]vulndb.Record, error) {
	recs, err := src.ByPackage(ctx, q.Ecosystem, q.Package)
	if err != nil {
		return nil, fmt.Errorf("match: %s %s: %w", q.Ecosystem, q.Package, err)
	}
	for _, eco := range q.Also {
		more, err := src.ByPackage(ctx, eco, q.Package)
		if err != nil {
			return nil, fmt.Errorf("match: %s %s: %w", eco, q.Package, err)
		}
		recs = append(recs, more...)
	}
	return recs, nil
}

// sameModule decides whether a statement about module stream want applies
// to a package installed from stream have: statements outside modules
// apply only to packages outside modules and the other way round; "*" on
// either side stands for any stream.
func sameModule(want, have string) bool {
	switch {
	case want == "" || have == "":
		return want == have
	case want == "*" || have == "*":
		return true
	}
	return want == have
}

func moduleText(want, have string) string {
	switch {
	case want == "":
		return "the advisory is about the package outside modules; it is installed from module stream " + have
	case have == "":
		return "the advisory is about module stream " + want + "; the package is not from a module"
	}
	return "the advisory is about module stream " + want + "; the package is from " + have
}

// binaryFix compares an installed binary package with its own fixed
// version when the statement lists the binaries of its fixing upload
// (Ubuntu) and the binary's version is not its source's: a binary built
// with a version of its own is fixed by that binary's version, not the
// source's. ok is false when this does not apply and the source version
// is compared as usual.
func binaryFix(a advisory.Affected, q Query, c vercmp.Comparer) (in bool, fixed, rng string, ok bool) {
	if q.Binary.Name == "" || q.Binary.Version == "" || q.Binary.Version == q.Version || len(a.Binaries) == 0 {
		return false, "", "", false
	}
	i, found := slices.BinarySearchFunc(a.Binaries, q.Binary.Name, func(b advisory.Binary, name string) int {
		return strings.Compare(b.Name, name)
	})
	if !found {
		return false, "", "", false
	}
	fix := a.Binaries[i].Version
	if c.Compare(q.Binary.Version, fix) >= 0 {
		return false, fix, "", true
	}
	return true, fix, "binary " + q.Binary.Name + " below its fixed version " + fix, true
}

// langMatcher looks application packages up in their OSV ecosystem.
type langMatcher struct{}

func (langMatcher) Name() string { return "osv" }

func (langMatcher) Query(p *sbom.Package, _ *sbom.Distro) (Query, bool) {
	switch p.Type {
	case sbom.GoModule:
		if p.Version == "" || p.Version == "(devel)" {
			return Query{}, false
		}
		return Query{Ecosystem: "Go", Package: p.Name, Version: p.Version, Scheme: "go"}, true
	case sbom.GoStdlib:
		return Query{Ecosystem: "Go", Package: "stdlib", Version: p.Version, Scheme: "go"}, true
	case sbom.Python:
		return Query{Ecosystem: "PyPI", Package: sbom.NormalizePythonName(p.Name), Version: p.Version, Scheme: "pep440"}, true
	case sbom.NPM:
		return Query{Ecosystem: "npm", Package: p.Name, Version: p.Version, Scheme: "npm"}, true
	case sbom.Java:
		return Query{Ecosystem: "Maven", Package: p.Name, Version: p.Version, Scheme: "maven"}, true
	case sbom.Cargo:
		if p.Main {
			return Query{}, false // a workspace crate, not the registry's
		}
		return Query{Ecosystem: "crates.io", Package: p.Name, Version: p.Version, Scheme: "semver"}, true
	case sbom.Gem:
		return Query{Ecosystem: "RubyGems", Package: p.Name, Version: p.Version, Scheme: "semver"}, true
	case sbom.Composer:
		return Query{Ecosystem: "Packagist", Package: p.Name, Version: p.Version, Scheme: "semver"}, true
	case sbom.NuGet:
		if p.Main {
			return Query{}, false // the application's own project
		}
		return Query{Ecosystem: "NuGet", Package: p.Name, Version: p.Version, Scheme: "semver"}, true
	}
	return Query{}, false
}
