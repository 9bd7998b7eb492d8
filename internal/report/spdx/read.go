package spdx

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	spdxjson "github.com/spdx/tools-golang/json"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/readback"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Format is the spdx-json format: written by [Write], read back by [Read].
var Format = &report.Format{
	Name:      "spdx-json",
	Standard:  "SPDX 2.3 JSON",
	MediaType: "application/spdx+json",
	Ext:       ".spdx.json",
	Inventory: true,
	Encoder:   report.EncoderFunc(encode),
	Reader:    reader{},
}

func encode(w io.Writer, r *report.Report, o report.EncodeOptions) error {
	return Write(w, r, Options{NoVulnerabilities: o.Packages})
}

type reader struct{}

func (reader) Detect(h report.Header) bool {
	return strings.HasPrefix(h.String("spdxVersion"), "SPDX-2.")
}

func (reader) Read(data []byte) (*report.SBOM, error) { return Read(data) }

// trivySourceInfo starts Trivy's SPDX sourceInfo of distribution packages.
const trivySourceInfo = "built package from: "

// Read reads an SPDX 2.2 or 2.3 JSON document back into an inventory:
// Bulwark's own documents through their "bulwark:" annotations, exactly;
// other tools' through their purls, their operating-system package and
// the source package named in sourceInfo.
func Read(data []byte) (*report.SBOM, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading SPDX: %w", err)
	}
	b := readback.New("spdx-json")
	b.Doc.Subject = doc.DocumentName
	for _, sp := range doc.Packages {
		if sp == nil {
			continue
		}
		switch sp.PrimaryPackagePurpose {
		case "OPERATING_SYSTEM", "OPERATING-SYSTEM":
			if b.Doc.OS == nil {
				o := &report.OS{ID: strings.ToLower(sp.PackageName), Version: sp.PackageVersion, PrettyName: sp.PackageDescription}
				for _, a := range sp.Annotations {
					k, v, _ := strings.Cut(a.AnnotationComment, "=")
					readback.ApplyOSFact(o, k, v)
				}
				b.Doc.OS = o
			}
			continue
		case "CONTAINER":
			if sp.PackageSPDXIdentifier == "Target" && strings.HasPrefix(sp.PackageVersion, "sha256:") {
				b.Doc.ID = sp.PackageVersion
			}
		}
		purl := ""
		for _, ref := range sp.PackageExternalReferences {
			if ref != nil && ref.RefType == "purl" {
				purl = ref.Locator
				break
			}
		}
		if purl == "" {
			if sp.PrimaryPackagePurpose != "CONTAINER" && sp.PrimaryPackagePurpose != "FILE" {
				b.Doc.Skipped++
			}
			continue
		}
		p, ok := b.FromPURL(purl)
		if !ok {
			b.Doc.Skipped++
			continue
		}
		if sp.PackageVersion != "" && p.Type != sbom.RPM {
			p.Version = sp.PackageVersion
		}
		if p.Type == sbom.GoStdlib {
			p.Version = strings.TrimPrefix(p.Version, "go")
		}
		for _, prefix := range []string{SourceInfoPrefix, trivySourceInfo} {
			if src, ok := strings.CutPrefix(sp.PackageSourceInfo, prefix); ok {
				p.SourceName, p.SourceVersion, _ = strings.Cut(src, " ")
			}
		}
		own := false
		for _, a := range sp.Annotations {
			k, v, ok := strings.Cut(a.AnnotationComment, "=")
			if !ok || !strings.HasPrefix(k, "bulwark:") {
				continue
			}
			own = true
			if k == AnnLicense {
				p.License = append(p.License, v)
				continue
			}
			if k == AnnLocation {
				path, digest := readback.SplitLocation(v)
				p.Locations = append(p.Locations, sbom.Location{Path: path, LayerDigest: digest})
				continue
			}
			readback.ApplyFact(&p, k, v)
		}
		if own {
			p.Name = sp.PackageName
		}
		b.Doc.Packages = append(b.Doc.Packages, p)
	}
	return b.Finish(), nil
}
