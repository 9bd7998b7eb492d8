// Package cli is the command tree of the bulwark binary. It turns flags into
// configuration for the internal packages and maps their errors onto exit
// codes; it holds no scanning, matching or auditing logic of its own.
package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/suggest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	root := newRoot(&streams{in: stdin, out: stdout, err: stderr}, args)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// subcommands register themselves here from their own files, so that adding a
// command touches one file only.
var subcommands []command

// command is a top-level subcommand: its name (the first word of its Use,
// which TestCommandNames checks) and its constructor.
type command struct {
	name string
	mk   func(*streams) *cobra.Command
}

// newRoot builds the command tree for args. Defining every command's flags
// is most of what building the tree costs (pflag renders each default, and
// a list flag's through a CSV writer of its own: 250 KB allocated, every
// process), so when the first argument that is not a flag names a
// subcommand, only that one is built; help, completion, a mistyped or
// missing name get the whole tree. The root's own flags (-v, --help,
// --version) take no value, so the first such argument is the name cobra
// will look up.
func newRoot(s *streams, args []string) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "bulwark",
		Short: "Docker security toolkit: scan images, audit hosts, guard the daemon",
		Long: `Bulwark inventories and scans container images, audits Docker hosts against
the CIS Docker Benchmark, refuses insecure containers as an authorization
plugin, and turns findings into hardened configuration.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
		Version:       Version(),
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
	root.SetVersionTemplate("bulwark {{.Version}}\n")
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debug details to stderr")
	root.SetFlagErrorFunc(flagError)
	only := commandNamed(firstWord(args))
	for _, c := range subcommands {
		if only == "" || c.name == only {
			root.AddCommand(c.mk(s))
		}
	}
	groupsRefuseUnknown(root)
	return root
}

// firstWord is the first argument that is not a flag, or "" when there is
// none before "--".
func firstWord(args []string) string {
	for _, a := range args {
		if a == "--" {
			return ""
		}
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// commandNamed returns name when a registered subcommand has it, else "".
func commandNamed(name string) string {
	for _, c := range subcommands {
		if c.name == name {
			return name
		}
	}
	return ""
}

// flagError makes a flag error one line with a hint: the flags whose names
// are close to an unknown one, else where the flags are listed.
func flagError(cmd *cobra.Command, err error) error {
	if nerr, ok := errors.AsType[*pflag.NotExistError](err); ok && nerr.GetSpecifiedShortnames() == "" {
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if near := closest(nerr.GetSpecifiedName(), names); len(near) > 0 {
			return usageErrorf("%v; did you mean --%s?", err, strings.Join(near, " or --"))
		}
	}
	return usageErrorf("%v (see %s --help)", err, cmd.CommandPath())
}

// groupsRefuseUnknown gives every command that only groups others (guard,
// db, serve token…) an argument check, so a mistyped subcommand is a usage
// error with a suggestion instead of the group's help and exit code 0.
func groupsRefuseUnknown(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupsRefuseUnknown(sub)
	}
	if !c.HasSubCommands() || c.Args != nil {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return unknownCommand(cmd, args[0])
	}
	if c.Run == nil && c.RunE == nil {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
}

// unknownCommand is the one-line error for a mistyped subcommand.
func unknownCommand(cmd *cobra.Command, arg string) error {
	var names []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
			names = append(names, sub.Aliases...)
		}
	}
	if near := closest(arg, names); len(near) > 0 {
		return usageErrorf("unknown command %q for %q; did you mean %q?", arg, cmd.CommandPath(), strings.Join(near, `" or "`))
	}
	return usageErrorf("unknown command %q for %q (see %s --help)", arg, cmd.CommandPath(), cmd.CommandPath())
}

// closest returns the names within two edits of s, or having s as a
// prefix: the candidates a "did you mean" offers.
func closest(s string, names []string) []string {
	var out []string
	for _, n := range names {
		if n == s {
			continue
		}
		if suggest.Distance(strings.ToLower(s), strings.ToLower(n)) <= 2 || len(s) >= 3 && strings.HasPrefix(n, s) {
			out = append(out, n)
		}
	}
	return out
}
