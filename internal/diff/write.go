package diff

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/columns"
	"github.com/bulwark-sec/bulwark/internal/report/table"
)

// WriteJSON renders the json form.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// TableOptions tune WriteTable.
type TableOptions struct {
	Color bool // ANSI colours for severities (a terminal)
}

var sevColor = map[advisory.Severity]string{advisory.Critical: "1;31", advisory.High: "31", advisory.Medium: "33", advisory.Low: "36"}

// WriteTable renders the comparison for people.
func WriteTable(w io.Writer, r *Result, o TableOptions) error {
	sev := func(s advisory.Severity) string {
		if o.Color {
			return columns.Paint(string(s), sevColor[s])
		}
		return string(s)
	}
	ew := &table.ErrWriter{W: w}
	for _, s := range []struct {
		label string
		side  Side
	}{{"Old", r.Old}, {"New", r.New}} {
		fmt.Fprintf(ew, "%s: %s (%s)", s.label, s.side.Name, s.side.Kind)
		if s.side.Coverage != "" {
			fmt.Fprintf(ew, " — vulnerabilities %s", s.side.Coverage)
		}
		fmt.Fprintln(ew)
	}
	fmt.Fprintln(ew)
	fmt.Fprintf(ew, "Packages: %d added, %d removed, %d changed\n", len(r.Added), len(r.Removed), len(r.Changed))
	fmt.Fprintf(ew, "Vulnerabilities: %d introduced, %d fixed, %d unchanged", len(r.Introduced), len(r.Fixed), r.Unchanged)
	if len(r.NoLongerChecked) > 0 {
		fmt.Fprintf(ew, ", %d no longer checked (the new side did not check their packages)", len(r.NoLongerChecked))
	}
	fmt.Fprintln(ew)
	tw := columns.NewWriter(ew, 2)
	if len(r.Changed) > 0 {
		fmt.Fprintf(tw, "\nCHANGED\tTYPE\tFROM\tTO\n")
		for _, c := range r.Changed {
			to := c.To
			if c.Downgrade {
				to += " (downgrade)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Type, c.From, to)
		}
	}
	if len(r.Added) > 0 {
		fmt.Fprintf(tw, "\nADDED\tTYPE\tVERSION\t\n")
		for _, p := range r.Added {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", p.Name, p.Type, p.Version)
		}
	}
	if len(r.Removed) > 0 {
		fmt.Fprintf(tw, "\nREMOVED\tTYPE\tVERSION\t\n")
		for _, p := range r.Removed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", p.Name, p.Type, p.Version)
		}
	}
	tw.Flush()
	tw = columns.NewWriter(ew, 2)
	if len(r.Introduced) > 0 {
		fmt.Fprintf(tw, "\nINTRODUCED\tSEVERITY\tPACKAGE\tVERSION\tFIXED IN\n")
		for _, v := range r.Introduced {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, sev(v.Severity), v.Package.Name, v.Package.Version, v.FixedVersion)
		}
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(tw, "\nFIXED\tSEVERITY\tPACKAGE\tVERSION\t\n")
		for _, v := range r.Fixed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", v.ID, sev(v.Severity), v.Package.Name, v.Package.Version)
		}
	}
	if len(r.NoLongerChecked) > 0 {
		fmt.Fprintf(tw, "\nNO LONGER CHECKED\tSEVERITY\tPACKAGE\tVERSION\t\n")
		for _, v := range r.NoLongerChecked {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", v.ID, sev(v.Severity), v.Package.Name, v.Package.Version)
		}
	}
	if len(r.NewlySuppressed) > 0 {
		fmt.Fprintf(tw, "\nNEWLY SUPPRESSED\tSEVERITY\tPACKAGE\tVERSION\t\n")
		for _, v := range r.NewlySuppressed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", v.ID, sev(v.Severity), v.Package.Name, v.Package.Version)
		}
	}
	tw.Flush()
	return ew.Err
}
