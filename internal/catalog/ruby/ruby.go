// Package ruby catalogs Ruby gems: the specifications RubyGems keeps for
// every installed gem, and Bundler's Gemfile.lock.
//
// # Data flow
//
// Wants picks files by path ([classify]); Parse reads one file, bounded by
// [maxFileSize], and hands it to its parser:
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
	"fmt"
	"io/fs"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxFileSize bounds what Parse reads; gemspecs are a few KiB and lock
// files rarely reach 100 KiB.
const maxFileSize = 16 << 20

// Cataloger reads gem specifications and Bundler lock files. The zero value
// is ready to use.
type Cataloger struct{}

var _ catalog.Cataloger = (*Cataloger)(nil)

// New returns a Ruby cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "ruby" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

type kind int

const (
	notWanted kind = iota
	specification
	gemfileLock
)

// Wants implements [catalog.Cataloger]. Files of any size are wanted so
// that an oversized one becomes an unknown instead of vanishing.
func (*Cataloger) Wants(p string, mode fs.FileMode, _ int64) bool {
	return mode.IsRegular() && classify(p) != notWanted
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

// Parse implements [catalog.Cataloger].
func (*Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	k := classify(f.Path())
	if k == notWanted {
		return nil, nil
	}
	data, err := catalog.ReadAll(f, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("ruby: %s: %w", f.Path(), err)
	}
	var pkgs []sbom.Package
	switch k {
	case specification:
		base := f.Path()[strings.LastIndexByte(f.Path(), '/')+1:]
		var p sbom.Package
		if p, err = parseGemspec(string(data), base); err == nil {
			pkgs = []sbom.Package{p}
		}
	case gemfileLock:
		pkgs, err = parseGemfileLock(ctx, data)
	}
	catalog.Locate(pkgs, f.Path())
	if err != nil {
		return pkgs, fmt.Errorf("ruby: %s: %w", f.Path(), err)
	}
	return pkgs, nil
}
