// Package maven orders Maven artifact versions like Maven's
// ComparableVersion (maven-artifact 3.8, the implementation Maven resolves
// version ranges with), made into a total order.
//
// A version is lower-cased and split into items: '.' separates items, '-'
// starts a sub-list, and a change between digits and letters also separates
// (and, after a qualifier or when it is not the first item, starts a
// sub-list): "1.0-alpha1" is [1, [alpha, [1]]]; since Maven 3.8 a trailing
// ".X" or ".X1" is read as "-X" ("1.0.0.RC1" == "1.0.0-RC1"). Numbers compare
// by value; qualifiers in the order alpha (or "a" before a digit) < beta
// ("b") < milestone ("m") < rc (cr) < snapshot < "" (ga, final, release) <
// sp < every other qualifier, the others alphabetically. Trailing "null"
// items (0, "", empty lists) are dropped, so "1" == "1.0" == "1.0.0" ==
// "1-ga". A missing item (the end of the shorter version) compares with an
// item as Maven does (1.1 > 1, 1-sp > 1 > 1-rc, 1-1 > 1); items of
// different kinds compare as number > sub-list > qualifier.
//
// Maven's own comparison is not transitive, because those last two rules
// contradict each other: "1.0.alpha.1" < "1" < "1-sp" < "1.0.alpha.1", and
// "1.rc" < "1" < "1.foo.bar" < "1.rc". Compare resolves this by ranking
// items first by how they compare with a missing item (below: pre-release
// qualifiers, and sub-lists and zeros followed by one; null; above:
// everything else) and only then by kind. On versions shaped like those of
// Maven Central it agrees with Maven except where Maven's order has such a
// cycle; the tests measure this against the maven-artifact jar.
//
// Maven accepts every string, so Compare has no invalid case and Valid only
// rejects what is clearly not a version (empty, white space or control
// characters). Non-ASCII text is lower-cased with Unicode rules and compared
// by code point; Maven's Java code also treats Unicode decimal digits as
// digits, which this package does not (only ASCII inputs are exact).
package maven

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

type kind uint8

const (
	kindNum  kind = iota
	kindStr       // a qualifier
	kindList      // opens a sub-list that runs to the end of the version
)

// token is one item of a parsed version. Maven builds a tree of lists, but
// a sub-list is always the last item of its parent, so the tree is a chain
// and a flat token sequence with "list opens here" markers represents it
// exactly, without allocating. Numbers keep their digits without leading
// zeros; known qualifiers their canonical spelling; other qualifiers the
// input text, compared ignoring ASCII case.
type token struct {
	kind kind
	text string
}

func isNullToken(t token) bool {
	switch t.kind {
	case kindNum:
		return t.text == "0"
	case kindStr:
		return t.text == ""
	}
	return false
}

// parse follows ComparableVersion.parseVersion, then its normalization. It
// appends to buf[:0]: callers pass a small array of their own so that
// typical versions need no allocation.
func parse(v string, buf []token) []token {
	if needsLower(v) {
		v = strings.ToLower(v)
	}
	t := buf[:0]
	levelEmpty := true // the innermost list has no items yet
	isDigit := false
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' || c == '-':
			if i == start {
				t = append(t, token{kindNum, "0"})
			} else {
				t = append(t, item(isDigit, v[start:i], false))
			}
			levelEmpty = false
			start = i + 1
			if c == '-' {
				t = append(t, token{kind: kindList})
				levelEmpty = true
			}
		case '0' <= c && c <= '9':
			if !isDigit && i > start {
				// A qualifier followed by a digit: "1.0.0.X1" is read as
				// "1.0.0-X1".
				if !levelEmpty {
					t = append(t, token{kind: kindList})
				}
				t = append(t, item(false, v[start:i], true), token{kind: kindList})
				levelEmpty = true
				start = i
			}
			isDigit = true
		default:
			if isDigit && i > start {
				t = append(t, item(true, v[start:i], false), token{kind: kindList})
				levelEmpty = true
				start = i
			}
			isDigit = false
		}
	}
	if len(v) > start {
		// ".X" at the end is read as "-X" for a qualifier X.
		if !isDigit && !levelEmpty {
			t = append(t, token{kind: kindList})
		}
		t = append(t, item(isDigit, v[start:], false))
	}
	return normalize(t)
}

// normalize drops the trailing null items of every list, innermost first,
// and the lists left empty (Maven's ListItem.normalize: a list loses its
// trailing nulls, looking past a non-empty sub-list, and an empty list is
// itself null).
func normalize(t []token) []token {
	end, keep := len(t), len(t) // t[end:keep] is the processed sub-list
	for {
		open := -1 // the marker opening the list whose items end at end
		for i := end - 1; i >= 0; i-- {
			if t[i].kind == kindList {
				open = i
				break
			}
		}
		j := end
		for j > open+1 && isNullToken(t[j-1]) {
			j--
		}
		if j > open+1 || keep > end || open < 0 {
			keep = j + copy(t[j:], t[end:keep])
		} else {
			keep = open // an empty list goes, marker included
		}
		if open < 0 {
			break
		}
		end = open
	}
	return t[:keep]
}

// item makes a number or qualifier token (ComparableVersion.parseItem and
// the StringItem constructor).
func item(isDigit bool, s string, followedByDigit bool) token {
	if isDigit {
		s = strings.TrimLeft(s, "0")
		if s == "" {
			s = "0"
		}
		return token{kindNum, s}
	}
	if followedByDigit && len(s) == 1 {
		switch s {
		case "a":
			return token{kindStr, "alpha"}
		case "b":
			return token{kindStr, "beta"}
		case "m":
			return token{kindStr, "milestone"}
		}
	}
	switch s {
	case "ga", "final", "release":
		return token{kindStr, ""}
	case "cr":
		return token{kindStr, "rc"}
	}
	return token{kindStr, s}
}

// qualifierRank is the index in Maven's QUALIFIERS list, or -1.
func qualifierRank(s string) int {
	switch s {
	case "alpha":
		return 0
	case "beta":
		return 1
	case "milestone":
		return 2
	case "rc":
		return 3
	case "snapshot":
		return 4
	case "":
		return 5
	case "sp":
		return 6
	}
	return -1
}

// compareQualifiers compares Maven's comparableQualifier strings: the rank
// digit for known qualifiers, "7-" + the qualifier for others.
func compareQualifiers(a, b string) int {
	ra, rb := qualifierRank(a), qualifierRank(b)
	switch {
	case ra >= 0 && rb >= 0:
		return sign(ra - rb)
	case ra >= 0:
		return -1
	case rb >= 0:
		return 1
	}
	return strings.Compare(a, b)
}

// compareNullTail compares the items t (the rest of a list, sub-lists
// included) with missing ones: the first item that is not equal to null
// decides (MNG-6964).
func compareNullTail(t []token) int {
	for _, tok := range t {
		switch tok.kind {
		case kindNum:
			if tok.text != "0" {
				return 1
			}
		case kindStr:
			// 1-rc < 1, 1-ga == 1, 1-sp > 1.
			if c := compareQualifiers(tok.text, ""); c != 0 {
				return c
			}
		}
	}
	return 0
}

// compareExact compares two lists exactly as Maven's ListItem.compareTo
// does. It is not transitive (see the package documentation); Compare uses
// compareTotal and the tests use this to show where the two differ.
func compareExact(a, b []token) int {
	for i := 0; ; i++ {
		switch {
		case i >= len(a) && i >= len(b):
			return 0
		case i >= len(a):
			if b[i].kind == kindList {
				return -compareNullTail(b[i+1:])
			}
			if c := compareNullTail(b[i : i+1]); c != 0 {
				return -c
			}
			continue
		case i >= len(b):
			if a[i].kind == kindList {
				return compareNullTail(a[i+1:])
			}
			if c := compareNullTail(a[i : i+1]); c != 0 {
				return c
			}
			continue
		}
		x, y := a[i], b[i]
		if x.kind == kindList && y.kind == kindList {
			// Both sub-lists run to the end: compare them instead.
			a, b, i = a[i+1:], b[i+1:], -1
			continue
		}
		if c := compareItems(x, y); c != 0 {
			return c
		}
	}
}

// compareTotal is Maven's comparison made transitive. Maven compares an
// item with a missing one (the end of the shorter version) by whether the
// item is "more" or "less" than nothing, but compares items of different
// kinds by kind alone (number > sub-list > qualifier), and the two rules
// contradict each other: "1.0.alpha.1" < "1" < "1-sp" < "1.0.alpha.1".
//
// Here every item at a position first gets a tier from how Maven compares
// it with a missing item: below (a pre-release qualifier; a sub-list whose
// first non-null item is below; a 0 whose following items are below), null
// (missing, an empty qualifier) or above (everything else). Items of
// different tiers compare by tier. Within a tier Maven's rules apply:
// qualifier < sub-list < number, qualifiers by rank, numbers by value,
// sub-lists recursively; null items let the next position decide.
func compareTotal(a, b []token) int {
	for i := 0; ; i++ {
		if i >= len(a) && i >= len(b) {
			return 0
		}
		ta, tb := tier(a, i), tier(b, i)
		if ta != tb {
			return sign(ta - tb)
		}
		if ta == tierNull {
			continue
		}
		x, y := a[i], b[i]
		if x.kind == kindList && y.kind == kindList {
			// Both sub-lists run to the end: compare them instead.
			a, b, i = a[i+1:], b[i+1:], -1
			continue
		}
		if c := compareItems(x, y); c != 0 {
			return c
		}
	}
}

// Tiers of compareTotal.
const (
	tierBelow = iota
	tierNull
	tierAbove
)

// tier places the item at position i of t (missing past the end).
func tier(t []token, i int) int {
	if i >= len(t) {
		return tierNull
	}
	switch tok := t[i]; tok.kind {
	case kindNum:
		if tok.text != "0" {
			return tierAbove
		}
		return tierNull + compareNullTail(t[i+1:])
	case kindList:
		return tierNull + compareNullTail(t[i+1:])
	default:
		return tierNull + compareQualifiers(tok.text, "")
	}
}

// compareItems compares two items that are not both sub-lists (Maven's
// Item.compareTo for those kinds).
func compareItems(a, b token) int {
	switch a.kind {
	case kindNum:
		if b.kind != kindNum {
			return 1 // 1.1 > 1-sp, 1.1 > 1-1
		}
		if len(a.text) != len(b.text) {
			return sign(len(a.text) - len(b.text))
		}
		return strings.Compare(a.text, b.text)
	case kindStr:
		if b.kind != kindStr {
			return -1 // 1.any < 1.1, 1.any < 1-1
		}
		return compareQualifiers(a.text, b.text)
	}
	if b.kind == kindNum {
		return -1 // 1-1 < 1.0.x
	}
	return 1 // 1-1 > 1-sp
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	if a == b {
		return 0
	}
	var ba, bb [16]token
	return compareTotal(parse(a, ba[:]), parse(b, bb[:]))
}

// Canonical returns Maven's canonical form of a version ("1.0.0-GA" → "1").
// Like Maven's ListItem.toString, a list writes a separator only once it
// has written something (an empty qualifier writes nothing).
func Canonical(v string) string {
	var buf [16]token
	return render(parse(v, buf[:]))
}

func render(ts []token) string {
	var b strings.Builder
	start := 0 // where the current list's text began
	for _, t := range ts {
		if b.Len() > start {
			if t.kind == kindList {
				b.WriteByte('-')
			} else {
				b.WriteByte('.')
			}
		}
		if t.kind == kindList {
			start = b.Len()
			continue
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// ErrSyntax is wrapped by every error from Valid.
var ErrSyntax = errors.New("invalid version")

// Valid rejects what cannot be a Maven version: the empty string and
// strings with white space or control characters (a POM's version is a
// single token).
func Valid(v string) error {
	if v == "" {
		return fmt.Errorf("maven: parsing %q: empty version: %w", v, ErrSyntax)
	}
	for _, r := range v {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == 0xfffd {
			return fmt.Errorf("maven: parsing %q: invalid character %q: %w", v, r, ErrSyntax)
		}
	}
	return nil
}

// needsLower reports whether lower-casing would change s.
func needsLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return true
		}
	}
	return false
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
