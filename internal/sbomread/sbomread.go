// Package sbomread turns a stored SBOM back into an inventory, so that
// `bulwark scan sbom:FILE` matches it against today's advisories:
//
//	file ──detect──▶ CycloneDX JSON │ SPDX JSON (2.2/2.3) │ Bulwark json report
//	     ──components / packages──▶ purl ─▶ type, name, version, arch,
//	                                        source package, distro
//	     ──"bulwark:" properties / annotations (Bulwark's own SBOMs)──▶ exact fields
//	     ──▶ report.Report (packages, OS, coverage), ready for scan.Match
//
// The operating system comes from an operating-system component or
// package, or else from the purls' distro qualifier ("debian-12"). Other
// tools' SBOMs are read through their purls, which carry what matching
// needs; syft's "upstream=src@version" qualifier and Trivy's
// aquasecurity:trivy:Src* properties give the source package.
//
// SBOMs do not carry a Go binary's symbols, so Go findings from an SBOM
// have reachability "unknown" where a scan of the image says true or false.
package sbomread

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"
	spdxjson "github.com/spdx/tools-golang/json"

	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Kind is the target kind of reports made from an SBOM.
const Kind = "sbom"

// maxSize bounds an SBOM file.
const maxSize = 512 << 20

// Format names what a file was read as.
type Format string

const (
	CycloneDX Format = "cyclonedx"
	SPDX      Format = "spdx-json"
	Report    Format = "bulwark-json"
)

// ErrUnknownFormat: the file is neither CycloneDX JSON, SPDX JSON nor a
// Bulwark json report.
var ErrUnknownFormat = errors.New("not a CycloneDX JSON, SPDX JSON or Bulwark json document")

// Inventory reads the SBOM at path into a report without findings.
func Inventory(ctx context.Context, path string, tool report.Tool) (*report.Report, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sbomread: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("sbomread: %s: %w", path, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("sbomread: %s: larger than %d MiB", path, maxSize>>20)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("sbomread: %s: %w", path, err)
	}
	return doc.Report(path, tool), nil
}

// Document is what was read from an SBOM.
type Document struct {
	Format   Format
	Subject  string // the image or directory the SBOM describes
	ID       string // its configuration digest, when given
	OS       *report.OS
	Packages []sbom.Package
	// Skipped counts components that named no usable package (no purl,
	// or a purl type Bulwark does not match).
	Skipped int
}

// Parse detects the format of b and reads it.
func Parse(b []byte) (*Document, error) {
	var probe struct {
		BOMFormat     string          `json:"bomFormat"`
		SPDXVersion   string          `json:"spdxVersion"`
		SchemaVersion string          `json:"schema_version"`
		Packages      json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		return parseCycloneDX(b)
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-2."):
		return parseSPDX(b)
	case probe.SchemaVersion != "" && probe.Packages != nil:
		return parseReport(b)
	}
	return nil, ErrUnknownFormat
}

// Report builds the inventory report.
func (d *Document) Report(path string, tool report.Tool) *report.Report {
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          tool,
		CreatedAt:     time.Now().UTC(),
		Target:        report.Target{Name: cmp.Or(d.Subject, path), Kind: Kind, ID: d.ID},
		OS:            d.OS,
		Packages:      d.Packages,
	}
	cov := &r.Coverage
	cov.OSDetected = d.OS != nil
	cov.PackageDatabases = []string{path + " (" + string(d.Format) + ")"}
	cov.Matching = report.NotRequested
	cov.Unidentified = d.Skipped
	cov.Notes = append(cov.Notes, "packages read from SBOM "+path+" ("+string(d.Format)+"); Go reachability is unknown (SBOMs carry no symbols)")
	if d.Skipped > 0 {
		cov.Notes = append(cov.Notes, fmt.Sprintf("%d SBOM component(s) without a usable package URL were not assessed", d.Skipped))
	}
	if d.OS == nil {
		cov.Notes = append(cov.Notes, "operating system not named in the SBOM")
	}
	r.Normalize()
	return r
}

// builder collects packages and the distro seen in purls.
type builder struct {
	doc    *Document
	distro *report.OS
}

func (b *builder) finish() *Document {
	if b.doc.OS == nil {
		b.doc.OS = b.distro
	}
	var d *sbom.Distro
	if o := b.doc.OS; o != nil {
		d = &sbom.Distro{ID: o.ID, VersionID: o.Version, Codename: o.Codename}
	}
	for i := range b.doc.Packages {
		p := &b.doc.Packages[i]
		if p.PURL == "" {
			sbom.SetPURL(p, d)
		}
		if p.Locations == nil {
			p.Locations = []sbom.Location{}
		}
	}
	b.doc.Packages = merge(b.doc.Packages)
	return b.doc
}

// merge folds packages with the same identity into one with all their
// locations, as the inventory does.
func merge(pkgs []sbom.Package) []sbom.Package {
	idx := map[string]int{}
	out := pkgs[:0]
	for _, p := range pkgs {
		k := p.Key() + "\x00" + p.PURL
		if i, ok := idx[k]; ok {
			for _, l := range p.Locations {
				if !slices.Contains(out[i].Locations, l) {
					out[i].Locations = append(out[i].Locations, l)
				}
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, p)
	}
	return out
}

// fromPURL restores a package from its purl; ok is false for purl types
// Bulwark has no matcher for.
func (b *builder) fromPURL(s string) (sbom.Package, bool) {
	u, err := packageurl.FromString(s)
	if err != nil {
		return sbom.Package{}, false
	}
	q := u.Qualifiers.Map()
	p := sbom.Package{Name: u.Name, Version: u.Version, PURL: s, Arch: q["arch"]}
	distro := func() {
		if b.distro == nil {
			b.distro = parseDistro(q["distro"], u.Namespace)
		}
		if up := q["upstream"]; up != "" {
			p.SourceName, p.SourceVersion, _ = strings.Cut(up, "@")
		}
	}
	switch u.Type {
	case packageurl.TypeDebian:
		p.Type = sbom.Deb
		distro()
	case packageurl.TypeApk:
		p.Type = sbom.APK
		distro()
	case packageurl.TypeRPM:
		p.Type = sbom.RPM
		if e := q["epoch"]; e != "" && e != "0" {
			p.Version = e + ":" + p.Version
		}
		distro()
		// syft names the source RPM file: "openssl-1.1.1k-6.el8.src.rpm".
		if strings.HasSuffix(p.SourceName, ".src.rpm") {
			p.SourceName, p.SourceVersion = srpm(p.SourceName)
		}
	case packageurl.TypeGolang:
		if u.Name == "stdlib" && u.Namespace == "" {
			p.Type = sbom.GoStdlib
			p.Version = strings.TrimPrefix(p.Version, "go")
		} else {
			p.Type = sbom.GoModule
			p.Name = joinNS(u.Namespace, u.Name)
		}
	case packageurl.TypePyPi:
		p.Type = sbom.Python
	case packageurl.TypeNPM:
		p.Type = sbom.NPM
		p.Name = joinNS(u.Namespace, u.Name)
	case packageurl.TypeMaven:
		p.Type = sbom.Java
		if u.Namespace != "" {
			p.Name = u.Namespace + ":" + u.Name
		}
	case packageurl.TypeGem:
		p.Type = sbom.Gem
	case packageurl.TypeComposer:
		p.Type = sbom.Composer
		p.Name = joinNS(u.Namespace, u.Name)
	case packageurl.TypeCargo:
		p.Type = sbom.Cargo
	case packageurl.TypeNuget:
		p.Type = sbom.NuGet
	default:
		return p, false
	}
	return p, p.Name != ""
}

func joinNS(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

var srpmRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+)-([^-]+-[^-]+)\.src\.rpm$`) })

func srpm(file string) (string, string) {
	if m := srpmRe().FindStringSubmatch(file); m != nil {
		return m[1], m[2]
	}
	return strings.TrimSuffix(file, ".src.rpm"), ""
}

// parseDistro reads a purl distro qualifier: "debian-12", "alpine-3.19.1",
// or a bare codename ("bookworm") with the namespace as the id.
func parseDistro(q, namespace string) *report.OS {
	if q == "" {
		return nil
	}
	if i := strings.LastIndexByte(q, '-'); i > 0 && i < len(q)-1 && q[i+1] >= '0' && q[i+1] <= '9' {
		return &report.OS{ID: q[:i], Version: q[i+1:]}
	}
	if namespace == "" {
		return nil
	}
	return &report.OS{ID: namespace, Codename: q}
}

// apply sets fields from Bulwark's own name=value facts.
func apply(p *sbom.Package, name, value string) {
	switch name {
	case cyclonedx.PropType:
		p.Type = sbom.Type(value)
	case cyclonedx.PropSourceName:
		p.SourceName = value
	case cyclonedx.PropSourceVersion:
		p.SourceVersion = value
	case cyclonedx.PropArch:
		p.Arch = value
	case cyclonedx.PropGoVersion:
		p.GoVersion = value
	case cyclonedx.PropPlatform:
		p.Platform = value
	case cyclonedx.PropMain:
		p.Main = value == "true"
	case cyclonedx.PropDev:
		p.Dev = value == "true"
	}
}

func parseCycloneDX(data []byte) (*Document, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("reading CycloneDX: %w", err)
	}
	b := &builder{doc: &Document{Format: CycloneDX}}
	if m := bom.Metadata; m != nil && m.Component != nil {
		b.doc.Subject, b.doc.ID = m.Component.Name, m.Component.Version
		if !strings.HasPrefix(b.doc.ID, "sha256:") {
			b.doc.ID = ""
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
				if b.doc.OS == nil {
					o := &report.OS{ID: strings.ToLower(c.Name), Version: c.Version, PrettyName: c.Description}
					for _, pr := range deref(c.Properties) {
						switch pr.Name {
						case cyclonedx.PropCodename:
							o.Codename = pr.Value
						case cyclonedx.PropPrettyName:
							o.PrettyName = pr.Value
						case cyclonedx.PropOSSource:
							o.Source = pr.Value
						}
					}
					b.doc.OS = o
				}
				continue
			case cdx.ComponentTypeContainer, cdx.ComponentTypeFile:
				if c.PackageURL == "" {
					continue
				}
			}
			p, ok := b.fromPURL(c.PackageURL)
			if !ok {
				b.doc.Skipped++
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
				apply(&p, pr.Name, pr.Value)
				if pr.Name == cyclonedx.PropLayer {
					if path, digest := splitLocation(pr.Value); digest != "" {
						layers[path] = digest
					}
				}
				// syft: "syft:location:0:path".
				if strings.HasPrefix(pr.Name, "syft:location:") && strings.HasSuffix(pr.Name, ":path") {
					p.Locations = append(p.Locations, sbom.Location{Path: strings.TrimPrefix(pr.Value, "/")})
				}
			}
			if c.Name != "" && hasProp(c.Properties, cyclonedx.PropType) {
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
			b.doc.Packages = append(b.doc.Packages, p)
		}
	}
	walk(bom.Components)
	return b.finish(), nil
}

var digestRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`) })

// splitLocation splits "path@digest"; paths may hold "@" themselves
// (node_modules/@scope/…), digests never do.
func splitLocation(v string) (path, digest string) {
	if i := strings.LastIndexByte(v, '@'); i >= 0 && digestRe().MatchString(v[i+1:]) {
		return v[:i], v[i+1:]
	}
	return v, ""
}

// trivySourceInfo starts Trivy's SPDX sourceInfo of distribution packages.
const trivySourceInfo = "built package from: "

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

func parseSPDX(data []byte) (*Document, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading SPDX: %w", err)
	}
	b := &builder{doc: &Document{Format: SPDX, Subject: doc.DocumentName}}
	for _, sp := range doc.Packages {
		if sp == nil {
			continue
		}
		switch sp.PrimaryPackagePurpose {
		case "OPERATING_SYSTEM", "OPERATING-SYSTEM":
			if b.doc.OS == nil {
				o := &report.OS{ID: strings.ToLower(sp.PackageName), Version: sp.PackageVersion, PrettyName: sp.PackageDescription}
				for _, a := range sp.Annotations {
					k, v, _ := strings.Cut(a.AnnotationComment, "=")
					switch k {
					case spdx.AnnCodename:
						o.Codename = v
					case spdx.AnnPrettyName:
						o.PrettyName = v
					case spdx.AnnOSSource:
						o.Source = v
					}
				}
				b.doc.OS = o
			}
			continue
		case "CONTAINER":
			if sp.PackageSPDXIdentifier == "Target" && strings.HasPrefix(sp.PackageVersion, "sha256:") {
				b.doc.ID = sp.PackageVersion
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
				b.doc.Skipped++
			}
			continue
		}
		p, ok := b.fromPURL(purl)
		if !ok {
			b.doc.Skipped++
			continue
		}
		if sp.PackageVersion != "" && p.Type != sbom.RPM {
			p.Version = sp.PackageVersion
		}
		if p.Type == sbom.GoStdlib {
			p.Version = strings.TrimPrefix(p.Version, "go")
		}
		for _, prefix := range []string{spdx.SourceInfoPrefix, trivySourceInfo} {
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
			if k == spdx.AnnLicense {
				p.License = append(p.License, v)
				continue
			}
			if k == spdx.AnnLocation {
				path, digest := splitLocation(v)
				p.Locations = append(p.Locations, sbom.Location{Path: path, LayerDigest: digest})
				continue
			}
			apply(&p, k, v)
		}
		if own {
			p.Name = sp.PackageName
		}
		b.doc.Packages = append(b.doc.Packages, p)
	}
	return b.finish(), nil
}

func parseReport(data []byte) (*Document, error) {
	r, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &Document{Format: Report, Subject: r.Target.Name, ID: r.Target.ID, OS: r.OS, Packages: r.Packages}, nil
}
