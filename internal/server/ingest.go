package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// errBadReport marks a submission that is not a readable report (400).
var errBadReport = errors.New("bad report")

// submittedScan is the part of a json scan report the server indexes. The
// report itself is stored as received; decoding only these fields skips
// building the package list, the bulk of a report.
type submittedScan struct {
	SchemaVersion string    `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	Target        *struct {
		Name     string   `json:"name"`
		Kind     string   `json:"kind"`
		ID       string   `json:"id"`
		RepoTags []string `json:"repo_tags"`
	} `json:"target"`
	OS *struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"os"`
	Coverage        report.Coverage `json:"coverage"`
	Vulnerabilities []struct {
		ID             string   `json:"id"`
		Aliases        []string `json:"aliases"`
		KnownExploited bool     `json:"known_exploited"`
		Package        struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Type    string `json:"type"`
		} `json:"package"`
		FixedVersion string `json:"fixed_version"`
		Severity     string `json:"severity"`
		Status       string `json:"status"`
	} `json:"vulnerabilities"`
	Database *struct {
		BuiltAt time.Time `json:"built_at"`
	} `json:"database"`
	Summary struct {
		Packages int `json:"packages"`
	} `json:"summary"`
}

// maxName bounds names taken from reports (image names, hosts).
const maxName = 512

// ParseScan reads a submitted json scan report into the scan the store
// indexes. It accepts what report.WriteJSON writes with the same major
// schema version.
func ParseScan(data []byte) (store.Scan, error) {
	var sub submittedScan
	if err := json.Unmarshal(data, &sub); err != nil {
		return store.Scan{}, fmt.Errorf("%w: %v", errBadReport, err)
	}
	if sub.SchemaVersion == "" || sub.Target == nil {
		return store.Scan{}, fmt.Errorf("%w: not a bulwark json scan report (no schema_version or target)", errBadReport)
	}
	if !report.Readable(sub.SchemaVersion) {
		return store.Scan{}, fmt.Errorf("%w: schema version %s is not readable by this server (%s)", errBadReport, sub.SchemaVersion, report.SchemaVersion)
	}
	cov := &sub.Coverage
	report.UpgradeCoverage(cov, sub.SchemaVersion, sub.Summary.Packages)
	sc := store.Scan{
		Image:     ImageName(sub.Target.Name, sub.Target.RepoTags),
		ImageID:   sub.Target.ID,
		CreatedAt: sub.CreatedAt.UTC(),
		Packages:  sub.Summary.Packages,
	}
	if sc.Image == "" {
		return store.Scan{}, fmt.Errorf("%w: target has no name", errBadReport)
	}
	if len(sc.Image) > maxName || len(sc.ImageID) > maxName {
		return store.Scan{}, fmt.Errorf("%w: target name longer than %d bytes", errBadReport, maxName)
	}
	if sub.OS != nil {
		sc.OS = strings.TrimSpace(sub.OS.ID + " " + sub.OS.Version)
	}
	if sub.Database != nil && cov.Matching == report.Matched {
		sc.Matched, sc.DBBuiltAt = true, sub.Database.BuiltAt.UTC()
	}
	sc.Coverage = store.ScanCoverage{Assessed: string(cov.Assessed), NotChecked: cov.PackageStatus.NotChecked, Summary: cov.NotCheckedText()}
	if sc.Coverage.Assessed == "" {
		// A report that states no coverage claims nothing.
		sc.Coverage.Assessed = string(report.AssessedNone)
	}
	sc.Findings = make([]store.Finding, 0, len(sub.Vulnerabilities))
	for _, v := range sub.Vulnerabilities {
		f := store.Finding{ID: v.ID, Package: v.Package.Name, Version: v.Package.Version, Type: v.Package.Type,
			Severity: normSeverity(v.Severity), FixedVersion: v.FixedVersion, Status: v.Status, KnownExploited: v.KnownExploited}
		for _, a := range v.Aliases {
			if advisory.IsCVE(a) && a != v.ID && len(f.CVEs) < 16 && !slices.Contains(f.CVEs, a) {
				f.CVEs = append(f.CVEs, a)
			}
		}
		slices.Sort(f.CVEs)
		sc.Findings = append(sc.Findings, f)
		sc.Counts.Add(f.Severity)
	}
	return sc, nil
}

func normSeverity(s string) string {
	switch s {
	case "critical", "high", "medium", "low":
		return s
	}
	return "unknown"
}

// ImageName is the name an image is filed under: its first repository
// tag, else the target as scanned without its transport prefix.
func ImageName(target string, tags []string) string {
	for _, t := range tags {
		if t != "" {
			return t
		}
	}
	for _, p := range []string{"registry:", "docker:"} {
		if rest, ok := strings.CutPrefix(target, p); ok {
			return rest
		}
	}
	return target
}

// ParseBench reads a submitted bench json report.
func ParseBench(data []byte) (store.BenchRun, string, error) {
	var rep bench.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return store.BenchRun{}, "", fmt.Errorf("%w: %v", errBadReport, err)
	}
	major, _, _ := strings.Cut(rep.SchemaVersion, ".")
	if want, _, _ := strings.Cut(bench.SchemaVersion, "."); rep.SchemaVersion == "" || major != want {
		return store.BenchRun{}, "", fmt.Errorf("%w: not a bulwark bench json report of schema %s", errBadReport, bench.SchemaVersion)
	}
	// The score is recomputed from the results rather than trusted.
	sc := bench.ScoreOf(rep.Results)
	at := rep.FinishedAt
	if at.IsZero() {
		at = rep.StartedAt
	}
	br := store.BenchRun{CreatedAt: at.UTC(), Score: sc.Score, Pass: sc.Pass, Warn: sc.Warn, Total: sc.Total}
	return br, rep.Host.Hostname, nil
}
