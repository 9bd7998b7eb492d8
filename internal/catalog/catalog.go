// Package catalog defines how ecosystems contribute package parsers, and
// runs them.
//
// # Data flow
//
// A layer walker (package layerfs) streams every entry of a layer once. For
// each regular file it asks every registered [Cataloger] whether it Wants the
// path; wanted files are handed to Parse as a [File] while the walker is
// positioned on them, so no file is read twice and nothing is unpacked.
// Parse returns the packages the file declares, with Locations holding the
// path only; the runner adds the layer digest and merges layers (whiteouts,
// overwrites) afterwards. Because a cataloger sees one file at a time, its
// results depend only on that file's bytes, which is what lets them be cached
// per layer (package layercache) under the cataloger's Version.
//
// A file that cannot be parsed is not fatal: Parse returns an error, and the
// runner records it as an [Unknown] at that path and carries on. An error
// wrapping a budget error (package budget) is: it stops the scan.
//
// Ecosystems that only parse files (lock files, manifests, metadata: npm,
// python, ruby, php, dotnet, Cargo.lock) build their Cataloger with package
// generic, which does the plumbing once: the route from path to parser,
// regular files only, the per-file byte budget, record counting and
// locations. The package databases (dpkg, apk, rpm) and the readers of
// binaries and archives (gobinary, java, cargo-auditable) implement
// Cataloger themselves.
package catalog

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// File is one regular file of a layer, positioned for reading.
type File interface {
	io.Reader
	// Path is clean, slash-separated and relative to the image root
	// ("var/lib/dpkg/status"); it never contains ".." or a leading "/".
	Path() string
	Size() int64
	Mode() fs.FileMode
	// ReaderAt gives random access to the whole file (zip archives, ELF
	// sections). It is cheap on seekable layers and directories; on
	// compressed streams it buffers the file, up to MaxRandomAccessSize.
	ReaderAt() (io.ReaderAt, error)
}

// MaxRandomAccessSize bounds the file size a stream-backed File buffers for
// ReaderAt (layerfs.MaxRandomAccessSize, which a test holds equal).
// Catalogers that need random access should not want larger files.
const MaxRandomAccessSize = 512 << 20

// Cataloger finds packages of one kind in single files.
type Cataloger interface {
	// Name is stable and unique ("dpkg", "apk", "rpm", "gobinary"…).
	Name() string
	// Version changes whenever the output for the same input changes; it is
	// part of the layer-cache key.
	Version() string
	// Wants is called for every regular file of every layer and must be
	// cheap. path follows the rules of File.Path.
	Wants(path string, mode fs.FileMode, size int64) bool
	// Parse returns the packages declared by f. Returned packages have
	// Locations with Path set (usually f.Path()); LayerDigest is the runner's.
	// PURLs are filled in by the runner once the distribution is known.
	Parse(ctx context.Context, f File) ([]sbom.Package, error)
}

// DatabaseReader is implemented by catalogers whose wanted files are
// package databases by their path (dpkg status, rpmdb, apk installed):
// reading one assesses the image even when it lists nothing. Files of other
// catalogers (any executable, say) count only when they yield packages.
type DatabaseReader interface {
	ReadsDatabases() bool
}

// Unknown is a file that a cataloger wanted but could not read (the data
// type lives with the other inventory data, in package sbom).
type Unknown = sbom.Unknown

// BytesFile is a [File] over an in-memory buffer, for tests and for content
// the runner has already buffered.
type BytesFile struct {
	Name    string
	Data    []byte
	FileMod fs.FileMode
	r       *bytes.Reader
}

// NewBytesFile returns a regular file with mode 0644 holding data.
func NewBytesFile(path string, data []byte) *BytesFile {
	return &BytesFile{Name: path, Data: data, FileMod: 0o644}
}

var _ File = (*BytesFile)(nil)

func (f *BytesFile) reader() *bytes.Reader {
	if f.r == nil {
		f.r = bytes.NewReader(f.Data)
	}
	return f.r
}

func (f *BytesFile) Read(p []byte) (int, error)     { return f.reader().Read(p) }
func (f *BytesFile) Path() string                   { return f.Name }
func (f *BytesFile) Size() int64                    { return int64(len(f.Data)) }
func (f *BytesFile) Mode() fs.FileMode              { return f.FileMod }
func (f *BytesFile) ReaderAt() (io.ReaderAt, error) { return bytes.NewReader(f.Data), nil }

// CheckNesting refuses input whose brackets ('[', '{') nest deeper than
// max. Recursive-descent parsers (TOML, some YAML and JSON decoders) use a
// stack frame per level, so a hostile manifest of a few megabytes of "["
// could otherwise exhaust the stack and kill the process; real lock files
// nest a handful of levels. Brackets inside strings are counted too, which
// only overestimates.
func CheckNesting(b []byte, max int) error {
	depth := 0
	for _, c := range b {
		switch c {
		case '[', '{':
			depth++
			if depth > max {
				return fmt.Errorf("brackets nest more than %d deep", max)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// Locate sets every package's location to the file at path.
func Locate(pkgs []sbom.Package, path string) {
	for i := range pkgs {
		pkgs[i].Locations = []sbom.Location{{Path: path}}
	}
}

// Records counts the records one database or lock file yields (packages,
// and entries skipped as malformed) against the scan's budget of package
// records per database (package budget: the default outside a scan).
// Catalogers count as they parse, so a hostile database stops being read
// at the limit instead of after filling memory.
type Records struct {
	limit, n int64
}

// NewRecords starts counting for one file.
func NewRecords(ctx context.Context) *Records {
	return &Records{limit: budget.From(ctx).Limits().Records}
}

// Add counts one more record and fails once there are more than the
// budget allows; the error wraps *budget.ExceededError.
func (r *Records) Add() error {
	if r.n++; r.n > r.limit {
		return &budget.ExceededError{Kind: budget.Records, Limit: r.limit}
	}
	return nil
}
