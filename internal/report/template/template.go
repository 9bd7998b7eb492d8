// Package template renders a report through a user's Go text/template
// (`--format template --template FILE`). The template sees the json
// report's model ([report.Report]: .Target, .OS, .Packages,
// .Vulnerabilities, .Suppressed, .Summary…) and a few helpers:
//
//	join SEP LIST   lower S   upper S   truncate N S   json V
//	severityRank S  (critical 4 … unknown 0)   escapeXML S   csv S
//
// A template is parsed before the scan runs, so a typo fails fast with
// exit code 2 instead of after a long scan.
package template

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	texttemplate "text/template"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// maxSize bounds a template file.
const maxSize = 1 << 20

// Template is a parsed report template.
type Template struct{ t *texttemplate.Template }

var funcs = texttemplate.FuncMap{
	"join":  func(sep string, list []string) string { return strings.Join(list, sep) },
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"truncate": func(n int, s string) string {
		if n < 0 || len(s) <= n {
			return s
		}
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n])
	},
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"severityRank": func(s advisory.Severity) int { return advisory.SeverityRank(s) },
	"escapeXML": func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	},
	"csv": func(s string) string {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{s})
		w.Flush()
		return strings.TrimSuffix(b.String(), "\n")
	},
}

// Parse parses template text.
func Parse(name, text string) (*Template, error) {
	t, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template: parsing: %w", err)
	}
	return &Template{t: t}, nil
}

// Load reads and parses a template file; a leading "@" (as other scanners
// spell file arguments) is accepted.
func Load(path string) (*Template, error) {
	path = strings.TrimPrefix(path, "@")
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("template: %s: %w", path, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("template: %s: larger than 1 MiB", path)
	}
	return Parse(path, string(b))
}

// Write executes t over r.
func (t *Template) Write(w io.Writer, r *report.Report) error { return t.Execute(w, r) }

// Execute executes t over any model, such as a diff of two reports.
func (t *Template) Execute(w io.Writer, data any) error {
	if err := t.t.Execute(w, data); err != nil {
		return fmt.Errorf("template: executing: %w", err)
	}
	return nil
}
