// Package sarif renders a findings document as SARIF 2.1.0 (OASIS), the
// format code-scanning dashboards import: one rule per advisory or check,
// one result per finding, suppressed findings carried with SARIF's own
// suppressions so dashboards show them as dismissed rather than missing.
// What the run did not examine (packages not checked for vulnerabilities)
// is a tool execution notification of the run's invocation: an error when
// nothing was checked, a warning when part was.
//
// The encoding is written here rather than taken from a library: SARIF is
// a large schema of which Bulwark fills a dozen fields, and plain structs
// keep output deterministic and fast (tested against the official schema).
package sarif

import (
	"cmp"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/report/jsonstream"
)

// Version is the SARIF version written.
const Version = "2.1.0"

const schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool        tool           `json:"tool"`
	Invocations []invocation   `json:"invocations,omitempty"`
	Results     []result       `json:"results"`
	Properties  map[string]any `json:"properties,omitempty"`
}

type invocation struct {
	ExecutionSuccessful        bool              `json:"executionSuccessful"`
	ToolExecutionNotifications []notification    `json:"toolExecutionNotifications,omitempty"`
	Properties                 map[string]string `json:"properties,omitempty"`
}

type notification struct {
	Descriptor descriptorRef `json:"descriptor"`
	Level      string        `json:"level"`
	Message    message       `json:"message"`
}

type descriptorRef struct {
	ID string `json:"id"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []rule `json:"rules"`
}

type message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     message        `json:"shortDescription"`
	FullDescription      message        `json:"fullDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	Help                 *message       `json:"help,omitempty"`
	DefaultConfiguration config         `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type config struct {
	Level string `json:"level"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             message           `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          map[string]string `json:"properties,omitempty"`
}

type location struct {
	PhysicalLocation physical `json:"physicalLocation"`
}

type physical struct {
	ArtifactLocation artifact `json:"artifactLocation"`
	Region           *region  `json:"region,omitempty"`
}

type region struct {
	StartLine int `json:"startLine"`
}

type artifact struct {
	URI string `json:"uri"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// Write renders d.
func Write(w io.Writer, d *findings.Document) error {
	index := make(map[string]int, len(d.Rules))
	rules := make([]rule, 0, len(d.Rules))
	for i, r := range d.Rules {
		index[r.ID] = i
		short := r.Title
		switch {
		case short == "":
			short = cmp.Or(r.Name, r.ID)
		case r.Name != "" && r.Name != r.ID:
			// The CVE ids people search for, first in what dashboards show.
			short = r.Name + ": " + short
		}
		props := map[string]any{"tags": append([]string{}, r.Tags...)}
		if r.Score > 0 {
			// GitHub reads security-severity as a string holding a number.
			props["security-severity"] = strconv.FormatFloat(r.Score, 'f', 1, 64)
		}
		ru := rule{ID: r.ID, Name: r.Name, ShortDescription: message{Text: oneLine(short)}, FullDescription: message{Text: r.Description},
			HelpURI: r.HelpURI, DefaultConfiguration: config{Level: level(r.Level)}, Properties: props}
		if r.Help != "" {
			ru.Help = &message{Text: r.Help}
		}
		rules = append(rules, ru)
	}
	results := make([]result, 0, len(d.Results))
	for _, r := range d.Results {
		res := result{RuleID: r.RuleID, RuleIndex: index[r.RuleID], Level: level(r.Level), Message: message{Text: r.Message},
			Properties: r.Properties}
		if r.Note != "" {
			res.Message.Text += " (" + r.Note + ")"
		}
		locs := r.Locations
		if len(locs) == 0 {
			// Dashboards need a location; the examined subject stands in.
			locs = []string{d.Subject}
		}
		for i, l := range locs {
			loc := location{physical{ArtifactLocation: artifact{URI: uri(l)}}}
			if i == 0 && r.Line > 0 && len(r.Locations) > 0 {
				loc.PhysicalLocation.Region = &region{StartLine: r.Line}
			}
			res.Locations = append(res.Locations, loc)
		}
		if r.Fingerprint != "" {
			res.PartialFingerprints = map[string]string{"bulwarkFinding/v1": r.Fingerprint}
		}
		if r.Suppressed != "" {
			res.Suppressions = []suppression{{Kind: "external", Justification: r.Suppressed}}
		}
		results = append(results, res)
	}
	l := log{Schema: schemaURI, Version: Version, Runs: []run{{
		Tool:    tool{Driver: driver{Name: d.Tool.Name, Version: d.Tool.Version, InformationURI: "https://github.com/bulwark-sec/bulwark", Rules: rules}},
		Results: results,
	}}}
	if len(d.Notices) > 0 || len(d.Properties) > 0 {
		inv := invocation{ExecutionSuccessful: true, Properties: d.Properties}
		for _, n := range d.Notices {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				notification{Descriptor: descriptorRef{ID: n.ID}, Level: level(n.Level), Message: message{Text: n.Text}})
		}
		l.Runs[0].Invocations = []invocation{inv}
	}
	if l.Runs[0].Tool.Driver.Name == "" {
		l.Runs[0].Tool.Driver.Name = "bulwark"
	}
	return jsonstream.Encode(w, l, "runs.*.tool.driver.rules", "runs.*.results")
}

func level(l findings.Level) string {
	switch l {
	case findings.Error, findings.Warning, findings.Note, findings.None:
		return string(l)
	}
	return string(findings.Warning)
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// uri turns an image path into a relative URI reference; paths may hold
// spaces or '%'.
func uri(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
