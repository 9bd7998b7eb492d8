// Package cyclonedx renders a report as a CycloneDX 1.6 JSON BOM:
//
//	report.Target   ─▶ metadata.component (container)
//	report.OS       ─▶ component of type operating-system
//	report.Packages ─▶ components (purl, licences, locations as evidence,
//	                   Bulwark's extra facts as "bulwark:" properties)
//	                ─▶ dependencies (the target holds everything; a Go
//	                   binary's main module depends on its other modules)
//	findings        ─▶ vulnerabilities, one per finding, suppressed ones
//	                   with an analysis (VEX state and justification)
//	coverage        ─▶ "bulwark:coverage:" properties of the target, an
//	                   annotation of the target saying what was not
//	                   checked, and one annotation per gap naming its
//	                   packages and the reason
//
// It uses github.com/CycloneDX/cyclonedx-go for the model; the BOM is
// built at version 1.6 directly so the library's deep copy for version
// conversion (a gob round trip) is never needed. The properties
// let [Read] (read.go) restore exactly what was scanned, so scanning a
// stored BOM later finds what scanning the image found:
//
//	BOM ──components──▶ purl ─▶ type, name, version, arch, source package
//	    ──"bulwark:" properties (Bulwark's own BOMs)──▶ exact fields
//	    ──operating-system component──▶ OS ──▶ report.SBOM
package cyclonedx

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/jsonstream"
	"github.com/bulwark-sec/bulwark/internal/report/readback"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Property names Bulwark writes on components; [Read] reads them back.
const (
	PropType          = readback.FactType
	PropSourceName    = readback.FactSourceName
	PropSourceVersion = readback.FactSourceVersion
	PropArch          = readback.FactArch
	PropGoVersion     = readback.FactGoVersion
	PropPlatform      = readback.FactPlatform
	PropLicense       = "bulwark:package:license"
	PropMain          = readback.FactMain
	PropDev           = readback.FactDev
	PropLayer         = "bulwark:location:layer" // "path@digest"
	PropCodename      = readback.FactCodename
	PropPrettyName    = readback.FactPrettyName
	PropOSSource      = readback.FactOSSource
	PropTargetKind    = "bulwark:target:kind"
	// Coverage (scan BOMs only).
	PropAssessed = "bulwark:coverage:assessed" // full, partial, none
	PropCoverage = "bulwark:coverage:summary"  // "matched; not checked for 88 of 88 packages (…)"
)

// Options control non-deterministic fields.
type Options struct {
	// Serial is the BOM's serial number (urn:uuid:…); empty makes a new
	// random one, as the spec asks for every new BOM.
	Serial string
	// NoVulnerabilities leaves findings out (the sbom command).
	NoVulnerabilities bool
}

// Write renders r.
func Write(w io.Writer, r *report.Report, o Options) error {
	// The library's encoder (json.Encoder, two-space indent) produces the
	// same bytes; jsonstream writes the large arrays element by element
	// instead of re-indenting one buffer of the whole BOM.
	if err := jsonstream.Encode(w, Build(r, o), "components", "dependencies", "vulnerabilities"); err != nil {
		return fmt.Errorf("cyclonedx: encoding: %w", err)
	}
	return nil
}

// Build makes the BOM.
func Build(r *report.Report, o Options) *cdx.BOM {
	bom := &cdx.BOM{
		JSONSchema:   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		BOMFormat:    cdx.BOMFormat,
		SpecVersion:  cdx.SpecVersion1_6,
		SerialNumber: cmp.Or(o.Serial, "urn:uuid:"+uuid.NewString()),
		Version:      1,
	}
	created := r.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: cmp.Or(r.Tool.Name, "bulwark"), Version: r.Tool.Version}
	target := &cdx.Component{BOMRef: "target", Type: cdx.ComponentTypeContainer, Name: r.Target.Name, Version: r.Target.ID}
	if r.Target.Kind == "dir" {
		target.Type = cdx.ComponentTypeFile
	}
	target.Properties = props(append([]string{PropTargetKind, r.Target.Kind}, r.Provenance.KV()...)...)
	bom.Metadata = &cdx.Metadata{
		Timestamp: created.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
		Component: target,
	}
	comps := make([]cdx.Component, 0, len(r.Packages)+1)
	var top []string
	if r.OS != nil {
		osc := cdx.Component{BOMRef: "os:" + r.OS.ID + "@" + r.OS.Version, Type: cdx.ComponentTypeOS, Name: r.OS.ID,
			Version: r.OS.Version, Description: r.OS.PrettyName}
		osc.Properties = props(PropCodename, r.OS.Codename, PropPrettyName, r.OS.PrettyName, PropOSSource, r.OS.Source)
		comps = append(comps, osc)
		top = append(top, osc.BOMRef)
	}
	refs := Refs(r.Packages)
	for i, p := range r.Packages {
		comps = append(comps, component(p, refs[i]))
		top = append(top, refs[i])
	}
	bom.Components = &comps
	var deps []cdx.Dependency
	if len(top) > 0 {
		deps = append(deps, cdx.Dependency{Ref: "target", Dependencies: &top})
	}
	deps = append(deps, goDependencies(r.Packages, refs)...)
	if len(deps) > 0 {
		bom.Dependencies = &deps
	}
	if !o.NoVulnerabilities {
		byKey := map[string]string{}
		for i, p := range r.Packages {
			byKey[pkgKey(p.Type, p.Name, p.Version, p.PURL)] = refs[i]
		}
		var vulns []cdx.Vulnerability
		for _, v := range r.Vulnerabilities {
			vulns = append(vulns, vulnerability(v, byKey))
		}
		for _, v := range r.Suppressed {
			vulns = append(vulns, vulnerability(v, byKey))
		}
		if len(vulns) > 0 {
			bom.Vulnerabilities = &vulns
		}
		c := &r.Coverage
		target.Properties = props(PropTargetKind, r.Target.Kind, PropAssessed, string(c.Assessed), PropCoverage, c.VulnerabilityData)
		if anns := annotations(r, refs, tool, bom.Metadata.Timestamp); len(anns) > 0 {
			bom.Annotations = &anns
		}
	}
	return bom
}

// annotations say what was not checked for vulnerabilities: the target,
// then each gap with its packages as subjects.
func annotations(r *report.Report, refs []string, tool cdx.Component, at string) []cdx.Annotation {
	c := &r.Coverage
	annotator := &cdx.Annotator{Component: &tool}
	var out []cdx.Annotation
	if t := c.NotCheckedText(); t != "" {
		out = append(out, cdx.Annotation{Subjects: &[]cdx.BOMReference{"target"}, Annotator: annotator, Timestamp: at,
			Text: "Vulnerabilities " + t + " (coverage: " + string(c.Assessed) + ")"})
	}
	byKey := map[report.PackageKey][]string{}
	for i := range r.Packages {
		k := report.KeyOf(&r.Packages[i])
		byKey[k] = append(byKey[k], refs[i])
	}
	for _, g := range c.Gaps {
		var subj []cdx.BOMReference
		for _, k := range g.Packages {
			for _, ref := range byKey[k] {
				subj = append(subj, cdx.BOMReference(ref))
			}
		}
		if len(subj) == 0 {
			continue
		}
		what := "Not checked for vulnerabilities: "
		if g.Status == report.Unsupported {
			what = "Cannot be matched against advisories: "
		}
		out = append(out, cdx.Annotation{Subjects: &subj, Annotator: annotator, Timestamp: at, Text: what + g.Reason})
	}
	return out
}

func pkgKey(t sbom.Type, name, version, purl string) string {
	return string(t) + "\x00" + name + "\x00" + version + "\x00" + purl
}

// Refs returns a unique bom-ref per package: its purl, made unique with a
// "#n" suffix when two packages share one.
func Refs(pkgs []sbom.Package) []string {
	out := make([]string, len(pkgs))
	seen := map[string]int{}
	for i, p := range pkgs {
		ref := p.PURL
		if ref == "" {
			ref = string(p.Type) + ":" + p.Name + "@" + p.Version
		}
		seen[ref]++
		if n := seen[ref]; n > 1 {
			ref += "#" + strconv.Itoa(n)
		}
		out[i] = ref
	}
	return out
}

func props(kv ...string) *[]cdx.Property {
	var ps []cdx.Property
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			ps = append(ps, cdx.Property{Name: kv[i], Value: kv[i+1]})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &ps
}

func component(p sbom.Package, ref string) cdx.Component {
	c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL}
	if p.Main {
		c.Type = cdx.ComponentTypeApplication
	}
	if len(p.License) > 0 {
		ls := make(cdx.Licenses, 0, len(p.License))
		for _, l := range p.License {
			ls = append(ls, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
		c.Licenses = &ls
	}
	kv := []string{PropType, string(p.Type), PropSourceName, p.SourceName, PropSourceVersion, p.SourceVersion,
		PropArch, p.Arch, PropGoVersion, p.GoVersion, PropPlatform, p.Platform}
	if p.Main {
		kv = append(kv, PropMain, "true")
	}
	if p.Dev {
		kv = append(kv, PropDev, "true")
	}
	var occ []cdx.EvidenceOccurrence
	for _, l := range p.Locations {
		occ = append(occ, cdx.EvidenceOccurrence{Location: l.Path})
		if l.LayerDigest != "" {
			kv = append(kv, PropLayer, l.Path+"@"+l.LayerDigest)
		}
	}
	c.Properties = props(kv...)
	if len(occ) > 0 {
		c.Evidence = &cdx.Evidence{Occurrences: &occ}
	}
	return c
}

// goDependencies links the main module of each Go binary to the other
// modules and the standard library found in the same file.
func goDependencies(pkgs []sbom.Package, refs []string) []cdx.Dependency {
	byPath := map[string][]int{}
	for i, p := range pkgs {
		if p.Type != sbom.GoModule && p.Type != sbom.GoStdlib {
			continue
		}
		for _, l := range p.Locations {
			byPath[l.Path] = append(byPath[l.Path], i)
		}
	}
	dependsOn := map[string][]string{}
	for _, idx := range byPath {
		for _, m := range idx {
			if !pkgs[m].Main {
				continue
			}
			for _, j := range idx {
				if j != m && !slices.Contains(dependsOn[refs[m]], refs[j]) {
					dependsOn[refs[m]] = append(dependsOn[refs[m]], refs[j])
				}
			}
		}
	}
	var out []cdx.Dependency
	for i := range pkgs {
		if d, ok := dependsOn[refs[i]]; ok {
			slices.Sort(d)
			out = append(out, cdx.Dependency{Ref: refs[i], Dependencies: &d})
		}
	}
	return out
}

// rating turns the finding's severity and its source ("CVSS_V3 9.8",
// "URGENCY medium") into a CycloneDX rating with method and score when the
// source is a CVSS score.
func rating(v report.Vulnerability) cdx.VulnerabilityRating {
	r := cdx.VulnerabilityRating{Severity: severity(string(v.Severity)), Source: &cdx.Source{Name: v.DataSource}}
	typ, val, ok := strings.Cut(v.SeveritySource, " ")
	if !ok {
		return r
	}
	methods := map[string]cdx.ScoringMethod{"CVSS_V2": cdx.ScoringMethodCVSSv2, "CVSS_V3": cdx.ScoringMethodCVSSv3, "CVSS_V4": cdx.ScoringMethodCVSSv4}
	if m, known := methods[typ]; known {
		if score, err := strconv.ParseFloat(val, 64); err == nil {
			r.Method, r.Score = m, &score
			return r
		}
	}
	r.Method, r.Justification = cdx.ScoringMethodOther, v.SeveritySource
	return r
}

func severity(s string) cdx.Severity {
	switch s {
	case "critical", "high", "medium", "low":
		return cdx.Severity(s)
	}
	return cdx.SeverityUnknown
}

// justification maps OpenVEX justifications onto CycloneDX's.
var justification = map[string]cdx.ImpactAnalysisJustification{
	"component_not_present":                             cdx.IAJCodeNotPresent,
	"vulnerable_code_not_present":                       cdx.IAJCodeNotPresent,
	"vulnerable_code_not_in_execute_path":               cdx.IAJCodeNotReachable,
	"vulnerable_code_cannot_be_controlled_by_adversary": cdx.IAJRequiresEnvironment,
	"inline_mitigations_already_exist":                  cdx.IAJProtectedByMitigatingControl,
}

func vulnerability(v report.Vulnerability, byKey map[string]string) cdx.Vulnerability {
	ref := byKey[pkgKey(v.Package.Type, v.Package.Name, v.Package.Version, v.Package.PURL)]
	if ref == "" {
		ref = cmp.Or(v.Package.PURL, string(v.Package.Type)+":"+v.Package.Name+"@"+v.Package.Version)
	}
	cv := cdx.Vulnerability{
		BOMRef:      v.ID + "/" + ref,
		ID:          v.ID,
		Source:      &cdx.Source{Name: v.DataSource},
		Ratings:     &[]cdx.VulnerabilityRating{rating(v)},
		Description: v.Title,
		Affects: &[]cdx.Affects{{Ref: ref, Range: &[]cdx.AffectedVersions{{Version: v.Package.Version,
			Status: cdx.VulnerabilityStatusAffected}}}},
	}
	if len(v.Aliases) > 0 {
		var rs []cdx.VulnerabilityReference
		for _, a := range v.Aliases {
			rs = append(rs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: aliasSource(a)}})
		}
		cv.References = &rs
	}
	if v.FixedVersion != "" {
		cv.Recommendation = "Upgrade " + v.Package.Name + " to " + v.FixedVersion + " or later"
	}
	kv := []string{"bulwark:finding:status", string(v.Status), "bulwark:finding:fixed_version", v.FixedVersion,
		"bulwark:finding:reachable", v.Reachable}
	if s := v.Suppression; s != nil {
		kv = append(kv, "bulwark:suppression:kind", s.Kind, "bulwark:suppression:source", s.Source)
		if s.Expired {
			kv = append(kv, "bulwark:suppression:expired", s.Expires)
		} else {
			cv.Analysis = analysis(s)
		}
	}
	cv.Properties = props(kv...)
	return cv
}

func analysis(s *report.Suppression) *cdx.VulnerabilityAnalysis {
	a := &cdx.VulnerabilityAnalysis{Detail: s.Reason}
	switch {
	case s.Kind == report.SuppressedByVEX && s.Status == "not_affected":
		a.State = cdx.IASNotAffected
		a.Justification = justification[s.Justification]
	case s.Kind == report.SuppressedByVEX && s.Status == "fixed":
		a.State = cdx.IASResolved
	default:
		// An accepted risk: CycloneDX has no state for it, only a
		// response.
		a.Response = &[]cdx.ImpactAnalysisResponse{cdx.IARWillNotFix}
		if s.Expires != "" {
			a.Detail = strings.TrimSpace("accepted until " + s.Expires + ": " + s.Reason)
		}
	}
	return a
}

func aliasSource(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub"
	case strings.HasPrefix(id, "GO-"):
		return "Go"
	}
	return "OSV"
}
