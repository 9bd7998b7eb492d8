// Package gover orders Go module versions and Go toolchain versions.
//
// Module versions follow golang.org/x/mod/semver, the reference for the Go
// ecosystem: vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]], where the short
// forms mean .0, numbers have no leading zeros, prerelease identifiers
// compare numerically when numeric (and sort before alphanumeric ones), and
// build metadata is ignored. OSV data writes versions without the "v", so the
// prefix is optional here. Pseudo-versions (v1.2.4-0.20240101120000-abcdef,
// v0.0.0-20240101120000-abcdef) need no special case: semver prerelease
// ordering already sorts them between releases, and "+incompatible" is build
// metadata.
//
// Go toolchain versions as a binary reports them ("go1.21.3", "go1.21rc2",
// "go1.20", "go1") are mapped to the semver form the Go vulnerability
// database uses for the standard library, as golang.org/x/vuln does:
// go1.21rc2 → v1.21.0-rc.2, go1.20 → v1.20.0, go1.9.2-pre1 → v1.9.2-pre.1,
// anything after a space (" X:boringcrypto") dropped. So "go1.21rc2" sorts
// before "1.21.0" and equals "1.21.0-rc.2". The "go" may be omitted when
// the rest is not semver ("1.21rc2"). Unlike go/version, which orders the
// language version "1.21" before "1.21rc1", "1.21" here is "1.21.0", as in
// x/vuln's mapping for the Go vulnerability database.
//
// Invalid versions sort before every valid one (as in x/mod/semver) and
// bytewise among themselves.
package gover

import (
	"errors"
	"fmt"
	"strings"
)

// version is a parsed version; prerelease keeps its leading '-'.
type version struct {
	major, minor, patch, prerelease string
}

// parse accepts an optional "v" and the x/mod/semver grammar, or a Go
// toolchain tag starting with "go".
func parse(s string) (version, bool) {
	if strings.HasPrefix(s, "go") {
		return parseGoTag(s)
	}
	if strings.HasPrefix(s, "v") {
		return parseSemver(s[1:])
	}
	if p, ok := parseSemver(s); ok {
		return p, true
	}
	// A toolchain version written without "go" ("1.21rc2").
	if s != "" && isDigit(s[0]) {
		return parseGoTag("go" + s)
	}
	return version{}, false
}

func parseSemver(s string) (p version, ok bool) {
	if p.major, s, ok = parseInt(s); !ok {
		return p, false
	}
	if s == "" {
		p.minor, p.patch = "0", "0"
		return p, true
	}
	if s[0] != '.' {
		return p, false
	}
	if p.minor, s, ok = parseInt(s[1:]); !ok {
		return p, false
	}
	if s == "" {
		p.patch = "0"
		return p, true
	}
	if s[0] != '.' {
		return p, false
	}
	if p.patch, s, ok = parseInt(s[1:]); !ok {
		return p, false
	}
	if s != "" && s[0] == '-' {
		if p.prerelease, s, ok = parseIdents(s, true); !ok {
			return p, false
		}
	}
	if s != "" && s[0] == '+' {
		if _, s, ok = parseIdents(s, false); !ok {
			return p, false
		}
	}
	return p, s == ""
}

// parseInt reads a number without leading zeros.
func parseInt(s string) (n, rest string, ok bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || (s[0] == '0' && i > 1) {
		return "", "", false
	}
	return s[:i], s[i:], true
}

// parseIdents reads s[0] ('-' or '+') and dot-separated non-empty
// identifiers of [0-9A-Za-z-]; prerelease numbers have no leading zeros.
func parseIdents(s string, pre bool) (idents, rest string, ok bool) {
	i, start := 1, 1
	for {
		if i == len(s) || s[i] == '.' || s[i] == '+' {
			id := s[start:i]
			if id == "" || (pre && isNum(id) && len(id) > 1 && id[0] == '0') {
				return "", "", false
			}
			if i == len(s) || s[i] == '+' {
				return s[:i], s[i:], true
			}
			i++
			start = i
			continue
		}
		c := s[i]
		if !isDigit(c) && !isAlpha(c) && c != '-' {
			return "", "", false
		}
		i++
	}
}

// parseGoTag maps a Go toolchain tag to semver like x/vuln's GoTagToSemver:
// go(MAJOR.MINOR)(.PATCH)?((beta|rc|-pre)N)?.
func parseGoTag(tag string) (version, bool) {
	if i := strings.IndexAny(tag, " \t\n\v\f\r"); i >= 0 {
		tag = tag[:i]
	}
	if tag == "go1" {
		return version{major: "1", minor: "0", patch: "0"}, true
	}
	s := tag[2:]
	major, s, ok := digits(s)
	if !ok || s == "" || s[0] != '.' {
		return version{}, false
	}
	minor, s, ok := digits(s[1:])
	if !ok {
		return version{}, false
	}
	patch := "0"
	if s != "" && s[0] == '.' {
		if patch, s, ok = digits(s[1:]); !ok {
			return version{}, false
		}
	}
	pre := ""
	if s != "" {
		var label string
		switch {
		case strings.HasPrefix(s, "beta"):
			label, s = "beta", s[4:]
		case strings.HasPrefix(s, "rc"):
			label, s = "rc", s[2:]
		case strings.HasPrefix(s, "-pre"):
			label, s = "pre", s[4:]
		default:
			return version{}, false
		}
		var n string
		if n, s, ok = digits(s); !ok || s != "" {
			return version{}, false
		}
		pre = "-" + label + "." + n
	}
	if tag == "go1.0" {
		// x/vuln maps no version to go1.0 (it never existed).
		return version{}, false
	}
	// The result must itself be valid semver (no leading zeros).
	v := version{major: major, minor: minor, patch: patch, prerelease: pre}
	for _, n := range []string{major, minor, patch} {
		if len(n) > 1 && n[0] == '0' {
			return version{}, false
		}
	}
	if pre != "" {
		n := pre[strings.LastIndexByte(pre, '.')+1:]
		if len(n) > 1 && n[0] == '0' {
			return version{}, false
		}
	}
	return v, true
}

func digits(s string) (d, rest string, ok bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:], i > 0
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	pa, oka := parse(a)
	pb, okb := parse(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	if c := compareInt(pa.major, pb.major); c != 0 {
		return c
	}
	if c := compareInt(pa.minor, pb.minor); c != 0 {
		return c
	}
	if c := compareInt(pa.patch, pb.patch); c != 0 {
		return c
	}
	return comparePrerelease(pa.prerelease, pb.prerelease)
}

func compareInt(x, y string) int {
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

// comparePrerelease compares "-a.b.c" strings; "" (a release) is greatest.
func comparePrerelease(x, y string) int {
	switch {
	case x == y:
		return 0
	case x == "":
		return 1
	case y == "":
		return -1
	}
	for x != "" && y != "" {
		var dx, dy string
		dx, x = nextIdent(x[1:])
		dy, y = nextIdent(y[1:])
		if dx == dy {
			continue
		}
		nx, ny := isNum(dx), isNum(dy)
		if nx != ny {
			if nx {
				return -1
			}
			return 1
		}
		if nx {
			return compareInt(dx, dy)
		}
		return strings.Compare(dx, dy)
	}
	if x == "" {
		if y == "" {
			return 0
		}
		return -1
	}
	return 1
}

func nextIdent(s string) (ident, rest string) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// ErrSyntax is wrapped by every error from Valid.
var ErrSyntax = errors.New("invalid version")

// Valid reports whether s is a module version (with or without "v") or a Go
// toolchain tag.
func Valid(s string) error {
	if _, ok := parse(s); !ok {
		return fmt.Errorf("gover: parsing %q: not a semantic version or Go release tag: %w", s, ErrSyntax)
	}
	return nil
}

// Canonical returns the semver form Compare orders by, with "v" and without
// build metadata ("go1.21rc2" → "v1.21.0-rc.2", "1.2" → "v1.2.0"), or ""
// for an invalid version.
func Canonical(s string) string {
	p, ok := parse(s)
	if !ok {
		return ""
	}
	return "v" + p.major + "." + p.minor + "." + p.patch + p.prerelease
}

func isNum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
