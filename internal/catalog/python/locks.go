package python

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp/pep440"
)

// poetryFile is poetry.lock. Until lock-version 2.0 each package has a
// category, "main" or "dev"; Poetry 2 (lock-version 2.1) lists the
// dependency groups that need it instead, and 2.0 files have neither.
type poetryFile struct {
	Package []struct {
		Name     string   `toml:"name"`
		Version  string   `toml:"version"`
		Category string   `toml:"category"`
		Groups   []string `toml:"groups"`
	} `toml:"package"`
}

// parsePoetryLock reads poetry.lock. A package is Dev when its category is
// "dev" or when it belongs to groups none of which is "main": Poetry
// installs only the main group for `install --only main` (and
// `--without dev` style deployments), so every other group is development
// tooling.
//
// The file is read one table at a time ([generic.TOMLTables]): every
// [[package]] table is decoded on its own and counted against the record
// budget; the other tables (dependency lists, metadata and its file
// hashes) are only checked to be TOML.
func parsePoetryLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		s    set
		errs []error
		i    int
	)
	err := generic.TOMLTables(ctx, f, func(header string, chunk []byte) error {
		// Poetry writes three levels; the TOML parser recurses per level.
		if err := catalog.CheckNesting(chunk, 32); err != nil {
			return err
		}
		var lf poetryFile
		var v any = &lf
		if strings.Join(strings.Fields(header), "") != "[[package]]" {
			v = &struct{}{}
		}
		if _, err := toml.Decode(string(chunk), v); err != nil {
			return err
		}
		for _, p := range lf.Package {
			if err := f.Record(); err != nil {
				return err
			}
			i++
			name, version := strings.TrimSpace(p.Name), strings.TrimSpace(p.Version)
			if !validName(name) || version == "" {
				errs = append(errs, fmt.Errorf("package %d: name %q, version %q", i, name, version))
				continue
			}
			dev := p.Category == "dev" || (len(p.Groups) > 0 && !slices.Contains(p.Groups, "main"))
			s.add(name, version, dev)
		}
		return nil
	})
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("poetry.lock: %w", err)
	}
	return s.sorted(), joinSkipped(errs)
}

// stop reports whether err ends a parse as it is: a budget error or the
// end of the scan.
func stop(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, budget.ErrExceeded)
}

// parsePipfileLock reads Pipfile.lock as a JSON stream: sections of
// name → {"version": "==1.2.3", "hashes": […], "markers": …}. "default" is
// what `pipenv install` deploys, "develop" what `pipenv install --dev`
// adds.
func parsePipfileLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		s                       set
		errs                    []error
		meta, defaults, develop bool
		n                       int
	)
	dec := generic.NewDecoder(f)
	section := func(dev bool) (bool, error) {
		return generic.Object(dec, func(name string) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := f.Record(); err != nil {
				return err
			}
			var e struct {
				Version string `json:"version"`
			}
			if err := generic.Decode(dec, &e); err != nil {
				if _, ok := errors.AsType[*generic.TypeError](err); !ok {
					return err
				}
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				return nil
			}
			if !validName(name) {
				errs = append(errs, fmt.Errorf("invalid name %q", name))
				return nil
			}
			if version, ok := exactPin(e.Version); ok { // else a VCS, path or file requirement
				s.add(name, version, dev)
			}
			return nil
		})
	}
	isObj, err := generic.Object(dec, func(key string) error {
		var err error
		switch strings.ToLower(key) { // encoding/json matches fields so
		case "_meta":
			meta = true
			err = generic.Skip(dec)
		case "default":
			var ok bool
			ok, err = section(false)
			defaults = defaults || ok
		case "develop":
			var ok bool
			ok, err = section(true)
			develop = develop || ok
		default:
			err = generic.Skip(dec)
		}
		return err
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
		return nil, fmt.Errorf("Pipfile.lock: %w", err)
	}
	if !meta && !defaults && !develop {
		return nil, errors.New("Pipfile.lock: no _meta, default or develop section")
	}
	return s.sorted(), joinSkipped(errs)
}

// exactPin returns the version of "==1.2.3" or "===1.2.3". Prefix matches
// ("==1.2.*") and every other specifier pin nothing.
func exactPin(spec string) (string, bool) {
	spec = strings.TrimSpace(spec)
	var v string
	switch {
	case strings.HasPrefix(spec, "==="):
		v = strings.TrimSpace(spec[3:])
		return v, v != "" && !strings.ContainsAny(v, " \t,;")
	case strings.HasPrefix(spec, "=="):
		v = strings.TrimSpace(spec[2:])
		return v, v != "" && !strings.Contains(v, "*") && pep440.Valid(v) == nil
	}
	return "", false
}

// parseRequirements reads a pip requirements file and reports the
// requirements pinned to one exact version ("name==1.2.3", with extras,
// environment markers and --hash options allowed). Ranges, URLs, paths
// and editable installs pin nothing and are passed over; pip options
// ("-r", "--index-url") are not requirements. A line that is none of these
// is an error, and the rest of the file is still read.
func parseRequirements(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		s    set
		errs []error
	)
	err := logicalLines(ctx, f, func(l logicalLine) error {
		if err := f.Record(); err != nil {
			return err
		}
		name, version, err := requirement(l.text)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", l.n, err))
			return nil
		}
		if name != "" {
			s.add(name, version, false)
		}
		return nil
	})
	if err != nil {
		if stop(ctx, err) {
			return nil, err
		}
		return nil, fmt.Errorf("requirements: %w", err)
	}
	return s.sorted(), joinSkipped(errs)
}

type logicalLine struct {
	n    int // first physical line, from 1
	text string
}

// logicalLines calls fn with every logical line of f: backslash
// continuations joined, comments (pip: a "#" at the start of a line or
// after white space) and blank lines dropped.
func logicalLines(ctx context.Context, f *generic.File, fn func(logicalLine) error) error {
	var (
		cur  strings.Builder
		from int
	)
	err := generic.Lines(ctx, f, func(n int, line []byte) error {
		text := strings.TrimRight(string(line), "\r")
		if cur.Len() == 0 {
			from = n
		}
		if i := commentStart(text); i >= 0 {
			text = text[:i]
		}
		if strings.HasSuffix(text, "\\") {
			if cur.Len()+len(text) > generic.MaxLine {
				return fmt.Errorf("line %d: continued beyond %d bytes", from, generic.MaxLine)
			}
			cur.WriteString(strings.TrimSuffix(text, "\\"))
			return nil
		}
		cur.WriteString(text)
		t := strings.TrimSpace(cur.String())
		cur.Reset()
		if t != "" {
			return fn(logicalLine{from, t})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t := strings.TrimSpace(cur.String()); t != "" {
		return fn(logicalLine{from, t})
	}
	return nil
}

func commentStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// requirement parses one logical line. It returns an empty name for lines
// that are valid but pin nothing.
func requirement(line string) (string, string, error) {
	if strings.HasPrefix(line, "-") {
		return "", "", nil // an option: -r, -c, -e, --index-url, …
	}
	// Per-requirement options ("--hash=sha256:…") follow the requirement.
	if i := strings.Index(line, " --"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if i := strings.Index(line, "\t--"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "/") || strings.Contains(line, "://") {
		return "", "", nil // a path or URL
	}
	spec, _, _ := strings.Cut(line, ";") // environment markers do not change the pin
	spec = strings.TrimSpace(spec)
	end := 0
	for end < len(spec) && isNameByte(spec[end]) {
		end++
	}
	name := spec[:end]
	if !validName(name) {
		return "", "", fmt.Errorf("not a requirement: %q", clip(line))
	}
	rest := strings.TrimSpace(spec[end:])
	if strings.HasPrefix(rest, "[") {
		close := strings.IndexByte(rest, ']')
		if close < 0 {
			return "", "", fmt.Errorf("%s: unclosed extras", name)
		}
		rest = strings.TrimSpace(rest[close+1:])
	}
	if strings.HasPrefix(rest, "@") {
		return "", "", nil // a direct reference: name @ url
	}
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		rest = strings.TrimSpace(rest[1 : len(rest)-1])
	}
	if rest == "" {
		return "", "", nil // unpinned
	}
	if !strings.ContainsAny(rest[:1], "=<>!~") {
		return "", "", fmt.Errorf("%s: not a version specifier: %q", name, clip(rest))
	}
	if strings.Contains(rest, ",") {
		return "", "", nil // several clauses: a range, not a pin
	}
	if v, ok := exactPin(rest); ok {
		return name, v, nil
	}
	return "", "", nil
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// joinSkipped turns the errors of skipped entries into one error that
// names a few of them, or nil.
func joinSkipped(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	const show = 3
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	slices.Sort(msgs)
	if len(msgs) > show {
		msgs = append(msgs[:show], "…")
	}
	noun := "entries"
	if len(errs) == 1 {
		noun = "entry"
	}
	return fmt.Errorf("%d %s skipped: %s", len(errs), noun, strings.Join(msgs, "; "))
}
