// Package php catalogs PHP packages installed by Composer.
//
// # Data flow
//
// Wants picks two file names ([classify]); Parse reads the file, bounded by
// [maxFileSize], and decodes it:
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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxFileSize bounds what Parse reads; installed.json of large applications
// is a few MiB.
const maxFileSize = 64 << 20

// Cataloger reads Composer's installed.json and composer.lock. The zero
// value is ready to use.
type Cataloger struct{}

var _ catalog.Cataloger = (*Cataloger)(nil)

// New returns a PHP cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements [catalog.Cataloger].
func (*Cataloger) Name() string { return "php" }

// Version implements [catalog.Cataloger].
func (*Cataloger) Version() string { return "1" }

type kind int

const (
	notWanted kind = iota
	installed
	lock
)

// Wants implements [catalog.Cataloger]. Files of any size are wanted so
// that an oversized one becomes an unknown instead of vanishing.
func (*Cataloger) Wants(p string, mode fs.FileMode, _ int64) bool {
	return mode.IsRegular() && classify(p) != notWanted
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

// Parse implements [catalog.Cataloger].
func (*Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	k := classify(f.Path())
	if k == notWanted {
		return nil, nil
	}
	data, err := catalog.ReadAll(f, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("php: %s: %w", f.Path(), err)
	}
	var pkgs []sbom.Package
	if k == installed {
		pkgs, err = parseInstalled(ctx, data)
	} else {
		pkgs, err = parseLock(ctx, data)
	}
	catalog.Locate(pkgs, f.Path())
	if err != nil {
		return pkgs, fmt.Errorf("php: %s: %w", f.Path(), err)
	}
	return pkgs, nil
}

// composerPackage is one package entry; both files share the shape.
type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
}

func parseInstalled(ctx context.Context, data []byte) ([]sbom.Package, error) {
	data = bytes.TrimSpace(data)
	var (
		entries  []json.RawMessage
		devNames []string
	)
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, fmt.Errorf("installed.json: %w", err)
		}
	case len(data) > 0 && data[0] == '{':
		var v2 struct {
			Packages        []json.RawMessage `json:"packages"`
			DevPackageNames []string          `json:"dev-package-names"`
		}
		if err := json.Unmarshal(data, &v2); err != nil {
			return nil, fmt.Errorf("installed.json: %w", err)
		}
		if v2.Packages == nil {
			return nil, errors.New("installed.json: no packages list")
		}
		entries, devNames = v2.Packages, v2.DevPackageNames
	default:
		return nil, errors.New("installed.json: neither a package list nor an object")
	}
	var s set
	for i, raw := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.addRaw(i, raw, func(name string) bool { return slices.Contains(devNames, name) })
	}
	return s.result()
}

func parseLock(ctx context.Context, data []byte) ([]sbom.Package, error) {
	var lf struct {
		Packages    []json.RawMessage `json:"packages"`
		PackagesDev []json.RawMessage `json:"packages-dev"`
	}
	if err := json.Unmarshal(data, &lf); err != nil {
		return nil, fmt.Errorf("composer.lock: %w", err)
	}
	if lf.Packages == nil && lf.PackagesDev == nil {
		return nil, errors.New("composer.lock: no packages or packages-dev")
	}
	var s set
	for i, raw := range lf.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.addRaw(i, raw, func(string) bool { return false })
	}
	for i, raw := range lf.PackagesDev {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.addRaw(len(lf.Packages)+i, raw, func(string) bool { return true })
	}
	return s.result()
}

// set collects the packages of one file; a package listed twice stays Dev
// only if both say so.
type set struct {
	index map[string]int
	pkgs  []sbom.Package
	errs  []string
}

func (s *set) addRaw(i int, raw json.RawMessage, isDev func(string) bool) {
	var p composerPackage
	if err := json.Unmarshal(raw, &p); err != nil {
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
	dev := isDev(name)
	if s.index == nil {
		s.index = map[string]int{}
	}
	k := name + "@" + version
	if j, ok := s.index[k]; ok {
		s.pkgs[j].Dev = s.pkgs[j].Dev && dev
		return
	}
	s.index[k] = len(s.pkgs)
	s.pkgs = append(s.pkgs, sbom.Package{Name: name, Version: version, Type: sbom.Composer, Dev: dev, License: licenses(p.License)})
}

func (s *set) result() ([]sbom.Package, error) {
	sbom.Sort(s.pkgs)
	if len(s.errs) == 0 {
		return s.pkgs, nil
	}
	slices.Sort(s.errs)
	n := len(s.errs)
	if len(s.errs) > 3 {
		s.errs = append(s.errs[:3], "…")
	}
	return s.pkgs, fmt.Errorf("%d packages skipped: %s", n, strings.Join(s.errs, "; "))
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
