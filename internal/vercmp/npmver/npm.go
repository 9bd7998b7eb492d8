// Package npmver orders npm package versions as node-semver (v7) does in loose
// mode, the mode npm uses when it reads versions it did not write.
//
// Parsing follows node-semver's LOOSE pattern on the trimmed string:
// any run of "v", "=" and white space, then MAJOR.MINOR.PATCH (leading zeros
// allowed, each at most 2^53-1), then an optional prerelease introduced by
// "-" or by nothing ("1.2.3beta"), then optional "+build". Strings longer than
// 256 UTF-16 code units are refused, as node-semver does. The pattern is a
// regular expression with backtracking, and its one surprising consequence is
// kept: "1.2.34.5" is 1.2.3-4.5 (the patch gives back a digit so that the
// rest can be a prerelease).
//
// Ordering is node-semver's compare: MAJOR, MINOR, PATCH numerically; a
// version without prerelease after any with one; prerelease identifiers
// left to right, numeric ones before alphanumeric ones, numeric ones compared
// as JavaScript numbers (so digits beyond 2^53 are rounded as npm rounds
// them), others by code unit; a shorter list first when all else is equal.
// Build metadata is ignored.
//
// One deliberate difference: when two numeric identifiers differ as text but
// round to the same JavaScript number (both beyond 2^53), node-semver stops
// and calls the versions equal, which is not transitive (1.0.0-9007199254740993
// would equal both 1.0.0-9007199254740992 and 1.0.0-9007199254740992.a, which
// differ). Compare treats such identifiers as equal and goes on to the next.
//
// Invalid versions (which node-semver refuses) sort before every valid one
// and bytewise among themselves.
package npmver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	maxLength  = 256
	maxSafeInt = 1<<53 - 1
)

// Version is a parsed version; Prerelease aliases the input.
type Version struct {
	Major, Minor, Patch uint64
	// Prerelease is the dot-separated prerelease, "" when there is none.
	Prerelease string
}

// String renders the version as node-semver formats it (without build).
func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Prerelease != "" {
		var ids []string
		for id := range strings.SplitSeq(v.Prerelease, ".") {
			if isNum(id) {
				if f, _ := strconv.ParseFloat(id, 64); f < maxSafeInt {
					id = strconv.FormatFloat(f, 'f', -1, 64)
				}
			}
			ids = append(ids, id)
		}
		s += "-" + strings.Join(ids, ".")
	}
	return s
}

// ErrSyntax is wrapped by every error from Parse and Valid.
var ErrSyntax = errors.New("invalid version")

// Parse parses s as node-semver does in loose mode.
func Parse(s string) (Version, error) {
	v, why := parse(s)
	if why != "" {
		return Version{}, fmt.Errorf("npm: parsing %q: %s: %w", s, why, ErrSyntax)
	}
	return v, nil
}

// Valid reports whether node-semver accepts s in loose mode.
func Valid(s string) error {
	_, err := Parse(s)
	return err
}

func parse(s string) (v Version, why string) {
	if utf16Len(s) > maxLength {
		return v, fmt.Sprintf("longer than %d characters", maxLength)
	}
	s = strings.TrimFunc(s, isJSSpace)
	// [v=\s]*
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		if r != 'v' && r != '=' && !isJSSpace(r) {
			break
		}
		s = s[n:]
	}
	var ok bool
	if v.Major, s, ok = number(s); !ok || s == "" || s[0] != '.' {
		return v, "want MAJOR.MINOR.PATCH"
	}
	if v.Minor, s, ok = number(s[1:]); !ok || s == "" || s[0] != '.' {
		return v, "want MAJOR.MINOR.PATCH"
	}
	s = s[1:]
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == 0 {
		return v, "want MAJOR.MINOR.PATCH"
	}
	// The rest splits at the first '+' into prerelease and build.
	tryPatch := func(k int) (pre string, good bool) {
		rest := s[k:]
		a, build, hasBuild := strings.Cut(rest, "+")
		if hasBuild && !identList(build) {
			return "", false
		}
		switch {
		case a == "":
			return "", true
		case a[0] == '-' && identList(a[1:]):
			return a[1:], true
		case identList(a):
			return a, true
		}
		return "", false
	}
	pre, good := tryPatch(n)
	k := n
	if !good && n > 1 && n < len(s) && s[n] == '.' {
		// Backtracking: the last patch digit starts the prerelease.
		k = n - 1
		pre, good = tryPatch(k)
	}
	if !good {
		return v, "bad prerelease or build"
	}
	if v.Patch, _, ok = number(s[:k]); !ok {
		return v, "number too large"
	}
	v.Prerelease = pre
	return v, ""
}

// number reads a run of digits worth at most 2^53-1.
func number(s string) (uint64, string, bool) {
	i := 0
	var n uint64
	big := false
	for i < len(s) && isDigit(s[i]) {
		if !big {
			n = n*10 + uint64(s[i]-'0')
			big = n > maxSafeInt
		}
		i++
	}
	return n, s[i:], i > 0 && !big
}

// identList reports whether s is dot-separated non-empty [0-9A-Za-z-]+.
func identList(s string) bool {
	if s == "" {
		return false
	}
	prev := byte('.')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
		case isDigit(c) || isAlpha(c) || c == '-':
		default:
			return false
		}
		prev = c
	}
	return prev != '.'
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	va, whyA := parse(a)
	vb, whyB := parse(b)
	switch {
	case whyA != "" && whyB != "":
		return strings.Compare(a, b)
	case whyA != "":
		return -1
	case whyB != "":
		return 1
	}
	return CompareVersions(va, vb)
}

// CompareVersions compares parsed versions (node-semver's compare).
func CompareVersions(a, b Version) int {
	if c := cmpUint(a.Major, b.Major); c != 0 {
		return c
	}
	if c := cmpUint(a.Minor, b.Minor); c != 0 {
		return c
	}
	if c := cmpUint(a.Patch, b.Patch); c != 0 {
		return c
	}
	x, y := a.Prerelease, b.Prerelease
	switch {
	case x == "" && y == "":
		return 0
	case x == "":
		return 1
	case y == "":
		return -1
	}
	for x != "" && y != "" {
		var ix, iy string
		ix, x, _ = strings.Cut(x, ".")
		iy, y, _ = strings.Cut(y, ".")
		if c := compareIdent(ix, iy); c != 0 {
			return c
		}
	}
	switch {
	case x == "" && y == "":
		return 0
	case x == "":
		return -1
	}
	return 1
}

// compareIdent is node-semver's compareIdentifiers: numeric identifiers are
// JavaScript numbers (float64, exact below 2^53) and sort first.
func compareIdent(a, b string) int {
	na, nb := isNum(a), isNum(b)
	switch {
	case na && nb:
		fa, _ := strconv.ParseFloat(a, 64)
		fb, _ := strconv.ParseFloat(b, 64)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// isJSSpace is JavaScript's WhiteSpace and LineTerminator, which trim()
// removes and \s matches.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

// utf16Len is the length of s as a JavaScript string.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
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
