// Package debian reads the Debian security tracker's feeds: the DSA and DLA
// advisory lists (data/DSA/list, data/DLA/list in the security-tracker
// repository) and the tracker's JSON export
// (https://security-tracker.debian.org/tracker/data/json).
//
// Data flow: ListFetcher and TrackerFetcher download the files into the feed
// cache; ParseList and ParseTracker turn them into advisory.Advisory values
// offline. Every statement is about a SOURCE package in one release, named
// "Debian:<number>" by the codename map in Releases.
//
// A list advisory keeps its DSA/DLA id with the CVEs it fixes as aliases, so
// matching reports one finding per advisory. A tracker issue becomes the
// advisory "DEBIAN-<CVE id>" (the id OSV.dev gives Debian tracker data) with
// the CVE as alias, so it never collides with the same CVE from another feed.
package debian

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// Publisher locations.
const (
	// ListBaseURL holds DSA/list and DLA/list.
	ListBaseURL = "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data"
	// TrackerURL serves the tracker's JSON export.
	TrackerURL = "https://security-tracker.debian.org/tracker/data/json"
)

// Limits on hostile input; the real DSA list is under 1 MiB.
const (
	MaxListSize = 256 << 20
	maxLineLen  = 1 << 20
)

// ListFetcher returns the Fetcher of base/<kind>/list (kind "DSA" or "DLA"),
// cached as debian/<kind>/list.
func ListFetcher(d *feed.Downloader, base, kind string) *feed.HTTPFetcher {
	return d.Fetcher("debian/"+kind+"/list", strings.TrimRight(base, "/")+"/"+kind+"/list")
}

// TrackerFetcher returns the Fetcher of the tracker JSON at url, cached as
// debian/tracker.json.
func TrackerFetcher(d *feed.Downloader, url string) *feed.HTTPFetcher {
	return d.Fetcher("debian/tracker.json", url)
}

var (
	// [29 Mar 2023] DSA-5380-1 xorg-server - security update
	headerRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\[(\d{1,2} [A-Za-z]{3} \d{4})\]\s+((?:DSA|DLA|DTSA)-\d+(?:-\d+)?)\s*(.*)$`)
	})
	// [bullseye] - xorg-server 2:1.20.11-1+deb11u6 (medium)
	releaseRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\[([a-z-]+)\]\s+-\s+(\S+)(?:\s+(\S+))?(?:\s+\((.*)\))?\s*$`)
	})
	idRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9A-Za-z][0-9A-Za-z-]*$`) })
	versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z.+~:-]+$`) })
)

// ErrTooLarge is returned for input over a parser's size limit.
var ErrTooLarge = errors.New("debian: input is over the size limit")

// SyntaxError locates a line a parser could not read.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseList parses a DSA or DLA list file. source becomes each advisory's
// Source ("debian-dsa", "debian-dla").
func ParseList(ctx context.Context, r io.Reader, source string) ([]*advisory.Advisory, error) {
	sc := bufio.NewScanner(&limitedReader{r: r, n: MaxListSize})
	sc.Buffer(make([]byte, 64<<10), maxLineLen)
	byID := map[string]*advisory.Advisory{}
	var (
		cur     *advisory.Advisory
		lineNo  int
		unknown = map[string]bool{}
	)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("debian: %w", &SyntaxError{Line: lineNo, Msg: fmt.Sprintf(format, args...)})
	}
	for sc.Scan() {
		lineNo++
		if lineNo%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("debian: parse list: %w", context.Cause(ctx))
		}
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			continue
		case raw[0] != ' ' && raw[0] != '\t':
			m := headerRE().FindStringSubmatch(line)
			if m == nil {
				return nil, fail("expected an advisory header like \"[01 Jan 2023] DSA-1234-1 pkg - description\", got %.80q", line)
			}
			date, err := time.Parse("2 Jan 2006", m[1])
			if err != nil {
				return nil, fail("bad date %q", m[1])
			}
			id := m[2]
			if cur = byID[id]; cur == nil {
				cur = &advisory.Advisory{ID: id, Source: source, Published: date, Modified: date, Summary: headerSummary(m[3])}
				byID[id] = cur
			}
		case cur == nil:
			return nil, fail("indented line before the first advisory header")
		case strings.HasPrefix(line, "{"):
			if !strings.HasSuffix(line, "}") {
				return nil, fail("unterminated {…} id list")
			}
			for _, id := range strings.Fields(line[1 : len(line)-1]) {
				if !idRE().MatchString(id) {
					return nil, fail("bad id %.60q in {…} list", id)
				}
				cur.Aliases = appendUnique(cur.Aliases, id)
			}
		case strings.HasPrefix(line, "["):
			aff, ok, err := releaseLine(line, unknown)
			if err != nil {
				return nil, fail("%v", err)
			}
			if ok {
				cur.Affected = append(cur.Affected, aff)
			}
		case strings.HasPrefix(line, "NOTE:"):
			continue
		default:
			return nil, fail("unrecognised line %.80q", line)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("debian: line %d: longer than %d bytes", lineNo+1, maxLineLen)
		}
		return nil, fmt.Errorf("debian: read list: %w", err)
	}
	for c := range unknown {
		slog.WarnContext(ctx, "debian: skipped statements about an unknown release", "codename", c, "source", source)
	}
	out := make([]*advisory.Advisory, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// headerSummary turns "pkg - security update" into the summary; a header
// without a package ("- several vulnerabilities") keeps just the text.
func headerSummary(rest string) string {
	rest = strings.TrimSpace(rest)
	if s, ok := strings.CutPrefix(rest, "- "); ok {
		return strings.TrimSpace(s)
	}
	return rest
}

// releaseLine reads "[codename] - srcpkg VERSION|<tag> (notes)".
func releaseLine(line string, unknown map[string]bool) (advisory.Affected, bool, error) {
	m := releaseRE().FindStringSubmatch(line)
	if m == nil {
		return advisory.Affected{}, false, fmt.Errorf("expected \"[release] - package version\", got %.80q", line)
	}
	eco, ok := Ecosystem(m[1])
	if !ok {
		unknown[m[1]] = true
		return advisory.Affected{}, false, nil
	}
	aff := advisory.Affected{Ecosystem: eco, Package: m[2]}
	if err := applyVersion(&aff, m[3]); err != nil {
		return advisory.Affected{}, false, err
	}
	for part := range strings.SplitSeq(m[4], ";") {
		if u := urgency(part); u != "" {
			aff.Severity = append(aff.Severity, advisory.Score{Type: "URGENCY", Score: u})
		}
	}
	return aff, true, nil
}

// applyVersion sets the status from a fixed version or a <tag>.
func applyVersion(aff *advisory.Affected, v string) error {
	switch v {
	case "":
		return errors.New("release line names no version")
	case "<not-affected>":
		aff.Status = advisory.NotAffected
	case "<no-dsa>", "<ignored>", "<postponed>":
		aff.Status = advisory.WillNotFix
	case "<end-of-life>":
		aff.Status = advisory.EndOfLife
	case "<removed>":
		// The package left the release: it gets no more fixes, which is
		// what end-of-life means for a finding.
		aff.Status = advisory.EndOfLife
	case "<unfixed>":
		aff.Status = advisory.Unfixed
	case "<undetermined>":
		aff.Status = advisory.StatusAffected
	default:
		if strings.HasPrefix(v, "<") {
			return fmt.Errorf("unknown tag %.40q", v)
		}
		return setFixed(aff, v)
	}
	return nil
}

// setFixed records a fixed version; "0" means the release never had a
// vulnerable version.
func setFixed(aff *advisory.Affected, v string) error {
	if !versionRE().MatchString(v) || len(v) > 256 {
		return fmt.Errorf("bad version %.60q", v)
	}
	if v == "0" {
		aff.Status = advisory.NotAffected
		return nil
	}
	aff.Status = advisory.Fixed
	aff.Ranges = []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
	return nil
}

// urgency extracts Debian's urgency word from a note ("medium", "low*");
// other notes (bug numbers, reasons) give "".
func urgency(note string) string {
	w := strings.TrimRight(strings.TrimSpace(note), "*")
	switch w {
	case "unimportant", "low", "medium", "high":
		return w
	}
	return ""
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// limitedReader fails, rather than stopping quietly, past n bytes, so an
// oversized file is refused instead of parsed in part.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		for {
			n, err := l.r.Read(one[:])
			if n > 0 {
				return 0, ErrTooLarge
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
