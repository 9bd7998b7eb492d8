// Package match decides which advisories affect which packages.
//
// # Data flow
//
//	package ──Matcher.Query──▶ (ecosystem, name, version, ordering)
//	        ──Source.ByPackage──▶ records
//	        ──evaluate──▶ candidates (affected, or dropped with a reason)
//	        ──group by alias──▶ one finding per package and vulnerability
//
// A [Matcher] only says how a package is looked up: distribution packages
// by their source package and source version in "Debian:12" or
// "Alpine:v3.19", language packages by their normalised name in their OSV
// ecosystem. Evaluation is shared: a distribution's status and fixed
// version, or OSV ranges (ECOSYSTEM and SEMVER events, last_affected,
// explicit versions), always with the ecosystem's own version ordering
// (package vercmp). Records of one package whose ids and aliases overlap
// are one vulnerability and are reported once. Go modules and the standard
// library also get symbol-level reachability from the binary's symbols.
//
// Matching also decides each package's coverage, the one place that does
// (see coverage.go): checked when the database holds its ecosystem,
// not_checked when it does not (or when no ecosystem could be named for
// it), unsupported when nothing could match it. The decision reads the
// database's own list of ecosystems, never a list of distributions.
//
// The result is deterministic: the same inventory and database give the
// same findings in the same order.
package match

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/cvss"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Source is the advisory data matching reads (a *vulndb.DB).
type Source interface {
	ByPackage(ctx context.Context, ecosystem, pkg string) ([]vulndb.Record, error)
}

var _ Source = (*vulndb.DB)(nil)

// Query is how one package is looked up and compared.
type Query struct {
	Ecosystem string // "Debian:12", "PyPI", "Go"…
	Package   string // name as the ecosystem's advisories spell it
	Version   string // installed version to evaluate
	Scheme    string // vercmp scheme for ECOSYSTEM ranges and fixed versions
	// Also are further ecosystems to look the same package up in
	// ("Ubuntu:Pro:22.04:LTS" beside "Ubuntu:22.04:LTS").
	Also []string
	// Module is the rpm module stream the package was installed from
	// ("nodejs:18"), "*" for a modular build of an unknown stream, empty
	// outside modules.
	Module string
	// Binary is the installed binary package when Package names its
	// source, for statements that list the binaries of their fix.
	Binary advisory.Binary
}

// Matcher turns a package into a Query, or declines it.
type Matcher interface {
	Name() string
	Query(p *sbom.Package, d *sbom.Distro) (Query, bool)
}

// Result is the outcome of matching an inventory.
type Result struct {
	Vulnerabilities []report.Vulnerability
	Dropped         []report.Dropped
	// Coverage counts the packages by status; Gaps groups those not
	// checked by reason ("no data for Debian 12") and lists them.
	Coverage report.PackageCounts
	Gaps     []report.Gap
}

// Engine matches packages against a Source.
type Engine struct {
	// Source is the advisory data; nil when there is no database, and
	// then every package is not checked.
	Source   Source
	Matchers []Matcher
	// Ecosystems lists what the database holds (ecosystem → records), so
	// packages of an ecosystem without data are not checked. Nil: asked
	// of the Source when it can tell ([EcosystemLister]), else every
	// ecosystem counts as present.
	Ecosystems map[string]int
	// Explain keeps the records that were set aside, with the reason
	// (Result.Dropped). Off, nothing is formatted for them: most records
	// of a lookup do not apply, and explaining all of them costs more than
	// matching.
	Explain bool
}

// NewEngine returns an engine with the built-in matchers.
func NewEngine(src Source, ecosystems map[string]int) *Engine {
	return &Engine{Source: src, Matchers: DefaultMatchers(), Ecosystems: ecosystems}
}

// Match evaluates every package. Packages are looked up in parallel (the
// lookups and range evaluations are independent); results are gathered per
// package and sorted, so the outcome does not depend on scheduling.
func (e *Engine) Match(ctx context.Context, pkgs []sbom.Package, d *sbom.Distro) (*Result, error) {
	if e.Source == nil {
		return &Result{Vulnerabilities: []report.Vulnerability{}, Dropped: []report.Dropped{}, Coverage: report.PackageCounts{NotChecked: len(pkgs)},
			Gaps: gaps(pkgs, func(int) verdict { return verdict{status: report.NotChecked, reason: report.NoDatabase.Reason()} })}, nil
	}
	ecos := e.Ecosystems
	if ecos == nil {
		if l, ok := e.Source.(EcosystemLister); ok {
			var err error
			if ecos, err = l.Ecosystems(ctx); err != nil {
				return nil, fmt.Errorf("match: listing ecosystems: %w", err)
			}
		}
	}
	parts := make([]Result, len(pkgs))
	cov := make([]verdict, len(pkgs))
	g, ctx := errgroup.WithContext(ctx)
	workers := min(runtime.GOMAXPROCS(0), 4)
	next := make(chan int, len(pkgs))
	for i := range pkgs {
		next <- i
	}
	close(next)
	for range workers {
		g.Go(func() error {
			for i := range next {
				if err := ctx.Err(); err != nil {
					return err
				}
				p := &pkgs[i]
				q, ok := e.query(p, d)
				switch {
				case !ok:
					cov[i] = e.declined(p, d)
				case !covered(ecos, q):
					cov[i] = verdict{status: report.NotChecked, reason: "no data for " + report.EcosystemName(q.Ecosystem), ecosystem: q.Ecosystem}
				default:
					cov[i] = verdict{status: report.Checked}
					if err := e.matchOne(ctx, p, q, &parts[i]); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	nv, nd := 0, 0
	for i := range parts {
		nv += len(parts[i].Vulnerabilities)
		nd += len(parts[i].Dropped)
	}
	res := &Result{Vulnerabilities: make([]report.Vulnerability, 0, nv), Dropped: make([]report.Dropped, 0, nd)}
	for i := range parts {
		res.Vulnerabilities = append(res.Vulnerabilities, parts[i].Vulnerabilities...)
		res.Dropped = append(res.Dropped, parts[i].Dropped...)
		switch cov[i].status {
		case report.Checked:
			res.Coverage.Checked++
		case report.NotChecked:
			res.Coverage.NotChecked++
		default:
			res.Coverage.Unsupported++
		}
	}
	res.Gaps = gaps(pkgs, func(i int) verdict { return cov[i] })
	report.SortVulnerabilities(res.Vulnerabilities)
	slices.SortFunc(res.Dropped, func(a, b report.Dropped) int {
		return cmp.Or(cmp.Compare(a.Package.Name, b.Package.Name), cmp.Compare(a.Package.Version, b.Package.Version), cmp.Compare(a.ID, b.ID))
	})
	return res, nil
}

// candidate is one record's verdict on one package.
type candidate struct {
	rec    vulndb.Record
	status advisory.Status
	fixed  string
	rng    string
}

func (e *Engine) matchOne(ctx context.Context, p *sbom.Package, q Query, res *Result) error {
	recs, err := lookup(ctx, e.Source, q)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	cmpr, ok := vercmp.For(q.Scheme)
	if !ok {
		return fmt.Errorf("match: no version ordering %q", q.Scheme)
	}
	ref := report.PackageRef{Name: p.Name, Version: p.Version, Type: p.Type, PURL: p.PURL, Locations: p.Locations}
	hits := make([]candidate, 0, len(recs))
	for _, r := range recs {
		if p.Platform != "" && len(r.Affected.Imports) > 0 {
			var ok bool
			if r.Affected.Imports, ok = forPlatform(r.Affected.Imports, p.Platform); !ok {
				e.drop(res, r, ref, "affects only other platforms than "+p.Platform)
				continue
			}
		}
		c, d := evaluate(r, q, cmpr)
		if d.kind != kept {
			if e.Explain {
				e.drop(res, r, ref, d.text(r, q))
			}
			continue
		}
		hits = append(hits, c)
	}
	groups := group(hits)
	res.Vulnerabilities = slices.Grow(res.Vulnerabilities, len(groups))
	for _, g := range groups {
		res.Vulnerabilities = append(res.Vulnerabilities, finding(p, ref, q, g))
	}
	return nil
}

func (e *Engine) drop(res *Result, r vulndb.Record, ref report.PackageRef, reason string) {
	if e.Explain {
		res.Dropped = append(res.Dropped, report.Dropped{ID: r.Advisory.ID, Package: ref, Reason: reason, DataSource: r.Advisory.Source})
	}
}

// dropKind says why a record does not apply.
type dropKind uint8

const (
	kept dropKind = iota
	dropNotAffected
	dropFixedNoVersion
	dropAtFix
	dropOutside
	dropModule
)

type dropReason struct {
	kind  dropKind
	fixed string
}

func (d dropReason) text(r vulndb.Record, q Query) string {
	switch d.kind {
	case dropNotAffected:
		return fmt.Sprintf("%s states %s is not affected", r.Advisory.Source, q.Ecosystem)
	case dropFixedNoVersion:
		return "fixed without a version"
	case dropAtFix:
		return fmt.Sprintf("installed %s is not below the fix %s (%s)", q.Version, d.fixed, q.Scheme)
	case dropModule:
		return moduleText(r.Affected.Module, q.Module)
	}
	return fmt.Sprintf("installed %s is outside every affected range (%s)", q.Version, q.Scheme)
}

// evaluate returns the candidate for an affected package, or why the
// record does not apply.
func evaluate(r vulndb.Record, q Query, c vercmp.Comparer) (candidate, dropReason) {
	a := r.Affected
	cand := candidate{rec: r}
	if !sameModule(a.Module, q.Module) {
		return cand, dropReason{kind: dropModule}
	}
	switch a.Status {
	case advisory.NotAffected:
		return cand, dropReason{kind: dropNotAffected}
	case advisory.Unfixed, advisory.WillNotFix, advisory.EndOfLife:
		cand.status, cand.rng = a.Status, string(a.Status)+" in "+q.Ecosystem
		return cand, dropReason{}
	}
	if len(a.Ranges) == 0 && len(a.Versions) == 0 {
		if a.Status == advisory.Fixed {
			return cand, dropReason{kind: dropFixedNoVersion}
		}
		// A record naming the package without ranges affects every
		// version (OSV: "all versions affected").
		cand.status, cand.rng = advisory.StatusAffected, "all versions"
		return cand, dropReason{}
	}
	if in, fixed, rng, ok := binaryFix(a, q, c); ok {
		if !in {
			return cand, dropReason{kind: dropAtFix, fixed: fixed}
		}
		cand.status, cand.fixed, cand.rng = advisory.Fixed, fixed, rng
		return cand, dropReason{}
	}
	in, fixed, rng := affects(a, q.Version, c)
	if !in {
		if fixed != "" {
			return cand, dropReason{kind: dropAtFix, fixed: fixed}
		}
		return cand, dropReason{kind: dropOutside}
	}
	cand.rng, cand.fixed = rng, fixed
	cand.status = advisory.StatusAffected
	if fixed != "" {
		cand.status = advisory.Fixed
	}
	return cand, dropReason{}
}

// displayID is the id users know a finding by. Alpine's, Wolfi's and
// Chainguard's secdb, the Debian tracker and Red Hat's VEX documents
// describe CVEs; their records are stored as ALPINE-<CVE>, DEBIAN-<CVE>
// (the ids OSV.dev gives them), WOLFI-, CHAINGUARD- and REDHAT-<CVE> so
// they do not collide with other sources' records of the same CVE, but the
// finding is the CVE.
func displayID(id string) string {
	for _, prefix := range []string{"ALPINE-", "DEBIAN-", "WOLFI-", "CHAINGUARD-", "REDHAT-"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" {
			return rest
		}
	}
	return id
}

// sourceRank orders the records of one vulnerability: the advisory that
// names it (DSA, GO-, PYSEC-, the secdb entry) before tracker CVE records.
func sourceRank(src string) int {
	switch {
	case src == "debian-tracker":
		return 2
	case src == "debian-dla":
		return 1
	}
	return 0
}

// group merges records whose ids and aliases overlap (union-find), so a
// CVE is reported once per package.
func group(cs []candidate) [][]candidate {
	parent := make([]int, len(cs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := make(map[string]int, len(cs))
	union := func(i int, id string) {
		if j, ok := owner[id]; ok {
			parent[find(i)] = find(j)
		} else {
			owner[id] = i
		}
	}
	for i, c := range cs {
		union(i, c.rec.Advisory.ID)
		for _, id := range c.rec.Advisory.Aliases {
			union(i, id)
		}
	}
	// Groups in order of their first member; slot[root] is the group's
	// index in out.
	slot := make([]int, len(cs))
	for i := range slot {
		slot[i] = -1
	}
	var out [][]candidate
	for i, c := range cs {
		r := find(i)
		if slot[r] < 0 {
			slot[r] = len(out)
			out = append(out, nil)
		}
		out[slot[r]] = append(out[slot[r]], c)
	}
	for _, g := range out {
		slices.SortFunc(g, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(sourceRank(a.rec.Advisory.Source), sourceRank(b.rec.Advisory.Source)),
				cmp.Compare(a.rec.Advisory.ID, b.rec.Advisory.ID))
		})
	}
	return out
}

// finding renders one vulnerability group for one package.
func finding(p *sbom.Package, ref report.PackageRef, q Query, g []candidate) report.Vulnerability {
	prim := g[0]
	adv := prim.rec.Advisory
	v := report.Vulnerability{
		ID:         displayID(adv.ID),
		Package:    ref,
		Status:     prim.status,
		DataSource: adv.Source,
		Title:      adv.Summary,
		Match: report.Explanation{Advisory: adv.ID, Ecosystem: q.Ecosystem, Package: q.Package,
			Ordering: q.Scheme, Range: prim.rng},
	}
	ids := map[string]bool{}
	var scores []advisory.Score
	for _, c := range g {
		ids[c.rec.Advisory.ID] = true
		for _, a := range c.rec.Advisory.Aliases {
			ids[a] = true
		}
		// Every statement of the group: the distribution's rating of its
		// package, the advisory's own, and those joined in from the CVE
		// records and NVD; cvss.Severity ranks them.
		scores = append(scores, c.rec.Affected.Severity...)
		scores = append(scores, c.rec.Advisory.Severity...)
		if k := c.rec.Advisory.KEV; k != nil && (v.KEV == nil || k.DateAdded < v.KEV.DateAdded) {
			v.KEV = k
		}
		if e := c.rec.Advisory.EPSS; e != nil && (v.EPSS == nil || e.Score > v.EPSS.Score) {
			v.EPSS = e
		}
	}
	v.KnownExploited = v.KEV != nil
	delete(ids, v.ID)
	delete(ids, adv.ID)
	v.Aliases = slices.Sorted(maps.Keys(ids))
	if v.Aliases == nil {
		v.Aliases = []string{} // the report contract has a list, never null
	}
	v.Severity, v.SeveritySource = cvss.Severity(scores)
	if v.Title == "" {
		for _, c := range g {
			if c.rec.Advisory.Summary != "" {
				v.Title = c.rec.Advisory.Summary
				break
			}
		}
	}
	// The fix for the whole group is the highest fixed version any of its
	// records requires.
	if cmpr, ok := vercmp.For(q.Scheme); ok {
		for _, c := range g {
			if c.fixed != "" && (v.FixedVersion == "" || cmpr.Compare(c.fixed, v.FixedVersion) > 0) {
				v.FixedVersion = c.fixed
			}
		}
	}
	if v.FixedVersion != "" && v.Status == advisory.StatusAffected {
		v.Status = advisory.Fixed
	}
	if p.Type == sbom.GoModule || p.Type == sbom.GoStdlib {
		v.Reachable = reachable(p, g)
	}
	return v
}

// rangeText renders events for explanations: "[1.2.0, 1.2.5)".
func rangeText(typ, lo, hi string, closed bool) string {
	if lo == "" || lo == "0" {
		lo = "0"
	}
	var b strings.Builder
	b.WriteString(typ + " [" + lo + ", ")
	if hi == "" {
		b.WriteString("∞)")
	} else if closed {
		b.WriteString(hi + "]")
	} else {
		b.WriteString(hi + ")")
	}
	return b.String()
}
