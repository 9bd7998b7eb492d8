// Package rpm catalogs the packages recorded in an rpm database.
//
// # Data flow
//
// rpm has kept its database in three formats, all under var/lib/rpm/ or
// usr/lib/sysimage/rpm/:
//
//   - rpmdb.sqlite: SQLite, rpm ≥ 4.16 (Fedora 33+, RHEL 9);
//   - Packages: a Berkeley DB hash database (RHEL/CentOS ≤ 8, Amazon Linux 2);
//   - Packages.db: rpm's own "ndb" store (openSUSE/SLE 15.3+).
//
// Each holds one rpm header blob per installed package. Parse picks the
// reader by file name (sqlite.go, bdb.go, ndb.go), each of which walks the
// database through the file's io.ReaderAt and hands every blob to the header
// parser (header.go); the header gives name, epoch, version, release,
// architecture, source rpm and licence. gpg-pubkey pseudo-packages (imported
// signing keys) are dropped. Results are sorted.
//
// The readers are written here rather than taken from a library: the
// available Go rpmdb readers open databases by path (which would mean
// copying every database out of the layer into a temporary file) and the
// SQLite one drags in a full SQL engine to read one table. The formats are
// small and documented; every size and offset read from the file is checked
// against the bytes present, every page chain is guarded against cycles, and
// each reader and the header parser are fuzzed.
//
// A header that does not parse is skipped; Parse then returns the packages
// it could read together with an error naming the skipped ones. A damaged
// database structure is an error with no packages.
package rpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	pathpkg "path"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxDBSize is what the layer walker can offer for random access; the
// largest real databases (a full RHEL workstation) are a few hundred MiB.
const maxDBSize = catalog.MaxRandomAccessSize

// Cataloger reads rpm databases. The zero value is ready to use.
type Cataloger struct{}

// New returns an rpm cataloger.
func New() *Cataloger { return &Cataloger{} }

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "rpm" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "2" }

type reader func(r io.ReaderAt, size int64, fn func(blob []byte) error) error

// readerFor returns the database reader for an image path, or nil.
func readerFor(path string) reader {
	dir, file := pathpkg.Split(path)
	if dir != "var/lib/rpm/" && dir != "usr/lib/sysimage/rpm/" {
		return nil
	}
	switch file {
	case "rpmdb.sqlite":
		return readSQLite
	case "Packages":
		return readBDB
	case "Packages.db":
		return readNDB
	}
	return nil
}

// Wants implements [catalog.Cataloger].
func (*Cataloger) Wants(path string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && size > 0 && size <= maxDBSize && readerFor(path) != nil
}

// HeaderError describes a package header that Parse skipped.
type HeaderError struct {
	Index int // position of the header in the database, from 0
	Err   error
}

func (e *HeaderError) Error() string {
	return fmt.Sprintf("rpm: header %d skipped: %v", e.Index, e.Err)
}

func (e *HeaderError) Unwrap() error { return e.Err }

// Parse implements [catalog.Cataloger].
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	read := readerFor(f.Path())
	if read == nil {
		return nil, fmt.Errorf("rpm: %s is not an rpm database", f.Path())
	}
	if f.Size() > maxDBSize {
		return nil, fmt.Errorf("rpm: %s: %d bytes, more than the %d accepted", f.Path(), f.Size(), maxDBSize)
	}
	ra, err := f.ReaderAt()
	if err != nil {
		return nil, fmt.Errorf("rpm: opening %s: %w", f.Path(), err)
	}
	pkgs, err := readPackages(ctx, read, ra, f.Size(), f.Path())
	if err != nil && pkgs == nil {
		return nil, fmt.Errorf("rpm: reading %s: %w", f.Path(), err)
	}
	return pkgs, err
}

// readPackages turns every header of a database into a package. The error
// is either fatal (no packages) or joins HeaderErrors for skipped headers.
func readPackages(ctx context.Context, read reader, r io.ReaderAt, size int64, path string) ([]sbom.Package, error) {
	var (
		pkgs    []sbom.Package
		skipped []error
		index   int
		records = catalog.NewRecords(ctx)
	)
	err := read(r, size, func(blob []byte) error {
		defer func() { index++ }()
		if index%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := records.Add(); err != nil {
			return err
		}
		h, err := parseHeader(blob)
		if err != nil {
			skipped = append(skipped, &HeaderError{Index: index, Err: err})
			return nil
		}
		if h.name == "gpg-pubkey" {
			return nil // an imported signing key, not software
		}
		p := sbom.Package{
			Name:      h.name,
			Version:   h.evr(),
			Type:      sbom.RPM,
			Arch:      h.arch,
			Locations: []sbom.Location{{Path: path}},
		}
		if h.license != "" {
			// rpm licences are free text ("GPLv2+ and BSD") or SPDX
			// expressions; either way they are kept whole.
			p.License = []string{h.license}
		}
		if name, version, ok := splitSourceRPM(h.sourceRPM); ok {
			p.SourceName, p.SourceVersion = name, version
			// The source rpm's file name has no epoch; rpmbuild gives
			// every binary package its source's, and advisories compare it.
			if h.epoch >= 0 {
				p.SourceVersion = fmt.Sprintf("%d:%s", h.epoch, version)
			}
		}
		if name, stream, ok := moduleStream(h.modularityLabel); ok {
			p.Module = name + ":" + stream
		}
		pkgs = append(pkgs, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sbom.Sort(pkgs)
	return pkgs, errors.Join(skipped...)
}

// moduleStream reads "nodejs:18:8080020230822150807:63b34585" into its
// module name and stream.
func moduleStream(label string) (name, stream string, ok bool) {
	name, rest, ok := strings.Cut(label, ":")
	if !ok || name == "" {
		return "", "", false
	}
	stream, _, _ = strings.Cut(rest, ":")
	return name, stream, stream != ""
}

// ReadsDatabases marks rpmdb files as package databases.
func (*Cataloger) ReadsDatabases() bool { return true }

var _ catalog.DatabaseReader = (*Cataloger)(nil)
