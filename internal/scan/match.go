package scan

import (
	"context"
	"fmt"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/match"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Match fills an inventory report's vulnerabilities from db (a stored
// inventory the server matches again) and normalizes it. A nil db is no
// database: every package is not checked, and the report says so. A scan
// from a target is Run.
func Match(ctx context.Context, rep *report.Report, db *vulndb.DB, explain bool) error {
	if err := matchVulns(ctx, rep, MatchDB, db, explain); err != nil {
		return err
	}
	rep.Normalize()
	return nil
}

// matchVulns records in rep's coverage whether vulnerabilities were matched
// (matchingFor) and, when they are, fills them from db: which packages
// were checked, and why the others were not. explain keeps the dropped
// candidates. rep is left for the caller to normalize.
func matchVulns(ctx context.Context, rep *report.Report, m Matching, db *vulndb.DB, explain bool) error {
	rep.Coverage.Matching = matchingFor(rep, m, db)
	switch rep.Coverage.Matching {
	case report.Matched:
	case report.NoDatabase:
		rep.Vulnerabilities, rep.Dropped, rep.Database = nil, nil, nil
		return nil
	default:
		return nil
	}
	var d *sbom.Distro
	if rep.OS != nil {
		d = &sbom.Distro{ID: rep.OS.ID, VersionID: rep.OS.Version, Codename: rep.OS.Codename, PrettyName: rep.OS.PrettyName, IDLike: rep.OS.IDLike}
	}
	ecos, err := db.Ecosystems(ctx)
	if err != nil {
		return fmt.Errorf("reading vulnerability database: %w", err)
	}
	eng := match.NewEngine(db, ecos)
	eng.Explain = explain
	res, err := eng.Match(ctx, rep.Packages, d)
	if err != nil {
		return err
	}
	rep.Vulnerabilities = res.Vulnerabilities
	if explain {
		rep.Dropped = res.Dropped
	}
	meta := db.Meta()
	rep.Database = &report.Database{Path: db.Path(), BuiltAt: meta.BuiltAt}
	for _, s := range meta.Sources {
		rep.Database.Sources = append(rep.Database.Sources, s.Name)
	}
	rep.Coverage.SetMatched(res.Coverage, res.Gaps)
	if !slices.Contains(rep.Coverage.Scanners, ScannerVuln) {
		rep.Coverage.Scanners = append([]string{ScannerVuln}, rep.Coverage.Scanners...)
	}
	return nil
}
