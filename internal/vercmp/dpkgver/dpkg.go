// Package dpkgver orders Debian package versions exactly as dpkg does.
//
// A version string goes through [Parse] (dpkg's parseversion: trim blanks,
// split "epoch:upstream-revision" at the first colon and the last hyphen) and
// the two parts are compared with dpkg's verrevcmp (Debian Policy 5.6.12):
// alternating runs of non-digits and digits; non-digits compare character by
// character where '~' sorts before everything (even the end of the string),
// then the end, then letters, then everything else; digit runs compare as
// numbers of any length. Compare never allocates.
//
// Invalid versions. dpkg distinguishes hard syntax errors (empty string,
// embedded spaces, bad epoch, empty upstream or revision), which make it
// refuse the comparison, from mere warnings (upstream not starting with a
// digit, characters outside Policy's alphabet), after which it compares
// anyway. [Valid] rejects both. [Compare] follows dpkg for every string dpkg
// can compare, warnings included, and places the strings dpkg refuses before
// every comparable version, ordered bytewise among themselves.
package dpkgver

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Version is a parsed version; the fields alias the input string.
type Version struct {
	Epoch    int
	Upstream string
	Revision string
}

// String renders the version in canonical form (epoch shown when non-zero).
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != 0 {
		fmt.Fprintf(&b, "%d:", v.Epoch)
	}
	b.WriteString(v.Upstream)
	if v.Revision != "" {
		b.WriteByte('-')
		b.WriteString(v.Revision)
	}
	return b.String()
}

// ErrSyntax is wrapped by every error from Parse and Valid.
var ErrSyntax = errors.New("invalid version")

// syntax reports why dpkg rejects or warns about a version. warn is true for
// problems after which dpkg still compares.
type syntax struct {
	msg  string
	warn bool
}

// parse is dpkg's parseversion. It never allocates: on success the returned
// Version aliases s. problem is nil for a clean version.
func parse(s string) (v Version, problem *syntax) {
	// Leading and trailing blanks (space, tab) are trimmed; inner ones are an error.
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	s = s[i:]
	if s == "" {
		return v, &errEmpty
	}
	end := 0
	for end < len(s) && !isBlank(s[end]) {
		end++
	}
	for j := end; j < len(s); j++ {
		if !isBlank(s[j]) {
			return v, &errSpaces
		}
	}
	s = s[:end]
	if strings.IndexByte(s, 0) >= 0 {
		// dpkg reads C strings, so it can never be handed a NUL.
		return v, &errNUL
	}

	if colon := strings.IndexByte(s, ':'); colon >= 0 {
		epoch, p := parseEpoch(s[:colon])
		if p != nil {
			return v, p
		}
		if colon+1 == len(s) {
			return v, &errColon
		}
		v.Epoch = epoch
		s = s[colon+1:]
	}
	v.Upstream = s
	if h := strings.LastIndexByte(s, '-'); h >= 0 {
		v.Upstream, v.Revision = s[:h], s[h+1:]
		if v.Revision == "" {
			return v, &errRevEmpty
		}
	}
	if v.Upstream == "" {
		return v, &errVerEmpty
	}
	if !isDigit(v.Upstream[0]) {
		return v, &warnDigit
	}
	for k := 1; k < len(v.Upstream); k++ {
		c := v.Upstream[k]
		if !isDigit(c) && !isAlpha(c) && strings.IndexByte(".-+~:", c) < 0 {
			return v, &warnVerChar
		}
	}
	for k := 0; k < len(v.Revision); k++ {
		c := v.Revision[k]
		if !isDigit(c) && !isAlpha(c) && strings.IndexByte(".+~", c) < 0 {
			return v, &warnRevChar
		}
	}
	return v, nil
}

var (
	errEmpty     = syntax{msg: "version string is empty"}
	errSpaces    = syntax{msg: "version string has embedded spaces"}
	errNUL       = syntax{msg: "version string contains a NUL byte"}
	errEpochNone = syntax{msg: "epoch in version is empty"}
	errEpochNum  = syntax{msg: "epoch in version is not number"}
	errEpochNeg  = syntax{msg: "epoch in version is negative"}
	errEpochBig  = syntax{msg: "epoch in version is too big"}
	errColon     = syntax{msg: "nothing after colon in version number"}
	errRevEmpty  = syntax{msg: "revision number is empty"}
	errVerEmpty  = syntax{msg: "version number is empty"}
	warnDigit    = syntax{msg: "version number does not start with digit", warn: true}
	warnVerChar  = syntax{msg: "invalid character in version number", warn: true}
	warnRevChar  = syntax{msg: "invalid character in revision number", warn: true}
)

// parseEpoch follows dpkg's use of strtol(3): optional leading white space
// and sign, decimal digits that must reach the colon, 0 <= epoch <= INT_MAX.
func parseEpoch(s string) (int, *syntax) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	n, big := 0, false
	for i < len(s) && isDigit(s[i]) {
		if n > (math.MaxInt32-int(s[i]-'0'))/10 {
			big = true
		} else {
			n = n*10 + int(s[i]-'0')
		}
		i++
	}
	switch {
	case i == start:
		// strtol consumed nothing: dpkg says "empty" whatever the text was.
		return 0, &errEpochNone
	case i != len(s):
		return 0, &errEpochNum
	case neg && (n != 0 || big):
		return 0, &errEpochNeg
	case big:
		return 0, &errEpochBig
	}
	return n, nil
}

// Parse parses a version the way dpkg does and rejects anything dpkg would
// reject or warn about.
func Parse(s string) (Version, error) {
	v, p := parse(s)
	if p != nil {
		return Version{}, fmt.Errorf("dpkg: parsing %q: %s: %w", s, p.msg, ErrSyntax)
	}
	return v, nil
}

// Valid reports whether s is a valid Debian version.
func Valid(s string) error {
	_, err := Parse(s)
	return err
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	va, pa := parse(a)
	vb, pb := parse(b)
	ba, bb := pa != nil && !pa.warn, pb != nil && !pb.warn
	switch {
	case ba && bb:
		return strings.Compare(a, b)
	case ba:
		return -1
	case bb:
		return 1
	}
	return CompareVersions(va, vb)
}

// CompareVersions compares parsed versions (dpkg_version_compare).
func CompareVersions(a, b Version) int {
	if a.Epoch != b.Epoch {
		if a.Epoch < b.Epoch {
			return -1
		}
		return 1
	}
	if c := verrevcmp(a.Upstream, b.Upstream); c != 0 {
		return c
	}
	return verrevcmp(a.Revision, b.Revision)
}

// order is dpkg's character weight. dpkg reads the byte as a signed char and
// adds 256 to non-letters, so bytes >= 0x80 weigh their unsigned value: more
// than letters, less than ASCII punctuation.
func order(c byte) int {
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	case c >= 0x80:
		return int(c)
	default:
		return int(c) + 256
	}
}

// at returns s[i], or 0 past the end as a C string would.
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := 0, 0
			if i < len(a) {
				ac = order(a[i])
			}
			if j < len(b) {
				bc = order(b[j])
			}
			if ac != bc {
				return sign(ac - bc)
			}
			i++
			j++
		}
		for at(a, i) == '0' {
			i++
		}
		for at(b, j) == '0' {
			j++
		}
		firstDiff := 0
		for isDigit(at(a, i)) && isDigit(at(b, j)) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if isDigit(at(a, i)) {
			return 1
		}
		if isDigit(at(b, j)) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// isSpace is C isspace in the C locale, which strtol skips.
func isSpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }
