// Package generic is the cataloger of ecosystems that only parse files
// (lock files, manifests, metadata): an ecosystem supplies a router from
// paths to parser functions, as syft's generic.Cataloger does, and this
// package does the plumbing every such cataloger needs.
//
// # Data flow
//
//	layer walk ─Wants(path, mode)─▶ regular file, and the Router names a Parser
//	           ─Parse(f)──────────▶ size within the scan's file budget (--max-file-bytes)?
//	                                ─▶ *File: the bytes, at most Size, and a record
//	                                   counter on the scan's package budget (--max-records)
//	                                ─▶ Parser ─▶ packages located at f.Path()
//
// Files of any size are wanted, so that an oversized one is refused with
// the budget error (which stops the scan and names the flag that raises
// it) instead of vanishing. Parsers read f as a stream and call
// [File.Record] for every record they produce or skip, so a hostile file
// stops being read when the record budget runs out, with memory bounded
// by that budget rather than by the file. Errors come back as
// "<name>: <path>: <error>"; the runner turns them into unknowns unless
// they wrap a budget error or the end of the scan's context.
package generic

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/pathglob"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Parser reads one wanted file. Packages need no Locations: the cataloger
// sets them to the file's path. A parser returns the packages it could
// read together with an error naming what it skipped; an error wrapping a
// budget error or ctx's must be returned as it is, never folded into such
// a list.
type Parser func(ctx context.Context, f *File) ([]sbom.Package, error)

// Router returns the parser for a path, or nil for a path that is none of
// the ecosystem's files. It runs for every file of every layer and must be
// cheap: decide on the base name first.
type Router func(path string) Parser

// Route pairs a matcher with a parser, for [Routes].
type Route struct {
	Match Matcher
	Parse Parser
}

// Matcher reports whether a path is a route's.
type Matcher func(path string) bool

// Names matches paths whose base name is one of names.
func Names(names ...string) Matcher {
	set := make(map[string]struct{}, len(names))
	for _, n := range names {
		set[n] = struct{}{}
	}
	return func(p string) bool {
		_, ok := set[p[strings.LastIndexByte(p, '/')+1:]]
		return ok
	}
}

// Glob matches paths against patterns in [pathglob] syntax: path.Match,
// and "dir/**" for a directory and everything below it.
func Glob(patterns ...string) Matcher {
	return func(p string) bool {
		for _, pat := range patterns {
			if pathglob.Match(pat, p) {
				return true
			}
		}
		return false
	}
}

// Routes is a Router that tries rs in order.
func Routes(rs ...Route) Router {
	return func(p string) Parser {
		for _, r := range rs {
			if r.Match(p) {
				return r.Parse
			}
		}
		return nil
	}
}

// Cataloger implements [catalog.Cataloger] over a Router.
type Cataloger struct {
	name, version string
	route         Router
}

var _ catalog.Cataloger = (*Cataloger)(nil)

// New returns a cataloger called name, at version (see
// [catalog.Cataloger]), that parses what route picks.
func New(name, version string, route Router) *Cataloger {
	return &Cataloger{name: name, version: version, route: route}
}

// Name implements [catalog.Cataloger].
func (c *Cataloger) Name() string { return c.name }

// Version implements [catalog.Cataloger].
func (c *Cataloger) Version() string { return c.version }

// Wants implements [catalog.Cataloger]: regular files the router knows,
// whatever their size.
func (c *Cataloger) Wants(p string, mode fs.FileMode, _ int64) bool {
	return mode.IsRegular() && c.route(p) != nil
}

// Parse implements [catalog.Cataloger].
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	parse := c.route(f.Path())
	if parse == nil || !f.Mode().IsRegular() {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := budget.From(ctx)
	if err := b.Check(budget.FileBytes, f.Size()); err != nil {
		return nil, fmt.Errorf("%s: %s: %d bytes: %w", c.name, f.Path(), f.Size(), err)
	}
	gf := &File{
		r:       io.LimitReader(f, f.Size()),
		path:    f.Path(),
		size:    f.Size(),
		records: catalog.NewRecords(ctx),
	}
	pkgs, err := parse(ctx, gf)
	catalog.Locate(pkgs, f.Path())
	if err != nil {
		return pkgs, fmt.Errorf("%s: %s: %w", c.name, f.Path(), err)
	}
	return pkgs, nil
}

// File is what a [Parser] reads: the file's bytes as a stream, and the
// scan's count of package records.
type File struct {
	r       io.Reader
	path    string
	size    int64
	records *catalog.Records
}

// NewFile is a File over r for parsers run outside a cataloger (tests,
// fuzz targets), counting records against ctx's budget.
func NewFile(ctx context.Context, path string, r io.Reader, size int64) *File {
	return &File{r: r, path: path, size: size, records: catalog.NewRecords(ctx)}
}

// Read reads the file's bytes.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Path is the file's path in the image (see [catalog.File]).
func (f *File) Path() string { return f.path }

// Size is the file's size in bytes.
func (f *File) Size() int64 { return f.size }

// Record counts one record (a package, or an entry skipped as malformed)
// and fails once the file holds more than the scan's budget allows; the
// error wraps *budget.ExceededError and must be returned as it is.
func (f *File) Record() error { return f.records.Add() }

// ReadAll reads the whole file, for formats that cannot be read as a
// stream (one package's metadata, a manifest); the file budget bounds it.
func (f *File) ReadAll() ([]byte, error) {
	var b bytes.Buffer
	if f.size > 0 && f.size <= budget.DefaultFileBytes {
		b.Grow(int(f.size) + bytes.MinRead) // no doubling for a known size
	}
	if _, err := b.ReadFrom(f.r); err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return b.Bytes(), nil
}

// FromBytes is a File over data with the default budgets, for tests and
// fuzz targets of parsers.
func FromBytes(path string, data []byte) *File {
	return NewFile(context.Background(), path, bytes.NewReader(data), int64(len(data)))
}
