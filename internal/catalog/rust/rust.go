// Package rust catalogs Rust crates from Cargo.lock files and from the
// dependency lists that cargo-auditable embeds in executables.
//
// # Data flow
//
// Wants picks files named Cargo.lock, and executable files of a plausible
// size. Parse dispatches on the name (Cargo.lock through a
// [generic.Cataloger], which bounds and counts it like every lock file):
//
//   - Cargo.lock (lock.go) is TOML, read one table at a time: every [[package]] table (and the
//     [root] table of the oldest v1 files) gives one crate with its name,
//     version and source. The v1 to v4 formats differ only in what they
//     keep beside those three keys (checksums, dependency spellings), so
//     one reader serves them all.
//   - An executable (auditable.go) is searched for the ".dep-v0" section
//     cargo-auditable adds (ELF and PE ".dep-v0", Mach-O "__DATA,.dep-v0",
//     universal Mach-O per architecture). The section is zlib-compressed
//     JSON, {"packages":[{"name","version","source","kind","dependencies",
//     "root"}]}; each entry gives one crate. Executables without the
//     section are skipped without error.
//
// # Local crates
//
// A crate without a registry source (no "source" key in Cargo.lock,
// "source": "local" in audit data) is built from the project's own files:
// a workspace member or a path dependency. Its name says nothing about
// which published code it holds, so it must not be matched against
// crates.io advisories. Such crates are reported with Main set, the mark
// of the application's own code. Crates from git repositories and from
// other registries keep their names and are matched like crates.io ones.
//
// Build-only dependencies (cargo-auditable "kind": "build") are reported
// with Dev set; Cargo.lock does not tell them apart.
package rust

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// minExeSize is well below the smallest Rust executable (a stripped
// "hello world" is about 300 KiB); it only keeps scripts out.
const minExeSize = 4 << 10

// Cataloger reads Cargo.lock files (through a [generic.Cataloger], which
// bounds and counts them) and cargo-auditable data.
type Cataloger struct {
	lock *generic.Cataloger
}

// New returns a Rust cataloger.
func New() *Cataloger {
	return &Cataloger{lock: generic.New("rust", "1", generic.Routes(generic.Route{Match: generic.Names("Cargo.lock"), Parse: parseLock}))}
}

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "rust" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

// Wants implements [catalog.Cataloger].
func (c *Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	if !mode.IsRegular() {
		return false
	}
	if path.Base(p) == "Cargo.lock" {
		return c.lock.Wants(p, mode, size)
	}
	return mode.Perm()&0o111 != 0 && size >= minExeSize && size <= catalog.MaxRandomAccessSize
}

// Parse implements [catalog.Cataloger].
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	if path.Base(f.Path()) == "Cargo.lock" {
		return c.lock.Parse(ctx, f)
	}
	var head [8]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || sniff(head[:]) == notExe {
		return nil, nil
	}
	ra, err := f.ReaderAt()
	if err != nil {
		return nil, fmt.Errorf("rust: opening %s: %w", f.Path(), err)
	}
	pkgs, err := ReadBinary(ctx, ra, f.Size(), f.Path())
	if err != nil {
		err = fmt.Errorf("rust: reading %s: %w", f.Path(), err)
	}
	return pkgs, err
}
