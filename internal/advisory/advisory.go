// Package advisory is the vulnerability-advisory model that feed parsers
// produce, the database stores and matchers consume. It is pure data: the
// shape follows OSV (https://ossf.github.io/osv-schema/) because every feed
// Bulwark reads can be expressed in it, with two additions distribution feeds
// need: a per-package Status and the distribution's own urgency.
package advisory

import "time"

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
	// "low" or "unimportant").
	Type  string `json:"type"`
	Score string `json:"score"`
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
