// Package ruby catalogs Ruby gems: the specifications RubyGems keeps for
// every installed gem, and Bundler's Gemfile.lock.
//
// # Data flow
//
// The cataloger is a [generic.Cataloger]: [route] picks a parser by path
// ([classify]); Gemfile.lock is read line by line, each gem counted
// against the scan's record budget:
//
//	…/specifications/*.gemspec          ─▶ parseGemspec   (one installed gem)
//	…/specifications/default/*.gemspec  ─▶ parseGemspec   (Ruby's default gems)
//	Gemfile.lock, gems.locked           ─▶ parseGemfileLock
//
// A gemspec is Ruby code. It is never evaluated: a tokenizer (lexer.go)
// that knows all of Ruby's literal syntaxes finds the literal values
// assigned to name, version, licenses and platform. Gems built for one
// platform ("x86_64-linux") carry it as Arch, from the spec or from the
// lock file's "name (version-platform)", so the two merge into one package.
//
// Gemfile.lock records no groups, so Dev is never set. Lock files and
// specifications inside an installed gem's own folder (…/gems/<name>-<version>/)
// were published with the gem and describe its author's setup, not the
// image; they are not read.
package ruby

import (
	"context"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// New returns the Ruby cataloger.
func New() *generic.Cataloger { return generic.New("ruby", "1", route) }

type kind int

const (
	notWanted kind = iota
	specification
	gemfileLock
)

// route picks the parser of a wanted file.
func route(p string) generic.Parser {
	switch classify(p) {
	case specification:
		return parseGemspecFile
	case gemfileLock:
		return parseGemfileLock
	}
	return nil
}

// parseGemspecFile reads a specification whole: it is one gem's.
func parseGemspecFile(_ context.Context, f *generic.File) ([]sbom.Package, error) {
	data, err := f.ReadAll()
	if err != nil {
		return nil, err
	}
	p, err := parseGemspec(string(data), f.Path()[strings.LastIndexByte(f.Path(), '/')+1:])
	if err != nil {
		return nil, err
	}
	return []sbom.Package{p}, nil
}

func classify(p string) kind {
	dir, base := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, base = p[:i], p[i+1:]
	}
	var k kind
	switch {
	case base == "Gemfile.lock" || base == "gems.locked":
		k = gemfileLock
	case strings.HasSuffix(base, ".gemspec") && len(base) > len(".gemspec"):
		if dir != "specifications" && !strings.HasSuffix(dir, "/specifications") &&
			dir != "specifications/default" && !strings.HasSuffix(dir, "/specifications/default") {
			return notWanted
		}
		k = specification
	default:
		return notWanted
	}
	if insideGem(dir) {
		return notWanted
	}
	return k
}

// insideGem reports whether dir lies in an unpacked gem: a "gems" folder's
// child named <name>-<version>.
func insideGem(dir string) bool {
	for {
		i := strings.Index(dir, "gems/")
		if i < 0 {
			return false
		}
		if i == 0 || dir[i-1] == '/' {
			rest := dir[i+len("gems/"):]
			child, _, _ := strings.Cut(rest, "/")
			if j := strings.LastIndexByte(child, '-'); j > 0 && j+1 < len(child) && isDigit(child[j+1]) {
				return true
			}
		}
		dir = dir[i+len("gems/"):]
	}
}
