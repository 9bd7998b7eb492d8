// Package diff compares two reports of the same software at two points in
// time (two image tags, an image before and after a rebuild):
//
//	old report ─┐
//	            ├─ packages by (type, name) ─▶ added, removed, upgraded/downgraded
//	new report ─┘─ findings by (id, type, package name) ─▶ introduced, fixed,
//	                                                       no longer checked
//
// A finding is keyed without the package version, so a package upgrade
// that leaves the vulnerability in place is neither fixed nor introduced.
// A finding gone from the new report is fixed only when the new report
// checked its package for vulnerabilities (or the package is gone);
// otherwise it is "no longer checked": a new side without data for its
// release says nothing about it.
// Suppressed findings are compared too but reported apart: they never
// count as introduced for a gate.
package diff

import (
	"cmp"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp"
)

// Version is the version of the diff's json form.
//
//	1.0.0  first version
//	1.1.0  no_longer_checked; old.assessed and new.assessed
const Version = "1.1.0"

// Side names one of the compared reports.
type Side struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	OS   string `json:"os,omitempty"`
	// Assessed is the report's vulnerability coverage (full, partial,
	// none); Coverage says what was not checked, when anything was not.
	Assessed report.Assessment `json:"assessed"`
	Coverage string            `json:"coverage,omitempty"`
}

// Change is a package whose version changed.
type Change struct {
	Name string    `json:"name"`
	Type sbom.Type `json:"type"`
	From string    `json:"from"`
	To   string    `json:"to"`
	// Downgrade is true when To sorts below From in the ecosystem's
	// version ordering.
	Downgrade bool `json:"downgrade,omitempty"`
}

// Result is the comparison.
type Result struct {
	DiffVersion string                 `json:"diff_version"`
	Old         Side                   `json:"old"`
	New         Side                   `json:"new"`
	Added       []sbom.Package         `json:"added"`
	Removed     []sbom.Package         `json:"removed"`
	Changed     []Change               `json:"changed"`
	Introduced  []report.Vulnerability `json:"introduced"`
	Fixed       []report.Vulnerability `json:"fixed"`
	// NoLongerChecked lists findings of the old report whose package the
	// new report has but did not check for vulnerabilities.
	NoLongerChecked []report.Vulnerability `json:"no_longer_checked"`
	// Unchanged counts findings present in both.
	Unchanged int `json:"unchanged"`
	// NewlySuppressed lists findings of the new report that are
	// suppressed there (ignore file, VEX) and were not in the old one.
	NewlySuppressed []report.Vulnerability `json:"newly_suppressed,omitempty"`
}

func side(r *report.Report) Side {
	s := Side{Name: r.Target.Name, Kind: r.Target.Kind, ID: r.Target.ID, Assessed: r.Coverage.Assessed, Coverage: r.Coverage.NotCheckedText()}
	if r.OS != nil {
		s.OS = r.OS.ID + " " + r.OS.Version
	}
	return s
}

type pkgKey struct {
	typ  sbom.Type
	name string
}

// Compare diffs old against new.
func Compare(old, new *report.Report) *Result {
	res := &Result{DiffVersion: Version, Old: side(old), New: side(new),
		Added: []sbom.Package{}, Removed: []sbom.Package{}, Changed: []Change{},
		Introduced: []report.Vulnerability{}, Fixed: []report.Vulnerability{}, NoLongerChecked: []report.Vulnerability{}}
	comparePackages(res, old.Packages, new.Packages)

	vkey := func(v report.Vulnerability) string {
		return v.ID + "\x00" + string(v.Package.Type) + "\x00" + v.Package.Name
	}
	oldAll := map[string]bool{}
	oldVuln := map[string]bool{}
	for _, v := range old.Vulnerabilities {
		oldVuln[vkey(v)] = true
		oldAll[vkey(v)] = true
	}
	for _, v := range old.Suppressed {
		oldAll[vkey(v)] = true
	}
	newVuln := map[string]bool{}
	seen := map[string]bool{}
	for _, v := range new.Vulnerabilities {
		k := vkey(v)
		newVuln[k] = true
		if seen[k] {
			continue // one package name at two versions: report once
		}
		seen[k] = true
		if oldVuln[k] {
			res.Unchanged++
		} else {
			res.Introduced = append(res.Introduced, v)
		}
	}
	for _, v := range new.Suppressed {
		if !oldAll[vkey(v)] {
			res.NewlySuppressed = append(res.NewlySuppressed, v)
		}
	}
	newAll := map[string]bool{}
	for _, v := range new.Vulnerabilities {
		newAll[vkey(v)] = true
	}
	for _, v := range new.Suppressed {
		newAll[vkey(v)] = true
	}
	present := map[pkgKey]bool{}
	for _, p := range new.Packages {
		present[pkgKey{p.Type, p.Name}] = true
	}
	seen = map[string]bool{}
	for _, v := range old.Vulnerabilities {
		k := vkey(v)
		if seen[k] || newAll[k] {
			continue
		}
		seen[k] = true
		if present[pkgKey{v.Package.Type, v.Package.Name}] && !new.Coverage.PackageChecked(v.Package.Type, v.Package.Name) {
			res.NoLongerChecked = append(res.NoLongerChecked, v)
			continue
		}
		res.Fixed = append(res.Fixed, v)
	}
	report.SortVulnerabilities(res.Introduced)
	report.SortVulnerabilities(res.Fixed)
	report.SortVulnerabilities(res.NoLongerChecked)
	report.SortVulnerabilities(res.NewlySuppressed)
	return res
}

func comparePackages(res *Result, old, new []sbom.Package) {
	group := func(ps []sbom.Package) map[pkgKey][]sbom.Package {
		m := map[pkgKey][]sbom.Package{}
		for _, p := range ps {
			k := pkgKey{p.Type, p.Name}
			if !slices.ContainsFunc(m[k], func(q sbom.Package) bool { return q.Version == p.Version }) {
				m[k] = append(m[k], p)
			}
		}
		return m
	}
	om, nm := group(old), group(new)
	keys := map[pkgKey]bool{}
	for k := range om {
		keys[k] = true
	}
	for k := range nm {
		keys[k] = true
	}
	for k := range keys {
		var gone, came []sbom.Package
		for _, p := range om[k] {
			if !slices.ContainsFunc(nm[k], func(q sbom.Package) bool { return q.Version == p.Version }) {
				gone = append(gone, p)
			}
		}
		for _, p := range nm[k] {
			if !slices.ContainsFunc(om[k], func(q sbom.Package) bool { return q.Version == p.Version }) {
				came = append(came, p)
			}
		}
		if len(gone) == 1 && len(came) == 1 {
			c := Change{Name: k.name, Type: k.typ, From: gone[0].Version, To: came[0].Version}
			if cmpr, ok := vercmp.For(scheme(k.typ)); ok {
				c.Downgrade = cmpr.Compare(c.To, c.From) < 0
			}
			res.Changed = append(res.Changed, c)
			continue
		}
		res.Removed = append(res.Removed, gone...)
		res.Added = append(res.Added, came...)
	}
	sbom.Sort(res.Added)
	sbom.Sort(res.Removed)
	slices.SortFunc(res.Changed, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.From, b.From))
	})
}

// scheme is the version ordering of a package type.
func scheme(t sbom.Type) string {
	switch t {
	case sbom.Deb:
		return "dpkg"
	case sbom.APK:
		return "apk"
	case sbom.RPM:
		return "rpm"
	case sbom.GoModule, sbom.GoStdlib:
		return "go"
	case sbom.Python:
		return "pep440"
	case sbom.NPM:
		return "npm"
	case sbom.Java:
		return "maven"
	}
	return "semver"
}

// IntroducedAtLeast counts introduced findings at or above min.
func (r *Result) IntroducedAtLeast(min advisory.Severity) int {
	n := 0
	for _, v := range r.Introduced {
		if advisory.SeverityRank(v.Severity) >= advisory.SeverityRank(min) {
			n++
		}
	}
	return n
}
