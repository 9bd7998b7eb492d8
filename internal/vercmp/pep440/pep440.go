// Package pep440 orders Python package versions by PEP 440, as the
// reference implementation pypa/packaging does (packaging.version.Version).
//
// A version "[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]" is parsed
// leniently the way packaging accepts it: case-insensitive, surrounding white
// space and a leading "v" ignored, the spellings alpha, beta, c, pre and
// preview for a, b and rc, rev and r for post, an implicit post release
// "1.0-1", optional separators (-, _, .) before labels and numbers, missing
// numbers meaning 0, and leading zeros ignored, so "1.0RC1" == "1.0rc1" and
// "1.01" == "1.1". Ordering follows packaging's sort key: epoch; release with
// trailing zeros ignored ("1.0" == "1.0.0"); a dev release of a final
// version before its pre-releases ("1.0.dev0" < "1.0a0"); pre-release before
// none; no post release before any; dev release before none; no local
// version before any, local segments compared numerically when numeric
// (and then after alphanumeric ones), else as lower-case strings.
//
// Invalid versions (which packaging refuses) sort before every valid version
// and bytewise among themselves. Numbers of any length are compared exactly.
package pep440

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Pre-release kinds, in order.
const (
	preNone = iota
	preA
	preB
	preRC
)

// Version is a parsed version; its strings alias the input.
type Version struct {
	epoch   string // digits, "" for 0
	release string // "N(.N)*"
	preKind int
	preNum  string
	hasPost bool
	postNum string
	hasDev  bool
	devNum  string
	local   string // without '+', separators as written, "" when absent
}

// ErrSyntax is wrapped by every error from Parse and Valid.
var ErrSyntax = errors.New("invalid version")

// Parse parses a version as packaging.version.Version does.
func Parse(s string) (Version, error) {
	v, ok := parse(s)
	if !ok {
		return Version{}, fmt.Errorf("pep440: parsing %q: not a PEP 440 version: %w", s, ErrSyntax)
	}
	return v, nil
}

// Valid reports whether s is a valid PEP 440 version.
func Valid(s string) error {
	_, err := Parse(s)
	return err
}

// Normalize returns the normalized form of s ("1.0RC1" → "1.0rc1").
func Normalize(s string) (string, error) {
	v, err := Parse(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// isPySpace is Python's str.isspace, which the \s of packaging's pattern
// matches: Unicode white space plus the ASCII information separators.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (0x1c <= r && r <= 0x1f)
}

// scanner is a cursor over the version text.
type scanner struct {
	s string
	i int
}

func (p *scanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// digits consumes a run of ASCII digits.
func (p *scanner) digits() string {
	start := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// sep consumes one optional separator.
func (p *scanner) sep() {
	if c := p.peek(); c == '-' || c == '_' || c == '.' {
		p.i++
	}
}

// word consumes the first of words (case-insensitively) found at the cursor.
func (p *scanner) word(words ...string) (string, bool) {
	for _, w := range words {
		if len(p.s)-p.i >= len(w) && strings.EqualFold(p.s[p.i:p.i+len(w)], w) {
			p.i += len(w)
			return w, true
		}
	}
	return "", false
}

func parse(s string) (v Version, ok bool) {
	s = strings.TrimFunc(s, isPySpace)
	p := &scanner{s: s}
	if c := p.peek(); c == 'v' || c == 'V' {
		p.i++
	}
	// Epoch: digits followed by '!'; otherwise those digits start the release.
	start := p.i
	if d := p.digits(); d != "" && p.peek() == '!' {
		v.epoch = d
		p.i++
	} else {
		p.i = start
	}
	// Release: N(.N)*.
	start = p.i
	if p.digits() == "" {
		return v, false
	}
	for p.peek() == '.' && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		p.digits()
	}
	v.release = s[start:p.i]

	// Each optional part is tried at the cursor and undone when it fails.
	// Labels are tried longest first, as the reference pattern does.
	save := p.i
	p.sep()
	if w, found := p.word("alpha", "a", "beta", "b", "preview", "pre", "c", "rc"); found {
		switch w {
		case "alpha", "a":
			v.preKind = preA
		case "beta", "b":
			v.preKind = preB
		default:
			v.preKind = preRC
		}
		p.sep()
		v.preNum = p.digits()
	} else {
		p.i = save
	}

	save = p.i
	if p.peek() == '-' && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		v.hasPost, v.postNum = true, p.digits()
	} else {
		p.sep()
		if _, found := p.word("post", "rev", "r"); found {
			p.sep()
			v.hasPost, v.postNum = true, p.digits()
		} else {
			p.i = save
		}
	}

	save = p.i
	p.sep()
	if _, found := p.word("dev"); found {
		p.sep()
		v.hasDev, v.devNum = true, p.digits()
	} else {
		p.i = save
	}

	if p.peek() == '+' {
		p.i++
		start = p.i
		for {
			if !p.alnumRun() {
				return v, false
			}
			if c := p.peek(); (c == '-' || c == '_' || c == '.') && p.i+1 < len(s) && isAlnum(s[p.i+1]) {
				p.i++
				continue
			}
			break
		}
		v.local = s[start:p.i]
	}
	return v, p.i == len(s)
}

// alnumRun consumes [a-z0-9]+ (any case).
func (p *scanner) alnumRun() bool {
	start := p.i
	for p.i < len(p.s) && isAlnum(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

// String returns the normalized form, as str(packaging.version.Version).
func (v Version) String() string {
	var b strings.Builder
	if e := trimZeros(v.epoch); e != "0" {
		b.WriteString(e)
		b.WriteByte('!')
	}
	for i, seg := range strings.Split(v.release, ".") {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(trimZeros(seg))
	}
	if v.preKind != preNone {
		b.WriteString([...]string{preA: "a", preB: "b", preRC: "rc"}[v.preKind])
		b.WriteString(trimZeros(v.preNum))
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(trimZeros(v.postNum))
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(trimZeros(v.devNum))
	}
	if v.local != "" {
		// Numeric local segments lose leading zeros, as packaging
		// stores them as integers.
		b.WriteByte('+')
		for rest, first := v.local, true; rest != ""; first = false {
			var seg string
			seg, rest = nextLocal(rest)
			if !first {
				b.WriteByte('.')
			}
			if isNum(seg) {
				seg = trimZeros(seg)
			}
			b.WriteString(strings.ToLower(seg))
		}
	}
	return b.String()
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	va, oka := parse(a)
	vb, okb := parse(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	return CompareVersions(va, vb)
}

// CompareVersions compares parsed versions by packaging's sort key.
func CompareVersions(a, b Version) int {
	if c := compareNum(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := compareRelease(a.release, b.release); c != 0 {
		return c
	}
	if c := a.preRank() - b.preRank(); c != 0 {
		return sign(c)
	}
	if a.preKind != preNone {
		if c := compareNum(a.preNum, b.preNum); c != 0 {
			return c
		}
	}
	if a.hasPost != b.hasPost {
		if a.hasPost {
			return 1
		}
		return -1
	}
	if c := compareNum(a.postNum, b.postNum); c != 0 {
		return c
	}
	if a.hasDev != b.hasDev {
		if a.hasDev {
			return -1
		}
		return 1
	}
	if c := compareNum(a.devNum, b.devNum); c != 0 {
		return c
	}
	return compareLocal(a.local, b.local)
}

// preRank places the pre-release part: a dev-only release of a final
// version first, then a, b, rc, then no pre-release.
func (v Version) preRank() int {
	switch {
	case v.preKind != preNone:
		return v.preKind
	case !v.hasPost && v.hasDev:
		return -1
	}
	return 10
}

func compareRelease(a, b string) int {
	for a != "" || b != "" {
		var x, y string
		x, a = nextSeg(a, '.')
		y, b = nextSeg(b, '.')
		if c := compareNum(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareLocal compares local versions: absent first; segments split on
// [-_.]; numeric after alphanumeric; numbers by value; others by lower case.
func compareLocal(a, b string) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	}
	for a != "" && b != "" {
		var x, y string
		x, a = nextLocal(a)
		y, b = nextLocal(b)
		nx, ny := isNum(x), isNum(y)
		switch {
		case nx && ny:
			if c := compareNum(x, y); c != 0 {
				return c
			}
		case nx:
			return 1
		case ny:
			return -1
		default:
			if c := compareFold(x, y); c != 0 {
				return c
			}
		}
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func nextLocal(s string) (seg, rest string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '-' || c == '_' || c == '.' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func nextSeg(s string, sep byte) (seg, rest string) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// compareFold compares ASCII strings as their lower-case forms.
func compareFold(x, y string) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		cx, cy := lower(x[i]), lower(y[i])
		if cx != cy {
			if cx < cy {
				return -1
			}
			return 1
		}
	}
	return sign(len(x) - len(y))
}

// compareNum compares decimal digit strings by value ("" is 0).
func compareNum(x, y string) int {
	x, y = trimZeros(x), trimZeros(y)
	if len(x) != len(y) {
		return sign(len(x) - len(y))
	}
	return strings.Compare(x, y)
}

func trimZeros(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func isNum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
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

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
