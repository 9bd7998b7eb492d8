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

// Match fills rep's vulnerabilities from db and records in its coverage
// which packages were checked, and why the others were not. explain
// keeps the dropped candidates. A nil db is no database: every package
// is not checked, and the report says so.
func Match(ctx context.Context, rep *report.Report, db *vulndb.DB, explain bool) error {
	var d *sbom.Distro
	if rep.OS != nil {
		d = &sbom.Distro{ID: rep.OS.ID, VersionID: rep.OS.Version, Codename: rep.OS.Codename, PrettyName: rep.OS.PrettyName, IDLike: rep.OS.IDLike}
	}
	if db == nil {
		rep.Vulnerabilities, rep.Dropped, rep.Database = nil, nil, nil
		rep.Coverage.Matching = report.NoDatabase
		rep.Normalize()
		return nil
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
	rep.Normalize()
	return nil
}
