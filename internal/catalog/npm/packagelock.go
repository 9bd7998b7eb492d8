package npm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp/npmver"
)

// maxDepth bounds the recursion of v1 lock files' nested dependencies;
// real trees are a few dozen levels deep at most.
const maxDepth = 512

// parsePackageLock reads package-lock.json or npm-shrinkwrap.json, any
// version, as a stream. lockfileVersion 1 (npm 5–6) has only the nested
// "dependencies" tree; 2 (npm 7–8) has both it and the flat "packages" map;
// 3 (npm 9+) has only "packages". When "packages" is present it is
// authoritative (npm's own rule: the legacy section exists for old npm
// clients only): npm writes it first, so the legacy tree after it is
// skipped unread; one before it is read and then dropped.
func parsePackageLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	dec := generic.NewDecoder(f)
	var (
		pkgs, v1     set
		errs         []error
		seenPackages bool
		seenDeps     bool
		seenVersion  bool
		n            int
	)
	// entry is called for every record read; it counts it and checks
	// for cancellation now and then.
	entry := func() error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return f.Record()
	}
	isObj, err := generic.Object(dec, func(key string) error {
		switch key = strings.ToLower(key); key { // encoding/json matches fields so
		case "lockfileversion":
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			seenVersion = len(v) > 0
			return nil
		case "packages":
			ok, err := generic.Object(dec, func(key string) error {
				if err := entry(); err != nil {
					return err
				}
				return addPackagesEntry(dec, &pkgs, &errs, key)
			})
			seenPackages = seenPackages || ok
			return err
		case "dependencies":
			if seenPackages {
				return generic.Skip(dec)
			}
			ok, err := addV1Tree(dec, &v1, &errs, entry, 0)
			seenDeps = seenDeps || ok
			return err
		}
		return generic.Skip(dec)
	})
	if err == nil && !isObj {
		err = errors.New("not an object")
	}
	if err == nil {
		err = generic.End(dec)
	}
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("package-lock: %w", err)
	}
	if !seenPackages && !seenDeps && !seenVersion {
		return nil, errors.New("package-lock: no lockfileVersion, packages or dependencies")
	}
	if !seenPackages {
		pkgs = v1
		errs = slices.DeleteFunc(errs, func(e error) bool { _, ok := e.(packagesError); return ok })
	} else {
		errs = slices.DeleteFunc(errs, func(e error) bool { _, ok := e.(packagesError); return !ok })
	}
	return pkgs.sorted(), joinSkipped(errs)
}

// packagesError is an error about an entry of "packages", told apart from
// the legacy tree's when only one of them counts.
type packagesError struct{ error }

// stop reports whether err ends a parse as it is: a budget error or the
// end of the scan.
func stop(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, budget.ErrExceeded)
}

// packagesEntry is one entry of "packages" (v2/v3).
type packagesEntry struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Dev     bool   `json:"dev"`
	Link    bool   `json:"link"`
}

// addPackagesEntry reads the value of one "packages" entry of a v2/v3 lock
// file. Keys are install paths: "" is the project,
// "node_modules/a/node_modules/@s/b" an installed package, anything
// without node_modules/ a workspace folder.
func addPackagesEntry(dec *json.Decoder, s *set, errs *[]error, key string) error {
	i := strings.LastIndex(key, "node_modules/")
	if i < 0 {
		return generic.Skip(dec) // the project or a workspace: its own sources
	}
	var e packagesEntry
	if err := generic.Decode(dec, &e); err != nil {
		if _, ok := errors.AsType[*generic.TypeError](err); !ok {
			return err
		}
		*errs = append(*errs, packagesError{fmt.Errorf("packages[%q]: %w", key, err)})
		return nil
	}
	if e.Link {
		return nil // points at a workspace folder, reported there if anywhere
	}
	name := key[i+len("node_modules/"):]
	if e.Name != "" {
		name = e.Name // an alias: "node_modules/foo" holding bar
	}
	if !validName(name) {
		*errs = append(*errs, packagesError{fmt.Errorf("packages[%q]: invalid package name %q", key, name)})
		return nil
	}
	if e.Version == "" {
		return nil // nothing installed there (an optional dependency for another platform)
	}
	if npmver.Valid(e.Version) != nil {
		*errs = append(*errs, packagesError{fmt.Errorf("packages[%q]: invalid version %q", key, e.Version)})
		return nil
	}
	s.add(name, e.Version, e.Dev)
	return nil
}

// addV1Tree reads the nested "dependencies" of a v1 lock file as a stream:
// each entry's own fields are read, its nested dependencies walked in
// turn. It reports whether the value was an object.
func addV1Tree(dec *json.Decoder, s *set, errs *[]error, entry func() error, depth int) (bool, error) {
	if depth > maxDepth {
		*errs = append(*errs, fmt.Errorf("dependencies nested deeper than %d", maxDepth))
		return true, generic.Skip(dec)
	}
	return generic.Object(dec, func(key string) error {
		if err := entry(); err != nil {
			return err
		}
		var (
			version  string
			dev      bool
			fieldErr error
		)
		// Keys match case-insensitively, as encoding/json's do.
		_, err := generic.Object(dec, func(field string) error {
			switch {
			case strings.EqualFold(field, "version"), strings.EqualFold(field, "dev"):
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return err
				}
				var err error
				if strings.EqualFold(field, "version") {
					err = json.Unmarshal(raw, &version)
				} else {
					err = json.Unmarshal(raw, &dev)
				}
				if err != nil && fieldErr == nil {
					fieldErr = err
				}
				return nil
			case strings.EqualFold(field, "dependencies"):
				_, err := addV1Tree(dec, s, errs, entry, depth+1)
				if errors.Is(err, generic.ErrType) && fieldErr == nil {
					fieldErr, err = err, nil
				}
				return err
			}
			return generic.Skip(dec)
		})
		if errors.Is(err, generic.ErrType) {
			fieldErr, err = err, nil
		}
		if err != nil {
			return err
		}
		if fieldErr != nil {
			*errs = append(*errs, fmt.Errorf("dependencies[%q]: %w", key, fieldErr))
			return nil
		}
		if name, v, ok := v1Package(key, version); ok {
			s.add(name, v, dev)
		} else if !validName(key) {
			*errs = append(*errs, fmt.Errorf("dependencies[%q]: invalid package name", key))
		}
		return nil
	})
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
