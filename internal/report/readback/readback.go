// Package readback is what the SBOM readers of the formats share (the
// CycloneDX reader beside its writer in package cyclonedx, the SPDX one in
// package spdx):
//
//	component/package ──purl──▶ [Builder.FromPURL] ─▶ sbom.Package
//	                                                   (type, name, version,
//	                                                   arch, source package)
//	                                                 ─▶ distro from the
//	                                                   "distro" qualifier
//	"path@digest" location ──▶ [SplitLocation]
//	[Builder.Finish] ─▶ purls filled in, packages of one identity merged
//	                 ─▶ *report.SBOM
//
// Other tools' SBOMs are read through their purls, which carry what
// matching needs; syft's "upstream=src@version" qualifier gives the source
// package.
package readback

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Builder collects the packages of one document and the distro seen in
// their purls.
type Builder struct {
	Doc    *report.SBOM
	distro *report.OS
}

// New starts a document read as format.
func New(format string) *Builder {
	return &Builder{Doc: &report.SBOM{Format: format}}
}

// Finish completes the document: the OS from the purls when the document
// named none, a purl for every package, packages of one identity merged.
func (b *Builder) Finish() *report.SBOM {
	if b.Doc.OS == nil {
		b.Doc.OS = b.distro
	}
	var d *sbom.Distro
	if o := b.Doc.OS; o != nil {
		d = &sbom.Distro{ID: o.ID, VersionID: o.Version, Codename: o.Codename}
	}
	for i := range b.Doc.Packages {
		p := &b.Doc.Packages[i]
		if p.PURL == "" {
			sbom.SetPURL(p, d)
		}
		if p.Locations == nil {
			p.Locations = []sbom.Location{}
		}
	}
	b.Doc.Packages = merge(b.Doc.Packages)
	return b.Doc
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

// FromPURL restores a package from its purl; ok is false for purl types
// Bulwark has no matcher for.
func (b *Builder) FromPURL(s string) (sbom.Package, bool) {
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

var digestRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`) })

// SplitLocation splits "path@digest"; paths may hold "@" themselves
// (node_modules/@scope/…), digests never do.
func SplitLocation(v string) (path, digest string) {
	if i := strings.LastIndexByte(v, '@'); i >= 0 && digestRe().MatchString(v[i+1:]) {
		return v[:i], v[i+1:]
	}
	return v, ""
}

// ApplyFact sets a package field from one of Bulwark's own "bulwark:package:"
// facts, which its CycloneDX properties and SPDX annotations share by
// name ("bulwark:package:type" = "deb"); other names are ignored.
func ApplyFact(p *sbom.Package, name, value string) {
	switch name {
	case FactType:
		p.Type = sbom.Type(value)
	case FactSourceName:
		p.SourceName = value
	case FactSourceVersion:
		p.SourceVersion = value
	case FactArch:
		p.Arch = value
	case FactGoVersion:
		p.GoVersion = value
	case FactPlatform:
		p.Platform = value
	case FactMain:
		p.Main = value == "true"
	case FactDev:
		p.Dev = value == "true"
	}
}

// Bulwark's package facts, by the names both SBOM formats write them.
const (
	FactType          = "bulwark:package:type"
	FactSourceName    = "bulwark:package:source_name"
	FactSourceVersion = "bulwark:package:source_version"
	FactArch          = "bulwark:package:arch"
	FactGoVersion     = "bulwark:package:go_version"
	FactPlatform      = "bulwark:package:platform"
	FactMain          = "bulwark:package:main"
	FactDev           = "bulwark:package:dev"
)

// Bulwark's operating-system facts, on the OS component (CycloneDX) or
// package (SPDX), by the names both formats write them.
const (
	FactCodename   = "bulwark:os:codename"
	FactPrettyName = "bulwark:os:pretty_name"
	FactOSSource   = "bulwark:os:source"
)

// ApplyOSFact sets an operating-system field from one of Bulwark's own
// "bulwark:os:" facts; other names are ignored.
func ApplyOSFact(o *report.OS, name, value string) {
	switch name {
	case FactCodename:
		o.Codename = value
	case FactPrettyName:
		o.PrettyName = value
	case FactOSSource:
		o.Source = value
	}
}
