// Package osv reads OSV advisories (https://ossf.github.io/osv-schema/): one
// JSON record, a folder of them, or an ecosystem's all.zip export as the OSV
// bucket serves it.
//
// Data flow: Fetcher downloads <base>/<Ecosystem>/all.zip into the feed
// cache; ParseZip, ParseDir or ParseRecord turn the bytes into
// advisory.Advisory values offline. Parsing keeps only what matching needs:
// ECOSYSTEM and SEMVER ranges (GIT ranges are dropped), explicit versions,
// withdrawal, aliases, CVSS vectors and severity words, and Go's affected
// packages and symbols. PyPI names are normalised per PEP 503 so that they
// compare equal to the names catalogers report.
package osv

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/distro"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// PublisherURL is the OSV bucket that serves <Ecosystem>/all.zip.
const PublisherURL = "https://osv-vulnerabilities.storage.googleapis.com"

// Ecosystems are the OSV ecosystems `db update` downloads by default.
var Ecosystems = []string{"Go", "PyPI", "npm", "Maven", "crates.io", "RubyGems", "Packagist", "NuGet",
	"Ubuntu", "AlmaLinux", "Rocky Linux", "SUSE", "openSUSE"}

// Limits on hostile input. Real records are a few KiB; the largest real
// all.zip (npm) is a few hundred MiB uncompressed.
const (
	MaxRecordSize  = 8 << 20
	MaxZipEntries  = 2_000_000
	MaxZipTotal    = 4 << 30
	maxSummaryLen  = 300
	maxFieldLength = 1 << 20
)

// NewFetcher returns the Fetcher of base/<ecosystem>/all.zip, cached as
// osv/<ecosystem>/all.zip.
func NewFetcher(d *feed.Downloader, base, ecosystem string) *feed.HTTPFetcher {
	return d.Fetcher("osv/"+ecosystem+"/all.zip", strings.TrimRight(base, "/")+"/"+url.PathEscape(ecosystem)+"/all.zip")
}

// record is the subset of an OSV record Bulwark reads.
type record struct {
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Published        string          `json:"published"`
	Withdrawn        string          `json:"withdrawn"`
	Aliases          []string        `json:"aliases"`
	Related          []string        `json:"related"`
	Upstream         []string        `json:"upstream"`
	Summary          string          `json:"summary"`
	Details          string          `json:"details"`
	Severity         []severity      `json:"severity"`
	Affected         []affected      `json:"affected"`
	References       []reference     `json:"references"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

type severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type reference struct {
	URL string `json:"url"`
}

type affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	} `json:"package"`
	Severity          []severity      `json:"severity"`
	Ranges            []osvRange      `json:"ranges"`
	Versions          []string        `json:"versions"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
	DatabaseSpecific  json.RawMessage `json:"database_specific"`
}

type osvRange struct {
	Type   string           `json:"type"`
	Events []advisory.Event `json:"events"`
}

// specific is the part of ecosystem_specific / database_specific we use:
// GHSA and others put a severity word there, Go its affected imports,
// Ubuntu its priority and the binary packages of the fixing upload.
type specific struct {
	Severity json.RawMessage `json:"severity"`
	Imports  []struct {
		Path    string   `json:"path"`
		Symbols []string `json:"symbols"`
		GOOS    []string `json:"goos"`
		GOARCH  []string `json:"goarch"`
	} `json:"imports"`
	UbuntuPriority json.RawMessage     `json:"ubuntu_priority"`
	Binaries       []map[string]string `json:"binaries"`
}

// ParseRecord parses one OSV JSON record. It returns nil (and no error) for
// a record that is not about a vulnerability (a rebuild's bug fix
// advisory).
func ParseRecord(data []byte) (*advisory.Advisory, error) {
	var r record
	if err := feed.DecodeRecord(data, MaxRecordSize, "record", &r); err != nil {
		return nil, fmt.Errorf("osv: %w", err)
	}
	return convert(&r)
}

func convert(r *record) (*advisory.Advisory, error) {
	if r.ID == "" {
		return nil, errors.New("osv: record has no id")
	}
	if len(r.ID) > 256 || !utf8.ValidString(r.ID) || strings.ContainsAny(r.ID, "\x00\n\r\t /") {
		return nil, fmt.Errorf("osv: record id %.40q is not a valid identifier", r.ID)
	}
	a := &advisory.Advisory{ID: r.ID, Aliases: cleanList(r.Aliases), Summary: summary(r.Summary, r.Details)}
	if distroAdvisory(r.ID) {
		// An ALSA, RLSA or SUSE-SU record lists the CVEs it fixes under
		// "related" (or "upstream"): they are what people search for, and
		// what severities are joined by.
		for _, id := range append(cleanList(r.Related), cleanList(r.Upstream)...) {
			if advisory.IsCVE(id) && !slices.Contains(a.Aliases, id) {
				a.Aliases = append(a.Aliases, id)
			}
		}
	}
	var err error
	if a.Published, err = parseTime(r.Published); err != nil {
		return nil, fmt.Errorf("osv: %s: published: %w", r.ID, err)
	}
	if a.Modified, err = parseTime(r.Modified); err != nil {
		return nil, fmt.Errorf("osv: %s: modified: %w", r.ID, err)
	}
	if a.Withdrawn, err = parseTime(r.Withdrawn); err != nil {
		return nil, fmt.Errorf("osv: %s: withdrawn: %w", r.ID, err)
	}
	a.Severity = scores(r.Severity, r.DatabaseSpecific)
	rating, module := redHatSummary(r.Summary)
	if rating != "" {
		a.Severity = append(a.Severity, advisory.Score{Type: "URGENCY", Score: rating})
	}
	for _, ref := range r.References {
		if ref.URL != "" && len(ref.URL) <= 4096 {
			a.References = append(a.References, ref.URL)
		}
	}
	for i := range r.Affected {
		if aff, ok := convertAffected(&r.Affected[i]); ok {
			if modular(aff) {
				aff.Module = module
			}
			a.Affected = append(a.Affected, aff)
		}
	}
	if bugFixOnly(a) {
		return nil, nil
	}
	a.Source = "osv"
	if len(r.Affected) > 0 && r.Affected[0].Package.Ecosystem != "" {
		base, _, _ := strings.Cut(r.Affected[0].Package.Ecosystem, ":")
		a.Source = "osv-" + strings.ReplaceAll(strings.ToLower(strings.TrimSpace(base)), " ", "-")
	}
	return a, nil
}

// bugFixOnly reports a bug fix or enhancement advisory of a Red Hat
// rebuild (ALBA, ALEA, RLBA, RLEA) that names no CVE: it fixes no
// vulnerability, so it is not a finding.
func bugFixOnly(a *advisory.Advisory) bool {
	for _, p := range []string{"ALBA-", "ALEA-", "RLBA-", "RLEA-"} {
		if strings.HasPrefix(a.ID, p) {
			return len(a.CVEs()) == 0
		}
	}
	return false
}

// distroAdvisory reports whether id is a distribution's advisory (rather
// than a vulnerability record), whose related ids are the CVEs it fixes.
func distroAdvisory(id string) bool {
	for _, p := range []string{"ALSA-", "ALBA-", "ALEA-", "RLSA-", "RLBA-", "RLEA-", "RXSA-", "SUSE-", "openSUSE-"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

var (
	// "Important: nodejs:18 security update": the Red Hat rating AlmaLinux
	// and Rocky Linux put first in a summary.
	ratingPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(Critical|Important|Moderate|Low): `) })
	// "nodejs:18", "container-tools:4.0": an rpm module stream.
	moduleStream = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:^|\s)([A-Za-z0-9][A-Za-z0-9_.+-]*:[A-Za-z0-9][A-Za-z0-9_.+-]*)(?:\s|$)`)
	})
)

// redHatSummary reads the rating of a Red Hat rebuild's advisory summary
// ("Important: nodejs:18 security update") and the module stream it
// updates: "*" when the summary names none or several.
func redHatSummary(sum string) (rating, module string) {
	if m := ratingPrefix().FindStringSubmatch(sum); m != nil {
		rating = m[1]
	}
	streams := moduleStream().FindAllStringSubmatch(ratingPrefix().ReplaceAllString(sum, ""), -1)
	module = "*"
	if len(streams) == 1 {
		module = streams[0][1]
	}
	return rating, module
}

// modular reports whether a statement is about a modular build: its fixed
// version's release says so ("1:18.17.1-1.module_el8.8.0+3613+b8b4bfd6",
// "3.0.7-1.module+el8.8.0+1234+abcd").
func modular(a advisory.Affected) bool {
	for _, r := range a.Ranges {
		for _, e := range r.Events {
			if strings.Contains(e.Fixed, ".module_el") || strings.Contains(e.Fixed, ".module+el") {
				return true
			}
		}
	}
	return false
}

// convertAffected keeps a package statement that can match something: it
// needs a name and at least one usable range or explicit version.
func convertAffected(in *affected) (advisory.Affected, bool) {
	out := advisory.Affected{Ecosystem: distro.CanonicalEcosystem(strings.TrimSpace(in.Package.Ecosystem)), Package: strings.TrimSpace(in.Package.Name)}
	if out.Ecosystem == "" || out.Package == "" {
		return advisory.Affected{}, false
	}
	if base, _, _ := strings.Cut(out.Ecosystem, ":"); base == "PyPI" {
		out.Package = sbom.NormalizePythonName(out.Package)
	}
	for _, r := range in.Ranges {
		if r.Type != "ECOSYSTEM" && r.Type != "SEMVER" {
			continue // GIT ranges name commits, which no installed package carries
		}
		var evs []advisory.Event
		for _, e := range r.Events {
			if oneField(e) {
				evs = append(evs, e)
			}
		}
		if len(evs) > 0 {
			out.Ranges = append(out.Ranges, advisory.Range{Type: r.Type, Events: evs})
		}
	}
	out.Versions = cleanList(in.Versions)
	if len(out.Ranges) == 0 && len(out.Versions) == 0 {
		return advisory.Affected{}, false
	}
	out.Severity = scores(in.Severity, in.DatabaseSpecific)
	if es := parseSpecific(in.EcosystemSpecific); es != nil {
		if w := severityWord(es.Severity); w != "" {
			out.Severity = append(out.Severity, advisory.Score{Type: "URGENCY", Score: w})
		}
		if w := severityWord(es.UbuntuPriority); w != "" {
			out.Severity = append(out.Severity, advisory.Score{Type: "URGENCY", Score: w})
		}
		out.Binaries = binaries(es.Binaries)
		for _, im := range es.Imports {
			if im.Path == "" {
				continue
			}
			out.Imports = append(out.Imports, advisory.Import{
				Path: im.Path, Symbols: cleanList(im.Symbols), GOOS: cleanList(im.GOOS), GOARCH: cleanList(im.GOARCH),
			})
		}
	}
	return out, true
}

// binaries reads Ubuntu's ecosystem_specific.binaries, a list of
// {binary: version} objects. Debug symbols and installer packages (udebs)
// are never installed in images and are left out.
func binaries(in []map[string]string) []advisory.Binary {
	var out []advisory.Binary
	for _, m := range in {
		for name, v := range m {
			name, v = strings.TrimSpace(name), strings.TrimSpace(v)
			if name == "" || v == "" || len(name) > 256 || len(v) > 256 ||
				strings.HasSuffix(name, "-dbgsym") || strings.HasSuffix(name, "-udeb") {
				continue
			}
			out = append(out, advisory.Binary{Name: name, Version: v})
		}
	}
	slices.SortFunc(out, func(a, b advisory.Binary) int { return strings.Compare(a.Name, b.Name) })
	return slices.CompactFunc(out, func(a, b advisory.Binary) bool { return a.Name == b.Name })
}

func oneField(e advisory.Event) bool {
	n := 0
	for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
		if s != "" {
			n++
		}
	}
	return n == 1
}

// scores keeps the typed severities and adds the severity word that GHSA
// (and other databases) put in database_specific.severity ("MODERATE").
func scores(in []severity, dbSpecific json.RawMessage) []advisory.Score {
	var out []advisory.Score
	for _, s := range in {
		if s.Type != "" && s.Score != "" && len(s.Score) <= 1024 {
			out = append(out, advisory.Score{Type: s.Type, Score: s.Score})
		}
	}
	if ds := parseSpecific(dbSpecific); ds != nil {
		if w := severityWord(ds.Severity); w != "" {
			out = append(out, advisory.Score{Type: "URGENCY", Score: w})
		}
	}
	return out
}

// parseSpecific reads an ecosystem_specific or database_specific object;
// these are free-form, so a shape we do not know is ignored, not an error.
func parseSpecific(raw json.RawMessage) *specific {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var s specific
	if err := json.Unmarshal(raw, &s); err != nil {
		var sev struct {
			Severity       json.RawMessage `json:"severity"`
			UbuntuPriority json.RawMessage `json:"ubuntu_priority"`
		}
		if json.Unmarshal(raw, &sev) != nil {
			return nil
		}
		return &specific{Severity: sev.Severity, UbuntuPriority: sev.UbuntuPriority}
	}
	return &s
}

func severityWord(raw json.RawMessage) string {
	var w string
	if len(raw) == 0 || json.Unmarshal(raw, &w) != nil || len(w) > 64 {
		return ""
	}
	return strings.TrimSpace(w)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time: %.40q", s)
	}
	return t.UTC(), nil
}

// summary prefers the record's summary; PyPA records have none, so the first
// sentence of details stands in, shortened.
func summary(sum, details string) string {
	s := strings.TrimSpace(sum)
	if s == "" {
		s = strings.TrimSpace(details)
		if i := strings.IndexAny(s, "\n"); i >= 0 {
			s = s[:i]
		}
		if i := strings.Index(s, ". "); i >= 0 {
			s = s[:i+1]
		}
	}
	if len(s) > maxSummaryLen {
		cut := maxSummaryLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimSpace(s[:cut]) + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && len(s) <= maxFieldLength {
			out = append(out, s)
		}
	}
	return out
}

// ParseZip parses every *.json entry of an all.zip export. Errors name the
// entry; entries claiming or holding more than MaxRecordSize are refused, so
// a zip bomb costs at most that much memory.
func ParseZip(ctx context.Context, r io.ReaderAt, size int64) ([]*advisory.Advisory, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("osv: open zip: %w", err)
	}
	if len(zr.File) > MaxZipEntries {
		return nil, fmt.Errorf("osv: zip has %d entries, over the limit of %d", len(zr.File), MaxZipEntries)
	}
	var (
		out   []*advisory.Advisory
		total uint64
		buf   bytes.Buffer
	)
	for i, f := range zr.File {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("osv: parse zip: %w", context.Cause(ctx))
		}
		if f.FileInfo().IsDir() || path.Ext(f.Name) != ".json" {
			continue
		}
		if f.UncompressedSize64 > MaxRecordSize {
			return nil, fmt.Errorf("osv: zip entry %q: %d bytes is over the %d-byte limit", f.Name, f.UncompressedSize64, MaxRecordSize)
		}
		if total += f.UncompressedSize64; total > MaxZipTotal {
			return nil, fmt.Errorf("osv: zip holds more than %d bytes uncompressed", int64(MaxZipTotal))
		}
		buf.Reset()
		if err := readEntry(f, &buf); err != nil {
			return nil, fmt.Errorf("osv: zip entry %q: %w", f.Name, err)
		}
		a, err := ParseRecord(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("osv: zip entry %q: %w", f.Name, err)
		}
		if a != nil {
			out = append(out, a)
		}
	}
	sortByID(out)
	return out, nil
}

func readEntry(f *zip.File, buf *bytes.Buffer) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	// The header's size can lie; the limit reader is the real bound, and
	// archive/zip checks the CRC when the entry is read to its end.
	n, err := buf.ReadFrom(io.LimitReader(rc, MaxRecordSize+1))
	if err != nil {
		return err
	}
	if n > MaxRecordSize {
		return fmt.Errorf("over the %d-byte limit", MaxRecordSize)
	}
	return nil
}

// ParseDir parses every *.json file under root in fsys (a folder of OSV
// records, as in a checkout of an advisory database).
func ParseDir(ctx context.Context, fsys fs.FS, root string) ([]*advisory.Advisory, error) {
	isJSON := func(p string) bool { return path.Ext(p) == ".json" }
	out, err := feed.ParseFiles(ctx, fsys, root, isJSON, MaxRecordSize, ParseRecord)
	if err != nil {
		return nil, fmt.Errorf("osv: parse dir: %w", err)
	}
	sortByID(out)
	return out, nil
}

func sortByID(as []*advisory.Advisory) {
	sort.SliceStable(as, func(i, j int) bool { return as[i].ID < as[j].ID })
}
