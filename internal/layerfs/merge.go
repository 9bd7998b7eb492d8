package layerfs

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Stack is the merged view of an image's layer indexes, bottom first.
type Stack struct {
	layers []*Index
	links  map[string]string // visible symlinks: path → target
}

// Merge stacks indexes in layer order (base layer first).
func Merge(indexes []*Index) *Stack {
	s := &Stack{layers: indexes}
	// Sized for every layer's links at once: grown by doublings instead,
	// the map of a Debian base layer (646 links) was allocated, cleared
	// and rehashed at each step, the largest cost of assembling a rescan.
	n := 0
	for _, ix := range indexes {
		n += len(ix.Symlinks)
	}
	s.links = make(map[string]string, n)
	for i, ix := range indexes {
		for p, t := range ix.Symlinks {
			if s.Visible(i, p) {
				s.links[p] = t
			}
		}
	}
	return s
}

// pathKeys are the keys of a path and of its ancestors, computed once per
// question however many layers are asked.
type pathKeys struct {
	self      Key
	ancestors []Key // parent first
}

func keysOf(p string) pathKeys {
	k := pathKeys{self: KeyOf(p)}
	for a := parent(p); a != ""; a = parent(a) {
		k.ancestors = append(k.ancestors, KeyOf(a))
	}
	return k
}

// Visible reports whether path p, as written by layer i, survives every
// layer above i: not deleted by a whiteout of itself or an ancestor, not
// under a directory made opaque, not replaced by another entry at p, and no
// ancestor replaced by a non-directory.
func (s *Stack) Visible(i int, p string) bool {
	return s.HiddenBy(i, p) < 0
}

// HiddenBy returns the lowest layer above i that deletes, replaces or
// hides what layer i has at p, or -1 when p as layer i wrote it is
// visible at the top.
func (s *Stack) HiddenBy(i int, p string) int {
	if i+1 >= len(s.layers) {
		return -1 // the top layer: nothing above to ask
	}
	k := keysOf(p)
	for j := i + 1; j < len(s.layers); j++ {
		if s.touches(j, k) {
			return j
		}
	}
	return -1
}

// touches reports whether layer j replaces or hides what lower layers have
// at the path.
func (s *Stack) touches(j int, k pathKeys) bool {
	ix := s.layers[j]
	if ix.Whiteouts.Has(k.self) || ix.Others.Has(k.self) || ix.Dirs.Has(k.self) {
		return true
	}
	for _, a := range k.ancestors {
		if ix.Whiteouts.Has(a) || ix.Opaques.Has(a) || ix.Others.Has(a) {
			return true
		}
	}
	return false
}

// Introduced returns the lowest layer from which p held what layer top has
// there, given same(i) which says whether layer i's version of p is
// equivalent (for example holds the same package). Layers that leave p
// alone are passed over.
func (s *Stack) Introduced(top int, p string, same func(i int) bool) int {
	if top == 0 {
		return 0
	}
	k := keysOf(p)
	best := top
	for i := top - 1; i >= 0; i-- {
		has := s.layers[i].Others.Has(k.self)
		if !has && !s.touches(i, k) {
			continue
		}
		if !has || !same(i) {
			break
		}
		best = i
	}
	return best
}

// ErrLinkLoop is returned by Resolve for symlink cycles or chains longer
// than 40 links (the Linux limit).
var ErrLinkLoop = errors.New("too many levels of symbolic links")

// Resolve follows symlinks in p, component by component, the way the
// kernel would inside a chroot of the image: absolute targets start at the
// image root and ".." never climbs above it. The result is a clean
// root-relative path ("" for the root itself).
func (s *Stack) Resolve(p string) (string, error) {
	hops := 0
	rest := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	var done []string
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := strings.Join(append(done, c), "/")
		target, ok := s.links[cur]
		if !ok {
			done = append(done, c)
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("layerfs: resolving %q: %w", p, ErrLinkLoop)
		}
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return strings.Join(done, "/"), nil
}

// Symlinks returns the visible symlinks (path → target as written).
func (s *Stack) Symlinks() map[string]string { return s.links }

func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
