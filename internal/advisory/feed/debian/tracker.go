package debian

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// MaxTrackerSize bounds the tracker JSON (the real export is tens of MiB).
const MaxTrackerSize = 1 << 30

// trackerIssue is one CVE (or TEMP-) entry of one source package.
type trackerIssue struct {
	Description string                    `json:"description"`
	Releases    map[string]trackerRelease `json:"releases"`
}

type trackerRelease struct {
	Status       string  `json:"status"` // resolved, open, undetermined
	FixedVersion string  `json:"fixed_version"`
	Urgency      string  `json:"urgency"`
	NoDSA        *string `json:"nodsa"`
	NoDSAReason  string  `json:"nodsa_reason"`
}

// ParseTracker parses the tracker JSON export: {source-package: {issue-id:
// {description, scope, releases: {codename: {status, fixed_version, urgency,
// nodsa, nodsa_reason, repositories}}}}}. It streams package by package, so
// memory follows the largest package, not the whole file.
//
// Status mapping, per release:
//   - resolved with fixed_version "0": NotAffected (never vulnerable there);
//     resolved with a version: Fixed, range introduced 0 / fixed version;
//     resolved with no version: NotAffected.
//   - otherwise urgency "end-of-life": EndOfLife; a nodsa mark (no-dsa,
//     ignored, postponed): WillNotFix; "open": Unfixed; "undetermined":
//     StatusAffected (the tracker has not decided; treat as affected).
//
// Urgency words other than "not yet assigned" and "end-of-life" (including
// "unimportant") are kept as URGENCY scores, asterisks stripped.
func ParseTracker(ctx context.Context, r io.Reader) ([]*advisory.Advisory, error) {
	dec := json.NewDecoder(&limitedReader{r: r, n: MaxTrackerSize})
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("debian: tracker: %w", err)
	}
	byID := map[string]*advisory.Advisory{}
	unknown := map[string]bool{}
	for dec.More() {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("debian: tracker: %w", context.Cause(ctx))
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("debian: tracker: %w", err)
		}
		pkg, _ := tok.(string)
		if !validName(pkg) {
			return nil, fmt.Errorf("debian: tracker: bad source package name %.60q", pkg)
		}
		var issues map[string]trackerIssue
		if err := dec.Decode(&issues); err != nil {
			return nil, fmt.Errorf("debian: tracker: package %q: %w", pkg, err)
		}
		ids := make([]string, 0, len(issues))
		for id := range issues {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if err := addIssue(byID, pkg, id, issues[id], unknown); err != nil {
				return nil, fmt.Errorf("debian: tracker: package %q, %s: %w", pkg, id, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fmt.Errorf("debian: tracker: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("debian: tracker: trailing data after the JSON object")
	}
	for c := range unknown {
		slog.WarnContext(ctx, "debian: tracker: skipped statements about an unknown release", "codename", c)
	}
	out := make([]*advisory.Advisory, 0, len(byID))
	for _, a := range byID {
		sort.SliceStable(a.Affected, func(i, j int) bool {
			x, y := a.Affected[i], a.Affected[j]
			if x.Package != y.Package {
				return x.Package < y.Package
			}
			return x.Ecosystem < y.Ecosystem
		})
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func addIssue(byID map[string]*advisory.Advisory, pkg, id string, is trackerIssue, unknown map[string]bool) error {
	if !idRE().MatchString(id) || len(id) > 128 {
		return errors.New("bad issue id")
	}
	a := byID[id]
	if a == nil {
		a = &advisory.Advisory{ID: "DEBIAN-" + id, Source: "debian-tracker", Summary: firstLine(is.Description)}
		if strings.HasPrefix(id, "CVE-") {
			a.Aliases = []string{id}
		}
		byID[id] = a
	}
	codenames := make([]string, 0, len(is.Releases))
	for c := range is.Releases {
		codenames = append(codenames, c)
	}
	sort.Strings(codenames)
	for _, c := range codenames {
		rel := is.Releases[c]
		eco, ok := Ecosystem(c)
		if !ok {
			unknown[c] = true
			continue
		}
		aff := advisory.Affected{Ecosystem: eco, Package: pkg}
		urg := strings.TrimRight(strings.TrimSpace(rel.Urgency), "*")
		switch {
		case rel.Status == "resolved":
			if rel.FixedVersion == "" {
				aff.Status = advisory.NotAffected
			} else if err := setFixed(&aff, rel.FixedVersion); err != nil {
				return fmt.Errorf("release %s: %w", c, err)
			}
		case rel.Status != "open" && rel.Status != "undetermined":
			return fmt.Errorf("release %s: unknown status %.40q", c, rel.Status)
		case urg == "end-of-life":
			aff.Status = advisory.EndOfLife
		case rel.NoDSA != nil || rel.NoDSAReason != "":
			aff.Status = advisory.WillNotFix
		case rel.Status == "open":
			aff.Status = advisory.Unfixed
		default:
			aff.Status = advisory.StatusAffected
		}
		if urg != "" && urg != "not yet assigned" && urg != "end-of-life" && len(urg) <= 32 {
			aff.Severity = []advisory.Score{{Type: "URGENCY", Score: urg}}
		}
		a.Affected = append(a.Affected, aff)
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// validName accepts Debian source package names (policy 5.6.1) with some
// slack; it exists to keep hostile keys out of database keys.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' || 'A' <= c && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}
