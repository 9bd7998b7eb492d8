package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/pathglob"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/vex"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func init() {
	subcommands = append(subcommands, command{"scan", newScanCmd}, command{"sbom", newSBOMCmd})
}

// targetFlags are shared by every command that opens an image.
type targetFlags struct {
	format       string
	output       string
	cacheDir     string
	noCache      bool
	cacheMaxSize int64
	dockerHost   string
	platform     string
	insecure     bool
	offline      bool
	skip         []string
	budget       budgetFlags
}

func (f *targetFlags) register(cmd *cobra.Command, names []string) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "table", "output format: "+strings.Join(names, ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of stdout")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "layer cache directory (default: $BULWARK_CACHE_DIR or the user cache dir)")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not read or write the layer cache")
	fl.Int64Var(&f.cacheMaxSize, "cache-max-bytes", layercache.DefaultMaxBytes, "evict least recently used layer results beyond this size")
	fl.StringVar(&f.dockerHost, "docker-host", "", "Docker engine address (default: $DOCKER_HOST or the local socket)")
	fl.StringVar(&f.platform, "platform", "", "platform of a multi-platform image, as os/arch[/variant]")
	fl.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP to registries")
	fl.StringArrayVar(&f.skip, "skip-path", nil, "path pattern in the image that no cataloger or checker looks at: dir/** for a tree, path.Match globs (repeatable)")
	f.budget.register(fl)
}

// resolveFormat checks --format. The table is the default wherever the
// output goes (a pipe, a file), as other scanners do: a script that wants
// json says so, and the table is never coloured off a terminal.
// An alias (cyclonedx-json) gives the format's name; a near miss, a hint.
func (f *targetFlags) resolveFormat(names []string) (string, error) {
	if fm, ok := formats.Lookup(f.format); ok && slices.Contains(names, fm.Name) {
		return fm.Name, nil
	}
	if slices.Contains(names, f.format) {
		return f.format, nil
	}
	if near := closest(f.format, names); len(near) > 0 {
		return "", usageErrorf("unknown --format %q; did you mean %q? (want one of %s)", f.format, strings.Join(near, `" or "`), strings.Join(names, ", "))
	}
	return "", usageErrorf("unknown --format %q (want one of %s)", f.format, strings.Join(names, ", "))
}

// cacheDir returns the layer cache location.
func cacheRoot(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if d := os.Getenv("BULWARK_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "bulwark"), nil
}

func (f *targetFlags) scanOptions(s *streams) (scan.Options, func(), error) {
	opts := scan.Options{
		Source: source.Options{DockerHost: f.dockerHost, Platform: f.platform, Insecure: f.insecure, Offline: f.offline},
		Tool:   report.Tool{Name: "bulwark", Version: Version()},
		Skip:   f.skip,
		Limits: f.budget.l,
	}
	for _, p := range f.skip {
		if err := pathglob.Valid(p); err != nil {
			return opts, nil, usageErrorf("--skip-path %q: %v", p, err)
		}
	}
	if !f.noCache {
		root, err := cacheRoot(f.cacheDir)
		if err != nil {
			return opts, nil, usageErrorf("cache: %v", err)
		}
		c, err := layercache.Open(filepath.Join(root, "layers"), f.cacheMaxSize)
		if err != nil {
			return opts, nil, err
		}
		opts.Cache = c
		opts.Walk.TempDir = filepath.Join(root, "tmp")
		if err := os.MkdirAll(opts.Walk.TempDir, 0o700); err != nil {
			return opts, nil, err
		}
	}
	pb := newProgress(s.err, "scanning")
	if pb != nil {
		opts.Progress = pb
	}
	return opts, pb.finish, nil
}

// historyDir is where a matched scan is recorded for `bulwark guard`'s
// scan gate: beside the layer cache, and not at all without it.
func (f *targetFlags) historyDir() string {
	if f.noCache {
		return ""
	}
	root, err := cacheRoot(f.cacheDir)
	if err != nil {
		return ""
	}
	return filepath.Join(root, "history")
}

// failOn is the parsed --fail-on gate.
type failOn struct {
	severity advisory.Severity // "" = no severity gate
	// unassessed fails a report whose coverage is not full; with
	// noneOnly, only one where no package was checked.
	unassessed, noneOnly bool
	// kev trips on a finding CISA lists as known exploited; epss (> 0)
	// on one whose EPSS score is at least that.
	kev  bool
	epss float64
}

func parseFailOn(s string) (failOn, error) {
	var g failOn
	for _, part := range strings.Split(s, ",") {
		switch p := strings.ToLower(strings.TrimSpace(part)); {
		case p == "":
		case p == "unassessed", p == "unassessed-any", p == "partial":
			g.unassessed, g.noneOnly = true, false
		case p == "unassessed-none":
			if !g.unassessed {
				g.unassessed, g.noneOnly = true, true
			}
		case p == "kev":
			g.kev = true
		case strings.HasPrefix(p, "epss>="):
			v, err := strconv.ParseFloat(strings.TrimPrefix(p, "epss>="), 64)
			if err != nil || v <= 0 || v > 1 {
				return g, usageErrorf("--fail-on: %q: want epss>=P with 0 < P <= 1 (an EPSS probability, such as epss>=0.5)", p)
			}
			g.epss = v
		case p == "critical", p == "high", p == "medium", p == "low", p == "unknown":
			g.severity = advisory.Severity(p)
		default:
			return g, usageErrorf("--fail-on: unknown value %q (want critical, high, medium, low, unknown, unassessed, unassessed-none, kev, epss>=P)", p)
		}
	}
	return g, nil
}

// checkCoverage returns a findings error when the report's coverage trips
// the unassessed gate.
func (g failOn) checkCoverage(r *report.Report) error {
	if c := &r.Coverage; g.unassessed && (c.Assessed == report.AssessedNone || (c.Assessed == report.AssessedPartial && !g.noneOnly)) {
		return findingsError(fmt.Sprintf("vulnerability coverage is %s: %s", c.Assessed, c.NotCheckedText()))
	}
	return nil
}

// warnPassed says on stderr when a severity gate passed over packages
// that were not checked: in a CI log the exit code is what people read.
func (g failOn) warnPassed(w io.Writer, r *report.Report) {
	if g.severity == "" || g.unassessed || r.Coverage.Assessed == report.AssessedFull {
		return
	}
	fmt.Fprintf(w, "bulwark: warning: --fail-on %s passed, but vulnerabilities were %s; add \"unassessed\" to fail on that\n", g.severity, r.Coverage.NotCheckedText())
}

// exploitTrips reports whether a vulnerability trips the kev or epss gate.
func (g failOn) exploitTrips(v *report.Vulnerability) bool {
	return (g.kev && v.KnownExploited) || (g.epss > 0 && v.EPSS != nil && v.EPSS.Score >= g.epss)
}

// exploitTripsIn counts the vulnerabilities that trip the kev or epss gate.
func (g failOn) exploitTripsIn(vs []report.Vulnerability) int {
	n := 0
	for i := range vs {
		if g.exploitTrips(&vs[i]) {
			n++
		}
	}
	return n
}

// check returns a findings error when the report trips the gate.
func (g failOn) check(r *report.Report) error {
	if err := g.checkCoverage(r); err != nil {
		return err
	}
	if g.kev || g.epss > 0 {
		var hits []string
		for i := range r.Vulnerabilities {
			if v := &r.Vulnerabilities[i]; g.exploitTrips(v) {
				hits = append(hits, v.ID)
			}
		}
		if len(hits) > 0 {
			what := "known exploited (CISA KEV)"
			switch {
			case g.kev && g.epss > 0:
				what = fmt.Sprintf("known exploited (CISA KEV) or with an EPSS score of at least %g", g.epss)
			case !g.kev:
				what = fmt.Sprintf("with an EPSS score of at least %g", g.epss)
			}
			slices.Sort(hits)
			hits = slices.Compact(hits)
			more := ""
			if len(hits) > 5 {
				more, hits = fmt.Sprintf(" and %d more", len(hits)-5), hits[:5]
			}
			return findingsError(fmt.Sprintf("vulnerabilities %s: %s%s", what, strings.Join(hits, ", "), more))
		}
	}
	if g.severity == "" {
		return nil
	}
	min := advisory.SeverityRank(g.severity)
	n, m := 0, 0
	for _, v := range r.Vulnerabilities {
		if advisory.SeverityRank(v.Severity) >= min {
			n++
		}
	}
	for _, f := range r.Findings {
		if advisory.SeverityRank(f.Severity) >= min {
			m++
		}
	}
	switch {
	case n > 0 && m > 0:
		return findingsError(fmt.Sprintf("%d vulnerabilit%s and %d misconfiguration or secret finding%s at or above %s",
			n, plural(n, "y", "ies"), m, plural(m, "", "s"), g.severity))
	case n > 0:
		return findingsError(fmt.Sprintf("%d vulnerabilit%s at or above %s", n, plural(n, "y", "ies"), g.severity))
	case m > 0:
		return findingsError(fmt.Sprintf("%d misconfiguration or secret finding%s at or above %s", m, plural(m, "", "s"), g.severity))
	}
	return nil
}

// parseScanners reads --scanners.
func parseScanners(s string) (map[string]bool, error) {
	sel := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		switch p := strings.TrimSpace(part); p {
		case "":
		case scan.ScannerVuln, scan.ScannerMisconfig, scan.ScannerSecret:
			sel[p] = true
		default:
			return nil, usageErrorf("--scanners: unknown scanner %q (want vuln, misconfig, secret)", p)
		}
	}
	return sel, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// scanFormats are every format of the registry.
var scanFormats = formats.Names(formats.All())

// vulnFlags select the advisory database for matching.
type vulnFlags struct {
	db      string
	explain bool
	// path is where openDB looked.
	path string
}

// warnNoDB says on stderr, in one line, that there is no database and so
// no vulnerability was checked: the report says it too, but a report
// written to a file is not what a person reads first.
func (v *vulnFlags) warnNoDB(w io.Writer) {
	fmt.Fprintf(w, "bulwark: warning: no vulnerability database at %s: vulnerabilities not checked (run `bulwark db update`, or `bulwark db import DIR` offline)\n", v.path)
}

// openDB opens the advisory database, or returns (nil, nil) when there is
// none and the caller can do without one.
func (v *vulnFlags) openDB(cmd *cobra.Command, required bool) (*vulndb.DB, error) {
	path := v.db
	if path == "" {
		p, err := vulndb.DefaultPath()
		if err != nil {
			return nil, usageErrorf("vulnerability database: %v", err)
		}
		path = p
	}
	v.path = path
	if _, err := os.Stat(path); err != nil {
		if !required {
			return nil, nil
		}
		return nil, usageErrorf("no vulnerability database at %s: run `bulwark db update`, or `bulwark db import DIR` offline", path)
	}
	db, err := vulndb.Open(cmd.Context(), path)
	if err != nil {
		return nil, &exitError{code: ExitInput, err: err}
	}
	return db, nil
}

func newScanCmd(s *streams) *cobra.Command {
	var (
		tf       targetFlags
		vf       vulnFlags
		rf       reportFlags
		failOn   string
		scanners string
		verifyOn bool
		vrf      verifyFlags
	)
	cmd := &cobra.Command{
		Use:   "scan TARGET",
		Short: "Inventory an image, match known vulnerabilities and report them",
		Long: `Scan an image: every OS and language package, the operating system, the
vulnerabilities that affect them, and what could not be assessed.

TARGET is one of:
  docker-archive:PATH   a "docker save" tarball
  oci-archive:PATH      an OCI image layout in a tarball
  oci-layout:DIR        an OCI image layout directory
  dir:PATH              an unpacked root filesystem
  docker:NAME[:TAG]     an image in the local Docker engine
  registry:REF          an image in a registry (credentials from ~/.docker/config.json)
  sbom:FILE             a stored SBOM (CycloneDX or SPDX JSON, or a json report)
  PATH or NAME          detected: file → archive, directory → layout or rootfs,
                        otherwise the local engine first, then the registry

Triage: --severity keeps only some severities, --ignore-unfixed drops findings
without a fix; an ignore file (.bulwarkignore.yaml in the working directory, or
--ignore-file) and OpenVEX documents (--vex) suppress accepted findings, which
stay in the report marked as suppressed and never trip --fail-on.`,
		Example: `  bulwark scan alpine:3.19
  bulwark scan --format sarif --output bulwark.sarif docker-archive:image.tar
  bulwark scan --fail-on high --ignore-unfixed --vex app.openvex.json myapp:1.4
  bulwark scan --format template --template report.tmpl sbom:app.cdx.json`,
		Args: exactArgs(1, "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := tf.resolveFormat(scanFormats)
			if err != nil {
				return err
			}
			gate, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			out, err := rf.prepare(format)
			if err != nil {
				return err
			}
			sel, err := parseScanners(scanners)
			if err != nil {
				return err
			}
			if verifyOn {
				if _, err := vrf.trust(); err != nil {
					return err
				}
			}
			var db *vulndb.DB
			if sel[scan.ScannerVuln] && source.Parse(args[0]).Kind != source.Dockerfile {
				if db, err = vf.openDB(cmd, gate.severity != ""); err != nil {
					return err
				}
				if db != nil {
					defer db.Close()
				}
			}
			opts, done, err := tf.scanOptions(s)
			if err != nil {
				return err
			}
			opts.Misconfig, opts.Secrets = sel[scan.ScannerMisconfig], sel[scan.ScannerSecret]
			opts.Matching, opts.DB, opts.Explain, opts.Triage = scan.VulnOff, db, vf.explain, &out.triage
			if sel[scan.ScannerVuln] {
				opts.Matching, opts.HistoryDir = scan.MatchDB, tf.historyDir()
			}
			if verifyOn {
				opts.Verify = func(ctx context.Context, rep *report.Report) ([]*vex.Document, error) {
					return vrf.verifyScan(ctx, rep, tf.insecure)
				}
			}
			rep, err := scan.Run(cmd.Context(), args[0], opts)
			done()
			if err != nil {
				return inputError(err)
			}
			if rep.Coverage.Matching == report.NoDatabase {
				vf.warnNoDB(s.err)
			}
			if err := writeOutput(s.out, tf.output, func(w io.Writer) error {
				return out.render(w, rep, false)
			}); err != nil {
				return err
			}
			if err := gate.check(rep); err != nil {
				return err
			}
			gate.warnPassed(s.err, rep)
			return nil
		},
	}
	cmd.RunE = interruptible(cmd.RunE)
	tf.register(cmd, scanFormats)
	rf.register(cmd)
	cmd.Flags().StringVar(&vf.db, "db", "", "vulnerability database (default $BULWARK_DB or <user cache dir>/bulwark/db/bulwark.db)")
	cmd.Flags().BoolVar(&vf.explain, "explain", false, "also report advisories that named a package but do not apply, and why")
	cmd.Flags().BoolVar(&tf.offline, "offline", false, "never use the network: refuse registry targets and registry fallback")
	cmd.Flags().StringVar(&scanners, "scanners", "vuln,misconfig,secret", "what to look for: vuln (known vulnerabilities), misconfig (image configuration, history, file modes, credential files), secret (credentials in file contents)")
	cmd.Flags().BoolVar(&verifyOn, "verify", false, "also find and check the image's signatures and attestations in its registry (bulwark verify's trust flags); verified OpenVEX attestations apply as --vex")
	vrf.register(cmd)
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when an unsuppressed finding is at or above SEVERITY (critical, high, medium, low, unknown); add \"unassessed\" (or \"partial\") to also fail when some package was not checked for vulnerabilities, \"unassessed-none\" when none was, \"kev\" on a known exploited vulnerability (CISA KEV), \"epss>=P\" on one with an EPSS score of at least P")
	return cmd
}

func newSBOMCmd(s *streams) *cobra.Command {
	var tf targetFlags
	names := formats.Names(formats.Inventory())
	cmd := &cobra.Command{
		Use:   "sbom TARGET",
		Short: "List the software in an image (software bill of materials)",
		Long: `List every package of an image. TARGET as for scan.

The table (the default) gives each package's name, version, type, source
package and first location. --format json adds its purl, licences and every
location with the layer that added it; cyclonedx writes CycloneDX 1.6 JSON and
spdx-json SPDX 2.3 JSON. A json report or either SBOM can be scanned later as
sbom:FILE and gives the findings a scan of the image would give (Go
reachability aside: SBOMs carry no symbols, so it is "unknown").`,
		Example: `  bulwark sbom myapp:1.4
  bulwark sbom --format cyclonedx --output app.cdx.json myapp:1.4
  bulwark scan sbom:app.cdx.json`,
		Args: exactArgs(1, "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := tf.resolveFormat(names)
			if err != nil {
				return err
			}
			out := &outputPlan{format: format}
			opts, done, err := tf.scanOptions(s)
			if err != nil {
				return err
			}
			rep, err := scan.Inventory(cmd.Context(), args[0], opts)
			done()
			if err != nil {
				return inputError(err)
			}
			return writeOutput(s.out, tf.output, func(w io.Writer) error {
				return out.render(w, rep, true)
			})
		},
	}
	cmd.RunE = interruptible(cmd.RunE)
	tf.register(cmd, names)
	return cmd
}

// inputError marks a failure to read the target as exit code 2 with one
// line of explanation.
func inputError(err error) error {
	if ec, ok := errors.AsType[ExitCoder](err); ok {
		return ec
	}
	return &exitError{code: ExitInput, err: overBudget(err)}
}

// exactArgs is cobra.ExactArgs with a usage-error exit code and a message
// naming the missing argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s needs %s (see %s --help)", cmd.CommandPath(), names, cmd.CommandPath())
		}
		return nil
	}
}
