// Package sbom is the inventory model shared by catalogers, matchers and
// report writers: packages with their provenance, the detected distribution,
// and the document that holds them. It is pure data with no I/O.
package sbom

import (
	"cmp"
	"slices"
)

// Type names a package ecosystem as it appears in reports (the "type" field of
// the json report).
type Type string

// The package types Bulwark catalogs.
const (
	Deb      Type = "deb"
	APK      Type = "apk"
	RPM      Type = "rpm"
	GoModule Type = "go-module"
	GoStdlib Type = "golang-stdlib"
	Python   Type = "python"
	NPM      Type = "npm"
	Java     Type = "java"
	Gem      Type = "gem"
	Composer Type = "composer"
	Cargo    Type = "cargo"
	NuGet    Type = "nuget"
)

// Location is where a package was found: a path inside the image (slash
// separated, no leading slash) and the digest of the layer that added it.
type Location struct {
	Path        string `json:"path"`
	LayerDigest string `json:"layer_digest,omitempty"`
}

// Package is one installed or declared piece of software.
//
// Version is the version in the ecosystem's own syntax, complete enough for
// that ecosystem's ordering: dpkg "[epoch:]upstream[-revision]", rpm
// "[epoch:]version-release", apk "version-rN".
type Package struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Type    Type     `json:"type"`
	PURL    string   `json:"purl"`
	Arch    string   `json:"arch,omitempty"`
	License []string `json:"licenses,omitempty"`

	// SourceName and SourceVersion name the source package a binary package
	// was built from (dpkg Source, rpm SOURCERPM, apk origin). Distribution
	// advisories are keyed by source package.
	SourceName    string `json:"source_name,omitempty"`
	SourceVersion string `json:"source_version,omitempty"`
	// Module is the rpm module stream a package was installed from
	// ("nodejs:18"), from its modularity label; empty for packages outside
	// modules. Advisories for one stream do not apply to another.
	Module string `json:"module,omitempty"`

	// Dev marks dependencies needed only to develop or build the project.
	Dev bool `json:"dev,omitempty"`

	// Go binaries: the toolchain that built the binary (for golang-stdlib and
	// for modules), and whether this module is the binary's main module.
	GoVersion string `json:"go_version,omitempty"`
	Main      bool   `json:"main,omitempty"`
	// Platform is the "os/arch" a binary was built for (Go binaries), so
	// that advisories limited to other platforms can be set aside.
	Platform string `json:"platform,omitempty"`
	// Symbols lists the functions a Go binary contains from this module
	// ("import/path.Func", "import/path.Type.Method"); matchers use it for
	// reachability. Empty means unknown (for example a stripped binary).
	Symbols []string `json:"-"`

	Locations []Location `json:"locations"`
}

// Key identifies a package for de-duplication: the same name, version and
// type found at several places is one package with several locations.
func (p *Package) Key() string { return string(p.Type) + "\x00" + p.Name + "\x00" + p.Version }

// Distro is the operating system an image is built on, from os-release or a
// fallback file.
type Distro struct {
	ID         string   `json:"id"`                    // "debian", "alpine", "rhel"…
	VersionID  string   `json:"version,omitempty"`     // "12", "3.19.1"
	Codename   string   `json:"codename,omitempty"`    // "bookworm"
	PrettyName string   `json:"pretty_name,omitempty"` // for humans
	IDLike     []string `json:"id_like,omitempty"`
	// Source names the file the answer came from ("etc/os-release").
	Source string `json:"source,omitempty"`
}

// Sort orders packages deterministically: type, name, version, then first
// location. Reports depend on this order being stable.
func Sort(pkgs []Package) {
	slices.SortFunc(pkgs, func(a, b Package) int {
		if c := cmp.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Version, b.Version); c != 0 {
			return c
		}
		return cmp.Compare(firstPath(a), firstPath(b))
	})
}

func firstPath(p Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// Unknown is a file that a cataloger wanted but could not read; reports
// list these so that "could not assess" never looks like "clean".
type Unknown struct {
	Path        string `json:"path"`
	LayerDigest string `json:"layer_digest,omitempty"`
	Cataloger   string `json:"cataloger,omitempty"`
	Reason      string `json:"reason"`
}
