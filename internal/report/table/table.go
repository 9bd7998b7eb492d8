// Package table renders a report for people: a summary, then findings
// grouped by package type (or packages) in aligned columns, then a short
// list of suppressed findings with the reason. Colour only when the caller
// says the output is a terminal.
package table

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/columns"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// Options choose what the table shows.
type Options struct {
	Color    bool // ANSI colours for severities
	Packages bool // list packages instead of vulnerabilities
}

// Write renders r.
func Write(w io.Writer, r *report.Report, o Options) error {
	ew := &ErrWriter{W: w}
	header(ew, r)
	provenance(ew, r)
	if o.Packages {
		packages(ew, r)
	} else {
		vulnerabilities(ew, r, o)
	}
	return ew.Err
}

// ErrWriter keeps the first error of the writer under it and writes
// nothing after one, so a renderer can write freely and check once.
type ErrWriter struct {
	W   io.Writer
	Err error
}

func (e *ErrWriter) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}

func header(w io.Writer, r *report.Report) {
	fmt.Fprintf(w, "Target:   %s (%s)\n", r.Target.Name, r.Target.Kind)
	if r.OS != nil {
		name := r.OS.PrettyName
		if name == "" {
			name = strings.TrimSpace(r.OS.ID + " " + r.OS.Version)
		}
		fmt.Fprintf(w, "OS:       %s\n", name)
	} else {
		fmt.Fprintf(w, "OS:       not identified\n")
	}
	var kinds []string
	for _, t := range sortedKeys(r.Summary.PackagesByType) {
		kinds = append(kinds, fmt.Sprintf("%s %d", t, r.Summary.PackagesByType[t]))
	}
	fmt.Fprintf(w, "Packages: %d", r.Summary.Packages)
	if len(kinds) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(kinds, ", "))
	}
	fmt.Fprintln(w)
	if !r.Coverage.OSDetected && len(r.Coverage.PackageDatabases) == 0 && r.Target.Kind != "dockerfile" {
		fmt.Fprintf(w, "Coverage: NOT ASSESSED — nothing identifiable in this image\n")
	}
	for _, n := range r.Coverage.Notes {
		fmt.Fprintf(w, "Note:     %s\n", n)
	}
	fmt.Fprintln(w)
}

func packages(w io.Writer, r *report.Report) {
	tw := columns.NewWriter(w, 2)
	fmt.Fprintln(tw, "NAME\tVERSION\tTYPE\tSOURCE\tLOCATION")
	for _, p := range r.Packages {
		src := ""
		if p.SourceName != "" && (p.SourceName != p.Name || p.SourceVersion != p.Version) {
			src = p.SourceName + " " + p.SourceVersion
		}
		loc := ""
		if len(p.Locations) > 0 {
			loc = p.Locations[0].Path
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Version, p.Type, src, loc)
	}
	tw.Flush()
}

// colors are SGR codes per severity. Cells are laid out by package
// columns, which pads outside the colour, so colour never shifts a column.
var colors = map[advisory.Severity]string{
	advisory.Critical: "1;31",
	advisory.High:     "31",
	advisory.Medium:   "33",
	advisory.Low:      "36",
}

func vulnerabilities(w io.Writer, r *report.Report, o Options) {
	s := r.Summary.BySeverity
	// What was not checked comes first: a count of zero over packages
	// nobody looked at must never read as clean.
	gap := r.Coverage.NotCheckedText()
	if o.Color && gap != "" {
		gap = colors[advisory.Critical] + gap + "\x1b[0m"
	}
	none := r.Coverage.Assessed == report.AssessedNone && gap != ""
	if none {
		fmt.Fprintf(w, "Vulnerabilities: %s", gap)
	} else {
		fmt.Fprintf(w, "Vulnerabilities: %d (critical %d, high %d, medium %d, low %d, unknown %d)",
			r.Summary.Vulnerabilities, s["critical"], s["high"], s["medium"], s["low"], s["unknown"])
	}
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(w, ", %d suppressed", len(r.Suppressed))
	}
	if r.Filters != nil && r.Filters.Filtered > 0 {
		fmt.Fprintf(w, ", %d filtered out", r.Filters.Filtered)
	}
	if n := r.Summary.KnownExploited; n > 0 {
		fmt.Fprintf(w, ", %d known exploited (KEV)", n)
	}
	if !none && gap != "" {
		fmt.Fprintf(w, "; %s", gap)
	}
	fmt.Fprintln(w)
	if u := r.Coverage.UnsupportedText(); u != "" {
		fmt.Fprintf(w, "Unsupported:     %s\n", u)
	}
	// Grouped by package type, so OS packages and each language's
	// packages read as separate lists.
	groups := map[string][]report.Vulnerability{}
	for _, v := range r.Vulnerabilities {
		groups[string(v.Package.Type)] = append(groups[string(v.Package.Type)], v)
	}
	for _, typ := range slices.Sorted(maps.Keys(groups)) {
		vs := groups[typ]
		fmt.Fprintf(w, "\n%s (%d)\n", typ, len(vs))
		tw := columns.NewWriter(w, 2)
		fmt.Fprintln(tw, "PACKAGE\tVERSION\tID\tSEVERITY\tSTATUS\tFIXED IN\tTITLE")
		var notes []string
		for _, v := range vs {
			sev := string(v.Severity)
			if o.Color {
				sev = columns.Paint(sev, colors[v.Severity])
			}
			if v.KnownExploited {
				sev += " KEV"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Package.Name, v.Package.Version, findings.DisplayID(&v), sev, v.Status, v.FixedVersion, clip(v.Title, 60))
			if v.Suppression != nil && v.Suppression.Expired {
				notes = append(notes, fmt.Sprintf("  ! %s %s: %s", v.ID, v.Package.Name, clip(findings.SuppressionText(v.Suppression), 100)))
			}
		}
		tw.Flush()
		// Notes after the rows, so they do not break the alignment.
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	if len(r.Findings) > 0 {
		fmt.Fprintf(w, "\nMisconfigurations and secrets (%d)\n", len(r.Findings))
		tw := columns.NewWriter(w, 2)
		fmt.Fprintln(tw, "ID\tSEVERITY\tCLASS\tWHERE\tTITLE")
		var notes []string
		for _, f := range r.Findings {
			sev := string(f.Severity)
			if o.Color {
				sev = columns.Paint(sev, colors[f.Severity])
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.ID, sev, f.Class, clip(where(f.Evidence), 60), clip(f.Title, 70))
			if note := findings.RemovedText(r, f.Evidence); note != "" {
				notes = append(notes, fmt.Sprintf("  ! %s %s: %s", f.ID, clip(where(f.Evidence), 60), clip(note, 120)))
			}
			if f.Suppression != nil && f.Suppression.Expired {
				notes = append(notes, fmt.Sprintf("  ! %s %s: %s", f.ID, clip(where(f.Evidence), 60), clip(findings.SuppressionText(f.Suppression), 100)))
			}
		}
		tw.Flush()
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	if len(r.Suppressed) > 0 || len(r.SuppressedFindings) > 0 {
		fmt.Fprintf(w, "\nSuppressed (%d)\n", len(r.Suppressed)+len(r.SuppressedFindings))
		tw := columns.NewWriter(w, 2)
		fmt.Fprintln(tw, "PACKAGE OR PLACE\tVERSION\tID\tSEVERITY\tWHY")
		for _, v := range r.Suppressed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.Package.Name, v.Package.Version, findings.DisplayID(&v), v.Severity, clip(findings.SuppressionText(v.Suppression), 100))
		}
		for _, f := range r.SuppressedFindings {
			fmt.Fprintf(tw, "%s\t\t%s\t%s\t%s\n", clip(where(f.Evidence), 60), f.ID, f.Severity, clip(findings.SuppressionText(f.Suppression), 100))
		}
		tw.Flush()
	}
}

// where names the place of a misconfiguration or secret.
func where(e finding.Evidence) string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	case e.Path != "":
		return e.Path
	case e.Key != "":
		return "config " + e.Key
	case e.History != "":
		return "history: " + e.History
	}
	return ""
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }
