// Package html renders a findings document as one self-contained HTML
// page: inline CSS and JavaScript, an inline SVG chart of the severity
// summary, and a table that sorts by any column and filters by severity
// and text. Nothing is loaded from anywhere: the page carries a Content
// Security Policy that forbids every network fetch, so it can be opened
// from a CI artifact store or an e-mail without leaking that it was.
//
// Rows are rendered on the server side, so the table reads without
// JavaScript; the script only sorts and hides rows.
package html

import (
	_ "embed"
	"fmt"
	stdhtml "html"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

//go:embed page.html.tmpl
var pageText string

// page is parsed on first use, not when the binary starts.
var page = sync.OnceValue(func() *template.Template { return template.Must(template.New("page").Parse(pageText)) })

type bar struct {
	Label, Color   string
	Count          int
	X, Width, Y, H int
	TextX          int
}

type row struct {
	Severity string
	Rank     int
	Cells    []string
	Note     string
	Why      string
}

// rowsHTML renders table rows directly: html/template's contextual
// escaping of every cell of 10,000 rows costs several times more than the
// rest of the page. Every value goes through html.EscapeString, which is
// safe in element content and in double-quoted attributes, the only two
// places values land here.
func rowsHTML(rows []row, sevCol int, why bool) template.HTML {
	var b strings.Builder
	esc := stdhtml.EscapeString
	for _, r := range rows {
		fmt.Fprintf(&b, `<tr data-sev="%s" data-rank="%d">`, esc(r.Severity), r.Rank)
		for i, c := range r.Cells {
			if i == sevCol {
				fmt.Fprintf(&b, `<td class="sev sev-%s">%s</td>`, esc(c), esc(c))
			} else {
				b.WriteString("<td>" + esc(c) + "</td>")
			}
		}
		if why {
			b.WriteString("<td>" + esc(r.Why) + "</td>")
		}
		b.WriteString("</tr>\n")
		if r.Note != "" {
			fmt.Fprintf(&b, `<tr class="noterow" data-sev="%s" data-rank="%d"><td colspan="%d" class="note">%s</td></tr>`+"\n",
				esc(r.Severity), r.Rank, len(r.Cells), esc(r.Note))
		}
	}
	// The strings were escaped above.
	return template.HTML(b.String())
}

type view struct {
	Title, Subject, Tool, Created, Kind string
	Notes                               []string
	Notices                             []findings.Notice
	Columns                             []string
	SeverityColumn                      int
	Scale                               []findings.Label
	Bars                                []bar
	ChartWidth, ChartHeight             int
	Total, Suppressed                   int
	Rows, SuppressedRows                template.HTML
	NRows                               int
}

// Write renders d.
func Write(w io.Writer, d *findings.Document) error {
	v := view{Title: d.Title, Subject: d.Subject, Kind: d.Kind, Notes: d.Notes, Notices: d.Notices, Columns: d.Columns,
		SeverityColumn: d.SeverityColumn, Scale: d.Scale}
	v.Tool = strings.TrimSpace(d.Tool.Name + " " + d.Tool.Version)
	if !d.Created.IsZero() {
		v.Created = d.Created.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	counts := d.Counts()
	maxN := 1
	for _, n := range counts {
		maxN = max(maxN, n)
	}
	// A horizontal bar per label: label, bar scaled to the largest
	// count, the count after it.
	const labelW, barMax, rowH = 90, 360, 26
	for i, l := range d.Scale {
		wd := counts[i] * barMax / maxN
		if counts[i] > 0 && wd < 2 {
			wd = 2
		}
		v.Bars = append(v.Bars, bar{Label: l.Name, Color: l.Color, Count: counts[i], X: labelW, Width: wd,
			Y: i*rowH + 4, H: rowH - 8, TextX: labelW + wd + 6})
		v.Total += counts[i]
	}
	v.ChartWidth, v.ChartHeight = labelW+barMax+60, len(d.Scale)*rowH+4
	var rows, suppressed []row
	for _, r := range d.Results {
		rw := row{Severity: r.Severity, Rank: d.Rank(r.Severity), Cells: r.Cells, Note: r.Note}
		if r.Suppressed != "" {
			rw.Why = r.Suppressed
			suppressed = append(suppressed, rw)
			continue
		}
		rows = append(rows, rw)
	}
	v.NRows, v.Suppressed = len(rows), len(suppressed)
	v.Rows = rowsHTML(rows, d.SeverityColumn, false)
	v.SuppressedRows = rowsHTML(suppressed, d.SeverityColumn, true)
	if err := page().Execute(w, v); err != nil {
		return fmt.Errorf("html: rendering: %w", err)
	}
	return nil
}
