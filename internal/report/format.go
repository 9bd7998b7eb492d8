package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Format describes one output format: what it is called, what it holds,
// how it is encoded and whether it can be read back. Each format package
// declares its own (cyclonedx.Format, sarif.Format…; [JSON] here), and
// package formats lists them: the one place the CLI's --format help and
// validation, `bulwark sbom`, `scan sbom:FILE` and the docs take the list
// from. A Format is plain data, built without running any code, so linking
// a format costs nothing at start-up.
type Format struct {
	// Name is what --format takes; Aliases are accepted as well.
	Name    string
	Aliases []string
	// Standard is the specification the output follows ("SARIF
	// 2.1.0"); empty for Bulwark's own formats.
	Standard string
	// MediaType is the output's media type; empty when the output is
	// whatever the user makes of it (a template).
	MediaType string
	// Ext is the conventional file name extension (".sarif"), if any.
	Ext string
	// Inventory: the format can list packages rather than findings, so
	// `bulwark sbom` offers it.
	Inventory bool
	// Encoder writes a report in this format.
	Encoder Encoder
	// Reader reads a document in this format back as an SBOM
	// (`scan sbom:FILE`); nil when the format cannot be read back.
	Reader SBOMReader
}

// Encoder writes a report in one format.
type Encoder interface {
	Encode(w io.Writer, r *Report, o EncodeOptions) error
}

// EncoderFunc adapts a function to [Encoder].
type EncoderFunc func(w io.Writer, r *Report, o EncodeOptions) error

// Encode calls f.
func (f EncoderFunc) Encode(w io.Writer, r *Report, o EncodeOptions) error { return f(w, r, o) }

// EncodeOptions are what the command line asks of an encoder.
type EncodeOptions struct {
	// Color allows ANSI colours (a terminal, no NO_COLOR).
	Color bool
	// Packages lists packages rather than findings where the format has
	// the choice (`bulwark sbom`).
	Packages bool
	// Template is the user's parsed --template, for the template format.
	Template Encoder
}

// SBOMReader reads documents of one format back into an inventory.
type SBOMReader interface {
	// Detect reports whether a JSON document with these top-level
	// members is in this format.
	Detect(h Header) bool
	// Read reads the document. It must not panic on any input.
	Read(data []byte) (*SBOM, error)
}

// Header is the top level of a JSON document, as far as telling formats
// apart needs: which members it has and the value of those that are
// strings. Large arrays and objects are skipped, not copied.
type Header struct{ members map[string]headerValue }

type headerValue struct {
	s     string
	isStr bool
}

func (v *headerValue) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		v.isStr = true
		return json.Unmarshal(b, &v.s)
	}
	return nil
}

// ParseHeader reads the top-level members of the JSON object in data.
func ParseHeader(data []byte) (Header, error) {
	var h Header
	if err := json.Unmarshal(data, &h.members); err != nil {
		return Header{}, err
	}
	return h, nil
}

// lookup finds a member by name, as encoding/json matches struct fields:
// the exact name first, else one equal under case folding (the least such
// name, so that the answer never depends on map order).
func (h Header) lookup(name string) (headerValue, bool) {
	if v, ok := h.members[name]; ok {
		return v, true
	}
	found, key := false, ""
	for k := range h.members {
		if strings.EqualFold(k, name) && (!found || k < key) {
			found, key = true, k
		}
	}
	return h.members[key], found
}

// String returns the member's value when it is a string, else "".
func (h Header) String(name string) string {
	v, _ := h.lookup(name)
	return v.s
}

// Has reports whether the member is present (null included).
func (h Header) Has(name string) bool {
	_, ok := h.lookup(name)
	return ok
}

// KindSBOM is the target kind of reports read from an SBOM.
const KindSBOM = "sbom"

// SBOM is what a reader read from an SBOM document.
type SBOM struct {
	// Format names what the document was read as ("cyclonedx",
	// "spdx-json", "bulwark-json").
	Format   string
	Subject  string // the image or directory the SBOM describes
	ID       string // its configuration digest, when given
	OS       *OS
	Packages []sbom.Package
	// Skipped counts components that named no usable package (no purl,
	// or a purl type Bulwark does not match).
	Skipped int
}

// Report builds the inventory report of the SBOM read from path, not
// normalized yet: the scan that reads it normalizes once, after matching.
func (d *SBOM) Report(path string, tool Tool) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		CreatedAt:     time.Now().UTC(),
		Target:        Target{Name: cmp.Or(d.Subject, path), Kind: KindSBOM, ID: d.ID},
		OS:            d.OS,
		Packages:      d.Packages,
	}
	cov := &r.Coverage
	cov.OSDetected = d.OS != nil
	cov.PackageDatabases = []string{path + " (" + d.Format + ")"}
	cov.Matching = NotRequested
	cov.Unidentified = d.Skipped
	cov.Notes = append(cov.Notes, "packages read from SBOM "+path+" ("+d.Format+"); Go reachability is unknown (SBOMs carry no symbols)")
	if d.Skipped > 0 {
		cov.Notes = append(cov.Notes, fmt.Sprintf("%d SBOM component(s) without a usable package URL were not assessed", d.Skipped))
	}
	if d.OS == nil {
		cov.Notes = append(cov.Notes, "operating system not named in the SBOM")
	}
	return r
}

// JSON is the json format: the canonical report (docs/report-schema.json),
// which also reads back as an SBOM.
var JSON = &Format{
	Name:      "json",
	MediaType: "application/json",
	Ext:       ".json",
	Inventory: true,
	Encoder:   EncoderFunc(encodeJSON),
	Reader:    jsonReader{},
}

func encodeJSON(w io.Writer, r *Report, _ EncodeOptions) error { return WriteJSON(w, r) }

// jsonReader reads a json report back as an SBOM.
type jsonReader struct{}

func (jsonReader) Detect(h Header) bool {
	return h.String("schema_version") != "" && h.Has("packages")
}

func (jsonReader) Read(data []byte) (*SBOM, error) {
	r, err := ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &SBOM{Format: "bulwark-json", Subject: r.Target.Name, ID: r.Target.ID, OS: r.OS, Packages: r.Packages}, nil
}
