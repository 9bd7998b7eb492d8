package generic

import "github.com/bulwark-sec/bulwark/internal/sbom"

// Set collects the packages of one file, each once: a package listed
// again (a lock file names one per dependent) keeps its first entry and
// stays Dev only if every listing says so.
type Set struct {
	// Key identifies a package; nil: its name and version as written.
	// Python compares names as PEP 503 normalizes them.
	Key   func(name, version string) string
	index map[string]int
	pkgs  []sbom.Package
}

// Add adds p, or merges its Dev flag into the package already there.
func (s *Set) Add(p sbom.Package) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	k := p.Name + "@" + p.Version
	if s.Key != nil {
		k = s.Key(p.Name, p.Version)
	}
	if i, ok := s.index[k]; ok {
		s.pkgs[i].Dev = s.pkgs[i].Dev && p.Dev
		return
	}
	s.index[k] = len(s.pkgs)
	s.pkgs = append(s.pkgs, p)
}

// Sorted returns the packages in sbom.Sort's order.
func (s *Set) Sorted() []sbom.Package {
	sbom.Sort(s.pkgs)
	return s.pkgs
}

// Packages returns the packages in the order added; a caller may change
// any field but the name and version.
func (s *Set) Packages() []sbom.Package { return s.pkgs }
