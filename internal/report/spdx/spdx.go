// Package spdx renders a report as an SPDX 2.3 JSON document:
//
//	report.Target   ─▶ the described package (primaryPackagePurpose CONTAINER)
//	report.OS       ─▶ a package with purpose OPERATING_SYSTEM
//	report.Packages ─▶ packages with a purl external reference, the
//	                   source package in sourceInfo, Bulwark's extra facts
//	                   (type, arch, locations…) as "bulwark:" annotations
//	findings        ─▶ SECURITY/advisory external references of the package
//	coverage        ─▶ "bulwark:coverage:" annotations of the described
//	                   package (assessed, what was not checked) and a
//	                   "bulwark:vulnerabilities" annotation on each package
//	                   that was not checked, with the reason
//	relationships   ─▶ target CONTAINS each package; a Go binary's main
//	                   module DEPENDS_ON its other modules
//
// It uses github.com/spdx/tools-golang's v2.3 model. [Read] (read.go)
// reads the annotations back, and other tools' SPDX JSON through their
// purls and operating-system package.
package spdx

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/spdx/tools-golang/spdx/v2/common"
	v23 "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/jsonstream"
	"github.com/bulwark-sec/bulwark/internal/report/readback"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Annotation comments Bulwark writes, as "<key>=<value>".
const (
	AnnType          = readback.FactType
	AnnArch          = readback.FactArch
	AnnSourceName    = readback.FactSourceName
	AnnSourceVersion = readback.FactSourceVersion
	AnnGoVersion     = readback.FactGoVersion
	AnnPlatform      = readback.FactPlatform
	AnnLicense       = "bulwark:package:license"
	AnnMain          = readback.FactMain
	AnnDev           = readback.FactDev
	AnnLocation      = "bulwark:location" // "path" or "path@layer digest"
	AnnCodename      = readback.FactCodename
	AnnPrettyName    = readback.FactPrettyName
	AnnOSSource      = readback.FactOSSource
	// Coverage (scan documents only).
	AnnAssessed        = "bulwark:coverage:assessed" // full, partial, none
	AnnCoverage        = "bulwark:coverage:summary"  // "matched; not checked for 88 of 88 packages (…)"
	AnnVulnerabilities = "bulwark:vulnerabilities"   // on a package: "not_checked: no data for Debian 12"
)

// SourceInfoPrefix starts the sourceInfo of packages built from a source
// package: "built from source package openssl 3.0.11-1".
const SourceInfoPrefix = "built from source package "

// Options control non-deterministic fields.
type Options struct {
	// Namespace is the documentNamespace; empty makes a unique one.
	Namespace string
	// NoVulnerabilities leaves findings out (the sbom command).
	NoVulnerabilities bool
}

// Write renders r.
func Write(w io.Writer, r *report.Report, o Options) error {
	// tools-golang's writer is json.Encoder with the same settings;
	// jsonstream gives the same bytes without whole-document buffers.
	if err := jsonstream.Encode(w, Build(r, o), "packages", "relationships"); err != nil {
		return fmt.Errorf("spdx: encoding: %w", err)
	}
	return nil
}

var idUnsafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9.-]+`) })

// Build makes the document.
func Build(r *report.Report, o Options) *v23.Document {
	created := r.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	date := created.UTC().Format("2006-01-02T15:04:05Z")
	tool := cmp.Or(r.Tool.Name, "bulwark")
	if r.Tool.Version != "" {
		tool += "-" + r.Tool.Version
	}
	name := cmp.Or(r.Target.Name, "unnamed")
	doc := &v23.Document{
		SPDXVersion:       v23.Version,
		DataLicense:       v23.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: cmp.Or(o.Namespace, "https://bulwark-sec.github.io/spdx/"+idUnsafe().ReplaceAllString(name, "-")+"-"+uuid.NewString()),
		CreationInfo:      &v23.CreationInfo{Creators: []common.Creator{{Creator: tool, CreatorType: "Tool"}}, Created: date},
	}
	annotate := func(p *v23.Package, kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				continue
			}
			p.Annotations = append(p.Annotations, v23.Annotation{
				Annotator:      common.Annotator{Annotator: tool, AnnotatorType: "Tool"},
				AnnotationDate: date, AnnotationType: "OTHER", AnnotationComment: kv[i] + "=" + kv[i+1]})
		}
	}
	root := &v23.Package{PackageName: name, PackageSPDXIdentifier: "Target", PackageVersion: r.Target.ID,
		PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "CONTAINER",
		PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION", PackageCopyrightText: "NOASSERTION"}
	if r.Target.Kind == "dir" {
		root.PrimaryPackagePurpose = "FILE"
	}
	// A package's gap, for the annotation saying it was not checked.
	gapOf := map[string]report.Gap{}
	if !o.NoVulnerabilities {
		c := &r.Coverage
		annotate(root, AnnAssessed, string(c.Assessed), AnnCoverage, c.VulnerabilityData)
		for _, g := range c.Gaps {
			for _, k := range g.Packages {
				gapOf[string(k.Type)+"\x00"+k.Name+"\x00"+k.Version] = g
			}
		}
	}
	annotate(root, r.Provenance.KV()...)
	doc.Packages = append(doc.Packages, root)
	rel := func(a common.ElementID, typ string, b common.ElementID) {
		doc.Relationships = append(doc.Relationships, &v23.Relationship{
			RefA: common.DocElementID{ElementRefID: a}, RefB: common.DocElementID{ElementRefID: b}, Relationship: typ})
	}
	rel("DOCUMENT", "DESCRIBES", "Target")
	if r.OS != nil {
		osp := &v23.Package{PackageName: r.OS.ID, PackageSPDXIdentifier: "OperatingSystem", PackageVersion: r.OS.Version,
			PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "OPERATING_SYSTEM", PackageDescription: r.OS.PrettyName,
			PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION", PackageCopyrightText: "NOASSERTION"}
		annotate(osp, AnnCodename, r.OS.Codename, AnnPrettyName, r.OS.PrettyName, AnnOSSource, r.OS.Source)
		doc.Packages = append(doc.Packages, osp)
		rel("Target", "CONTAINS", "OperatingSystem")
	}
	findings := map[string][]report.Vulnerability{}
	if !o.NoVulnerabilities {
		for _, v := range r.Vulnerabilities {
			k := key(v.Package.Type, v.Package.Name, v.Package.Version, v.Package.PURL)
			findings[k] = append(findings[k], v)
		}
	}
	ids := make([]common.ElementID, len(r.Packages))
	for i, p := range r.Packages {
		id := common.ElementID("Package-" + idUnsafe().ReplaceAllString(string(p.Type)+"-"+p.Name, "-") + "-" + strconv.Itoa(i+1))
		ids[i] = id
		sp := &v23.Package{PackageName: p.Name, PackageSPDXIdentifier: id, PackageVersion: p.Version,
			PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "LIBRARY",
			PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION", PackageCopyrightText: "NOASSERTION"}
		if p.Main {
			sp.PrimaryPackagePurpose = "APPLICATION"
		}
		if len(p.License) > 0 {
			// Licences as catalogued are free text (Debian copyright
			// files, package metadata), not always SPDX identifiers: only
			// simple identifiers make licenseDeclared; all are annotated.
			if ids, ok := spdxIDs(p.License); ok {
				sp.PackageLicenseDeclared = ids
			} else {
				sp.PackageLicenseComments = "declared: " + joinComma(p.License)
			}
		}
		if p.SourceName != "" {
			sp.PackageSourceInfo = SourceInfoPrefix + p.SourceName
			if p.SourceVersion != "" {
				sp.PackageSourceInfo += " " + p.SourceVersion
			}
		}
		if p.PURL != "" {
			sp.PackageExternalReferences = append(sp.PackageExternalReferences, &v23.PackageExternalReference{
				Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: p.PURL})
		}
		for _, v := range findings[key(p.Type, p.Name, p.Version, p.PURL)] {
			comment := fmt.Sprintf("%s %s %s", v.ID, v.Severity, v.Status)
			if v.FixedVersion != "" {
				comment += ", fixed in " + v.FixedVersion
			}
			sp.PackageExternalReferences = append(sp.PackageExternalReferences, &v23.PackageExternalReference{
				Category: common.CategorySecurity, RefType: "advisory", Locator: advisoryURL(v.ID), ExternalRefComment: comment})
		}
		kv := []string{AnnType, string(p.Type), AnnArch, p.Arch, AnnSourceName, p.SourceName, AnnSourceVersion, p.SourceVersion,
			AnnGoVersion, p.GoVersion, AnnPlatform, p.Platform}
		for _, l := range p.License {
			kv = append(kv, AnnLicense, l)
		}
		if p.Main {
			kv = append(kv, AnnMain, "true")
		}
		if p.Dev {
			kv = append(kv, AnnDev, "true")
		}
		for _, l := range p.Locations {
			loc := l.Path
			if l.LayerDigest != "" {
				loc += "@" + l.LayerDigest
			}
			kv = append(kv, AnnLocation, loc)
		}
		if g, ok := gapOf[string(p.Type)+"\x00"+p.Name+"\x00"+p.Version]; ok {
			kv = append(kv, AnnVulnerabilities, string(g.Status)+": "+g.Reason)
		}
		annotate(sp, kv...)
		doc.Packages = append(doc.Packages, sp)
		rel("Target", "CONTAINS", id)
	}
	goRelationships(r.Packages, ids, rel)
	return doc
}

func key(t sbom.Type, name, version, purl string) string {
	return string(t) + "\x00" + name + "\x00" + version + "\x00" + purl
}

var licenseID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*$`) })

// spdxIDs joins licences that look like SPDX identifiers with AND.
func spdxIDs(ls []string) (string, bool) {
	for _, l := range ls {
		if !licenseID().MatchString(l) {
			return "", false
		}
	}
	out := ls[0]
	for _, l := range ls[1:] {
		out += " AND " + l
	}
	return out, true
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func goRelationships(pkgs []sbom.Package, ids []common.ElementID, rel func(a common.ElementID, typ string, b common.ElementID)) {
	byPath := map[string][]int{}
	var paths []string
	for i, p := range pkgs {
		if p.Type != sbom.GoModule && p.Type != sbom.GoStdlib {
			continue
		}
		for _, l := range p.Locations {
			if _, ok := byPath[l.Path]; !ok {
				paths = append(paths, l.Path)
			}
			byPath[l.Path] = append(byPath[l.Path], i)
		}
	}
	slices.Sort(paths)
	seen := map[[2]int]bool{}
	for _, path := range paths {
		idx := byPath[path]
		for _, m := range idx {
			if !pkgs[m].Main {
				continue
			}
			for _, j := range idx {
				if j != m && !seen[[2]int{m, j}] {
					seen[[2]int{m, j}] = true
					rel(ids[m], "DEPENDS_ON", ids[j])
				}
			}
		}
	}
}

func advisoryURL(id string) string {
	return "https://osv.dev/vulnerability/" + id
}
