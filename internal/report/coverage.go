package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Assessment says how much of a target's software was checked for known
// vulnerabilities (coverage.assessed).
type Assessment string

const (
	// AssessedFull: every package an advisory source could cover was
	// checked against one.
	AssessedFull Assessment = "full"
	// AssessedPartial: some packages were checked and some were not.
	AssessedPartial Assessment = "partial"
	// AssessedNone: no package was checked (no database, no data for the
	// target's ecosystems, or nothing identifiable in the target).
	AssessedNone Assessment = "none"
)

// UnmarshalJSON also reads the boolean of json reports before 2.0.0
// (true: full, false: none); [UpgradeCoverage] refines it.
func (a *Assessment) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true":
		*a = AssessedFull
		return nil
	case "false", "null":
		*a = AssessedNone
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("report: coverage.assessed: %w", err)
	}
	switch v := Assessment(s); v {
	case AssessedFull, AssessedPartial, AssessedNone:
		*a = v
		return nil
	}
	return fmt.Errorf("report: coverage.assessed: unknown value %q", s)
}

// PackageStatus is one package's vulnerability coverage.
type PackageStatus string

const (
	// Checked: an advisory source in the database covers the package's
	// ecosystem and release, and it was looked up.
	Checked PackageStatus = "checked"
	// NotChecked: no advisory source covered it (unknown distribution, a
	// release newer than the data, an ecosystem without a source, no
	// database at all).
	NotChecked PackageStatus = "not_checked"
	// Unsupported: nothing Bulwark knows could match it (the application's
	// own modules, components without a package URL).
	Unsupported PackageStatus = "unsupported"
)

// Matching says whether vulnerability matching ran, and if not, why
// (coverage.matching).
type Matching string

const (
	Matched Matching = "matched"
	// NotRequested: an inventory only (`bulwark sbom`).
	NotRequested Matching = "not_requested"
	// ScannerOff: --scanners left out vuln.
	ScannerOff Matching = "scanner_off"
	// NoDatabase: there was no vulnerability database to match against.
	NoDatabase Matching = "no_database"
	// ByServer: an agent's inventory, matched by the server that stores it.
	ByServer Matching = "by_server"
	// NotApplicable: the target holds no packages by its nature (a
	// Dockerfile).
	NotApplicable Matching = "not_applicable"
)

// Reason is why no package was checked, as the coverage text says it.
func (m Matching) Reason() string {
	switch m {
	case Matched:
		return "matched"
	case ScannerOff:
		return "vuln scanner not selected"
	case NoDatabase:
		return "no vulnerability database"
	case ByServer:
		return "to be matched by the server"
	case NotApplicable:
		return "a Dockerfile has no packages"
	}
	return "vulnerability matching not requested"
}

// PackageCounts counts packages by [PackageStatus]
// (coverage.package_status).
type PackageCounts struct {
	Checked     int `json:"checked"`
	NotChecked  int `json:"not_checked"`
	Unsupported int `json:"unsupported"`
}

// Gap is a group of packages that were not checked for one reason
// (coverage.gaps).
type Gap struct {
	Status PackageStatus `json:"status"`
	// Reason is short and groups packages: "no data for Debian 12",
	// "operating system not identified", "no vulnerability database".
	Reason string `json:"reason"`
	// Ecosystem is the advisory ecosystem the packages needed and the
	// database lacks ("Debian:12"), when there is one.
	Ecosystem string `json:"ecosystem,omitempty"`
	Count     int    `json:"count"`
	// Packages lists them. Reports of schema 1.x named no packages, so a
	// gap read from one lists fewer than Count.
	Packages []PackageKey `json:"packages,omitempty"`
}

// PackageKey names a package.
type PackageKey struct {
	Name    string    `json:"name"`
	Version string    `json:"version"`
	Type    sbom.Type `json:"type"`
}

// KeyOf is p's key.
func KeyOf(p *sbom.Package) PackageKey {
	return PackageKey{Name: p.Name, Version: p.Version, Type: p.Type}
}

// SetMatched records the outcome of vulnerability matching: counts and
// gaps as the matcher decided them. Normalize derives the rest.
func (c *Coverage) SetMatched(counts PackageCounts, gaps []Gap) {
	c.Matching, c.PackageStatus, c.Gaps = Matched, counts, gaps
}

// derive recomputes what follows from Matching, the counts and the gaps:
// for a report that was not matched every package is not checked, for
// the reason Matching gives; then Assessed and VulnerabilityData.
func (c *Coverage) derive(pkgs []sbom.Package) {
	switch c.Matching {
	case Matched:
	case NotApplicable:
		c.PackageStatus, c.Gaps = PackageCounts{}, nil
	default:
		if c.Matching == "" {
			c.Matching = NotRequested
		}
		c.PackageStatus, c.Gaps = PackageCounts{NotChecked: len(pkgs)}, nil
		if len(pkgs) > 0 {
			g := Gap{Status: NotChecked, Reason: c.Matching.Reason(), Count: len(pkgs), Packages: make([]PackageKey, 0, len(pkgs))}
			for i := range pkgs {
				g.Packages = append(g.Packages, KeyOf(&pkgs[i]))
			}
			c.Gaps = []Gap{g}
		}
	}
	if c.Unidentified > 0 {
		c.PackageStatus.Unsupported += c.Unidentified
		c.Gaps = append(c.Gaps, Gap{Status: Unsupported, Reason: "SBOM component without a usable package URL", Count: c.Unidentified})
	}
	for i := range c.Gaps {
		slices.SortFunc(c.Gaps[i].Packages, func(a, b PackageKey) int {
			return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
		})
	}
	// Larger gaps first: the header names the main reason first.
	slices.SortStableFunc(c.Gaps, func(a, b Gap) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), -cmp.Compare(a.Count, b.Count), cmp.Compare(a.Reason, b.Reason))
	})
	c.assess()
}

// assess derives Assessed and VulnerabilityData from Matching and the
// counts.
func (c *Coverage) assess() {
	n := c.PackageStatus
	switch {
	case c.Matching == NotApplicable:
		c.Assessed = AssessedFull
	case c.Matching != Matched:
		c.Assessed = AssessedNone
	case n.NotChecked == 0 && n.Checked == 0 && !c.OSDetected && len(c.PackageDatabases) == 0:
		c.Assessed = AssessedNone // nothing identifiable in the target
	case n.NotChecked == 0:
		c.Assessed = AssessedFull
	case n.Checked == 0:
		c.Assessed = AssessedNone
	default:
		c.Assessed = AssessedPartial
	}
	c.VulnerabilityData = c.text()
}

// NotCheckedText says which packages were not checked and why, for the
// lines people read first: "not checked for 88 of 88 packages (no data for
// Debian 12)"; empty when every package that could be was checked.
func (c *Coverage) NotCheckedText() string {
	n := c.PackageStatus
	total := n.Checked + n.NotChecked + n.Unsupported
	if c.Matching != Matched && c.Matching != NotApplicable {
		if total == 0 {
			return "not checked (" + c.Matching.Reason() + ")"
		}
	} else if n.NotChecked == 0 {
		if c.Assessed == AssessedNone {
			return "not checked (nothing identifiable in the target)"
		}
		return ""
	}
	return fmt.Sprintf("not checked for %d of %d package%s (%s)", n.NotChecked, total, plural(total), reasons(c.Gaps, NotChecked))
}

// UnsupportedText says which packages nothing could match, or "".
func (c *Coverage) UnsupportedText() string {
	n := c.PackageStatus.Unsupported
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d package%s cannot be matched (%s)", n, plural(n), reasons(c.Gaps, Unsupported))
}

func (c *Coverage) text() string {
	if c.Matching != Matched {
		return "skipped: " + c.Matching.Reason()
	}
	if t := c.NotCheckedText(); t != "" {
		return "matched; " + t
	}
	return "matched"
}

// reasons joins the reasons of the gaps of one status, with their counts
// when there are several.
func reasons(gaps []Gap, status PackageStatus) string {
	var parts []string
	for _, g := range gaps {
		if g.Status == status {
			parts = append(parts, g.Reason+": "+strconv.Itoa(g.Count))
		}
	}
	if len(parts) == 1 {
		r, _, _ := strings.Cut(parts[0], ": ")
		return r
	}
	return strings.Join(parts, "; ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// PackageChecked reports whether a package of this type and name was
// checked for vulnerabilities. It is false when it is listed in a gap,
// when matching did not run, and when a gap of a 1.x report does not
// list its packages (the report cannot tell).
func (c *Coverage) PackageChecked(typ sbom.Type, name string) bool {
	if c.Matching != Matched {
		return false
	}
	for _, g := range c.Gaps {
		if g.Status != NotChecked {
			continue
		}
		if len(g.Packages) < g.Count {
			return false
		}
		for _, k := range g.Packages {
			if k.Type == typ && k.Name == name {
				return false
			}
		}
	}
	return true
}

// legacyNoData reads the ecosystems of a 1.x vulnerability_data text:
// "matched; no advisory data for Debian:12 (88 packages), crates.io (1 package)".
var legacyNoData = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([^,]+?) \((\d+) packages?\)`) })

// UpgradeCoverage translates the coverage of a json report of schema 1.x
// (assessed true or false, vulnerability_data as free text) into the
// typed form, and derives assessed from the counts for any schema, so a
// report read back cannot claim more than its counts say. packages is the
// number of packages in the report.
func UpgradeCoverage(c *Coverage, schemaVersion string, packages int) {
	defer func() {
		// Counts come from a file: none below zero.
		n := &c.PackageStatus
		n.Checked, n.NotChecked, n.Unsupported = max(n.Checked, 0), max(n.NotChecked, 0), max(n.Unsupported, 0)
		c.assess()
	}()
	if major, _, _ := strings.Cut(schemaVersion, "."); major != "1" {
		return
	}
	text := c.VulnerabilityData
	switch {
	case strings.HasPrefix(text, "matched"):
		c.Matching = Matched
		c.Gaps = nil
		notChecked := 0
		if rest, ok := strings.CutPrefix(text, "matched; no advisory data for "); ok {
			for _, m := range legacyNoData().FindAllStringSubmatch(rest, -1) {
				eco := strings.TrimSpace(m[1])
				n, _ := strconv.Atoi(m[2])
				c.Gaps = append(c.Gaps, Gap{Status: NotChecked, Reason: "no data for " + EcosystemName(eco), Ecosystem: eco, Count: n})
				notChecked += n
			}
		}
		notChecked = min(notChecked, packages)
		c.PackageStatus = PackageCounts{Checked: packages - notChecked, NotChecked: notChecked}
	case strings.Contains(text, "no vulnerability database"):
		c.Matching = NoDatabase
	case strings.Contains(text, "scanner not selected"):
		c.Matching = ScannerOff
	case strings.Contains(text, "Dockerfile"):
		c.Matching = NotApplicable
	case strings.Contains(text, "matched by the server"):
		c.Matching = ByServer
	default:
		c.Matching = NotRequested
	}
	if c.Matching != Matched && c.Matching != NotApplicable {
		c.PackageStatus = PackageCounts{NotChecked: packages}
	}
}

// EcosystemName is an advisory ecosystem as people write it: "Debian:12"
// is "Debian 12", "Ubuntu:22.04:LTS" is "Ubuntu 22.04 LTS".
func EcosystemName(eco string) string { return strings.ReplaceAll(eco, ":", " ") }
