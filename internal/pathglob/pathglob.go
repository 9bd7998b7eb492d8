// Package pathglob matches slash-separated paths inside an image against
// the patterns users write in ignore files and --skip-path: path.Match
// syntax, "dir/**" for a directory and everything below it, "**" for any
// path. Both sides are cleaned relative to the root ("/a/./b" is "a/b"),
// since paths in reports are relative to the image root but people write
// them either way.
package pathglob

import (
	"path"
	"strings"
)

// Valid reports whether pattern is well formed.
func Valid(pattern string) error {
	_, err := path.Match(strings.TrimSuffix(clean(pattern), "/**"), "")
	return err
}

// Match reports whether p matches pattern. A malformed pattern matches
// nothing (check it with Valid first).
func Match(pattern, p string) bool {
	pattern, p = clean(pattern), clean(p)
	if pattern == "**" {
		return p != ""
	}
	if dir, ok := strings.CutSuffix(pattern, "/**"); ok {
		if ok, _ := path.Match(dir, p); ok {
			return true
		}
		// The pattern's directory against each ancestor of p.
		for i := len(p) - 1; i > 0; i-- {
			if p[i] == '/' {
				if ok, _ := path.Match(dir, p[:i]); ok {
					return true
				}
			}
		}
		return false
	}
	ok, _ := path.Match(pattern, p)
	return ok
}

// Any reports whether p matches one of patterns.
func Any(patterns []string, p string) bool {
	for _, pat := range patterns {
		if Match(pat, p) {
			return true
		}
	}
	return false
}

// clean makes p relative to the root: "/a/./b", "./a/b" and "a/b" are one
// path.
func clean(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}
