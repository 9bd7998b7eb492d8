// Package vercmp names the version orderings Bulwark knows and hands them
// out by scheme, so that matchers stay independent of any one ecosystem.
//
// Each ordering lives in its own package (dpkg, apk, rpm, gover, pep440, npm,
// maven) and exports Compare, a total order on all strings that follows the
// ecosystem's reference tool and says in its package documentation where
// invalid versions go, and Valid. This package maps scheme names to them:
//
//	"dpkg"    Debian and Ubuntu packages (dpkg)
//	"apk"     Alpine packages (apk-tools)
//	"rpm"     RPM packages (rpm's rpmvercmp on epoch:version-release)
//	"go"      Go modules and Go toolchain versions (x/mod/semver, x/vuln)
//	"semver"  SemVer 2.0 (OSV "SEMVER" ranges); the "go" ordering, which is
//	          SemVer 2.0 with an optional "v"
//	"pep440"  Python packages (pypa/packaging)
//	"npm"     npm packages (node-semver, loose)
//	"maven"   Maven artifacts (ComparableVersion)
//
// Package match maps advisory ecosystems ("PyPI", "Debian:12", …) to these.
package vercmp

import (
	"github.com/bulwark-sec/bulwark/internal/vercmp/apkver"
	"github.com/bulwark-sec/bulwark/internal/vercmp/dpkgver"
	"github.com/bulwark-sec/bulwark/internal/vercmp/gover"
	"github.com/bulwark-sec/bulwark/internal/vercmp/maven"
	"github.com/bulwark-sec/bulwark/internal/vercmp/npmver"
	"github.com/bulwark-sec/bulwark/internal/vercmp/pep440"
	"github.com/bulwark-sec/bulwark/internal/vercmp/rpmver"
)

// Comparer orders the versions of one scheme: Compare returns -1, 0 or +1
// as a sorts before, equal to or after b, for any strings.
type Comparer interface {
	Compare(a, b string) int
}

// Validator is the optional power of a Comparer to check a version.
type Validator interface {
	Valid(v string) error
}

// Scheme is a named ordering; it implements Comparer and Validator.
type Scheme struct {
	name    string
	compare func(a, b string) int
	valid   func(v string) error
}

var (
	_ Comparer  = (*Scheme)(nil)
	_ Validator = (*Scheme)(nil)
)

// Name is the scheme's name, as given to For.
func (s *Scheme) Name() string { return s.name }

// Compare orders a and b.
func (s *Scheme) Compare(a, b string) int { return s.compare(a, b) }

// Valid reports whether v is a valid version of the scheme.
func (s *Scheme) Valid(v string) error { return s.valid(v) }

var schemes = map[string]*Scheme{
	"dpkg":   {"dpkg", dpkgver.Compare, dpkgver.Valid},
	"apk":    {"apk", apkver.Compare, apkver.Valid},
	"rpm":    {"rpm", rpmver.Compare, rpmver.Valid},
	"go":     {"go", gover.Compare, gover.Valid},
	"semver": {"semver", gover.Compare, gover.Valid},
	"pep440": {"pep440", pep440.Compare, pep440.Valid},
	"npm":    {"npm", npmver.Compare, npmver.Valid},
	"maven":  {"maven", maven.Compare, maven.Valid},
}

// For returns the ordering of a scheme, or false for an unknown name.
func For(scheme string) (Comparer, bool) {
	s, ok := schemes[scheme]
	if !ok {
		return nil, false
	}
	return s, true
}

// Schemes lists the scheme names For knows, sorted.
func Schemes() []string {
	return []string{"apk", "dpkg", "go", "maven", "npm", "pep440", "rpm", "semver"}
}
