// Package junit renders a findings document as JUnit XML, which CI
// systems show as test results: one suite per group (a package, a CIS
// section), one test case per result; violations are failures, accepted
// (suppressed) findings are skipped with the reason, passes pass. A
// document with no results is one passing case, so a clean scan shows as
// green rather than as "no tests".
//
// A document that states its coverage (a scan) gets a suite "coverage"
// holding it as properties, with one case that fails when packages were
// not checked for vulnerabilities: in CI that is the red line people read,
// where a silently passing run would claim a clean image.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

type suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []suite  `xml:"testsuite"`
}

type suite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Properties *properties `xml:"properties,omitempty"`
	Cases      []testcase  `xml:"testcase"`
}

type properties struct {
	Property []property `xml:"property"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type testcase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Failure   *failure `xml:"failure,omitempty"`
	Skipped   *skipped `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

type failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type skipped struct {
	Message string `xml:"message,attr"`
}

// Write renders d.
func Write(w io.Writer, d *findings.Document) error {
	name := d.Tool.Name
	if name == "" {
		name = "bulwark"
	}
	out := suites{Name: name + " " + d.Kind + ": " + d.Subject}
	byGroup := map[string]*suite{}
	var order []string
	for _, r := range d.Results {
		g := r.Group
		if g == "" {
			g = d.Subject
		}
		s, ok := byGroup[g]
		if !ok {
			s = &suite{Name: g}
			byGroup[g] = s
			order = append(order, g)
		}
		tc := testcase{Name: r.Name, Classname: g}
		switch {
		case r.Suppressed != "":
			tc.Skipped = &skipped{Message: r.Suppressed}
			s.Skipped++
		case r.Outcome == findings.Skip:
			tc.Skipped = &skipped{Message: r.Message}
			s.Skipped++
		case r.Outcome == findings.Fail:
			text := r.Message
			if len(r.Locations) > 0 {
				text += "\nlocations: " + strings.Join(r.Locations, ", ")
			}
			if r.Note != "" {
				text += "\nnote: " + r.Note
			}
			tc.Failure = &failure{Message: r.Message, Type: r.Severity, Text: text}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	slices.Sort(order)
	for _, g := range order {
		s := byGroup[g]
		out.Suites = append(out.Suites, *s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	if len(out.Suites) == 0 {
		out.Suites = []suite{{Name: d.Subject, Tests: 1, Cases: []testcase{{Name: "no " + d.Kind + " found", Classname: d.Subject}}}}
		out.Tests = 1
	}
	if s, ok := coverage(d); ok {
		out.Suites = append([]suite{s}, out.Suites...)
		out.Tests += s.Tests
		out.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: encoding: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// coverage is the suite that states the document's coverage; ok is false
// for documents that state none (a benchmark).
func coverage(d *findings.Document) (suite, bool) {
	if len(d.Properties) == 0 {
		return suite{}, false
	}
	s := suite{Name: "coverage", Tests: 1, Properties: &properties{}}
	for _, k := range slices.Sorted(maps.Keys(d.Properties)) {
		s.Properties.Property = append(s.Properties.Property, property{Name: "bulwark." + k, Value: d.Properties[k]})
	}
	tc := testcase{Name: "packages checked for vulnerabilities", Classname: "coverage"}
	for _, n := range d.Notices {
		switch {
		case n.ID == findings.CoverageNotice && tc.Failure == nil:
			tc.Failure = &failure{Message: n.Text, Type: "coverage", Text: n.Text}
			s.Failures++
		default:
			tc.SystemOut = strings.TrimSpace(tc.SystemOut + "\n" + n.Text)
		}
	}
	s.Cases = []testcase{tc}
	return s, true
}
