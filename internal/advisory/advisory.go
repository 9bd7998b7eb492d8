// Package advisory is the vulnerability-advisory model that feed parsers
// produce, the database stores and matchers consume. It is pure data: the
// shape follows OSV (https://ossf.github.io/osv-schema/) because every feed
// Bulwark reads can be expressed in it, with additions distribution feeds
// need (a per-package Status, the distribution's own rating, rpm module
// streams, Ubuntu's binary packages) and the per-CVE context that
// enrichment feeds (CVE records, NVD, CISA KEV, EPSS) give and the database
// build joins onto advisories by alias ([CVEInfo]).
package advisory

import (
	"slices"
	"strings"
	"time"
)

// Status is the state of an advisory for one package, as reported in the
// "status" field of findings.
type Status string

const (
	// StatusAffected: the version is in an affected range; whether a fix
	// exists is not known (for example an OSV range ending in last_affected).
	StatusAffected Status = "affected"
	// Fixed: affected, and a fixed version exists (FixedVersion).
	Fixed Status = "fixed"
	// Unfixed: affected, and the publisher has no fix yet.
	Unfixed Status = "unfixed"
	// WillNotFix: affected, and the publisher decided not to fix it in this
	// release (Debian no-dsa, ignored, postponed).
	WillNotFix Status = "will-not-fix"
	// NotAffected: the publisher states this release is not affected.
	NotAffected Status = "not-affected"
	// EndOfLife: the release no longer receives security support.
	EndOfLife Status = "end-of-life"
)

// Severity is a normalized rating.
type Severity string

const (
	Critical        Severity = "critical"
	High            Severity = "high"
	Medium          Severity = "medium"
	Low             Severity = "low"
	UnknownSeverity Severity = "unknown"
)

// SeverityRank orders severities: unknown 0, low 1 … critical 4.
func SeverityRank(s Severity) int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Score is one severity statement of a publisher.
type Score struct {
	// Type is "CVSS_V2", "CVSS_V3", "CVSS_V4" (Score is a vector), or
	// "URGENCY" (Score is the publisher's own word, such as Debian's
	// "low" or "unimportant", Ubuntu's "negligible", Red Hat's
	// "Important").
	Type  string `json:"type"`
	Score string `json:"score"`
	// Origin says who made the statement: the advisory record itself
	// (zero) or a CVE record, NVD, joined in by alias at build time.
	Origin Origin `json:"origin,omitempty"`
	// Ref names the statement's source for people when Origin is not the
	// record: "CVE-2022-2509 CISA-ADP", "CVE-2022-2509 NVD".
	Ref string `json:"ref,omitempty"`
}

// Origin is who made a severity statement. The order of the constants is
// not the order of preference; package cvss states that.
type Origin uint8

const (
	// OriginRecord: the advisory record that matched (OSV severity,
	// a distribution's rating, a CSAF document's scores).
	OriginRecord Origin = iota
	// OriginCNA: the CVE record's CNA container (the assigner's score).
	OriginCNA
	// OriginADP: an ADP container of the CVE record, such as CISA's
	// vulnerability enrichment ("vulnrichment").
	OriginADP
	// OriginNVD: NVD's analysis of the CVE.
	OriginNVD
)

// CVEInfo is what the enrichment feeds say about one CVE: severity
// statements from its CVE record and NVD, whether CISA lists it as known
// exploited, and its EPSS score. The database build merges every feed's
// CVEInfo per id and joins it onto each advisory whose id or aliases name
// the CVE.
type CVEInfo struct {
	ID       string
	Severity []Score
	KEV      *KEV
	EPSS     *EPSS
}

// KEV is an entry of CISA's Known Exploited Vulnerabilities catalog.
type KEV struct {
	DateAdded string `json:"date_added"`         // "2021-11-03"
	DueDate   string `json:"due_date,omitempty"` // remediation due date for US federal agencies
	// Ransomware is CISA's knownRansomwareCampaignUse: "Known" or "Unknown".
	Ransomware string `json:"ransomware,omitempty"`
}

// EPSS is FIRST's Exploit Prediction Scoring System estimate for a CVE.
type EPSS struct {
	Score      float64 `json:"score"`      // probability of exploitation activity in the next 30 days, 0–1
	Percentile float64 `json:"percentile"` // 0–1
	Date       string  `json:"date,omitempty"`
}

// Advisory is one advisory record of one feed.
type Advisory struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	// Source names the feed ("osv-go", "osv-pypi", "debian-dsa",
	// "debian-dla", "debian-tracker", "alpine-secdb"); it is the finding's
	// data_source.
	Source    string    `json:"source"`
	Summary   string    `json:"summary,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Withdrawn is set when the publisher retracted the advisory; such
	// records never match.
	Withdrawn  time.Time  `json:"withdrawn,omitzero"`
	Severity   []Score    `json:"severity,omitempty"`
	References []string   `json:"references,omitempty"`
	Affected   []Affected `json:"affected"`
	// KEV and EPSS are joined in from enrichment feeds at build time
	// (the CISA KEV entry and the highest EPSS score of the advisory's
	// CVEs).
	KEV  *KEV  `json:"kev,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`
}

// CVEs returns the CVE ids among the advisory's id and aliases, in order.
func (a *Advisory) CVEs() []string {
	var out []string
	add := func(id string) {
		if IsCVE(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	add(a.ID)
	for _, id := range a.Aliases {
		add(id)
	}
	return out
}

// IsCVE reports whether id looks like a CVE id ("CVE-2022-37434").
func IsCVE(id string) bool {
	rest, ok := strings.CutPrefix(id, "CVE-")
	if !ok || len(rest) < 6 || len(rest) > 20 || rest[4] != '-' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; i != 4 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Affected is the advisory's statement about one package in one ecosystem.
type Affected struct {
	// Ecosystem uses OSV names: "Go", "PyPI", "npm", "Maven", "crates.io",
	// "RubyGems", "Packagist", "NuGet", and for distributions
	// "Debian:12", "Alpine:v3.19" (release number, never codename).
	Ecosystem string `json:"ecosystem"`
	// Package is the name in that ecosystem; for distributions it is the
	// source package name.
	Package  string   `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
	// Status is set by distribution feeds; when empty the ranges decide
	// (Fixed when a range has a fixed event, else StatusAffected).
	Status Status `json:"status,omitempty"`
	// Severity overrides the advisory's severity for this package (a
	// distribution's urgency for its own package).
	Severity []Score `json:"severity,omitempty"`
	// Imports lists affected Go packages and symbols (OSV
	// ecosystem_specific.imports), for reachability.
	Imports []Import `json:"imports,omitempty"`
	// Module is the rpm module stream ("nodejs:18") the statement is
	// about; it applies only to packages installed from that stream. "*"
	// means a modular build of a stream the publisher did not name. Empty:
	// the non-modular package.
	Module string `json:"module,omitempty"`
	// Binaries are the binary packages the fixing upload of a source
	// package built, with their versions (Ubuntu's
	// ecosystem_specific.binaries), so a binary whose version differs from
	// its source's is compared with its own fixed version.
	Binaries []Binary `json:"binaries,omitempty"`
}

// Binary is one binary package of a source upload.
type Binary struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Range is an OSV range: events over one version ordering.
type Range struct {
	Type   string  `json:"type"` // "ECOSYSTEM", "SEMVER" ("GIT" ranges are dropped)
	Events []Event `json:"events"`
}

// Event is one OSV range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Import is one affected Go package and the symbols in it.
type Import struct {
	Path    string   `json:"path"`
	Symbols []string `json:"symbols,omitempty"`
	GOOS    []string `json:"goos,omitempty"`
	GOARCH  []string `json:"goarch,omitempty"`
}
