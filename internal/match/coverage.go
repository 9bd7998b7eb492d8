package match

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// EcosystemLister is a Source that can list the ecosystems it holds, with
// record counts (a *vulndb.DB).
type EcosystemLister interface {
	Ecosystems(ctx context.Context) (map[string]int, error)
}

// Decliner is an optional power of a Matcher: saying why it did not turn
// a package of its kind into a query. ok is false for packages the
// matcher does not handle at all.
type Decliner interface {
	Declined(p *sbom.Package, d *sbom.Distro) (status report.PackageStatus, reason string, ok bool)
}

// verdict is one package's coverage.
type verdict struct {
	status    report.PackageStatus
	reason    string
	ecosystem string
}

// query asks the matchers in order; the first that claims p decides.
func (e *Engine) query(p *sbom.Package, d *sbom.Distro) (Query, bool) {
	for _, m := range e.Matchers {
		if q, ok := m.Query(p, d); ok {
			return q, true
		}
	}
	return Query{}, false
}

// covered reports whether the database holds records of q's ecosystem or
// of one of the further ecosystems q is also looked up in (Ubuntu's Pro
// feed beside its release's); nil ecos knows nothing and covers all.
func covered(ecos map[string]int, q Query) bool {
	if ecos == nil || ecos[q.Ecosystem] > 0 {
		return true
	}
	for _, eco := range q.Also {
		if ecos[eco] > 0 {
			return true
		}
	}
	return false
}

// declined asks the matchers why none looked p up.
func (e *Engine) declined(p *sbom.Package, d *sbom.Distro) verdict {
	for _, m := range e.Matchers {
		if dm, ok := m.(Decliner); ok {
			if st, why, ok := dm.Declined(p, d); ok {
				return verdict{status: st, reason: why}
			}
		}
	}
	typ := string(p.Type)
	if typ == "" {
		typ = "untyped"
	}
	return verdict{status: report.Unsupported, reason: "no advisory source for " + typ + " packages"}
}

// gaps groups the packages that were not checked by status, reason and
// ecosystem.
func gaps(pkgs []sbom.Package, of func(int) verdict) []report.Gap {
	type key struct {
		status            report.PackageStatus
		reason, ecosystem string
	}
	idx := map[key]int{}
	var out []report.Gap
	for i := range pkgs {
		v := of(i)
		if v.status == report.Checked {
			continue
		}
		k := key{v.status, v.reason, v.ecosystem}
		j, ok := idx[k]
		if !ok {
			j = len(out)
			idx[k] = j
			out = append(out, report.Gap{Status: v.status, Reason: v.reason, Ecosystem: v.ecosystem})
		}
		out[j].Count++
		out[j].Packages = append(out[j].Packages, report.KeyOf(&pkgs[i]))
	}
	slices.SortFunc(out, func(a, b report.Gap) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), -cmp.Compare(a.Count, b.Count), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

// Declined: distribution packages need the distribution and release to
// be named before their advisories can be looked up.
func (distroMatcher) Declined(p *sbom.Package, d *sbom.Distro) (report.PackageStatus, string, bool) {
	switch p.Type {
	case sbom.Deb, sbom.APK, sbom.RPM:
	default:
		return "", "", false
	}
	if d == nil {
		return report.NotChecked, "operating system not identified", true
	}
	name := strings.TrimSpace(d.ID + " " + d.VersionID)
	if d.VersionID == "" && d.Codename != "" {
		name += " " + d.Codename
	}
	return report.NotChecked, "no advisory source for " + name, true
}

// Declined: the application's own code (a Go main module built from a
// checkout, a Cargo workspace crate, a .NET project) has no published
// release that advisories could name.
func (langMatcher) Declined(p *sbom.Package, _ *sbom.Distro) (report.PackageStatus, string, bool) {
	switch p.Type {
	case sbom.GoModule, sbom.Cargo, sbom.NuGet:
		return report.Unsupported, "the application's own code, not a published release", true
	}
	return "", "", false
}

var (
	_ Decliner = distroMatcher{}
	_ Decliner = langMatcher{}
)
