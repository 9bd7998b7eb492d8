// Package apkver orders Alpine package versions as apk-tools (version 3) does.
//
// A version is a sequence of tokens:
//
//	digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}
//
// Each token is compared with the token at the same position of the other
// version. The first number, suffix numbers and the revision compare
// numerically (as unsigned 64-bit values, wrapping like apk's parser); later
// dotted numbers numerically too unless either has a leading zero (then as
// strings, as Gentoo does); letters by byte; suffixes by rank (_alpha <
// _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p); commit hashes
// (~hex) as strings. When the token kinds differ, a pre-release suffix sorts
// first; otherwise the version whose next token is of a "later" kind in the
// grammar sorts first, so "1.0" < "1.0.1", "1.0_rc1" < "1.0" < "1.0_p1",
// "1.0" < "1.0-r1" < "1.0~abc".
//
// Invalid versions. apk compares invalid strings too: tokens are compared up
// to the point where a string stops being a version, and that point counts as
// a token kind of its own that sorts before everything but pre-release
// suffixes (so "1.0" > "1.0+x" and "1.0" < "1.0bc", whose second letter is
// invalid). apk calls two strings equal when both turn invalid at the same
// point after equal tokens; Compare breaks that tie bytewise so that it
// only returns 0 for versions apk considers valid and equal.
package apkver

import (
	"errors"
	"fmt"
	"strings"
)

// Token kinds, in apk-tools' order: when kinds differ, the greater kind sorts
// first (except pre-release suffixes).
const (
	tokInitialDigit = iota
	tokDigit
	tokLetter
	tokSuffix
	tokSuffixNo
	tokCommitHash
	tokRevisionNo
	tokEnd
	tokInvalid
)

// Suffix ranks; suffixNone is the pivot between pre- and post-release.
const (
	suffixInvalid = iota
	suffixAlpha
	suffixBeta
	suffixPre
	suffixRC
	suffixNone
	suffixCVS
	suffixSVN
	suffixGit
	suffixHg
	suffixP
)

var suffixNames = [...]string{
	suffixAlpha: "alpha", suffixBeta: "beta", suffixPre: "pre", suffixRC: "rc",
	suffixCVS: "cvs", suffixSVN: "svn", suffixGit: "git", suffixHg: "hg", suffixP: "p",
}

func suffixValue(s string) int {
	for v, name := range suffixNames {
		if name != "" && name == s {
			return v
		}
	}
	return suffixInvalid
}

// tokenizer walks one version string; it never allocates.
type tokenizer struct {
	s      string
	pos    int
	kind   int
	suffix int
	number uint64
	value  string
}

// digits reads a run of decimal digits as apk_blob_pull_uint does
// (wrapping on overflow); an empty run makes the token invalid.
func (t *tokenizer) digits() {
	start := t.pos
	var n uint64
	for t.pos < len(t.s) && isDigit(t.s[t.pos]) {
		n = n*10 + uint64(t.s[t.pos]-'0')
		t.pos++
	}
	t.number = n
	t.value = t.s[start:t.pos]
	if t.value == "" {
		t.kind = tokInvalid
	}
}

func (t *tokenizer) first(s string) {
	*t = tokenizer{s: s, kind: tokInitialDigit}
	t.digits()
}

func (t *tokenizer) next() {
	if t.pos == len(t.s) {
		t.kind = tokEnd
		return
	}
	c := t.s[t.pos]
	switch {
	case 'a' <= c && c <= 'z':
		if t.kind > tokDigit {
			t.kind = tokInvalid
			return
		}
		t.value = t.s[t.pos : t.pos+1]
		t.kind = tokLetter
		t.pos++
	case c == '.' || isDigit(c):
		if c == '.' {
			if t.kind > tokDigit {
				t.kind = tokInvalid
				return
			}
			t.pos++
		}
		switch t.kind {
		case tokInitialDigit, tokDigit:
			t.kind = tokDigit
		case tokSuffix:
			t.kind = tokSuffixNo
		default:
			t.kind = tokInvalid
			return
		}
		t.digits()
	case c == '_':
		if t.kind > tokSuffixNo {
			t.kind = tokInvalid
			return
		}
		t.pos++
		start := t.pos
		for t.pos < len(t.s) && 'a' <= t.s[t.pos] && t.s[t.pos] <= 'z' {
			t.pos++
		}
		t.value = t.s[start:t.pos]
		t.suffix = suffixValue(t.value)
		if t.suffix == suffixInvalid {
			t.kind = tokInvalid
			return
		}
		t.kind = tokSuffix
	case c == '~':
		if t.kind >= tokCommitHash {
			t.kind = tokInvalid
			return
		}
		t.pos++
		start := t.pos
		for t.pos < len(t.s) && isHex(t.s[t.pos]) {
			t.pos++
		}
		t.value = t.s[start:t.pos]
		if t.value == "" {
			t.kind = tokInvalid
			return
		}
		t.kind = tokCommitHash
	case c == '-':
		if t.kind >= tokRevisionNo || !strings.HasPrefix(t.s[t.pos:], "-r") {
			t.kind = tokInvalid
			return
		}
		t.pos += 2
		t.kind = tokRevisionNo
		t.digits()
	default:
		t.kind = tokInvalid
	}
}

// cmpToken compares two tokens of the same kind.
func cmpToken(a, b *tokenizer) int {
	var x, y uint64
	switch a.kind {
	case tokDigit:
		if a.value[0] == '0' || b.value[0] == '0' {
			// A leading zero on either side: string comparison, as Gentoo.
			return strings.Compare(a.value, b.value)
		}
		x, y = a.number, b.number
	case tokInitialDigit, tokSuffixNo, tokRevisionNo:
		x, y = a.number, b.number
	case tokLetter:
		x, y = uint64(a.value[0]), uint64(b.value[0])
	case tokSuffix:
		x, y = uint64(a.suffix), uint64(b.suffix)
	default:
		return strings.Compare(a.value, b.value)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// compare is apk_version_compare; the second result tells whether the
// strings were found equal only because both turned invalid.
func compare(a, b string) (int, bool) {
	var ta, tb tokenizer
	ta.first(a)
	tb.first(b)
	for ta.kind == tb.kind && ta.kind < tokEnd {
		if r := cmpToken(&ta, &tb); r != 0 {
			return r, false
		}
		ta.next()
		tb.next()
	}
	switch {
	case ta.kind == tb.kind:
		return 0, ta.kind == tokInvalid
	case ta.kind == tokSuffix && ta.suffix < suffixNone:
		return -1, false
	case tb.kind == tokSuffix && tb.suffix < suffixNone:
		return 1, false
	case ta.kind > tb.kind:
		return -1, false
	}
	return 1, false
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func Compare(a, b string) int {
	r, invalid := compare(a, b)
	if r == 0 && invalid {
		return strings.Compare(a, b)
	}
	return r
}

// ErrSyntax is wrapped by every error from Valid.
var ErrSyntax = errors.New("invalid version")

// Valid reports whether s is a valid apk version (apk_version_validate).
func Valid(s string) error {
	var t tokenizer
	for t.first(s); t.kind < tokEnd; t.next() {
	}
	if t.kind != tokEnd {
		return fmt.Errorf("apk: parsing %q: not a version after %q: %w", s, s[:t.pos], ErrSyntax)
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
