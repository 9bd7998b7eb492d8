package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/checks"
	"github.com/bulwark-sec/bulwark/internal/bench/export"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/report/html"
	"github.com/bulwark-sec/bulwark/internal/report/junit"
	"github.com/bulwark-sec/bulwark/internal/report/sarif"
)

func init() { subcommands = append(subcommands, command{"bench", newBenchCmd}) }

type benchFlags struct {
	hostRoot     string
	dockerHost   string
	tlsCACert    string
	tlsCert      string
	tlsKey       string
	include      []string
	exclude      []string
	level        int
	failOn       string
	format       string
	output       string
	factsOut     string
	factsIn      string
	auditRules   []string
	trustedUsers []string
	trustPolicy  string
	ignoreLabel  string
	workers      int
	noProcesses  bool
	timeout      time.Duration
}

func newBenchCmd(s *streams) *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Audit a Docker host, daemon, containers and images against the CIS Docker Benchmark",
		Long: `bench audits the Docker host it runs on against the CIS Docker Benchmark
(v1.6.0 numbering): host audit rules and mounts, the daemon's command line and
daemon.json, ownership and modes of Docker's files, images, containers (running
and stopped) and swarm settings.

Facts are gathered once (host files under --host-root, the Engine API at
--docker-host) and every check judges that snapshot. --facts-out records it,
--facts replays it without touching the host.

Statuses: pass, warn, info (not applicable or figures only), note (needs a
manual review), skip (input not readable; the reason is given).

Exit codes: 0 done, 1 a result trips --fail-on, 2 usage or input error.`,
		Example: `  bulwark bench
  bulwark bench --check 5 --format json --output bench.json
  bulwark bench --level 1 --exclude 1.1 --fail-on warn
  docker run --rm --pid host -v /:/host:ro -v /var/run/docker.sock:/var/run/docker.sock:ro \
    --label io.bulwark.bench.ignore=1 bulwark bench --host-root /host`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBench(cmd.Context(), s, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.hostRoot, "host-root", "/", "where the host's root filesystem is mounted")
	fl.StringVar(&f.dockerHost, "docker-host", "", "Engine API address (default $DOCKER_HOST, else unix:///var/run/docker.sock)")
	fl.StringVar(&f.tlsCACert, "tlscacert", "", "CA certificate to verify the engine with")
	fl.StringVar(&f.tlsCert, "tlscert", "", "client certificate for the engine")
	fl.StringVar(&f.tlsKey, "tlskey", "", "client key for the engine")
	fl.StringSliceVar(&f.include, "check", nil, "checks to run: ids, sections or globs (2.1,5.*,1.1); 'all' adds the C.x extras")
	fl.StringSliceVar(&f.exclude, "exclude", nil, "checks to leave out (same patterns as --check)")
	fl.IntVar(&f.level, "level", 0, "CIS profile: 1 runs Level 1 checks only, 2 runs both (default: all)")
	fl.StringVar(&f.failOn, "fail-on", "none", "exit 1 when a check warns: warn (any), 1 (a Level 1 check), 2 (any CIS level), none")
	fl.StringVarP(&f.format, "format", "f", "table", "report format: table, json, sarif, junit or html")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of standard output")
	fl.StringVar(&f.factsOut, "facts-out", "", "also write the gathered facts snapshot (JSON) to FILE")
	fl.StringVar(&f.factsIn, "facts", "", "judge a recorded facts snapshot instead of this host")
	fl.StringSliceVar(&f.auditRules, "audit-rules", nil, "audit rules files to read instead of asking auditctl")
	fl.StringSliceVar(&f.trustedUsers, "trusted-users", nil, "users allowed in the docker group (1.1.2)")
	fl.StringVar(&f.trustPolicy, "trust-policy", "", "guard policy `FILE` whose trust section says which signers, builders and attestations are trusted: 4.5, 4.11 and 4.12 verify each image against it")
	fl.StringVar(&f.ignoreLabel, "ignore-label", facts.DefaultIgnoreLabel, "leave out containers carrying this label (the audit's own container)")
	fl.IntVar(&f.workers, "workers", 16, "concurrent Engine API requests")
	fl.BoolVar(&f.noProcesses, "no-processes", false, "do not list container processes (5.7 is then skipped)")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up gathering after this long")
	return cmd
}

// benchFormats render a report; table is handled apart for its colour.
var benchFormats = map[string]func(io.Writer, bench.Report) error{
	"table": nil,
	"json":  bench.WriteJSON,
	"sarif": func(w io.Writer, r bench.Report) error { return sarif.Write(w, export.Document(r)) },
	"junit": func(w io.Writer, r bench.Report) error { return junit.Write(w, export.Document(r)) },
	"html":  func(w io.Writer, r bench.Report) error { return html.Write(w, export.Document(r)) },
}

// failOnLevel turns --fail-on into the highest CIS level whose warnings
// fail the run: 0 none, 1, 2, or 3 for any warning (including C.x).
func failOnLevel(v string) (int, error) {
	switch strings.ToLower(v) {
	case "", "none":
		return 0, nil
	case "warn":
		return 3, nil
	case "1", "2":
		n, _ := strconv.Atoi(v)
		return n, nil
	}
	return 0, fmt.Errorf("--fail-on %q: want warn, 1, 2 or none", v)
}

func runBench(ctx context.Context, s *streams, f *benchFlags) error {
	if _, ok := benchFormats[f.format]; !ok {
		return usageErrorf("--format %q: want table, json, sarif, junit or html", f.format)
	}
	failLevel, err := failOnLevel(f.failOn)
	if err != nil {
		return usageErrorf("%v", err)
	}
	sel, err := bench.ParseSelection(f.include, f.exclude, f.level)
	if err != nil {
		return usageErrorf("%v", err)
	}
	all := checks.All(checks.Config{TrustedUsers: f.trustedUsers})
	if bad := sel.Unmatched(all); len(bad) > 0 {
		return usageErrorf("--check/--exclude %s: no such check", strings.Join(bad, ","))
	}
	if f.factsIn != "" && f.factsOut != "" {
		return usageErrorf("--facts and --facts-out cannot be combined")
	}

	var judge facts.ImageJudge
	if f.trustPolicy != "" {
		if f.factsIn != "" {
			return usageErrorf("--trust-policy verifies images in their registries; a replayed snapshot (--facts) carries the verdicts recorded with it")
		}
		if judge, err = benchTrustJudge(f.trustPolicy); err != nil {
			return err
		}
	}
	snap, engineErr, err := benchFacts(ctx, f, judge)
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	if f.factsOut != "" {
		if err := writeOutput(nil, f.factsOut, func(w io.Writer) error { return facts.Save(w, snap) }); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
	}

	rep := bench.Run(all, sel, snap)
	rep.Tool = bench.Tool{Name: "bulwark", Version: Version()}
	render := func(w io.Writer, color bool) error {
		if f.format == "table" {
			return bench.WriteTable(w, rep, bench.TableOptions{Color: color})
		}
		return benchFormats[f.format](w, rep)
	}
	if f.output != "" {
		err = writeOutput(nil, f.output, func(w io.Writer) error { return render(w, false) })
	} else {
		err = render(s.out, colorOK(s.out))
	}
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	if engineErr != "" {
		return &exitError{code: ExitInput, err: fmt.Errorf("bench: Docker engine not readable (%s); checks that need it were skipped", engineErr)}
	}
	if n := tripped(rep, failLevel); n > 0 {
		return findingsError(fmt.Sprintf("%d checks warn at --fail-on %s", n, f.failOn))
	}
	return nil
}

// benchFacts loads a snapshot or gathers one; engineErr is set when the
// engine could not be read.
func benchFacts(ctx context.Context, f *benchFlags, judge facts.ImageJudge) (*facts.Snapshot, string, error) {
	if f.factsIn != "" {
		fh, err := os.Open(f.factsIn)
		if err != nil {
			return nil, "", fmt.Errorf("bench: %w", err)
		}
		defer fh.Close()
		snap, err := facts.Load(fh)
		return snap, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	api, err := dockerhost.Client(dockerhost.Options{Host: f.dockerHost, TLSCACert: f.tlsCACert, TLSCert: f.tlsCert, TLSKey: f.tlsKey})
	if err != nil {
		return nil, "", err
	}
	defer api.Close()
	snap, err := facts.Gather(ctx, api, facts.Options{
		HostRoot: f.hostRoot, DockerHost: api.DaemonHost(), AuditRules: f.auditRules,
		IgnoreLabel: f.ignoreLabel, Workers: f.workers, NoProcesses: f.noProcesses,
	})
	if err != nil {
		return nil, "", err
	}
	if judge != nil && snap.Engine.Err == "" {
		facts.GatherTrust(ctx, snap, f.trustPolicy, judge, benchTrustWorkers)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		slog.WarnContext(ctx, "bench: gathering timed out; some inputs are missing", "timeout", f.timeout)
	}
	return snap, snap.Engine.Err, nil
}

// tripped counts warnings at or below the --fail-on level.
func tripped(rep bench.Report, level int) int {
	if level == 0 {
		return 0
	}
	n := 0
	for _, r := range rep.Results {
		if r.Status != bench.Warn {
			continue
		}
		if level == 3 || r.Level > 0 && r.Level <= level {
			n++
		}
	}
	return n
}
