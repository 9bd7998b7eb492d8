// Package report is Bulwark's canonical scan result: the model every output
// format renders from, and the `json` format itself (the public, versioned
// contract documented in docs/report-schema.json).
//
// Renderers live in sub-packages, one per format, each describing itself
// as a [Format] (format.go: name, media type, [Encoder], optional
// [SBOMReader]); package formats lists them. A report is sorted once
// ([Report.Normalize]) so every format is deterministic.
package report

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/report/jsonstream"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// SchemaVersion is the version of the json report. Minor versions add
// fields; a major version removes or changes one.
//
//	1.0.0  first version: target, os, coverage, packages, vulnerabilities
//	1.1.0  suppressed (findings accepted by an ignore file or a VEX
//	       statement, with vulnerabilities[].suppression saying why),
//	       vulnerabilities[].suppression for expired ignore entries,
//	       filters (what --severity, --ignore-unfixed, --ignore-file and
//	       --vex did), summary.suppressed and summary.filtered
//	1.2.0  findings (misconfigurations and secrets, with evidence),
//	       summary.findings_by_class, coverage.scanners
//	1.3.0  suppressed_findings (misconfigurations and secrets an ignore
//	       entry accepted), findings[].suppression for expired entries,
//	       summary.suppressed_findings
//	2.0.0  coverage.assessed is "full", "partial" or "none" (it was a
//	       boolean); coverage.matching, coverage.package_status and
//	       coverage.gaps say which packages were checked for
//	       vulnerabilities and why the others were not;
//	       coverage.vulnerability_data is derived from them. Reports of
//	       schema 1.x are still read ([UpgradeCoverage]).
//	2.1.0  vulnerabilities[].known_exploited, .kev and .epss (exploit
//	       context), severity_source naming joined CVE statements,
//	       summary.known_exploited and summary.unknown_severity, os.id_like
//	2.2.0  findings[].evidence.removed_in_layer (secrets and credential
//	       files a later layer deleted, still in the image),
//	       target.layers_verified
//	2.3.0  provenance (scan --verify: the image's signatures and
//	       attestations, who signed, how each was verified, which failed
//	       and why)
const SchemaVersion = "2.3.0"

// readableMajors are the schema major versions ReadJSON accepts.
var readableMajors = []string{"1", "2"}

// Readable reports whether a json report of schemaVersion can be read by
// this version.
func Readable(schemaVersion string) bool {
	major, _, _ := strings.Cut(schemaVersion, ".")
	return slices.Contains(readableMajors, major)
}

// Report is one scan of one target.
type Report struct {
	SchemaVersion   string          `json:"schema_version"`
	Tool            Tool            `json:"tool"`
	CreatedAt       time.Time       `json:"created_at"`
	Target          Target          `json:"target"`
	OS              *OS             `json:"os"` // null: not identified
	Coverage        Coverage        `json:"coverage"`
	Packages        []sbom.Package  `json:"packages"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	Database        *Database       `json:"database,omitempty"`
	// Dropped lists advisories that named a package but were not reported,
	// with the reason; only with --explain.
	Dropped []Dropped `json:"dropped,omitempty"`
	// Suppressed holds findings an ignore file or a VEX statement
	// accepted; each has a Suppression. They do not count for --fail-on.
	Suppressed []Vulnerability `json:"suppressed,omitempty"`
	// Filters records the triage applied to Vulnerabilities.
	Filters *Filters `json:"filters,omitempty"`
	// Findings are misconfigurations and secrets (scanners misconfig and
	// secret), sorted by severity.
	Findings []finding.Finding `json:"findings"`
	// SuppressedFindings are misconfigurations and secrets an ignore
	// entry accepted; each has a Suppression. They do not count for
	// --fail-on.
	SuppressedFindings []finding.Finding `json:"suppressed_findings,omitempty"`
	// Provenance is what scan --verify found about the image's
	// signatures and attestations; absent without --verify.
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
	Summary    Summary                `json:"summary"`
}

// Filters says which triage options shaped the findings, so a report read
// later explains why it lists fewer findings than the database holds.
type Filters struct {
	Severities    []advisory.Severity `json:"severities,omitempty"` // only these were kept
	IgnoreUnfixed bool                `json:"ignore_unfixed,omitempty"`
	IgnoreFile    string              `json:"ignore_file,omitempty"`
	VEX           []string            `json:"vex,omitempty"` // documents read
	// Filtered counts vulnerabilities removed by the severity and unfixed
	// filters (suppressed ones are kept in Suppressed instead);
	// misconfigurations and secrets left out by --severity are not counted.
	Filtered int `json:"filtered"`
}

// Suppression kinds.
const (
	SuppressedByIgnore = finding.SuppressedByIgnore
	SuppressedByVEX    = finding.SuppressedByVEX
)

// Suppression says why a finding is accepted; see [finding.Suppression].
type Suppression = finding.Suppression

// Dropped is a candidate advisory that matched a package by name but does
// not apply to it.
type Dropped struct {
	ID         string     `json:"id"`
	Package    PackageRef `json:"package"`
	Reason     string     `json:"reason"`
	DataSource string     `json:"data_source"`
}

// Tool names the producer.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target describes what was scanned.
type Target struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	ID          string   `json:"id,omitempty"` // image configuration digest
	RepoTags    []string `json:"repo_tags,omitempty"`
	RepoDigests []string `json:"repo_digests,omitempty"`
	Layers      []Layer  `json:"layers,omitempty"`
	// LayersVerified: every layer's content was checked against the diff
	// ID the image configuration declares (computed by the Docker engine,
	// or hashed while reading), so the report speaks for the image ID.
	LayersVerified bool `json:"layers_verified,omitempty"`
}

// Layer is one layer of the target, base first.
type Layer struct {
	DiffID    string `json:"diff_id"`
	Digest    string `json:"digest,omitempty"`
	Size      int64  `json:"size,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	Cached    bool   `json:"cached"` // result came from the layer cache
}

// OS is the detected distribution.
type OS struct {
	ID         string `json:"id"`
	Version    string `json:"version"`
	Codename   string `json:"codename,omitempty"`
	PrettyName string `json:"pretty_name,omitempty"`
	Source     string `json:"source,omitempty"` // file it was read from
	// IDLike is os-release's ID_LIKE: the distributions this one derives
	// from.
	IDLike []string `json:"id_like,omitempty"`
}

// Coverage says what was and was not assessed, so "could not assess" never
// reads as "clean" (see coverage.go).
type Coverage struct {
	// Assessed says whether every package an advisory source could cover
	// was checked (full), some were (partial) or none was (none: also when
	// nothing identifiable was found). Derived by Normalize.
	Assessed         Assessment `json:"assessed"`
	OSDetected       bool       `json:"os_detected"`
	PackageDatabases []string   `json:"package_databases"` // "path (cataloger)"
	Catalogers       []string   `json:"catalogers"`
	// Scanners lists what was looked for: "vuln", "misconfig", "secret".
	Scanners []string       `json:"scanners,omitempty"`
	Unknowns []sbom.Unknown `json:"unknowns,omitempty"` // files that could not be read
	Files    int            `json:"files"`
	// Matching says whether vulnerabilities were matched, or why not.
	Matching Matching `json:"matching"`
	// PackageStatus counts packages by coverage status; Gaps groups those
	// not checked by reason and lists them. Set with SetMatched (or
	// derived from Matching when matching did not run).
	PackageStatus PackageCounts `json:"package_status"`
	Gaps          []Gap         `json:"gaps,omitempty"`
	// Unidentified counts components of a stored SBOM that name no
	// package Bulwark can identify (no usable package URL).
	Unidentified int `json:"unidentified,omitempty"`
	// VulnerabilityData is the above as one line ("matched", "matched;
	// not checked for …", "skipped: …"). Derived by Normalize.
	VulnerabilityData string   `json:"vulnerability_data"`
	Notes             []string `json:"notes,omitempty"`
}

// PackageRef identifies the package of a finding.
type PackageRef struct {
	Name    string    `json:"name"`
	Version string    `json:"version"`
	Type    sbom.Type `json:"type"`
	PURL    string    `json:"purl"`
	// Locations of the package (paths and layers).
	Locations []sbom.Location `json:"locations,omitempty"`
}

// Vulnerability is one advisory matched to one package.
type Vulnerability struct {
	ID           string            `json:"id"`
	Aliases      []string          `json:"aliases"`
	Package      PackageRef        `json:"package"`
	FixedVersion string            `json:"fixed_version"`
	Severity     advisory.Severity `json:"severity"`
	// SeveritySource says which statement the severity came from
	// ("CVSS_V3 9.8", "URGENCY medium").
	SeveritySource string          `json:"severity_source,omitempty"`
	Status         advisory.Status `json:"status"`
	DataSource     string          `json:"data_source"`
	Title          string          `json:"title,omitempty"`
	// Reachable is "true", "false" or "unknown" for Go code (symbol-level
	// reachability in binaries); empty when not applicable.
	Reachable string `json:"reachable,omitempty"`
	// KnownExploited is true when CISA's Known Exploited Vulnerabilities
	// catalog lists one of the finding's CVEs; KEV says when it was added
	// and the remediation due date.
	KnownExploited bool          `json:"known_exploited,omitempty"`
	KEV            *advisory.KEV `json:"kev,omitempty"`
	// EPSS is the highest EPSS score among the finding's CVEs, when the
	// database was built with EPSS scores.
	EPSS *advisory.EPSS `json:"epss,omitempty"`
	// Match explains the decision: which record and range matched, by
	// which version ordering.
	Match Explanation `json:"match"`
	// Suppression is set on suppressed findings, and on reported ones
	// whose ignore entry has expired.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Explanation makes a finding auditable.
type Explanation struct {
	Advisory  string `json:"advisory"`  // record id in the data source
	Ecosystem string `json:"ecosystem"` // "Debian:12", "Go", …
	Package   string `json:"package"`   // name the record uses (source package for distros)
	Ordering  string `json:"ordering"`  // version ordering used (dpkg, rpm, semver…)
	Range     string `json:"range"`     // the matching range, as text
}

// Database describes the advisory database used.
type Database struct {
	Path    string    `json:"path,omitempty"`
	BuiltAt time.Time `json:"built_at"`
	Sources []string  `json:"sources,omitempty"`
}

// Summary counts for dashboards and gates.
type Summary struct {
	Packages        int            `json:"packages"`
	PackagesByType  map[string]int `json:"packages_by_type"`
	Vulnerabilities int            `json:"vulnerabilities"`
	BySeverity      map[string]int `json:"by_severity"`
	Suppressed      int            `json:"suppressed"`
	Filtered        int            `json:"filtered"`
	// FindingsByClass counts misconfigurations and secrets.
	FindingsByClass map[string]int `json:"findings_by_class"`
	// SuppressedFindings counts misconfigurations and secrets an ignore
	// entry accepted.
	SuppressedFindings int `json:"suppressed_findings"`
	// KnownExploited counts vulnerabilities CISA lists as exploited;
	// UnknownSeverity those no source gave a severity (also in
	// by_severity, said again because it is what a gate cannot judge).
	KnownExploited  int `json:"known_exploited"`
	UnknownSeverity int `json:"unknown_severity"`
}

// Normalize sorts everything and recomputes the summary, so output is
// deterministic and consistent.
func (r *Report) Normalize() {
	if r.Packages == nil {
		r.Packages = []sbom.Package{}
	}
	if r.Vulnerabilities == nil {
		r.Vulnerabilities = []Vulnerability{}
	}
	if r.Coverage.PackageDatabases == nil {
		r.Coverage.PackageDatabases = []string{}
	}
	if r.Coverage.Catalogers == nil {
		r.Coverage.Catalogers = []string{}
	}
	// The contract has lists, never null.
	for i := range r.Packages {
		if r.Packages[i].Locations == nil {
			r.Packages[i].Locations = []sbom.Location{}
		}
	}
	sbom.Sort(r.Packages)
	r.Coverage.derive(r.Packages)
	r.Tally()
}

// Tally orders the vulnerability and finding lists and recomputes the
// summary: what a step that moves findings about in a normalized report
// (triage) needs, without sorting the packages again.
func (r *Report) Tally() {
	if r.Vulnerabilities == nil {
		r.Vulnerabilities = []Vulnerability{}
	}
	for _, vs := range [][]Vulnerability{r.Vulnerabilities, r.Suppressed} {
		for i := range vs {
			if vs[i].Aliases == nil {
				vs[i].Aliases = []string{}
			}
		}
	}
	SortVulnerabilities(r.Vulnerabilities)
	SortVulnerabilities(r.Suppressed)
	r.Summary = Summary{
		Packages:        len(r.Packages),
		PackagesByType:  map[string]int{},
		Vulnerabilities: len(r.Vulnerabilities),
		BySeverity:      map[string]int{},
		Suppressed:      len(r.Suppressed),
	}
	if r.Filters != nil {
		r.Summary.Filtered = r.Filters.Filtered
	}
	for _, p := range r.Packages {
		r.Summary.PackagesByType[string(p.Type)]++
	}
	for _, v := range r.Vulnerabilities {
		r.Summary.BySeverity[string(v.Severity)]++
		if v.KnownExploited {
			r.Summary.KnownExploited++
		}
		if v.Severity == advisory.UnknownSeverity || v.Severity == "" {
			r.Summary.UnknownSeverity++
		}
	}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	finding.Sort(r.Findings)
	finding.Sort(r.SuppressedFindings)
	if r.Provenance != nil {
		r.Provenance.Sort()
	}
	r.Summary.SuppressedFindings = len(r.SuppressedFindings)
	r.Summary.FindingsByClass = map[string]int{}
	for _, f := range r.Findings {
		r.Summary.FindingsByClass[string(f.Class)]++
	}
}

// SortVulnerabilities orders findings by severity (highest first), then
// id, package name, version, type.
func SortVulnerabilities(vs []Vulnerability) {
	slices.SortFunc(vs, func(a, b Vulnerability) int {
		return cmp.Or(
			-cmp.Compare(advisory.SeverityRank(a.Severity), advisory.SeverityRank(b.Severity)),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Package.Name, b.Package.Name),
			cmp.Compare(a.Package.Version, b.Package.Version),
			cmp.Compare(a.Package.Type, b.Package.Type),
			cmp.Compare(a.Package.PURL, b.Package.PURL),
		)
	})
}

// WriteJSON renders the json format: what json.Encoder with a two-space
// indent writes, with the long lists streamed (package jsonstream).
func WriteJSON(w io.Writer, r *Report) error {
	return jsonstream.Encode(w, r, "packages", "vulnerabilities", "suppressed", "dropped", "findings")
}

// maxJSONSize bounds a report read back; real reports of large images are
// tens of megabytes.
const maxJSONSize = 1 << 30

// ErrNotReport: the document is not a Bulwark json report.
var ErrNotReport = errors.New("not a bulwark json report")

// ReadJSON reads a json report written by this or an older version whose
// schema it can read ([Readable]); the coverage of a 1.x report is
// translated ([UpgradeCoverage]).
func ReadJSON(rd io.Reader) (*Report, error) {
	b, err := io.ReadAll(io.LimitReader(rd, maxJSONSize+1))
	if err != nil {
		return nil, fmt.Errorf("report: reading: %w", err)
	}
	if len(b) > maxJSONSize {
		return nil, fmt.Errorf("report: larger than %d bytes", maxJSONSize)
	}
	var probe struct {
		SchemaVersion string          `json:"schema_version"`
		Tool          json.RawMessage `json:"tool"`
		Target        json.RawMessage `json:"target"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.SchemaVersion == "" || probe.Target == nil {
		return nil, ErrNotReport
	}
	if !Readable(probe.SchemaVersion) {
		return nil, fmt.Errorf("report: schema version %s is not readable by this version (%s)", probe.SchemaVersion, SchemaVersion)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("report: decoding: %w", err)
	}
	// Read into the current model, the report is of the current schema.
	UpgradeCoverage(&r.Coverage, r.SchemaVersion, len(r.Packages))
	r.SchemaVersion = SchemaVersion
	r.Normalize()
	return &r, nil
}
