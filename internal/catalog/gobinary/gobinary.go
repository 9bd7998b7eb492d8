// Package gobinary catalogs the modules compiled into Go executables and the
// functions each of them contributes.
//
// # Data flow
//
// Wants picks regular files with an execute bit and a plausible size. Parse
// looks at the first bytes (ELF, Mach-O or PE, anything else is skipped
// without error), then reads through the file's io.ReaderAt only what it
// needs:
//
//  1. debug/buildinfo finds the build information blob (the toolchain
//     version, the main module and every dependency with its `=>`
//     replacement). It reads a few KiB and is the standard library's own
//     reader, so there is nothing to gain from doing it by hand.
//  2. The PC/line table (pclntab.go) lists every function the linker kept,
//     even in stripped binaries; with the runtime's module data it also
//     gives the functions inlined into them.
//  3. Each function name becomes an "importpath.Symbol" (symbols.go) and is
//     attributed to the module whose path is its longest prefix, or to the
//     standard library.
//
// The result is one go-module package per module (the main module marked
// Main), plus one golang-stdlib package "stdlib" whose version is the
// toolchain's ("1.22.3"), each with its sorted Symbols. A binary whose symbol
// table cannot be read still yields its modules, with Symbols empty
// (unknown).
package gobinary

import (
	"context"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

const (
	// minSize is below the smallest Go executable (about 1 MiB); the bound
	// only keeps Wants from accepting shell scripts and stubs.
	minSize = 16 << 10
	// maxSize is what the layer walker buffers for random access.
	maxSize = catalog.MaxRandomAccessSize
)

// Cataloger reads Go executables. The zero value is ready to use.
type Cataloger struct{}

// New returns a Go binary cataloger.
func New() *Cataloger { return &Cataloger{} }

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "gobinary" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "2" }

// Wants implements [catalog.Cataloger]: executable regular files of a size a
// Go program can have.
func (*Cataloger) Wants(_ string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && mode.Perm()&0o111 != 0 && size >= minSize && size <= maxSize
}

// Parse implements [catalog.Cataloger]. Files that are not Go executables
// give no packages and no error.
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	if f.Size() > maxSize {
		return nil, nil
	}
	var head [16]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return nil, nil // too short to be an executable
	}
	kind := sniff(head[:])
	if kind == notExe {
		return nil, nil
	}
	ra, err := f.ReaderAt()
	if err != nil {
		return nil, fmt.Errorf("gobinary: opening %s: %w", f.Path(), err)
	}
	pkgs, err := Read(ctx, ra, f.Size(), f.Path())
	if err != nil {
		return nil, fmt.Errorf("gobinary: reading %s: %w", f.Path(), err)
	}
	return pkgs, nil
}

// Read returns the packages of the Go executable r of the given size, with
// path as their location. It returns nothing (and no error) for an
// executable that carries no Go build information.
func Read(ctx context.Context, r io.ReaderAt, size int64, path string) ([]sbom.Package, error) {
	kind := notExe
	var head [16]byte
	if n, _ := r.ReadAt(head[:], 0); n == len(head) {
		kind = sniff(head[:])
	}
	if kind == notExe {
		return nil, nil
	}
	if kind == elfExe && !maybeGoELF(r) {
		return nil, nil
	}
	bi, err := buildinfo.Read(r)
	if err != nil {
		// Most executables in an image are not Go programs; that is not
		// worth an unknown.
		slog.DebugContext(ctx, "gobinary: no Go build information", "path", path, "err", err)
		return nil, nil
	}

	goVersion := bi.GoVersion
	platform := platformOf(bi)
	loc := []sbom.Location{{Path: path}}
	var pkgs []sbom.Package
	// byPath maps the module path that function names use (the original,
	// not the replacement) to the package that receives its symbols.
	byPath := map[string]int{}
	add := func(modPath string, p sbom.Package) {
		if _, dup := byPath[modPath]; dup && modPath != "" {
			return
		}
		byPath[modPath] = len(pkgs)
		pkgs = append(pkgs, p)
	}
	if bi.Main.Path != "" {
		add(bi.Main.Path, sbom.Package{
			Name: bi.Main.Path, Version: bi.Main.Version, Type: sbom.GoModule,
			GoVersion: goVersion, Platform: platform, Main: true, Locations: loc,
		})
	}
	for _, d := range bi.Deps {
		if d == nil || d.Path == "" {
			continue
		}
		// What is compiled in is the replacement's code: report its path
		// and version. A replacement by a local directory keeps the
		// directory ("../fork") and "(devel)": no advisory names it, which
		// is right, since nothing says which upstream code it holds.
		name, version := d.Path, d.Version
		if d.Replace != nil {
			name, version = d.Replace.Path, d.Replace.Version
		}
		add(d.Path, sbom.Package{
			Name: name, Version: version, Type: sbom.GoModule,
			GoVersion: goVersion, Platform: platform, Locations: loc,
		})
	}
	stdlib := len(pkgs)
	pkgs = append(pkgs, sbom.Package{
		Name: "stdlib", Version: stdlibVersion(goVersion), Type: sbom.GoStdlib,
		GoVersion: goVersion, Platform: platform, Locations: loc,
	})

	syms, err := functionNames(ctx, r, size, kind)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		// Modules without symbols are still worth reporting: reachability
		// then stays unknown, which matchers treat as reachable.
		slog.DebugContext(ctx, "gobinary: no symbols", "path", path, "err", err)
	default:
		attribute(pkgs, byPath, stdlib, bi.Main.Path, syms)
	}
	for i := range pkgs {
		slices.Sort(pkgs[i].Symbols)
		pkgs[i].Symbols = slices.Compact(pkgs[i].Symbols)
	}
	sbom.Sort(pkgs)
	return pkgs, nil
}

// platformOf returns "GOOS/GOARCH" from the build settings, or "" when the
// binary does not record them (toolchains before Go 1.18).
func platformOf(bi *buildinfo.BuildInfo) string {
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos == "" || goarch == "" {
		return ""
	}
	return goos + "/" + goarch
}

// stdlibVersion turns "go1.22.3" (possibly followed by build settings such
// as " X:boringcrypto") into "1.22.3". Development toolchains ("devel
// go1.23-abcdef") are kept whole, as no version order applies to them.
func stdlibVersion(v string) string {
	if strings.HasPrefix(v, "devel") {
		return v
	}
	v, _, _ = strings.Cut(v, " ")
	return strings.TrimPrefix(v, "go")
}

// functionNames returns every function name in the PC/line table, inlined
// ones included when the module data can be found.
func functionNames(ctx context.Context, r io.ReaderAt, size int64, kind format) ([]string, error) {
	img, err := openImage(r, size, kind)
	if err != nil {
		return nil, err
	}
	t, addr, err := img.loadPclntab()
	if err != nil {
		return nil, err
	}
	gofunc := img.gofunc(t, addr)
	var names []string
	var ctxErr error
	t.names(gofunc, func(n string) bool {
		if len(names)%8192 == 0 {
			if ctxErr = ctx.Err(); ctxErr != nil {
				return false
			}
		}
		names = append(names, n)
		return true
	})
	return names, ctxErr
}

// attribute adds each function to the package of the module whose path is
// the longest prefix of its import path, or to the standard library.
// Package main belongs to the main module.
func attribute(pkgs []sbom.Package, byPath map[string]int, stdlib int, mainPath string, names []string) {
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	own := newOwner(paths)
	cache := map[string]int{} // import path -> package index, -1 for none
	for _, n := range names {
		pkg, sym, ok := symbol(n)
		if !ok {
			continue
		}
		idx, seen := cache[pkg]
		if !seen {
			idx = -1
			switch {
			case pkg == "main":
				// Package main is the main module's; without one (a
				// build of loose files) it belongs to no module.
				if mainPath != "" {
					idx = byPath[mainPath]
				}
			case own.of(pkg) != "":
				idx = byPath[own.of(pkg)] // cached per import path
			case isStdlib(pkg):
				idx = stdlib
			}
			cache[pkg] = idx
		}
		if idx >= 0 {
			pkgs[idx].Symbols = append(pkgs[idx].Symbols, pkg+"."+sym)
		}
	}
}

// maybeGoELF rules out ELF files that cannot be Go programs before
// debug/buildinfo searches them: without a .go.buildinfo section it scans
// the whole writable data segment for the build-info magic, which on a
// typical distribution image means reading megabytes of C libraries for
// nothing. Every Go toolchain since 1.13 emits the section and strip keeps
// it; files without section headers at all (sstrip) still get the search.
func maybeGoELF(r io.ReaderAt) bool {
	f, err := elf.NewFile(r)
	if err != nil {
		return true // let buildinfo decide and report
	}
	if len(f.Sections) == 0 {
		return true
	}
	for _, s := range f.Sections {
		switch s.Name {
		case ".go.buildinfo", ".gopclntab", ".note.go.buildid":
			return true
		}
	}
	return false
}
