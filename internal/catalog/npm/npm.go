// Package npm catalogs Node.js packages: the package.json of every package
// installed under a node_modules tree, and the lock files of npm, Yarn and
// pnpm.
//
// # Data flow
//
// The cataloger is a [generic.Cataloger]: [route] sorts a path into one of
// five kinds by its name alone (see [classify]) and picks the kind's
// parser, which reads the file once as a stream, counting every package
// against the scan's record budget:
//
//	node_modules/**/package.json  ─▶ parsePackageJSON  (one installed package)
//	package.json elsewhere        ─▶ parsePackageJSON  (the project itself, Main)
//	package-lock.json             ─▶ parsePackageLock  (v1 tree, v2/v3 "packages")
//	npm-shrinkwrap.json           ─▶ parsePackageLock
//	yarn.lock                     ─▶ parseYarnLock     (v1 and Berry)
//	pnpm-lock.yaml                ─▶ parsePnpmLock     (v5, v6, v9)
//
// Every parser returns npm packages named as the registry names them (the
// real name of an aliased dependency, not its alias), de-duplicated within
// the file and sorted. Dev marks a package that a lock file reaches only
// through devDependencies; a package reached both ways is not Dev. The
// runner merges the same package found in a lock file and in the installed
// tree into one package with both locations.
//
// # What is left out, and why
//
//   - package.json files under node_modules that are not at a package's
//     root (test fixtures, sub-path manifests such as "lib/package.json")
//     are not installed packages: npm ls does not list them.
//   - Lock files under node_modules were published inside a package; they
//     describe how its author developed it, not what is installed.
//   - The project's own package.json (outside node_modules) is reported,
//     marked Main, only when it has both a name and a version: it is the
//     application the image runs, and it is what `npm ls` prints as its
//     root. Without a version it names nothing that advisories could
//     describe. Lock files' root entries are never reported, since the
//     manifest beside them already is.
//   - Debian installs its node packages under usr/share/nodejs and
//     usr/lib/nodejs; dpkg reports them, with Debian's versions and
//     backported fixes, so they are not npm packages here.
//   - Yarn v1's offline cache (.cache/yarn) holds node_modules/<name>
//     copies of every package ever downloaded; a cache is not an
//     installation.
//   - Dependencies that are links or workspaces (the project's own
//     sources), and lock entries whose version is a URL or a path rather
//     than a version, name nothing in the registry.
//   - node_modules/.package-lock.json (npm's hidden lock file) repeats the
//     installed package.json files, which are read directly.
package npm

import (
	"context"
	"path"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// New returns the Node.js cataloger.
func New() *generic.Cataloger { return generic.New("npm", "1", route) }

// kind is what a wanted file is.
type kind int

const (
	notWanted   kind = iota
	installed        // node_modules/<name>/package.json
	project          // package.json outside node_modules
	packageLock      // package-lock.json, npm-shrinkwrap.json
	yarnLock
	pnpmLockFile
)

// route picks the parser of a wanted file.
func route(p string) generic.Parser {
	switch classify(p) {
	case installed:
		return parseInstalled
	case project:
		return parseProject
	case packageLock:
		return parsePackageLock
	case yarnLock:
		return parseYarnLock
	case pnpmLockFile:
		return parsePnpmLock
	}
	return nil
}

func parseInstalled(_ context.Context, f *generic.File) ([]sbom.Package, error) {
	return one(parsePackageJSON(f, false))
}

func parseProject(_ context.Context, f *generic.File) ([]sbom.Package, error) {
	return one(parsePackageJSON(f, true))
}

func one(p sbom.Package, ok bool, err error) ([]sbom.Package, error) {
	if !ok {
		return nil, err
	}
	return []sbom.Package{p}, err
}

// classify decides from the path alone what a file is. It runs for every
// file of every layer, so the common case (a base name that is none of
// ours) returns after one comparison.
func classify(p string) kind {
	base := p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		base = p[i+1:]
	}
	var k kind
	switch base {
	case "package.json":
		k = project
	case "package-lock.json", "npm-shrinkwrap.json":
		k = packageLock
	case "yarn.lock":
		k = yarnLock
	case "pnpm-lock.yaml":
		k = pnpmLockFile
	default:
		return notWanted
	}
	if debianNode(p) || strings.HasPrefix(p, ".cache/yarn/") || strings.Contains(p, "/.cache/yarn/") {
		return notWanted
	}
	inModules := strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
	if !inModules {
		return k
	}
	if k != project {
		return notWanted // published inside a package
	}
	// Installed only at a package root: node_modules/<name>/package.json or
	// node_modules/@scope/<name>/package.json.
	dir := path.Dir(p)
	name := path.Base(dir)
	parent := path.Dir(dir)
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "@") {
		return notWanted
	}
	if path.Base(parent) == "node_modules" {
		return installed
	}
	if scope := path.Base(parent); len(scope) > 1 && scope[0] == '@' && path.Base(path.Dir(parent)) == "node_modules" {
		return installed
	}
	return notWanted
}

// debianNode reports whether p is under Debian's node module directories:
// usr/share/nodejs, usr/lib/nodejs or usr/lib/<multiarch triplet>/nodejs.
func debianNode(p string) bool {
	rest, ok := strings.CutPrefix(p, "usr/")
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, "share/nodejs/") || strings.HasPrefix(rest, "lib/nodejs/") {
		return true
	}
	rest, ok = strings.CutPrefix(rest, "lib/")
	if !ok {
		return false
	}
	_, after, ok := strings.Cut(rest, "/")
	return ok && strings.HasPrefix(after, "nodejs/")
}

// set collects the packages of one file (generic.Set: each once, Dev
// only if every listing is).
type set struct{ generic.Set }

func (s *set) add(name, version string, dev bool) {
	s.Add(sbom.Package{Name: name, Version: version, Type: sbom.NPM, Dev: dev})
}

func (s *set) sorted() []sbom.Package { return s.Sorted() }

// validName reports whether n can be an npm package name: "name" or
// "@scope/name", without path tricks. npm's own rules (validate-npm-package-
// name) are stricter about case and length for new packages, but old
// registry names break them, so only structure is checked.
func validName(n string) bool {
	if n == "" || len(n) > 214 || strings.ContainsAny(n, " \t\r\n\\") {
		return false
	}
	if n[0] == '@' {
		scope, name, ok := strings.Cut(n[1:], "/")
		return ok && scope != "" && name != "" && !strings.Contains(name, "/") &&
			scope[0] != '.' && name[0] != '.'
	}
	return !strings.Contains(n, "/") && n[0] != '.' && n[0] != '_'
}
