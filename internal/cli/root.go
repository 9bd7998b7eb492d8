// Package cli is the command tree of the bulwark binary. It turns flags into
// configuration for the internal packages and maps their errors onto exit
// codes; it holds no scanning, matching or auditing logic of its own.
package cli

import (
	"context"
	"io"
	"log/slog"

	"github.com/spf13/cobra"
)

// streams are the process's standard files, passed down so commands are
// testable without touching os.Stdout.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// Run executes the bulwark command line args and returns an error whose
// ExitCoder (when present) decides the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRoot(&streams{in: stdin, out: stdout, err: stderr})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// subcommands register themselves here from their own files, so that adding a
// command touches one file only.
var subcommands []func(*streams) *cobra.Command

func newRoot(s *streams) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "bulwark",
		Short: "Docker security toolkit: scan images, audit hosts, guard the daemon",
		Long: `Bulwark inventories and scans container images, audits Docker hosts against
the CIS Docker Benchmark, refuses insecure containers as an authorization
plugin, and turns findings into hardened configuration.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: level})))
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debug details to stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageErrorf("%v", err)
	})
	for _, mk := range subcommands {
		root.AddCommand(mk(s))
	}
	return root
}
