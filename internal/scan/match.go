package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/match"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Match fills rep's vulnerabilities from db and records what was and was
// not matched in its coverage. explain keeps the dropped candidates.
func Match(ctx context.Context, rep *report.Report, db *vulndb.DB, explain bool) error {
	ecos, err := db.Ecosystems(ctx)
	if err != nil {
		return fmt.Errorf("reading vulnerability database: %w", err)
	}
	var d *sbom.Distro
	if rep.OS != nil {
		d = &sbom.Distro{ID: rep.OS.ID, VersionID: rep.OS.Version, Codename: rep.OS.Codename}
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
	rep.Coverage.VulnerabilityData = "matched"
	rep.Coverage.Scanners = append([]string{ScannerVuln}, rep.Coverage.Scanners...)
	if len(res.Unmatched) > 0 {
		rep.Coverage.VulnerabilityData = "matched; no advisory data for " + strings.Join(res.Unmatched, ", ")
		rep.Coverage.Notes = append(rep.Coverage.Notes, "no advisory data for "+strings.Join(res.Unmatched, ", ")+": those packages were not checked")
	}
	rep.Normalize()
	return nil
}
