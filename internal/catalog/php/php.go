// Package php catalogs PHP packages installed by Composer.
//
// # Data flow
//
// The cataloger is a [generic.Cataloger]: [route] picks two file names
// ([classify]), each read as a JSON stream, one package entry at a time
// counted against the scan's record budget:
//
//	vendor/composer/installed.json ─▶ what `composer install` put in vendor/:
//	                                  v1 (Composer 1) a JSON array of packages,
//	                                  v2 {"packages": […], "dev-package-names": […]}
//	composer.lock                  ─▶ "packages" and "packages-dev" (Dev)
//
// Packages are named "vendor/name" and versioned as Composer writes them
// ("v5.4.0", "1.2.3", "dev-main"), which is what Packagist advisories use.
// installed.json v2 marks development packages by name; v1 cannot tell, so
// its packages are never Dev. Lock files under vendor/ were published with
// a package and describe its author's setup, not the image; they are not
// read.
package php

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// New returns the PHP cataloger.
func New() *generic.Cataloger { return generic.New("php", "1", route) }

type kind int

const (
	notWanted kind = iota
	installed
	lock
)

// route picks the parser of a wanted file.
func route(p string) generic.Parser {
	switch classify(p) {
	case installed:
		return parseInstalled
	case lock:
		return parseLock
	}
	return nil
}

func classify(p string) kind {
	switch {
	case p == "composer/installed.json" || strings.HasSuffix(p, "/composer/installed.json"):
		// The vendor folder's name is configurable (config.vendor-dir), its
		// composer/ subfolder is not.
		return installed
	case p == "composer.lock" || strings.HasSuffix(p, "/composer.lock"):
		if strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") {
			return notWanted
		}
		return lock
	}
	return notWanted
}

// composerPackage is one package entry; both files share the shape.
type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
}

// parseInstalled reads installed.json as a JSON stream, one package
// entry at a time.
func parseInstalled(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	br := bufio.NewReader(f)
	first := firstByte(br)
	dec := generic.NewDecoder(br)
	s := set{f: f}
	var (
		devNames []string
		err      error
	)
	switch first {
	case '[':
		_, err = generic.Array(dec, func(i int) error { return s.addNext(ctx, dec, i, false) })
	case '{':
		var hasPackages bool
		_, err = generic.Object(dec, func(key string) error {
			switch strings.ToLower(key) { // encoding/json matches fields so
			case "packages":
				ok, err := generic.Array(dec, func(i int) error { return s.addNext(ctx, dec, i, false) })
				hasPackages = hasPackages || ok
				return err
			case "dev-package-names":
				return dec.Decode(&devNames)
			}
			return generic.Skip(dec)
		})
		if err == nil && !hasPackages {
			return nil, errors.New("installed.json: no packages list")
		}
	default:
		return nil, errors.New("installed.json: neither a package list nor an object")
	}
	if err == nil {
		err = generic.End(dec)
	}
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("installed.json: %w", err)
	}
	// v2 names its development packages after listing them.
	pkgs := s.pkgs.Packages()
	for i := range pkgs {
		pkgs[i].Dev = slices.Contains(devNames, pkgs[i].Name)
	}
	return s.result()
}

// parseLock reads composer.lock as a JSON stream, one package entry at a
// time.
func parseLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	dec := generic.NewDecoder(f)
	s := set{f: f}
	var seen bool
	n := 0 // entries so far, numbering those of "packages-dev" after "packages"
	isObj, err := generic.Object(dec, func(key string) error {
		var dev bool
		switch strings.ToLower(key) { // encoding/json matches fields so
		case "packages":
		case "packages-dev":
			dev = true
		default:
			return generic.Skip(dec)
		}
		start := n
		ok, err := generic.Array(dec, func(i int) error {
			n = start + i + 1
			return s.addNext(ctx, dec, start+i, dev)
		})
		seen = seen || ok
		return err
	})
	if err == nil && !isObj {
		err = errors.New("not an object")
	}
	if err == nil {
		err = generic.End(dec)
	}
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("composer.lock: %w", err)
	}
	if !seen {
		return nil, errors.New("composer.lock: no packages or packages-dev")
	}
	return s.result()
}

// stop reports whether err ends a parse as it is: a budget error or the
// end of the scan.
func stop(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, budget.ErrExceeded)
}

// firstByte is the first byte after white space, left unread.
func firstByte(br *bufio.Reader) byte {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return c
	}
}

// set collects the packages of one file; a package listed twice stays Dev
// only if both say so.
type set struct {
	f    *generic.File // whose records are counted
	pkgs generic.Set
	errs []string
}

// addNext decodes the next package entry of dec, the i-th of the file,
// and counts it against the record budget.
func (s *set) addNext(ctx context.Context, dec *json.Decoder, i int, dev bool) error {
	if i%1024 == 1023 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := s.f.Record(); err != nil {
		return err
	}
	var p composerPackage
	err := generic.Decode(dec, &p)
	if _, ok := errors.AsType[*generic.TypeError](err); err != nil && !ok {
		return err
	}
	s.add(i, p, err, dev)
	return nil
}

// add adds the i-th package entry of the file, p, unless decoding it
// failed with err.
func (s *set) add(i int, p composerPackage, err error, dev bool) {
	if err != nil {
		s.errs = append(s.errs, fmt.Sprintf("package %d: %v", i+1, err))
		return
	}
	name, version := strings.TrimSpace(p.Name), strings.TrimSpace(p.Version)
	if !validName(name) {
		s.errs = append(s.errs, fmt.Sprintf("package %d: invalid name %q", i+1, name))
		return
	}
	if version == "" || strings.ContainsAny(version, " \t\r\n") {
		s.errs = append(s.errs, fmt.Sprintf("package %d (%s): invalid version %q", i+1, name, version))
		return
	}
	s.pkgs.Add(sbom.Package{Name: name, Version: version, Type: sbom.Composer, Dev: dev, License: licenses(p.License)})
}

func (s *set) result() ([]sbom.Package, error) {
	pkgs := s.pkgs.Sorted()
	if len(s.errs) == 0 {
		return pkgs, nil
	}
	slices.Sort(s.errs)
	n := len(s.errs)
	if len(s.errs) > 3 {
		s.errs = append(s.errs[:3], "…")
	}
	return pkgs, fmt.Errorf("%d packages skipped: %s", n, strings.Join(s.errs, "; "))
}

// licenses reads "license": a list of SPDX identifiers, or (older
// packages) one string.
func licenses(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []string{one}
	}
	var out []string
	for _, l := range list {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// validName checks Composer's package name pattern: "vendor/name", each
// part lower-case letters, digits and the separators ".", "_", "-".
// Upper case is accepted (old packages have it); anything else is not a
// package name.
func validName(n string) bool {
	vendor, name, ok := strings.Cut(n, "/")
	return ok && len(n) <= 256 && validPart(vendor) && validPart(name)
}

func validPart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || (c != '.' && c != '_' && c != '-')) {
			return false
		}
	}
	return true
}
