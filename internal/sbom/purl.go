package sbom

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// SetPURL fills p.PURL from its type, name and version. Distribution packages
// carry a distro qualifier ("debian-12"), which is why d is needed; d may be
// nil for language packages.
func SetPURL(p *Package, d *Distro) {
	p.PURL = PURL(p, d)
}

// PURL renders the package URL (github.com/package-url/purl-spec) of p.
func PURL(p *Package, d *Distro) string {
	var (
		typ, namespace, name, version = "", "", p.Name, p.Version
		q                             packageurl.Qualifiers
	)
	distroQualifier := func() {
		if p.Arch != "" {
			q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
		}
		if d != nil && d.ID != "" {
			v := d.ID
			if d.VersionID != "" {
				v += "-" + d.VersionID
			}
			q = append(q, packageurl.Qualifier{Key: "distro", Value: v})
		}
	}
	vendor := func(def string) string {
		if d != nil && d.ID != "" {
			return d.ID
		}
		return def
	}
	switch p.Type {
	case Deb:
		typ, namespace = packageurl.TypeDebian, vendor("debian")
		distroQualifier()
		if p.SourceName != "" && p.SourceName != p.Name {
			q = append(q, packageurl.Qualifier{Key: "upstream", Value: p.SourceName})
		}
	case APK:
		typ, namespace = packageurl.TypeApk, vendor("alpine")
		distroQualifier()
	case RPM:
		typ, namespace = packageurl.TypeRPM, vendor("")
		if epoch, rest, ok := strings.Cut(version, ":"); ok {
			version = rest
			q = append(q, packageurl.Qualifier{Key: "epoch", Value: epoch})
		}
		distroQualifier()
	case GoModule:
		typ = packageurl.TypeGolang
		namespace, name = splitLast(p.Name)
	case GoStdlib:
		typ, name = packageurl.TypeGolang, "stdlib"
	case Python:
		typ, name = packageurl.TypePyPi, NormalizePythonName(p.Name)
	case NPM:
		typ = packageurl.TypeNPM
		if strings.HasPrefix(name, "@") {
			namespace, name = splitLast(p.Name)
		}
	case Java:
		typ = packageurl.TypeMaven
		if g, a, ok := strings.Cut(p.Name, ":"); ok {
			namespace, name = g, a
		}
	case Gem:
		typ = packageurl.TypeGem
	case Composer:
		typ = packageurl.TypeComposer
		namespace, name = splitLast(p.Name)
	case Cargo:
		typ = packageurl.TypeCargo
	case NuGet:
		typ = packageurl.TypeNuget
	default:
		typ = packageurl.TypeGeneric
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, q, "").ToString()
}

func splitLast(s string) (string, string) {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

// NormalizePythonName applies PEP 503: lower case, runs of "-", "_" and "."
// become one "-".
func NormalizePythonName(n string) string {
	var b strings.Builder
	b.Grow(len(n))
	sep := false
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	return b.String()
}
