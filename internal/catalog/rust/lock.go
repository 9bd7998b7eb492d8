package rust

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxNesting bounds bracket nesting in a Cargo.lock. Cargo writes at most
// three levels ("[[package]]" headers, dependency arrays); the TOML parser
// recurses once per level, so unbounded nesting could exhaust the stack.
const maxNesting = 32

// parseLock reads a Cargo.lock (formats v1 to v4) one TOML table at a
// time ([generic.TOMLTables]) and returns its crates, sorted; every
// [[package]] table counts against the scan's record budget. A table
// without a usable name or version is skipped; the crates that were read
// come back with an error naming each skipped table.
func parseLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		pkgs    []sbom.Package
		skipped []error
		root    map[string]any
		i       int
	)
	add := func(t map[string]any) {
		i++
		name, _ := t["name"].(string)
		version, _ := t["version"].(string)
		source, hasSource := t["source"].(string)
		if _, ok := t["source"]; ok && !hasSource {
			skipped = append(skipped, fmt.Errorf("package %d (%q): source is not a string", i, name))
			return
		}
		if !validName(name) || !validVersion(version) {
			skipped = append(skipped, fmt.Errorf("package %d: no usable name and version (%q, %q)", i, name, version))
			return
		}
		pkgs = append(pkgs, sbom.Package{
			Name: name, Version: version, Type: sbom.Cargo,
			Main: !hasSource || source == "",
		})
	}
	err := generic.TOMLTables(ctx, f, func(header string, chunk []byte) error {
		if err := catalog.CheckNesting(chunk, maxNesting); err != nil {
			return err
		}
		var doc map[string]any
		if _, err := toml.Decode(string(chunk), &doc); err != nil {
			return fmt.Errorf("not TOML: %w", err)
		}
		if v, ok := doc["version"]; ok && header == "" {
			// v3 and v4 say so; v1 and v2 files have no version key.
			if n, ok := v.(int64); !ok || n < 1 {
				return fmt.Errorf("lock file version %v is not a format version", v)
			}
		}
		switch p := doc["package"].(type) {
		case nil:
		case []map[string]any:
			for _, t := range p {
				if err := f.Record(); err != nil {
					return err
				}
				add(t)
			}
		default:
			if header == "" || strings.HasPrefix(header, "[package") && !strings.HasPrefix(header, "[package.") {
				return errors.New(`"package" is not an array of tables`)
			}
		}
		if r, ok := doc["root"].(map[string]any); ok && (header == "[root]" || header == "") {
			// The oldest v1 lock files keep the root crate in its own
			// table instead of a [[package]] entry.
			root = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if root != nil {
		add(root)
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
