// Package apk catalogs the packages that Alpine's package manager recorded as
// installed.
//
// # Data flow
//
// The walker hands over lib/apk/db/installed (usr/lib/apk/db/installed on
// images where apk keeps its database under /usr). The file is a sequence of
// stanzas separated by blank lines; each line is a one-letter field, a colon
// and a value ("P:busybox", "V:1.36.1-r15"). Parse streams it line by line,
// turns each stanza into one [sbom.Package] of type apk (name P, version V,
// arch A, source name o, licences L) and returns them sorted.
//
// A stanza without a name or version, or with a line that is not "X:value",
// is skipped; Parse then returns the packages it could read together with an
// error naming every skipped stanza by line, so that the runner can record
// the file as partly unknown without losing the rest.
package apk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxDBSize bounds the database Parse accepts. A full Alpine desktop with
// every file listed stays under a few MiB.
const maxDBSize = 64 << 20

// maxLine bounds one line; apk itself writes no line longer than a
// dependency list.
const maxLine = 1 << 20

// Cataloger reads the apk installed database. The zero value is ready to use.
type Cataloger struct{}

// New returns an apk cataloger.
func New() *Cataloger { return &Cataloger{} }

var _ catalog.Cataloger = (*Cataloger)(nil)

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "apk" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

// Wants implements [catalog.Cataloger].
func (*Cataloger) Wants(path string, mode fs.FileMode, size int64) bool {
	if !mode.IsRegular() || size > maxDBSize {
		return false
	}
	return path == "lib/apk/db/installed" || path == "usr/lib/apk/db/installed"
}

// StanzaError describes a stanza that Parse skipped.
type StanzaError struct {
	Line   int // first line of the stanza, counting from 1
	Reason string
}

func (e *StanzaError) Error() string {
	return fmt.Sprintf("apk: stanza at line %d skipped: %s", e.Line, e.Reason)
}

// Parse implements [catalog.Cataloger].
func (c *Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	if f.Size() > maxDBSize {
		return nil, fmt.Errorf("apk: reading %s: database is %d bytes, more than the %d accepted", f.Path(), f.Size(), maxDBSize)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)

	var (
		pkgs    []sbom.Package
		skipped []error
		cur     stanza
		lineNo  int
		records = catalog.NewRecords(ctx)
		over    error
	)
	flush := func() {
		if cur.start == 0 {
			return
		}
		if over = records.Add(); over != nil {
			return
		}
		p, err := cur.pkg(f.Path())
		if err != nil {
			skipped = append(skipped, err)
		} else {
			pkgs = append(pkgs, p)
		}
		cur = stanza{}
	}
	for sc.Scan() {
		lineNo++
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("apk: reading %s: %w", f.Path(), err)
			}
		}
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if flush(); over != nil {
				return nil, fmt.Errorf("apk: reading %s: %w", f.Path(), over)
			}
			continue
		}
		if cur.start == 0 {
			cur.start = lineNo
		}
		cur.add(line, lineNo)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("apk: reading %s: line %d: %w", f.Path(), lineNo+1, err)
	}
	if flush(); over != nil {
		return nil, fmt.Errorf("apk: reading %s: %w", f.Path(), over)
	}

	sbom.Sort(pkgs)
	return pkgs, errors.Join(skipped...)
}

// stanza collects the fields of one package record that the inventory uses.
type stanza struct {
	start                                int
	name, version, arch, origin, license string
	problem                              string
}

func (s *stanza) add(line string, lineNo int) {
	if len(line) < 2 || line[1] != ':' {
		if s.problem == "" {
			s.problem = fmt.Sprintf("line %d is not a field (want \"X:value\")", lineNo)
		}
		return
	}
	v := line[2:]
	switch line[0] {
	case 'P':
		s.set(&s.name, v, "P", lineNo)
	case 'V':
		s.set(&s.version, v, "V", lineNo)
	case 'A':
		s.set(&s.arch, v, "A", lineNo)
	case 'o':
		s.set(&s.origin, v, "o", lineNo)
	case 'L':
		s.set(&s.license, v, "L", lineNo)
	}
	// Every other field (files, checksums, dependencies…) is not part of
	// the inventory and is ignored.
}

func (s *stanza) set(dst *string, v, field string, lineNo int) {
	if *dst != "" && s.problem == "" {
		s.problem = fmt.Sprintf("field %s repeated at line %d", field, lineNo)
	}
	*dst = v
}

func (s *stanza) pkg(path string) (sbom.Package, error) {
	switch {
	case s.problem != "":
		return sbom.Package{}, &StanzaError{Line: s.start, Reason: s.problem}
	case s.name == "":
		return sbom.Package{}, &StanzaError{Line: s.start, Reason: "no package name (P:)"}
	case s.version == "":
		return sbom.Package{}, &StanzaError{Line: s.start, Reason: fmt.Sprintf("package %q has no version (V:)", s.name)}
	case strings.ContainsAny(s.name, " \t") || strings.ContainsAny(s.version, " \t"):
		return sbom.Package{}, &StanzaError{Line: s.start, Reason: fmt.Sprintf("package %q: blank in name or version", s.name)}
	}
	return sbom.Package{
		Name:       s.name,
		Version:    s.version,
		Type:       sbom.APK,
		Arch:       s.arch,
		SourceName: s.origin,
		License:    SplitLicense(s.license),
		Locations:  []sbom.Location{{Path: path}},
	}, nil
}

// SplitLicense turns apk's L: field into a list of licences.
//
// Current Alpine packages hold an SPDX expression ("MPL-2.0 AND MIT",
// "GPL-2.0-or-later WITH Linux-syscall-note"); older ones hold names
// separated by blanks ("MIT BSD GPL2+"). The rule is deliberately simple:
// parentheses are dropped, the expression is cut at the AND and OR
// operators, a WITH clause stays attached to its licence, and when the field
// has no operator at all every blank-separated word is one licence. Order is
// kept and duplicates are dropped, so the list reads as apk stores it. The
// choice between AND and OR is not kept: matching only needs the names.
func SplitLicense(field string) []string {
	words := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(field))
	if len(words) == 0 {
		return nil
	}
	hasOp := false
	for _, w := range words {
		if w == "AND" || w == "OR" {
			hasOp = true
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	emit := func(l string) {
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	if !hasOp {
		// "X WITH Y" alone is one licence, not three.
		if len(words) == 3 && words[1] == "WITH" {
			emit(strings.Join(words, " "))
			return out
		}
		for _, w := range words {
			emit(w)
		}
		return out
	}
	var cur []string
	for _, w := range words {
		if w == "AND" || w == "OR" {
			emit(strings.Join(cur, " "))
			cur = cur[:0]
			continue
		}
		cur = append(cur, w)
	}
	emit(strings.Join(cur, " "))
	return out
}

// ReadsDatabases marks the installed database as a package database.
func (*Cataloger) ReadsDatabases() bool { return true }

var _ catalog.DatabaseReader = (*Cataloger)(nil)
