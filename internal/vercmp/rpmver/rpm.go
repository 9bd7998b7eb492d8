// Package rpmver orders RPM versions as rpm does.
//
// A string "[epoch:]version[-release]" is split as rpm's parseEVR does: the
// epoch is a run of digits before the first colon (missing means 0, empty
// means 0), the release follows the last hyphen. Each part is compared with
// rpmvercmp: separators (anything but ASCII letters, digits, '~' and '^') only
// split segments; a segment is a run of digits or a run of letters; numeric
// segments compare by value and beat alphabetic ones, alphabetic segments
// compare bytewise; '~' sorts before everything including the end of the
// string, '^' after the end but before any further segment.
//
// Releases: when only one side has a release, rpm (4.18, rpm.vercmp and
// rpm.ver) sorts the side without one first, even before a release of "~";
// Compare does the same, so "1.0" < "1.0-~" < "1.0-" < "1.0-0".
//
// rpm accepts every non-empty string, so Compare follows it on all of them;
// the empty string, which rpm refuses, sorts before everything. [Valid]
// checks the characters rpmbuild accepts in a version and release.
package rpmver

import (
	"errors"
	"fmt"
	"strings"
)

// Version is a parsed EVR; the fields alias the input string.
type Version struct {
	Epoch      string // digits, "" when absent
	Version    string
	Release    string
	HasRelease bool
}

// Parse splits s into epoch, version and release as rpm's parseEVR does. It
// accepts every string; see Valid for a syntax check.
func Parse(s string) Version {
	var v Version
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	rest := s
	if i < len(s) && s[i] == ':' {
		v.Epoch = s[:i]
		rest = s[i+1:]
	}
	v.Version = rest
	// The release follows the last hyphen; the epoch digits hold none.
	if h := strings.LastIndexByte(s, '-'); h >= 0 {
		h -= len(s) - len(rest)
		v.Version, v.Release, v.HasRelease = rest[:h], rest[h+1:], true
	}
	return v
}

// ErrSyntax is wrapped by every error from Valid.
var ErrSyntax = errors.New("invalid version")

// Valid reports whether s is an EVR rpmbuild would accept: an optional
// numeric epoch, a non-empty version and an optional non-empty release made
// of ASCII letters, digits and "._+~^".
func Valid(s string) error {
	bad := func(why string) error { return fmt.Errorf("rpm: parsing %q: %s: %w", s, why, ErrSyntax) }
	if s == "" {
		return bad("empty version")
	}
	if strings.HasPrefix(s, ":") {
		return bad("empty epoch")
	}
	v := Parse(s)
	if v.Version == "" {
		return bad("empty version part")
	}
	if v.HasRelease && v.Release == "" {
		return bad("empty release")
	}
	if err := checkChars(v.Version); err != "" {
		return bad("version " + err)
	}
	if err := checkChars(v.Release); err != "" {
		return bad("release " + err)
	}
	return nil
}

func checkChars(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte("._+~^", c) < 0 {
			return fmt.Sprintf("has invalid character %q", c)
		}
	}
	return ""
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	if a == "" || b == "" {
		return strings.Compare(a, b)
	}
	va, vb := Parse(a), Parse(b)
	ea, eb := va.Epoch, vb.Epoch
	if ea == "" {
		ea = "0"
	}
	if eb == "" {
		eb = "0"
	}
	if c := Vercmp(ea, eb); c != 0 {
		return c
	}
	if c := Vercmp(va.Version, vb.Version); c != 0 {
		return c
	}
	switch {
	case va.HasRelease && vb.HasRelease:
		return Vercmp(va.Release, vb.Release)
	case va.HasRelease:
		return 1
	case vb.HasRelease:
		return -1
	}
	return 0
}

// Vercmp is rpmvercmp: it compares one version or release string.
func Vercmp(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && !isAlnum(a[i]) && a[i] != '~' && a[i] != '^' {
			i++
		}
		for j < len(b) && !isAlnum(b[j]) && b[j] != '~' && b[j] != '^' {
			j++
		}
		ca, cb := at(a, i), at(b, j)

		// '~' sorts before everything, even the end.
		if ca == '~' || cb == '~' {
			if ca != '~' {
				return 1
			}
			if cb != '~' {
				return -1
			}
			i++
			j++
			continue
		}
		// '^' sorts after the end but before anything else.
		if ca == '^' || cb == '^' {
			if i == len(a) {
				return -1
			}
			if j == len(b) {
				return 1
			}
			if ca != '^' {
				return 1
			}
			if cb != '^' {
				return -1
			}
			i++
			j++
			continue
		}
		if i == len(a) || j == len(b) {
			break
		}

		si, sj := i, j
		num := isDigit(a[i])
		if num {
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
		} else {
			for i < len(a) && isAlpha(a[i]) {
				i++
			}
			for j < len(b) && isAlpha(b[j]) {
				j++
			}
		}
		// Segments of different kinds: numeric is newer.
		if sj == j {
			if num {
				return 1
			}
			return -1
		}
		sa, sb := a[si:i], b[sj:j]
		if num {
			sa = strings.TrimLeft(sa, "0")
			sb = strings.TrimLeft(sb, "0")
			if len(sa) != len(sb) {
				if len(sa) > len(sb) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
	}
	ea, eb := i >= len(a), j >= len(b)
	switch {
	case ea && eb:
		return 0
	case ea:
		return -1
	}
	return 1
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
