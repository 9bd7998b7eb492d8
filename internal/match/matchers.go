package match

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// DefaultMatchers returns the built-in matchers.
func DefaultMatchers() []Matcher {
	return []Matcher{distroMatcher{}, langMatcher{}}
}

// distroMatcher looks distribution packages up by source package and
// source version in the release the image runs: Debian's and Alpine's
// advisories name source packages, and a fix is a source upload.
type distroMatcher struct{}

func (distroMatcher) Name() string { return "distro" }

func (distroMatcher) Query(p *sbom.Package, d *sbom.Distro) (Query, bool) {
	if d == nil {
		return Query{}, false
	}
	name, ver := p.Name, p.Version
	if p.SourceName != "" {
		name = p.SourceName
	}
	if p.SourceVersion != "" {
		ver = p.SourceVersion
	}
	switch p.Type {
	case sbom.Deb:
		eco := debianEcosystem(d)
		if eco == "" {
			return Query{}, false
		}
		return Query{Ecosystem: eco, Package: name, Version: ver, Scheme: "dpkg"}, true
	case sbom.APK:
		if d.ID != "alpine" {
			return Query{}, false
		}
		parts := strings.SplitN(d.VersionID, ".", 3)
		if len(parts) < 2 {
			return Query{}, false
		}
		return Query{Ecosystem: "Alpine:v" + parts[0] + "." + parts[1], Package: name, Version: p.Version, Scheme: "apk"}, true
	case sbom.RPM:
		eco := rpmEcosystem(d)
		if eco == "" {
			return Query{}, false
		}
		return Query{Ecosystem: eco, Package: name, Version: p.Version, Scheme: "rpm"}, true
	}
	return Query{}, false
}

func debianEcosystem(d *sbom.Distro) string {
	switch d.ID {
	case "debian":
		if d.VersionID != "" {
			major, _, _ := strings.Cut(d.VersionID, ".")
			return "Debian:" + major
		}
		if eco, ok := debian.Ecosystem(d.Codename); ok {
			return eco
		}
	case "ubuntu":
		if d.VersionID != "" {
			return "Ubuntu:" + d.VersionID
		}
	}
	return ""
}

func rpmEcosystem(d *sbom.Distro) string {
	major, _, _ := strings.Cut(d.VersionID, ".")
	switch d.ID {
	case "rhel", "centos":
		return "Red Hat:" + major
	case "almalinux":
		return "AlmaLinux:" + major
	case "rocky":
		return "Rocky Linux:" + major
	case "opensuse-leap":
		return "openSUSE:" + d.VersionID
	}
	return ""
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
