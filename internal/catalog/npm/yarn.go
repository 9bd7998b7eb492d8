package npm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp/npmver"
)

// yarnEntry is one top-level block of a yarn.lock.
type yarnEntry struct {
	line                          int
	keys                          []string // descriptors: "lodash@^4.17.4", "lodash@npm:^4.17.4"
	version, resolution, linkType string
}

// parseYarnLock reads both yarn.lock formats with one line reader, since
// they share their shape: a block per resolved package, opened by an
// unindented line listing the descriptors that resolved to it, with fields
// indented by two spaces.
//
//	v1:    lodash@^4.17.4, lodash@^4.17.5:      Berry:  "lodash@npm:^4.17.4":
//	         version "4.17.21"                            version: 4.17.21
//	         resolved "https://…"                         resolution: "lodash@npm:4.17.21"
//	                                                      linkType: hard
//
// Berry's file is YAML, but Yarn writes only this block subset (its own
// syml writer), so reading lines is exact and keeps one code path. Lines
// indented deeper (dependency lists) are skipped. yarn.lock records no
// dev/production distinction, so Dev is never set.
func parseYarnLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		s    set
		errs []error
		cur  *yarnEntry
	)
	flush := func() {
		if cur == nil {
			return
		}
		if err := cur.add(&s); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", cur.line, err))
		}
		cur = nil
	}
	err := generic.Lines(ctx, f, func(n int, line []byte) error {
		line = bytes.TrimRight(line, "\r")
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			return nil
		}
		indent := len(line) - len(bytes.TrimLeft(line, " "))
		if indent == 0 {
			flush()
			if err := f.Record(); err != nil {
				return err
			}
			if !bytes.HasSuffix(trimmed, []byte(":")) {
				errs = append(errs, fmt.Errorf("line %d: not an entry", n))
				return nil
			}
			cur = &yarnEntry{line: n, keys: yarnKeys(string(trimmed[:len(trimmed)-1]))}
			return nil
		}
		if cur == nil || indent != 2 {
			return nil
		}
		k, v := yarnField(string(trimmed))
		switch k {
		case "version":
			cur.version = v
		case "resolution":
			cur.resolution = v
		case "linkType":
			cur.linkType = v
		}
		return nil
	})
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("yarn.lock: %w", err)
	}
	flush()
	return s.sorted(), joinSkipped(errs)
}

// add puts the entry's package into s; workspaces and links add nothing.
func (e *yarnEntry) add(s *set) error {
	if len(e.keys) == 0 || e.keys[0] == "" {
		return errors.New("entry without descriptors")
	}
	if e.keys[0] == "__metadata" {
		return nil
	}
	if e.linkType == "soft" || strings.Contains(e.resolution, "@workspace:") {
		return nil // the project's own folders, links and portals
	}
	var name string
	if e.resolution != "" {
		name = descriptorName(e.resolution)
	} else {
		name = descriptorName(e.keys[0])
		// An alias, "foo@npm:bar@^1.0.0", installs bar.
		if rng, ok := strings.CutPrefix(e.keys[0][len(name):], "@npm:"); ok {
			if real := descriptorName(rng); real != rng {
				name = real
			}
		}
	}
	if !validName(name) {
		return fmt.Errorf("invalid package name %q", name)
	}
	if e.version == "" {
		return fmt.Errorf("%s: no version", name)
	}
	if npmver.Valid(e.version) != nil {
		return fmt.Errorf("%s: invalid version %q", name, e.version)
	}
	s.add(name, e.version, false)
	return nil
}

// yarnKeys splits an entry's descriptor list. v1 quotes each descriptor
// that needs it ("@babel/core@^7.0.0", lodash@^4.0.0); Berry quotes the
// whole list once ("a@npm:^1, a@npm:^1.2").
func yarnKeys(s string) []string {
	parts := strings.Split(s, ", ")
	for i, p := range parts {
		parts[i] = unquote(strings.TrimSpace(p))
	}
	return parts
}

// yarnField splits `version "1.2.3"` (v1) or `version: 1.2.3` (Berry).
func yarnField(line string) (string, string) {
	i := strings.IndexAny(line, " :")
	if i < 0 {
		return line, ""
	}
	k, rest := line[:i], line[i:]
	rest = strings.TrimPrefix(rest, ":")
	return k, unquote(strings.TrimSpace(rest))
}

// unquote removes double quotes, decoding escapes where the text is a valid
// quoted string (Yarn writes JSON-style escapes in both formats).
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	}
	s = strings.TrimPrefix(s, "\"")
	return strings.TrimSuffix(s, "\"")
}

// descriptorName is the package name of a descriptor or locator
// ("@scope/name@range", "name@npm:1.0.0"): everything before the first "@"
// that does not open a scope. Without such an "@" it is the whole string.
func descriptorName(d string) string {
	start := 0
	if strings.HasPrefix(d, "@") {
		start = 1
	}
	i := strings.IndexByte(d[start:], '@')
	if i < 0 {
		return d
	}
	return d[:start+i]
}
