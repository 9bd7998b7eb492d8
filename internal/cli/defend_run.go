package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/defend/daemon"
	"github.com/bulwark-sec/bulwark/internal/defend/kernel"
	"github.com/bulwark-sec/bulwark/internal/defend/probe"
	"github.com/bulwark-sec/bulwark/internal/defend/respond"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/defend/sink"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
)

func init() {
	defendSubcommands = append(defendSubcommands, newDefendProbeCmd, newDefendRunCmd)
}

func newDefendProbeCmd(s *streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Say what this kernel supports and which mode the agent will use",
		Long: `probe loads and attaches a minimal program of each kind (BTF, tracepoints, raw
and BTF tracepoints, fentry, BPF LSM, kprobes, cgroup programs), opens
fanotify and the proc connector, and says which mode "defend run" will use and
what it cannot see or do in that mode. Run it as root.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := probe.Run(cmd.Context())
			switch format {
			case "json":
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			case "table":
				fmt.Fprintf(s.out, "kernel %s\n\n", r.Kernel)
				for _, c := range r.Checks {
					mark := "no "
					if c.OK {
						mark = "yes"
					}
					fmt.Fprintf(s.out, "  %-20s %s  %s\n", c.Name, mark, c.Detail)
				}
				fmt.Fprintf(s.out, "\nmode: %s (%s)\n", r.Mode, r.Why)
				for _, e := range r.Enforce {
					fmt.Fprintf(s.out, "  can: %s\n", e)
				}
				for _, b := range r.Blind {
					fmt.Fprintf(s.out, "  cannot: %s\n", b)
				}
				return nil
			}
			return usageErrorf("--format %q: table or json", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

type defendRunFlags struct {
	mode, jsonOut, metrics, predicates, dockerHost string
	rules                                          []string
	allEvents, live, enforce, noDefault, progStats bool
	rate                                           float64
	burst                                          int
	judge                                          defendJudgeFlags
	report                                         defendServerFlags
}

func newDefendRunCmd(s *streams) *cobra.Command {
	var f defendRunFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the runtime-defense agent on this host (root)",
		Long: `run follows every container on this host, including ones started before it
and short-lived ones, and reports the events the rules select: as JSON lines
(--json FILE, or - for stdout), as a live view on the terminal, and as
Prometheus metrics (--metrics ADDR). Without --enforce every response is
reported as what would have been done; with it, kernel-checkable rules kill in
the kernel, exec and connection denials refuse with EPERM, and pause and stop
act through the Engine API.

It needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (see docs/DEFEND.md).`,
		Example: `  bulwark defend run --json /var/log/bulwark/defend.jsonl --metrics 127.0.0.1:9464
  bulwark defend run --enforce --predicates enforce.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDefend(cmd, s, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.mode, "mode", "auto", "sensor: auto, ebpf or proc (proc connector + fanotify)")
	fl.StringVar(&f.jsonOut, "json", "", "write alerts as JSON lines to FILE (- for stdout)")
	fl.BoolVar(&f.allEvents, "all-events", false, "with --json, write every attributed event too")
	fl.BoolVar(&f.live, "live", false, "show a live view on stdout (default when stdout is a terminal and --json is not -)")
	fl.StringVar(&f.metrics, "metrics", "", "serve Prometheus metrics on ADDR (/metrics)")
	fl.BoolVar(&f.progStats, "program-stats", false, "with --metrics, account each eBPF program's run time (kernel.bpf_stats_enabled; costs every traced system call two clock reads)")
	fl.BoolVar(&f.enforce, "enforce", false, "carry out responses (kill, deny, pause, stop); otherwise only report them")
	fl.StringArrayVar(&f.rules, "rules", nil, "rules FILE, after the default set (repeatable)")
	fl.BoolVar(&f.noDefault, "no-default-rules", false, "do not load the default rules")
	fl.StringVar(&f.predicates, "predicates", "", "JSON file of kernel-checkable predicates to report or enforce")
	fl.Float64Var(&f.rate, "rate", 5000, "events per second judged per container (0: no limit); more are counted, not judged")
	fl.IntVar(&f.burst, "burst", 20000, "events a container may burst above --rate")
	fl.StringVar(&f.dockerHost, "docker-host", "", "Engine API address (default DOCKER_HOST or the local socket)")
	f.judge.bind(fl)
	f.report.bind(fl)
	return cmd
}

func runDefend(cmd *cobra.Command, s *streams, f *defendRunFlags) error {
	ctx := cmd.Context()
	opts := daemon.Options{Mode: f.mode, Enforce: f.enforce, Rate: f.rate, Burst: f.burst}
	if f.predicates != "" {
		fh, err := os.Open(f.predicates)
		if err != nil {
			return usageErrorf("%v", err)
		}
		opts.Predicates, err = respond.ParsePredicates(fh)
		fh.Close()
		if err != nil {
			return usageErrorf("%v", err)
		}
	}
	set, err := rules.Load(ctx, f.rules, !f.noDefault)
	if err != nil {
		return usageErrorf("%v", err)
	}
	stopReporting, err := defendJudgeAndReport(ctx, &opts, set, &f.judge, &f.report, f.dockerHost)
	if err != nil {
		return err
	}
	defer stopReporting()
	eng, err := dockerhost.Client(dockerhost.Options{Host: f.dockerHost})
	if err != nil {
		return usageErrorf("defend: %v", err)
	}
	defer eng.Close()
	opts.Engine = eng

	var jsonSink *sink.JSONLines
	switch f.jsonOut {
	case "":
	case "-":
		jsonSink = sink.NewJSONLines(s.out, f.allEvents)
	default:
		fh, err := os.OpenFile(f.jsonOut, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return usageErrorf("%v", err)
		}
		defer fh.Close()
		jsonSink = sink.NewJSONLines(fh, f.allEvents)
	}
	if jsonSink != nil {
		opts.Sinks = append(opts.Sinks, jsonSink)
		opts.AllKinds = f.allEvents
		defer jsonSink.Flush()
	}
	if f.live || (f.jsonOut != "-" && isTerminal(s.out)) {
		opts.Sinks = append(opts.Sinks, sink.NewLive(s.out, isTerminal(s.out)))
	}

	if f.metrics != "" {
		ln, err := net.Listen("tcp", f.metrics)
		if err != nil {
			return usageErrorf("--metrics: %v", err)
		}
		defer ln.Close()
		// Per-program run time for the metrics, when asked: the kernel
		// then reads the clock around every run of every program.
		if f.progStats {
			st, err := kernel.EnableStats()
			if err != nil {
				return usageErrorf("--program-stats: %v", err)
			}
			defer st.Close()
		}
		ready := opts.Ready
		opts.Ready = func(a *daemon.Agent) {
			reg := prometheus.NewRegistry()
			reg.MustRegister(sink.NewMetrics(a.Snapshot))
			srv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
			go srv.Serve(ln)
			context.AfterFunc(ctx, func() { srv.Close() })
			if ready != nil {
				ready(a)
			}
		}
	}
	prev := opts.Ready
	opts.Ready = func(a *daemon.Agent) {
		slog.InfoContext(ctx, "defend: running", "mode", a.Mode, "cgroups", a.Layout.String(), "containers", len(a.Table().Containers()))
		fmt.Fprintf(s.err, "bulwark defend: %s mode, %s, following %d containers\n", a.Mode, a.Layout, len(a.Table().Containers()))
		if h := a.SyscallHook(); h != "" {
			fmt.Fprintf(s.err, "bulwark defend: system calls seen through %s\n", h)
		}
		if prev != nil {
			prev(a)
		}
	}
	err = daemon.Run(ctx, opts)
	if errors.Is(err, daemon.ErrBlind) {
		return &exitError{code: ExitInput, err: fmt.Errorf("%v (bulwark defend probe says why)", err)}
	}
	if err != nil {
		if strings.Contains(err.Error(), "operation not permitted") {
			return &exitError{code: ExitInput, err: fmt.Errorf("%v (run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)", err)}
		}
		return &exitError{code: ExitInput, err: err}
	}
	return nil
}
