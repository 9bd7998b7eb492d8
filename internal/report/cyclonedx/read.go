package cyclonedx

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/readback"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Format is the cyclonedx format: written by [Write], read back by
// [Read].
var Format = &report.Format{
	Name:      "cyclonedx",
	Aliases:   []string{"cyclonedx-json"},
	Standard:  "CycloneDX 1.6 JSON",
	MediaType: "application/vnd.cyclonedx+json; version=1.6",
	Ext:       ".cdx.json",
	Inventory: true,
	Encoder:   report.EncoderFunc(encode),
	Reader:    reader{},
}

func encode(w io.Writer, r *report.Report, o report.EncodeOptions) error {
	return Write(w, r, Options{NoVulnerabilities: o.Packages})
}

type reader struct{}

func (reader) Detect(h report.Header) bool { return h.String("bomFormat") == "CycloneDX" }

func (reader) Read(data []byte) (*report.SBOM, error) { return Read(data) }

// Read reads a CycloneDX JSON BOM back into an inventory: Bulwark's own
// BOMs through their "bulwark:" properties, exactly; other tools' through
// their purls, the operating-system component and, from Trivy, the
// aquasecurity:trivy:Src* properties naming the source package.
func Read(data []byte) (*report.SBOM, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("reading CycloneDX: %w", err)
	}
	b := readback.New("cyclonedx")
	if m := bom.Metadata; m != nil && m.Component != nil {
		b.Doc.Subject, b.Doc.ID = m.Component.Name, m.Component.Version
		if !strings.HasPrefix(b.Doc.ID, "sha256:") {
			b.Doc.ID = ""
		}
	}
	var walk func(cs *[]cdx.Component)
	walk = func(cs *[]cdx.Component) {
		if cs == nil {
			return
		}
		for _, c := range *cs {
			walk(c.Components)
			switch c.Type {
			case cdx.ComponentTypeOS:
				if b.Doc.OS == nil {
					o := &report.OS{ID: strings.ToLower(c.Name), Version: c.Version, PrettyName: c.Description}
					for _, pr := range deref(c.Properties) {
						readback.ApplyOSFact(o, pr.Name, pr.Value)
					}
					b.Doc.OS = o
				}
				continue
			case cdx.ComponentTypeContainer, cdx.ComponentTypeFile:
				if c.PackageURL == "" {
					continue
				}
			}
			p, ok := b.FromPURL(c.PackageURL)
			if !ok {
				b.Doc.Skipped++
				continue
			}
			if c.Version != "" && p.Type != sbom.RPM {
				p.Version = c.Version
			}
			if p.Type == sbom.GoStdlib {
				// Bulwark matches the standard library by "1.21.3".
				p.Version = strings.TrimPrefix(p.Version, "go")
			}
			var layers = map[string]string{}
			trivySource(&p, deref(c.Properties))
			for _, pr := range deref(c.Properties) {
				readback.ApplyFact(&p, pr.Name, pr.Value)
				if pr.Name == PropLayer {
					if path, digest := readback.SplitLocation(pr.Value); digest != "" {
						layers[path] = digest
					}
				}
				// syft: "syft:location:0:path".
				if strings.HasPrefix(pr.Name, "syft:location:") && strings.HasSuffix(pr.Name, ":path") {
					p.Locations = append(p.Locations, sbom.Location{Path: strings.TrimPrefix(pr.Value, "/")})
				}
			}
			if c.Name != "" && hasProp(c.Properties, PropType) {
				// Bulwark's own components name the package exactly (the
				// purl may normalise it, as for Python).
				p.Name = c.Name
			}
			if c.Evidence != nil {
				for _, o := range deref(c.Evidence.Occurrences) {
					if o.Location != "" {
						p.Locations = append(p.Locations, sbom.Location{Path: o.Location, LayerDigest: layers[o.Location]})
					}
				}
			}
			if c.Licenses != nil {
				for _, l := range *c.Licenses {
					switch {
					case l.License != nil && l.License.ID != "":
						p.License = append(p.License, l.License.ID)
					case l.License != nil && l.License.Name != "":
						p.License = append(p.License, l.License.Name)
					case l.Expression != "":
						p.License = append(p.License, l.Expression)
					}
				}
			}
			b.Doc.Packages = append(b.Doc.Packages, p)
		}
	}
	walk(bom.Components)
	return b.Finish(), nil
}

// trivySource reads the source package from Trivy's CycloneDX
// properties (aquasecurity:trivy:SrcName, SrcVersion, SrcRelease,
// SrcEpoch), which it writes instead of a purl upstream qualifier.
func trivySource(p *sbom.Package, props []cdx.Property) {
	get := func(k string) string {
		for _, pr := range props {
			if pr.Name == "aquasecurity:trivy:"+k {
				return pr.Value
			}
		}
		return ""
	}
	name := get("SrcName")
	if name == "" {
		return
	}
	p.SourceName = name
	v := get("SrcVersion")
	if v == "" {
		return
	}
	if r := get("SrcRelease"); r != "" {
		v += "-" + r
	}
	if e := get("SrcEpoch"); e != "" && e != "0" {
		v = e + ":" + v
	}
	p.SourceVersion = v
}

func hasProp(ps *[]cdx.Property, name string) bool {
	return slices.ContainsFunc(deref(ps), func(p cdx.Property) bool { return p.Name == name })
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
