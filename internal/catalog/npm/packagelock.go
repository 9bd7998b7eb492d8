package npm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
	npmver "github.com/bulwark-sec/bulwark/internal/vercmp/npm"
)

// maxDepth bounds the recursion of v1 lock files' nested dependencies;
// real trees are a few dozen levels deep at most.
const maxDepth = 512

// lockFile is package-lock.json or npm-shrinkwrap.json, any version.
// lockfileVersion 1 (npm 5–6) has only the nested "dependencies" tree;
// 2 (npm 7–8) has both it and the flat "packages" map; 3 (npm 9+) has only
// "packages". When "packages" is present it is authoritative (npm's own
// rule: the legacy section exists for old npm clients only).
type lockFile struct {
	LockfileVersion json.RawMessage            `json:"lockfileVersion"`
	Packages        map[string]json.RawMessage `json:"packages"`
	Dependencies    map[string]json.RawMessage `json:"dependencies"`
}

// lockEntry is one entry of "packages" (v2/v3) or "dependencies" (v1).
type lockEntry struct {
	Name         string                     `json:"name"`
	Version      string                     `json:"version"`
	Dev          bool                       `json:"dev"`
	Link         bool                       `json:"link"`
	Dependencies map[string]json.RawMessage `json:"dependencies"` // v1 only
}

func parsePackageLock(ctx context.Context, data []byte) ([]sbom.Package, error) {
	var lf lockFile
	if err := json.Unmarshal(data, &lf); err != nil {
		return nil, fmt.Errorf("package-lock: %w", err)
	}
	if lf.Packages == nil && lf.Dependencies == nil && len(lf.LockfileVersion) == 0 {
		return nil, errors.New("package-lock: no lockfileVersion, packages or dependencies")
	}
	var (
		s    set
		errs []error
	)
	if lf.Packages != nil {
		for key, raw := range lf.Packages {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := addPackagesEntry(&s, key, raw); err != nil {
				errs = append(errs, err)
			}
		}
	} else {
		errs = append(errs, addV1Tree(ctx, &s, lf.Dependencies, 0)...)
	}
	return s.sorted(), joinSkipped(errs)
}

// addPackagesEntry adds one "packages" entry of a v2/v3 lock file. Keys are
// install paths: "" is the project, "node_modules/a/node_modules/@s/b" an
// installed package, anything without node_modules/ a workspace folder.
func addPackagesEntry(s *set, key string, raw json.RawMessage) error {
	i := strings.LastIndex(key, "node_modules/")
	if i < 0 {
		return nil // the project or a workspace: its own sources
	}
	var e lockEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("packages[%q]: %w", key, err)
	}
	if e.Link {
		return nil // points at a workspace folder, reported there if anywhere
	}
	name := key[i+len("node_modules/"):]
	if e.Name != "" {
		name = e.Name // an alias: "node_modules/foo" holding bar
	}
	if !validName(name) {
		return fmt.Errorf("packages[%q]: invalid package name %q", key, name)
	}
	if e.Version == "" {
		return nil // nothing installed there (an optional dependency for another platform)
	}
	if npmver.Valid(e.Version) != nil {
		return fmt.Errorf("packages[%q]: invalid version %q", key, e.Version)
	}
	s.add(name, e.Version, e.Dev)
	return nil
}

// addV1Tree walks the nested "dependencies" of a v1 lock file.
func addV1Tree(ctx context.Context, s *set, deps map[string]json.RawMessage, depth int) []error {
	if depth > maxDepth {
		return []error{fmt.Errorf("dependencies nested deeper than %d", maxDepth)}
	}
	var errs []error
	for key, raw := range deps {
		if err := ctx.Err(); err != nil {
			return append(errs, err)
		}
		var e lockEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			errs = append(errs, fmt.Errorf("dependencies[%q]: %w", key, err))
			continue
		}
		if name, version, ok := v1Package(key, e.Version); ok {
			s.add(name, version, e.Dev)
		} else if !validName(key) {
			errs = append(errs, fmt.Errorf("dependencies[%q]: invalid package name", key))
		}
		if len(e.Dependencies) > 0 {
			errs = append(errs, addV1Tree(ctx, s, e.Dependencies, depth+1)...)
		}
	}
	return errs
}

// v1Package returns the registry package a v1 entry installs. Its version is
// a version, "npm:<name>@<version>" for an alias, or a URL or path (git,
// tarball, file:), which names nothing in the registry.
func v1Package(key, version string) (string, string, bool) {
	name := key
	if rest, ok := strings.CutPrefix(version, "npm:"); ok {
		at := strings.LastIndexByte(rest, '@')
		if at <= 0 {
			return "", "", false
		}
		name, version = rest[:at], rest[at+1:]
	}
	if !validName(name) || npmver.Valid(version) != nil {
		return "", "", false
	}
	return name, version, true
}

// joinSkipped turns the errors of skipped entries into one error that
// names a few of them, or nil.
func joinSkipped(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	const show = 3
	var b strings.Builder
	fmt.Fprintf(&b, "%d entr", len(errs))
	if len(errs) == 1 {
		b.WriteString("y")
	} else {
		b.WriteString("ies")
	}
	b.WriteString(" skipped: ")
	msgs := make([]string, 0, show)
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	slices.Sort(msgs)
	if len(msgs) > show {
		msgs = append(msgs[:show], "…")
	}
	b.WriteString(strings.Join(msgs, "; "))
	return errors.New(b.String())
}
