package ruby

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// parseGemfileLock reads Bundler's lock file. Sources are sections opened
// by an unindented line; each lists its resolved gems under "  specs:", one
// per line indented by four spaces, their own dependencies by six:
//
//	GEM
//	  remote: https://rubygems.org/
//	  specs:
//	    nokogiri (1.13.10-x86_64-linux)
//	      racc (~> 1.4)
//
// Gems of GEM (a gem server) and GIT sources are reported; PATH sources are
// the project's own folders. A version followed by "-platform" is a
// platform-specific build.
func parseGemfileLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		pkgs    []sbom.Package
		errs    []string
		section string
		inSpecs bool
		seen    = map[string]bool{}
	)
	err := generic.Lines(ctx, f, func(n int, line []byte) error {
		s := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(s) == "" {
			return nil
		}
		indent := len(s) - len(strings.TrimLeft(s, " "))
		switch {
		case indent == 0:
			section, inSpecs = strings.TrimSpace(s), false
			return nil
		case indent == 2:
			inSpecs = strings.TrimSpace(s) == "specs:"
			return nil
		case indent != 4 || !inSpecs || (section != "GEM" && section != "GIT"):
			return nil
		}
		if err := f.Record(); err != nil {
			return err
		}
		name, version, platform, ok := specLine(strings.TrimSpace(s))
		if !ok {
			errs = append(errs, fmt.Sprintf("line %d: not a gem: %q", n, clip(strings.TrimSpace(s))))
			return nil
		}
		key := name + " " + version + " " + platform
		if !seen[key] {
			seen[key] = true
			pkgs = append(pkgs, sbom.Package{Name: name, Version: version, Type: sbom.Gem, Arch: platform})
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, budget.ErrExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("Gemfile.lock: %w", err)
	}
	if section == "" && len(pkgs) == 0 {
		return nil, fmt.Errorf("Gemfile.lock: no sections")
	}
	slices.SortFunc(pkgs, func(a, b sbom.Package) int {
		return strings.Compare(a.Name+" "+a.Version+" "+a.Arch, b.Name+" "+b.Version+" "+b.Arch)
	})
	if len(errs) > 0 {
		slices.Sort(errs)
		more := ""
		if len(errs) > 3 {
			errs, more = errs[:3], "; …"
		}
		return pkgs, fmt.Errorf("Gemfile.lock: %d gems skipped: %s%s", len(errs), strings.Join(errs, "; "), more)
	}
	return pkgs, nil
}

// specLine splits "name (version)" or "name (version-platform)".
func specLine(s string) (name, version, platform string, ok bool) {
	name, rest, found := strings.Cut(s, " (")
	if !found || !strings.HasSuffix(rest, ")") {
		return "", "", "", false
	}
	rest = rest[:len(rest)-1]
	version, platform, _ = strings.Cut(rest, "-")
	if platform == "ruby" {
		platform = ""
	}
	if !validGemName(name) || !validGemVersion(version) || strings.ContainsAny(platform, " ()") {
		return "", "", "", false
	}
	return name, version, platform, true
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
