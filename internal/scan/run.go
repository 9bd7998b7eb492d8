package scan

import (
	"context"
	"log/slog"

	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vex"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Matching selects what a scan does about known vulnerabilities; the zero
// value matches nothing (an inventory, as `bulwark sbom` makes).
type Matching int

const (
	// InventoryOnly: no matching (coverage.matching "not_requested").
	InventoryOnly Matching = iota
	// MatchDB matches against Options.DB, or the database Options.LendDB
	// lends; with none, every package is not checked ("no_database").
	MatchDB
	// VulnOff: the vuln scanner was deselected ("scanner_off").
	VulnOff
	// ByServer leaves matching to the server the report is sent to
	// ("by_server").
	ByServer
)

// Run scans target from start to finish and returns the finished,
// normalized report; every command that scans (scan, diff, the agent, the
// server's worker) calls it:
//
//	inventory (source.Parse → image │ SBOM │ Dockerfile)
//	  ─▶ vulnerabilities per opts.Matching ─▶ coverage.matching, decided once
//	  ─▶ opts.Verify (signatures; VEX attestations join the triage)
//	  ─▶ Normalize (once)
//	  ─▶ history entry in opts.HistoryDir (untriaged, matched scans of images)
//	  ─▶ triage (opts.Triage)
func Run(ctx context.Context, target string, opts Options) (*report.Report, error) {
	t := source.Parse(target)
	if opts.HistoryDir != "" && opts.Matching == MatchDB && (opts.DB != nil || opts.LendDB != nil) {
		// A matched scan is recorded for the guard's scan gate, which
		// trusts it for the image ID only if the layers were checked
		// against the configuration.
		opts.VerifyLayers = true
	}
	rep, err := inventoryOf(ctx, t, target, opts)
	if err != nil {
		return nil, err
	}
	if err := matchWith(ctx, rep, opts); err != nil {
		return nil, err
	}
	var docs []*vex.Document
	if opts.Verify != nil {
		if docs, err = opts.Verify(ctx, rep); err != nil {
			return nil, err
		}
	}
	rep.Normalize()
	if opts.HistoryDir != "" {
		recordHistory(ctx, opts.HistoryDir, rep)
	}
	if opts.Triage != nil || len(docs) > 0 {
		var tr triage.Options
		if opts.Triage != nil {
			tr = *opts.Triage
		}
		tr.VEX = append(tr.VEX[:len(tr.VEX):len(tr.VEX)], docs...)
		triage.Apply(rep, tr)
	}
	return rep, nil
}

// matchWith runs the matching opts ask for, lending the database for its
// length when a holder may swap it meanwhile.
func matchWith(ctx context.Context, rep *report.Report, opts Options) error {
	if opts.LendDB == nil || opts.Matching != MatchDB || rep.Target.Kind == string(source.Dockerfile) {
		return matchVulns(ctx, rep, opts.Matching, opts.DB, opts.Explain)
	}
	return opts.LendDB(func(db *vulndb.DB) error {
		return matchVulns(ctx, rep, opts.Matching, db, opts.Explain)
	})
}

// matchingFor decides coverage.matching: the one place that does. A
// Dockerfile holds no packages whatever was asked.
func matchingFor(rep *report.Report, m Matching, db *vulndb.DB) report.Matching {
	switch {
	case rep.Target.Kind == string(source.Dockerfile):
		return report.NotApplicable
	case m == VulnOff:
		return report.ScannerOff
	case m == ByServer:
		return report.ByServer
	case m == InventoryOnly:
		return report.NotRequested
	case db == nil:
		return report.NoDatabase
	}
	return report.Matched
}

// recordHistory keeps the summary of a matched scan of an image for
// `bulwark guard`'s scan gate, untriaged: the gate applies its own ignore
// file when it decides. A failure to record costs the gate a scan, not
// the scan its result.
func recordHistory(ctx context.Context, dir string, rep *report.Report) {
	if rep.Coverage.Matching != report.Matched {
		return
	}
	switch source.Kind(rep.Target.Kind) {
	case source.Dir, source.Dockerfile, source.SBOM, "":
		return
	}
	if err := history.Record(ctx, dir, rep); err != nil {
		slog.WarnContext(ctx, "scan not recorded for the guard's scan gate", "err", err)
	}
}
