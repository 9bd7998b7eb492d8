// Package python catalogs Python distributions: those installed in an
// environment (their core metadata files) and those pinned by a project's
// lock files.
//
// # Data flow
//
// The cataloger is a [generic.Cataloger]: [route] sorts a path into a
// kind by its name alone ([classify]) and picks the kind's parser; lock
// files and requirements are read as streams, counting every entry against
// the scan's record budget:
//
//	*.dist-info/METADATA            ─▶ parseMetadata  (wheel installs)
//	*.egg-info/PKG-INFO, *.egg-info ─▶ parseMetadata  (setuptools installs,
//	*.egg/EGG-INFO/PKG-INFO                            directory and file forms)
//	poetry.lock                     ─▶ parsePoetryLock
//	Pipfile.lock                    ─▶ parsePipfileLock
//	requirements*.txt               ─▶ parseRequirements (exact pins only)
//
// Names are reported as the file writes them ("Jinja2", "PyYAML"); PURLs
// and advisory matching normalise them per PEP 503. Versions are as
// written, compared under PEP 440 by the matcher. Dev marks what a lock
// file puts in a development-only section (Pipfile.lock "develop", Poetry's
// "dev" category or non-main groups). The runner merges a distribution found
// installed and in a lock file into one package with both locations.
//
// Lock files inside an environment's site-packages or dist-packages were
// shipped inside some distribution (test data, vendored examples); they say
// nothing about what the image's project installs, so they are not read.
package python

import (
	"context"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// New returns the Python cataloger.
func New() *generic.Cataloger { return generic.New("python", "1", route) }

type kind int

const (
	notWanted kind = iota
	metadata       // core metadata of an installed distribution
	poetryLock
	pipfileLock
	requirements
)

// route picks the parser of a wanted file.
func route(p string) generic.Parser {
	switch classify(p) {
	case metadata:
		return parseMetadataFile
	case poetryLock:
		return parsePoetryLock
	case pipfileLock:
		return parsePipfileLock
	case requirements:
		return parseRequirements
	}
	return nil
}

// parseMetadataFile reads core metadata whole: it is one package's
// headers and description.
func parseMetadataFile(_ context.Context, f *generic.File) ([]sbom.Package, error) {
	data, err := f.ReadAll()
	if err != nil {
		return nil, err
	}
	p, err := parseMetadata(data)
	if err != nil {
		return nil, err
	}
	return []sbom.Package{p}, nil
}

// classify decides what a file is from its path. It runs for every file of
// every layer: the base name is checked first and settles most paths.
func classify(p string) kind {
	dir, base := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, base = p[:i], p[i+1:]
	}
	parent := dir
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		parent = dir[i+1:]
	}
	switch base {
	case "METADATA":
		if strings.HasSuffix(parent, ".dist-info") && len(parent) > len(".dist-info") {
			return metadata
		}
		return notWanted
	case "PKG-INFO":
		if (strings.HasSuffix(parent, ".egg-info") && len(parent) > len(".egg-info")) ||
			(parent == "EGG-INFO" && strings.HasSuffix(dir, ".egg/EGG-INFO")) {
			return metadata
		}
		return notWanted
	case "poetry.lock":
		return lockKind(p, poetryLock)
	case "Pipfile.lock":
		return lockKind(p, pipfileLock)
	}
	if strings.HasSuffix(base, ".egg-info") && len(base) > len(".egg-info") {
		return metadata // the single-file form distutils writes
	}
	if strings.HasSuffix(base, ".txt") && (strings.HasPrefix(base, "requirements") ||
		strings.HasSuffix(base, "-requirements.txt") || strings.HasSuffix(base, "_requirements.txt")) {
		return lockKind(p, requirements)
	}
	return notWanted
}

// lockKind is k unless p lies inside an installed environment or a
// node_modules tree.
func lockKind(p string, k kind) kind {
	for _, d := range []string{"site-packages/", "dist-packages/", "node_modules/"} {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return notWanted
		}
	}
	return k
}

// set collects the packages of one file by name (as PEP 503 compares them)
// and version; a package stays Dev only if every occurrence is.
type set struct{ generic.Set }

func (s *set) add(name, version string, dev bool) {
	if s.Key == nil {
		s.Key = func(name, version string) string { return sbom.NormalizePythonName(name) + "\x00" + version }
	}
	s.Add(sbom.Package{Name: name, Version: version, Type: sbom.Python, Dev: dev})
}

func (s *set) sorted() []sbom.Package { return s.Sorted() }

// validName reports whether n is a valid distribution name (PEP 508:
// ASCII letters and digits, with ".", "-" and "_" inside).
func validName(n string) bool {
	if n == "" || len(n) > 256 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || i == len(n)-1 || (c != '.' && c != '-' && c != '_')) {
			return false
		}
	}
	return true
}
