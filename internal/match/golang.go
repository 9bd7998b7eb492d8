package match

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// reachable decides symbol-level reachability for a Go finding the way
// govulncheck's binary mode does: the vulnerability is reachable when the
// binary contains any affected symbol of an affected package ("pkg.Func",
// "pkg.Type.Method"); an affected package listed without symbols counts as
// reached by any of its functions. "unknown" when the advisory lists no
// packages or the binary's symbols could not be read.
func reachable(p *sbom.Package, g []candidate) string {
	if len(p.Symbols) == 0 {
		return "unknown"
	}
	listed := false
	for _, c := range g {
		for _, imp := range c.rec.Affected.Imports {
			listed = true
			if len(imp.Symbols) == 0 {
				prefix := imp.Path + "."
				i, _ := slices.BinarySearch(p.Symbols, prefix)
				if i < len(p.Symbols) && strings.HasPrefix(p.Symbols[i], prefix) {
					return "true"
				}
				continue
			}
			for _, s := range imp.Symbols {
				if _, ok := slices.BinarySearch(p.Symbols, imp.Path+"."+s); ok {
					return "true"
				}
			}
		}
	}
	if !listed {
		return "unknown"
	}
	return "false"
}
