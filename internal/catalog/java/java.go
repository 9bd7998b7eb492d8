// Package java catalogs the Maven artifacts packaged in Java archives (jar,
// war, ear, and the jpi/hpi/par/sar plugin and service variants), including
// archives nested in other archives.
//
// # Data flow
//
// Wants picks regular files by extension. Parse opens the file as a zip
// through its io.ReaderAt and walks it (archive.go):
//
//  1. Every META-INF/maven/**/pom.properties gives one artifact
//     (groupId:artifactId at version). These files are written by Maven
//     itself and are the authoritative source; a fat jar that carries
//     several of them yields several packages.
//  2. The main section of META-INF/MANIFEST.MF (manifest.go) names the
//     archive itself: Implementation-Vendor-Id as the group,
//     Implementation-Title or Bundle-SymbolicName as the artifact,
//     Implementation-Version or Bundle-Version as the version. What the
//     manifest lacks comes from the file name (splitFileName,
//     "artifact-1.2.3.jar"). This weaker identity is reported only when no
//     pom.properties already names the archive: when there is none, or
//     when those there describe only what a shaded jar bundles.
//  3. Nested archives (WEB-INF/lib/*.jar in a war, a war in an ear,
//     BOOT-INF/lib/*.jar in a Spring Boot jar) are walked the same way.
//     A stored entry is read in place through the outer file; a compressed
//     one is inflated into memory, within [Limits].
//
// Each [Artifact] records the [Evidence] that named it. A zip that has no
// class files, no META-INF and no nested Java archive is not a Java archive
// and yields nothing, without error; an archive for which no evidence gives
// a version yields nothing either, as a package without a version can be
// neither matched nor trusted.
//
// # Names and locations
//
// Package.Name is "groupId:artifactId", which is how OSV's Maven ecosystem
// names packages and what sbom.PURL splits into the purl's namespace and
// name. When no evidence gives a group (manifest or file name only), Name is
// the bare artifact id: such a package is reported but never matches an
// advisory, since nothing says which group published it.
//
// Location.Path is the path of the file in the image for artifacts read
// from the file itself. For an archive nested inside it, the inner path is
// appended after "!/", the separator of Java's own jar: URLs, once per
// level: "srv/app.ear!/web.war!/WEB-INF/lib/guava-31.1-jre.jar". The part
// before the first "!/" is always the image file that holds the bytes.
//
// # Bounds
//
// Archives come from untrusted images, so the walk is bounded (see
// [Limits]): nesting depth, the number of archives and entries, the size of
// each small file and nested archive inflated, the total inflated per image
// file, and the total bytes read from it. Hitting a bound stops that part
// of the walk with an error, and the artifacts found so far are returned
// with it.
package java

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// minZipSize is the size of an empty zip (its end-of-directory record).
const minZipSize = 22

// Evidence says which data named an artifact.
type Evidence string

// The kinds of evidence, strongest first.
const (
	// EvidencePOM: groupId, artifactId and version from pom.properties.
	EvidencePOM Evidence = "pom.properties"
	// EvidenceManifest: name and version from MANIFEST.MF.
	EvidenceManifest Evidence = "MANIFEST.MF"
	// EvidenceManifestFileName: one of name and version from MANIFEST.MF,
	// the other from the file name.
	EvidenceManifestFileName Evidence = "MANIFEST.MF+file name"
	// EvidenceFileName: name and version from the file name alone.
	EvidenceFileName Evidence = "file name"
)

// Artifact is one Java package found in an archive.
type Artifact struct {
	GroupID    string // empty when no evidence names a group
	ArtifactID string
	Version    string
	Evidence   Evidence
	// Path is the location: the image path, then "!/"-joined inner paths
	// for nested archives.
	Path string
}

// Name is "groupId:artifactId", or the artifact id alone without a group.
func (a *Artifact) Name() string {
	if a.GroupID == "" {
		return a.ArtifactID
	}
	return a.GroupID + ":" + a.ArtifactID
}

// Package converts a to an inventory package.
func (a *Artifact) Package() sbom.Package {
	return sbom.Package{
		Name: a.Name(), Version: a.Version, Type: sbom.Java,
		Locations: []sbom.Location{{Path: a.Path}},
	}
}

// Cataloger reads Java archives. The zero value is ready to use and applies
// [DefaultLimits].
type Cataloger struct {
	// Limits overrides DefaultLimits field by field (zero fields keep the
	// default).
	Limits Limits
}

// New returns a Java archive cataloger with the default limits.
func New() *Cataloger { return &Cataloger{} }

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "java" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

// archiveExts are the zip-based Java archive kinds: jar, war (web), ear
// (enterprise), jpi and hpi (Jenkins plugins), par (JBoss/Spring
// persistence and plan archives) and sar (JBoss service archives).
var archiveExts = []string{".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar"}

// isArchiveName reports whether name ends in a Java archive extension, in
// any letter case.
func isArchiveName(name string) bool {
	if len(name) < 5 || name[len(name)-4] != '.' {
		return false
	}
	ext := name[len(name)-4:]
	for _, e := range archiveExts {
		if strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}

// Wants implements [catalog.Cataloger]: regular files named like a Java
// archive, no larger than what the walker buffers for random access.
func (*Cataloger) Wants(path string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && size >= minZipSize && size <= catalog.MaxRandomAccessSize && isArchiveName(path)
}

// Parse implements [catalog.Cataloger].
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	ra, err := f.ReaderAt()
	if err != nil {
		return nil, fmt.Errorf("java: opening %s: %w", f.Path(), err)
	}
	arts, err := c.Read(ctx, ra, f.Size(), f.Path())
	var pkgs []sbom.Package
	for i := range arts {
		pkgs = append(pkgs, arts[i].Package())
	}
	sbom.Sort(pkgs)
	return pkgs, err
}
