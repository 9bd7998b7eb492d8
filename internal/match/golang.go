package match

import (
	"github.com/bulwark-sec/bulwark/internal/advisory"
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

// forPlatform keeps the affected Go packages that apply to a binary built
// for platform ("linux/amd64"), as govulncheck does: an import with GOOS or
// GOARCH lists applies only where they match. ok is false when the record
// listed packages and none apply: the binary is not affected at all.
func forPlatform(imports []advisory.Import, platform string) (kept []advisory.Import, ok bool) {
	goos, goarch, _ := strings.Cut(platform, "/")
	for _, imp := range imports {
		if matchesAny(goos, imp.GOOS) && matchesAny(goarch, imp.GOARCH) {
			kept = append(kept, imp)
		}
	}
	return kept, len(kept) > 0
}

func matchesAny(v string, list []string) bool {
	return v == "" || len(list) == 0 || slices.Contains(list, v)
}
