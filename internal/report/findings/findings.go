// Package findings is the format-neutral layer between a report and the
// formats that present results as rules and outcomes (SARIF, JUnit, HTML):
//
//	report.Report ──FromScan──▶ Document{Rules, Results} ──▶ sarif / junit / html
//	bench report  ──(a FromBench beside it)──▶ Document  ──▶ the same writers
//
// A Document knows nothing of vulnerabilities or CIS checks: a rule is
// something that can be violated (an advisory, a check), a result is one
// violation or verdict with a severity label, a level, cells for a table
// and an optional suppression. The writers only read Documents, so a new
// report kind needs one converter, not three renderers.
package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// Level is how strongly a result asks for attention, in SARIF's words.
type Level string

const (
	Error   Level = "error"
	Warning Level = "warning"
	Note    Level = "note"
	None    Level = "none" // a pass, or purely informational
)

// Outcome is a result's verdict for test-style formats (JUnit).
type Outcome string

const (
	Fail Outcome = "fail"
	Pass Outcome = "pass"
	Skip Outcome = "skip"
)

// Label is one value of the severity scale a document uses, in display
// order (most severe first), with a colour for charts.
type Label struct {
	Name  string
	Color string // CSS colour
}

// Document is a list of rules and results.
type Document struct {
	Tool    report.Tool
	Kind    string // "vulnerabilities", "benchmark"
	Title   string
	Subject string // what was examined (target name, host)
	Created time.Time
	// Scale orders the Severity labels of results (summary chart, sort).
	Scale []Label
	// Columns head the cells of each result in tables.
	Columns []string
	// SeverityColumn is the index of the column that holds the severity
	// label (sorted by scale rank, not alphabetically); -1 when none.
	SeverityColumn int
	Notes          []string
	// Notices are about the run as a whole and come before the results:
	// what was not examined (packages not checked for vulnerabilities).
	Notices []Notice
	// Properties describe the run (its coverage) for machine readers.
	Properties map[string]string
	Rules      []Rule
	Results    []Result
}

// Notice is one statement about the whole run a reader must see first.
type Notice struct {
	ID    string // "coverage/not-checked"
	Level Level  // Error: nothing was checked; Warning: part was
	Text  string
}

// Rule is something a result can violate.
type Rule struct {
	ID string
	// Name is how a person reads the id (a vulnerability's with its CVE
	// ids); empty means the ID.
	Name        string
	Title       string
	Description string
	HelpURI     string
	Help        string
	Tags        []string
	// Score is a 0–10 figure for dashboards that rank by number
	// (SARIF security-severity); 0 means none.
	Score float64
	Level Level
}

// Result is one outcome.
type Result struct {
	RuleID    string
	Severity  string // a Scale label
	Level     Level
	Outcome   Outcome
	Group     string // JUnit suite: package, CIS section
	Name      string // JUnit test case
	Message   string
	Locations []string
	// Line is the 1-based line in the first location, when known.
	Line  int
	Cells []string
	// Suppressed explains why the result is accepted ("" when it is not).
	Suppressed string
	// Note is shown with the result (an expired ignore entry, say).
	Note string
	// Fingerprint identifies the result across runs.
	Fingerprint string
	Properties  map[string]string
}

// DisplayID is how a person reads a vulnerability's id: the id with the CVE
// ids it stands for, "DSA-5218-1 (CVE-2022-37434)", two at most then a
// count ("DSA-5343-1 (CVE-2022-4304, CVE-2022-4450, +2)"); a CVE id alone
// as is.
func DisplayID(v *report.Vulnerability) string {
	return displayID(v.ID, v.Aliases)
}

func displayID(id string, aliases []string) string {
	var cves []string
	for _, a := range aliases {
		if advisory.IsCVE(a) && a != id && !slices.Contains(cves, a) {
			cves = append(cves, a)
		}
	}
	if advisory.IsCVE(id) || len(cves) == 0 {
		return id
	}
	slices.Sort(cves)
	if len(cves) > 2 {
		return fmt.Sprintf("%s (%s, %s, +%d)", id, cves[0], cves[1], len(cves)-2)
	}
	return id + " (" + strings.Join(cves, ", ") + ")"
}

// Rank is the position of label in d's scale, 0 for the most severe and
// len(Scale) for labels outside it.
func (d *Document) Rank(label string) int {
	for i, l := range d.Scale {
		if l.Name == label {
			return i
		}
	}
	return len(d.Scale)
}

// Counts returns the number of unsuppressed results per scale label, in
// scale order.
func (d *Document) Counts() []int {
	n := make([]int, len(d.Scale))
	for _, r := range d.Results {
		if r.Suppressed != "" {
			continue
		}
		if i := d.Rank(r.Severity); i < len(n) {
			n[i]++
		}
	}
	return n
}

// SeverityScale is the scale of vulnerability reports.
var SeverityScale = []Label{
	{"critical", "#7b1113"}, {"high", "#d1343a"}, {"medium", "#e8a33d"}, {"low", "#3b82c4"}, {"unknown", "#8a8f98"},
}

// securitySeverity follows GitHub code scanning's reading of the SARIF
// security-severity property: >9 critical, 7–8.9 high, 4–6.9 medium,
// 0.1–3.9 low.
var securitySeverity = map[advisory.Severity]float64{
	advisory.Critical: 9.5, advisory.High: 8.0, advisory.Medium: 5.5, advisory.Low: 2.0,
}

// score is the finding's CVSS base score when its severity came from one
// ("CVSS_V3 9.8"), else a figure inside its severity's band.
func score(v report.Vulnerability) float64 {
	if typ, val, ok := strings.Cut(v.SeveritySource, " "); ok && strings.HasPrefix(typ, "CVSS_") {
		if f, err := strconv.ParseFloat(val, 64); err == nil && f > 0 && f <= 10 {
			return f
		}
	}
	return securitySeverity[v.Severity]
}

func levelOf(s advisory.Severity) Level {
	switch s {
	case advisory.Critical, advisory.High:
		return Error
	case advisory.Medium:
		return Warning
	}
	return Note
}

// FromScan converts a scan report: one rule per advisory id or check, one
// result per vulnerability (suppressed ones included and marked) and per
// misconfiguration or secret finding.
func FromScan(r *report.Report) *Document {
	d := &Document{
		Tool:           r.Tool,
		Kind:           "findings",
		Title:          "Security findings in " + r.Target.Name,
		Subject:        r.Target.Name,
		Created:        r.CreatedAt,
		Scale:          SeverityScale,
		Columns:        []string{"Package or place", "Version", "Type", "ID", "Severity", "Status", "Fixed in", "Title"},
		SeverityColumn: 4,
		Notes:          slices.Clone(r.Coverage.Notes),
	}
	if r.OS != nil {
		d.Notes = append([]string{"OS: " + cmp.Or(r.OS.PrettyName, strings.TrimSpace(r.OS.ID+" "+r.OS.Version))}, d.Notes...)
	}
	coverage(d, &r.Coverage)
	rules := map[string]*Rule{}
	add := func(v report.Vulnerability, suppressed bool) {
		name := DisplayID(&v)
		rule, ok := rules[v.ID]
		if !ok {
			rule = &Rule{ID: v.ID, Name: name, Title: v.Title, HelpURI: helpURI(v.ID), Tags: []string{"security", "vulnerability"}}
			rules[v.ID] = rule
		}
		// A rule is as severe as its most severe finding.
		if s := score(v); s > rule.Score || rule.Level == "" {
			rule.Score, rule.Level = max(s, rule.Score), levelOf(v.Severity)
		}
		if rule.Title == "" {
			rule.Title = v.Title
		}
		res := Result{
			RuleID:   v.ID,
			Severity: string(v.Severity),
			Level:    levelOf(v.Severity),
			Outcome:  Fail,
			Group:    v.Package.Name + " " + v.Package.Version + " (" + string(v.Package.Type) + ")",
			Name:     name,
			Message:  message(v),
			Cells: []string{v.Package.Name, v.Package.Version, string(v.Package.Type), name, string(v.Severity),
				string(v.Status), v.FixedVersion, v.Title},
			Fingerprint: v.ID + "|" + v.Package.PURL,
			Properties: map[string]string{"purl": v.Package.PURL, "severity": string(v.Severity),
				"status": string(v.Status), "data_source": v.DataSource},
		}
		if v.FixedVersion != "" {
			res.Properties["fixed_version"] = v.FixedVersion
		}
		if v.Reachable != "" {
			res.Properties["reachable"] = v.Reachable
		}
		if v.KnownExploited {
			res.Properties["known_exploited"] = "true"
			if v.KEV != nil {
				res.Properties["kev_date_added"] = v.KEV.DateAdded
			}
		}
		if v.EPSS != nil {
			res.Properties["epss"] = strconv.FormatFloat(v.EPSS.Score, 'f', -1, 64)
		}
		if v.SeveritySource != "" {
			res.Properties["severity_source"] = v.SeveritySource
		}
		for _, l := range v.Package.Locations {
			if l.Path != "" && !slices.Contains(res.Locations, l.Path) {
				res.Locations = append(res.Locations, l.Path)
			}
		}
		res.markSuppression(v.Suppression, suppressed)
		d.Results = append(d.Results, res)
	}
	for _, v := range r.Vulnerabilities {
		add(v, false)
	}
	for _, v := range r.Suppressed {
		add(v, true)
	}
	checks := map[string]bool{}
	addFinding := func(f finding.Finding, suppressed bool) {
		if _, ok := rules[f.ID]; !ok {
			checks[f.ID] = true
			rules[f.ID] = &Rule{ID: f.ID, Title: f.Title, Description: cmp.Or(f.Description, f.Title), Help: f.Remediation,
				Tags: []string{"security", string(f.Class)}, Score: securitySeverity[f.Severity], Level: levelOf(f.Severity)}
		}
		res := fromFinding(f)
		if note := RemovedText(r, f.Evidence); note != "" {
			res.Message += " (" + note + ")"
			res.Properties["removed_in_layer"] = f.Evidence.RemovedInLayer
			res.Fingerprint += "|" + f.Evidence.LayerDigest + "|" + f.Evidence.RemovedInLayer
		}
		res.markSuppression(f.Suppression, suppressed)
		d.Results = append(d.Results, res)
	}
	for _, f := range r.Findings {
		addFinding(f, false)
	}
	for _, f := range r.SuppressedFindings {
		addFinding(f, true)
	}
	for _, id := range sortedKeys(rules) {
		rule := rules[id]
		if !checks[id] {
			rule.Description = rule.Title
			if rule.Description == "" {
				rule.Description = id
			}
			rule.Help = fmt.Sprintf("%s. See %s", rule.Description, rule.HelpURI)
		}
		d.Rules = append(d.Rules, *rule)
	}
	addProvenance(d, r.Provenance)
	return d
}

// CoverageNotice is the ID of the notice for packages not checked for
// vulnerabilities; UnsupportedNotice of the one for packages nothing
// could match.
const (
	CoverageNotice    = "coverage/not-checked"
	UnsupportedNotice = "coverage/unsupported"
)

// coverage states what was not checked: an error when nothing was, a
// warning when part was, so a count of zero never reads as clean.
func coverage(d *Document, c *report.Coverage) {
	n := c.PackageStatus
	d.Properties = map[string]string{
		"coverage.assessed":    string(c.Assessed),
		"coverage.matching":    string(c.Matching),
		"coverage.checked":     strconv.Itoa(n.Checked),
		"coverage.not_checked": strconv.Itoa(n.NotChecked),
		"coverage.unsupported": strconv.Itoa(n.Unsupported),
		"coverage.summary":     c.VulnerabilityData,
	}
	if t := c.NotCheckedText(); t != "" {
		lvl := Warning
		if c.Assessed == report.AssessedNone {
			lvl = Error
		}
		d.Notices = append(d.Notices, Notice{ID: CoverageNotice, Level: lvl, Text: "Vulnerabilities " + t})
	}
	if t := c.UnsupportedText(); t != "" {
		d.Notices = append(d.Notices, Notice{ID: UnsupportedNotice, Level: Note, Text: t})
	}
}

// markSuppression marks an accepted result skipped with the reason, and
// notes an expired ignore entry on a reported one.
func (res *Result) markSuppression(s *report.Suppression, suppressed bool) {
	switch {
	case s == nil:
	case suppressed:
		res.Suppressed = SuppressionText(s)
		res.Outcome = Skip
	case s.Expired:
		res.Note = SuppressionText(s)
	}
}

// fromFinding converts a misconfiguration or secret.
func fromFinding(f finding.Finding) Result {
	e := f.Evidence
	place := e.Path
	switch {
	case place != "" && e.Line > 0:
		place = fmt.Sprintf("%s:%d", e.Path, e.Line)
	case place == "" && e.Key != "":
		place = "config " + e.Key
	case place == "" && e.History != "":
		place = "history: " + e.History
	}
	res := Result{
		RuleID:      f.ID,
		Severity:    string(f.Severity),
		Level:       levelOf(f.Severity),
		Outcome:     Fail,
		Group:       string(f.Class),
		Name:        strings.TrimSpace(f.ID + " " + place),
		Message:     strings.TrimSpace(f.Title + " (" + place + ")"),
		Line:        e.Line,
		Cells:       []string{place, "", string(f.Class), f.ID, string(f.Severity), "", "", f.Title},
		Fingerprint: strings.Join([]string{f.ID, e.Path, fmt.Sprint(e.Line), e.Key, e.History}, "|"),
		Properties:  map[string]string{"class": string(f.Class), "severity": string(f.Severity)},
	}
	if place == "" || place == "()" {
		res.Message = f.Title
	}
	if e.Path != "" {
		res.Locations = []string{e.Path}
	}
	if e.Match != "" {
		res.Properties["match"] = e.Match
	}
	if f.CIS != "" {
		res.Properties["cis"] = f.CIS
	}
	if f.Remediation != "" {
		res.Message += ". " + f.Remediation
	}
	return res
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func message(v report.Vulnerability) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s) is affected by %s (%s)", v.Package.Name, v.Package.Version, v.Package.Type, v.ID, v.Severity)
	if v.FixedVersion != "" {
		fmt.Fprintf(&b, "; fixed in %s", v.FixedVersion)
	} else {
		fmt.Fprintf(&b, "; %s", v.Status)
	}
	if v.Title != "" {
		b.WriteString(": " + v.Title)
	}
	return b.String()
}

// RemovedText says, for a finding on a file a later layer removed, where
// it still is: "removed in layer 3, still extractable from layer 2 (COPY
// id_rsa /root/.ssh/)". Layers are numbered from 1, the base layer. It is
// "" for a file still in the image's filesystem.
func RemovedText(r *report.Report, e finding.Evidence) string {
	if e.RemovedInLayer == "" {
		return ""
	}
	num := func(digest string) string {
		for i, l := range r.Target.Layers {
			if l.DiffID == digest {
				return fmt.Sprintf("layer %d", i+1)
			}
		}
		return "layer " + shortDigest(digest)
	}
	s := "removed in " + num(e.RemovedInLayer) + ", still extractable from " + num(e.LayerDigest)
	if e.History != "" {
		s += " (" + e.History + ")"
	}
	return s
}

func shortDigest(d string) string {
	if _, h, ok := strings.Cut(d, ":"); ok && len(h) > 12 {
		return h[:12]
	}
	return d
}

// SuppressionText is the one-line explanation of a suppression.
func SuppressionText(s *report.Suppression) string {
	var b strings.Builder
	switch s.Kind {
	case report.SuppressedByVEX:
		b.WriteString("VEX " + s.Status)
		if s.Justification != "" {
			b.WriteString(" (" + s.Justification + ")")
		}
	default:
		if s.Expired {
			b.WriteString("ignore entry expired on " + s.Expires)
		} else {
			b.WriteString("ignored")
			if s.Expires != "" {
				b.WriteString(" until " + s.Expires)
			}
		}
	}
	if s.Reason != "" {
		b.WriteString(": " + s.Reason)
	}
	if s.Source != "" {
		b.WriteString(" [" + s.Source + "]")
	}
	return b.String()
}

// helpURI links an advisory id to its publisher's page.
func helpURI(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "https://www.cve.org/CVERecord?id=" + id
	case strings.HasPrefix(id, "GO-"):
		return "https://pkg.go.dev/vuln/" + id
	case strings.HasPrefix(id, "GHSA-"):
		return "https://github.com/advisories/" + id
	case strings.HasPrefix(id, "DSA-"), strings.HasPrefix(id, "DLA-"):
		// The tracker names advisories without their revision (DSA-5417).
		base := id
		if parts := strings.Split(id, "-"); len(parts) == 3 {
			base = parts[0] + "-" + parts[1]
		}
		return "https://security-tracker.debian.org/tracker/" + base
	}
	return "https://osv.dev/vulnerability/" + id
}
