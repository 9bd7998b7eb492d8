package rust

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxNesting bounds bracket nesting in a Cargo.lock. Cargo writes at most
// three levels ("[[package]]" headers, dependency arrays); the TOML parser
// recurses once per level, so unbounded nesting could exhaust the stack.
const maxNesting = 32

// ParseLock reads a Cargo.lock (formats v1 to v4) and returns its crates
// located at path, sorted. A [[package]] table without a usable name or
// version is skipped; the crates that were read come back with an error
// naming each skipped table.
func ParseLock(r io.Reader, path string) ([]sbom.Package, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxLockSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxLockSize {
		return nil, fmt.Errorf("more than %d bytes", maxLockSize)
	}
	if err := catalog.CheckNesting(b, maxNesting); err != nil {
		return nil, err
	}
	var doc map[string]any
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, fmt.Errorf("not TOML: %w", err)
	}
	if v, ok := doc["version"]; ok {
		// v3 and v4 say so; v1 and v2 files have no version key.
		if n, ok := v.(int64); !ok || n < 1 {
			return nil, fmt.Errorf("lock file version %v is not a format version", v)
		}
	}

	var tables []map[string]any
	switch p := doc["package"].(type) {
	case nil:
	case []map[string]any:
		tables = p
	default:
		return nil, errors.New(`"package" is not an array of tables`)
	}
	if root, ok := doc["root"].(map[string]any); ok {
		// The oldest v1 lock files keep the root crate in its own
		// table instead of a [[package]] entry.
		tables = append(tables, root)
	}

	var (
		pkgs    []sbom.Package
		skipped []error
	)
	for i, t := range tables {
		name, _ := t["name"].(string)
		version, _ := t["version"].(string)
		source, hasSource := t["source"].(string)
		if _, ok := t["source"]; ok && !hasSource {
			skipped = append(skipped, fmt.Errorf("package %d (%q): source is not a string", i+1, name))
			continue
		}
		if !validName(name) || !validVersion(version) {
			skipped = append(skipped, fmt.Errorf("package %d: no usable name and version (%q, %q)", i+1, name, version))
			continue
		}
		pkgs = append(pkgs, sbom.Package{
			Name: name, Version: version, Type: sbom.Cargo,
			Main:      !hasSource || source == "",
			Locations: []sbom.Location{{Path: path}},
		})
	}
	sbom.Sort(pkgs)
	return pkgs, errors.Join(skipped...)
}

// validName accepts crate names as Cargo does: ASCII letters, digits, '-'
// and '_'. crates.io stops at 64 characters; local crates may be longer,
// and 256 only keeps absurd input out.
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validVersion accepts a non-empty SemVer-like string without spaces.
func validVersion(s string) bool {
	if s == "" || len(s) > 256 || !('0' <= s[0] && s[0] <= '9') {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e })
}
