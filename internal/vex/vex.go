// Package vex reads OpenVEX documents (https://github.com/openvex/spec):
// statements by a producer that a vulnerability does or does not affect a
// product. Bulwark uses them to suppress findings that a team has assessed.
//
// # Data flow
//
//	file ──Parse──▶ Document{Statements} ──Decide(finding)──▶ the latest statement that applies
//
// A statement applies to a finding when it names the finding's
// vulnerability (id or alias) and either names the finding's package
// (a purl, matched as the purl spec suggests: qualifiers and version in the
// statement narrow, their absence matches any) or names the scanned image
// with the package as a subcomponent, or names the image alone. When
// several statements apply, the newest wins, as the OpenVEX spec orders
// them. Both the current form (v0.2.0: vulnerability and products as
// objects) and the first form (v0.0.1: plain strings) are read.
package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/bulwark-sec/bulwark/internal/regular"
)

// Status is a statement's status.
type Status string

// The statuses of the OpenVEX spec.
const (
	NotAffected        Status = "not_affected"
	Affected           Status = "affected"
	Fixed              Status = "fixed"
	UnderInvestigation Status = "under_investigation"
)

// Suppresses reports whether a finding with this status is accepted.
func (s Status) Suppresses() bool { return s == NotAffected || s == Fixed }

// justifications are the OpenVEX status justification labels.
var justifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

// maxSize bounds a VEX document.
const maxSize = 64 << 20

// Document is one OpenVEX document.
type Document struct {
	ID         string
	Author     string
	Timestamp  time.Time
	Statements []Statement
	// Path is the file the document was loaded from.
	Path string
}

// Statement is one VEX statement.
type Statement struct {
	Vulnerability   string
	Aliases         []string
	Products        []Product
	Status          Status
	Justification   string
	ImpactStatement string
	ActionStatement string
	StatusNotes     string
	// Timestamp is the statement's own, or the document's.
	Timestamp time.Time
}

// Product is a product or subcomponent identifier: an IRI (usually a
// purl) and optional further purls.
type Product struct {
	ID            string
	PURLs         []string
	Subcomponents []Product
}

// Load reads a document from a file.
func Load(path string) (*Document, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vex: %w", err)
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("vex: %s: %w", path, err)
	}
	d.Path = path
	return d, nil
}

// raw mirrors the JSON; vulnerability and products change shape between
// spec versions, so they are decoded by hand.
type rawDoc struct {
	Context    string         `json:"@context"`
	ID         string         `json:"@id"`
	Author     string         `json:"author"`
	Timestamp  string         `json:"timestamp"`
	Statements []rawStatement `json:"statements"`
}

type rawStatement struct {
	Vulnerability   json.RawMessage `json:"vulnerability"`
	Products        []rawProduct    `json:"products"`
	Subcomponents   []rawProduct    `json:"subcomponents"` // v0.0.1: beside products
	Status          string          `json:"status"`
	Justification   string          `json:"justification"`
	ImpactStatement string          `json:"impact_statement"`
	ActionStatement string          `json:"action_statement"`
	StatusNotes     string          `json:"status_notes"`
	Timestamp       string          `json:"timestamp"`
}

type rawProduct struct {
	ID            string
	PURL          string
	Subcomponents []rawProduct
}

func (p *rawProduct) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		p.ID = s
		return nil
	}
	var o struct {
		ID          string `json:"@id"`
		Identifiers struct {
			PURL string `json:"purl"`
		} `json:"identifiers"`
		Subcomponents []rawProduct `json:"subcomponents"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return errors.New("product is neither a string nor an object")
	}
	p.ID, p.PURL, p.Subcomponents = o.ID, o.Identifiers.PURL, o.Subcomponents
	return nil
}

// Parse reads an OpenVEX document. Statements that break the spec's rules
// (unknown status, not_affected without justification or impact statement,
// no vulnerability or product) are errors: a VEX file that silently
// suppresses the wrong thing is worse than one that is refused.
func Parse(r io.Reader) (*Document, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("larger than %d MiB", maxSize>>20)
	}
	var raw rawDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not an OpenVEX JSON document: %w", err)
	}
	if !strings.HasPrefix(raw.Context, "https://openvex.dev/ns") {
		return nil, fmt.Errorf("not an OpenVEX document: @context %q", raw.Context)
	}
	d := &Document{ID: raw.ID, Author: raw.Author}
	if raw.Timestamp != "" {
		if d.Timestamp, err = parseTime(raw.Timestamp); err != nil {
			return nil, fmt.Errorf("document timestamp: %w", err)
		}
	}
	for i, rs := range raw.Statements {
		st, err := statement(rs, d.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

func statement(rs rawStatement, docTime time.Time) (Statement, error) {
	st := Statement{Status: Status(rs.Status), Justification: rs.Justification, ImpactStatement: rs.ImpactStatement,
		ActionStatement: rs.ActionStatement, StatusNotes: rs.StatusNotes, Timestamp: docTime}
	var name string
	if err := json.Unmarshal(rs.Vulnerability, &name); err == nil {
		st.Vulnerability = name
	} else {
		var v struct {
			ID      string   `json:"@id"`
			Name    string   `json:"name"`
			Aliases []string `json:"aliases"`
		}
		if err := json.Unmarshal(rs.Vulnerability, &v); err != nil {
			return st, errors.New("vulnerability is neither a string nor an object")
		}
		st.Vulnerability, st.Aliases = v.Name, v.Aliases
		if st.Vulnerability == "" {
			st.Vulnerability = v.ID
		}
	}
	if strings.TrimSpace(st.Vulnerability) == "" {
		return st, errors.New("no vulnerability")
	}
	switch st.Status {
	case NotAffected:
		if st.Justification == "" && st.ImpactStatement == "" {
			return st, fmt.Errorf("%s: not_affected needs a justification or an impact_statement", st.Vulnerability)
		}
		if st.Justification != "" && !slices.Contains(justifications, st.Justification) {
			return st, fmt.Errorf("%s: unknown justification %q", st.Vulnerability, st.Justification)
		}
	case Affected, Fixed, UnderInvestigation:
	default:
		return st, fmt.Errorf("%s: unknown status %q", st.Vulnerability, rs.Status)
	}
	if len(rs.Products) == 0 {
		return st, fmt.Errorf("%s: no products", st.Vulnerability)
	}
	conv := func(rp rawProduct) Product {
		p := Product{ID: rp.ID}
		if rp.PURL != "" {
			p.PURLs = append(p.PURLs, rp.PURL)
		}
		for _, s := range rp.Subcomponents {
			sp := Product{ID: s.ID}
			if s.PURL != "" {
				sp.PURLs = append(sp.PURLs, s.PURL)
			}
			p.Subcomponents = append(p.Subcomponents, sp)
		}
		return p
	}
	for _, rp := range rs.Products {
		p := conv(rp)
		for _, s := range rs.Subcomponents {
			p.Subcomponents = append(p.Subcomponents, conv(s))
		}
		st.Products = append(st.Products, p)
	}
	if rs.Timestamp != "" {
		t, err := parseTime(rs.Timestamp)
		if err != nil {
			return st, fmt.Errorf("%s: timestamp: %w", st.Vulnerability, err)
		}
		st.Timestamp = t
	}
	return st, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
}

// Image names the scanned target, for statements whose product is the
// image rather than a package.
type Image struct {
	Names   []string // target name, repo tags, repo digests
	Digests []string // "sha256:…" configuration and manifest digests
}

// Subject is one finding to decide on.
type Subject struct {
	Vulnerability string
	Aliases       []string
	PURL          string // the package's purl
	Image         Image
}

// Decision is the statement that applies to a subject and where it came
// from.
type Decision struct {
	Statement *Statement
	Document  *Document
}

// Decide returns the newest statement of docs that applies to s, or a
// zero Decision. Later documents win ties, and later statements within a
// document.
func Decide(docs []*Document, s Subject) Decision {
	var best Decision
	for _, d := range docs {
		for i := range d.Statements {
			st := &d.Statements[i]
			if !st.names(s) || !st.covers(s) {
				continue
			}
			if best.Statement == nil || !st.Timestamp.Before(best.Statement.Timestamp) {
				best = Decision{Statement: st, Document: d}
			}
		}
	}
	return best
}

func (st *Statement) names(s Subject) bool {
	ids := append([]string{s.Vulnerability}, s.Aliases...)
	for _, n := range append([]string{st.Vulnerability}, st.Aliases...) {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, n) }) {
			return true
		}
	}
	return false
}

func (st *Statement) covers(s Subject) bool {
	for _, p := range st.Products {
		if p.matchesPackage(s.PURL) {
			return true
		}
		if !p.matchesImage(s.Image) {
			continue
		}
		if len(p.Subcomponents) == 0 {
			return true
		}
		for _, sc := range p.Subcomponents {
			if sc.matchesPackage(s.PURL) {
				return true
			}
		}
	}
	return false
}

func (p Product) ids() []string { return append([]string{p.ID}, p.PURLs...) }

func (p Product) matchesPackage(purl string) bool {
	if purl == "" {
		return false
	}
	for _, id := range p.ids() {
		if strings.HasPrefix(id, "pkg:") && PURLMatches(id, purl) {
			return true
		}
	}
	return false
}

func (p Product) matchesImage(img Image) bool {
	for _, id := range p.ids() {
		if id == "" {
			continue
		}
		if slices.Contains(img.Names, id) || slices.Contains(img.Digests, id) {
			return true
		}
		if strings.HasPrefix(id, "pkg:oci/") {
			u, err := packageurl.FromString(id)
			if err != nil {
				continue
			}
			if u.Version != "" && slices.Contains(img.Digests, u.Version) {
				return true
			}
		}
	}
	return false
}

// PURLMatches reports whether the purl of a statement, want, names the
// package purl have: type, namespace and name equal (for distribution
// packages the name may also be the source package, the upstream
// qualifier); version and every qualifier of want, when given, equal.
func PURLMatches(want, have string) bool {
	w, err := packageurl.FromString(want)
	if err != nil {
		return false
	}
	h, err := packageurl.FromString(have)
	if err != nil {
		return false
	}
	if !strings.EqualFold(w.Type, h.Type) || w.Namespace != h.Namespace {
		return false
	}
	hq := h.Qualifiers.Map()
	if w.Name != h.Name && !(hq["upstream"] != "" && w.Name == hq["upstream"]) {
		return false
	}
	if w.Version != "" && w.Version != h.Version {
		return false
	}
	for k, v := range w.Qualifiers.Map() {
		if hq[k] != v {
			return false
		}
	}
	return true
}
