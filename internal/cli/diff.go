package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/diff"
	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func init() { subcommands = append(subcommands, command{"diff", newDiffCmd}) }

func newDiffCmd(s *streams) *cobra.Command {
	var (
		tf     targetFlags
		vf     vulnFlags
		rf     reportFlags
		failOn string
	)
	formats := []string{"table", "json", "template"}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two images (or saved json reports): packages and vulnerabilities",
		Long: `Compare two versions of an image: packages added, removed and upgraded, and
vulnerabilities introduced and fixed. OLD and NEW are scan targets (as for
scan) or json reports saved by "bulwark scan --format json". A template
(--format template --template FILE) sees the diff's json fields: .Old, .New,
.Added, .Removed, .Changed, .Introduced, .Fixed.

A finding gone from NEW is "fixed" only when NEW checked its package for
vulnerabilities; otherwise it is "no longer checked" (NEW had no advisory data
for its release, or no database at all).

Exit codes: 0 nothing at or above --fail-on was introduced, 1 something was
(or, with --fail-on unassessed, NEW did not check every package), 2 usage or
input error. Findings suppressed in NEW (ignore file, --vex) do not count.`,
		Example: `  bulwark diff myapp:1.3 myapp:1.4
  bulwark diff --fail-on high old-report.json docker-archive:new.tar`,
		Args: exactArgs(2, "OLD and NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := tf.resolveFormat(formats)
			if err != nil {
				return err
			}
			gate, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			plan, err := rf.prepare(format)
			if err != nil {
				return err
			}
			var (
				reps   [2]*report.Report
				db     *vulndb.DB
				opened bool
			)
			for i, a := range args {
				if r, ok, err := readSavedReport(a); err != nil {
					return err
				} else if ok {
					triage.Apply(r, plan.triage)
					reps[i] = r
					continue
				}
				if !opened {
					if db, err = vf.openDB(cmd, gate.severity != ""); err != nil {
						return err
					}
					if db != nil {
						defer db.Close()
					}
					opened = true
				}
				opts, done, err := tf.scanOptions(s)
				if err != nil {
					return err
				}
				opts.Matching, opts.DB, opts.Triage = scan.MatchDB, db, &plan.triage
				r, err := scan.Run(cmd.Context(), a, opts)
				done()
				if err != nil {
					return inputError(err)
				}
				if r.Coverage.Matching == report.NoDatabase {
					vf.warnNoDB(s.err)
				}
				reps[i] = r
			}
			res := diff.Compare(reps[0], reps[1])
			if err := writeOutput(s.out, tf.output, func(w io.Writer) error {
				switch format {
				case "json":
					return diff.WriteJSON(w, res)
				case "template":
					return plan.template.Execute(w, res)
				}
				return diff.WriteTable(w, res, diff.TableOptions{Color: colorOK(w)})
			}); err != nil {
				return err
			}
			if gate.severity != "" {
				if n := res.IntroducedAtLeast(gate.severity); n > 0 {
					return findingsError(fmt.Sprintf("%d vulnerabilit%s at or above %s introduced", n, plural(n, "y was", "ies were"), gate.severity))
				}
			}
			if n := gate.exploitTripsIn(res.Introduced); n > 0 {
				return findingsError(fmt.Sprintf("%d known-exploited or high-EPSS vulnerabilit%s introduced (--fail-on %s)", n, plural(n, "y was", "ies were"), failOn))
			}
			return gate.checkCoverage(reps[1])
		},
	}
	cmd.RunE = interruptible(cmd.RunE)
	tf.register(cmd, formats)
	rf.register(cmd)
	cmd.Flags().StringVar(&vf.db, "db", "", "vulnerability database (default $BULWARK_DB or <user cache dir>/bulwark/db/bulwark.db)")
	cmd.Flags().BoolVar(&tf.offline, "offline", false, "never use the network: refuse registry targets and registry fallback")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when a vulnerability at or above SEVERITY was introduced (kev, epss>=P: one known exploited or that likely); add \"unassessed\" to also fail when NEW did not check every package")
	return cmd
}

// readSavedReport loads arg as a json report when it is a file holding
// one; ok is false for anything else (a target to scan).
func readSavedReport(arg string) (*report.Report, bool, error) {
	st, err := os.Stat(arg)
	if err != nil || !st.Mode().IsRegular() {
		return nil, false, nil
	}
	f, err := regular.Open(arg)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	head := make([]byte, 1)
	if n, _ := f.Read(head); n == 0 || head[0] != '{' {
		return nil, false, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, false, inputError(err)
	}
	r, err := report.ReadJSON(f)
	if errors.Is(err, report.ErrNotReport) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, inputError(fmt.Errorf("%s: %w", arg, err))
	}
	return r, true, nil
}
