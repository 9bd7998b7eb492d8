package cli

import "github.com/spf13/cobra"

func init() { subcommands = append(subcommands, command{"defend", newDefendCmd}) }

// defendSubcommands are the commands under `bulwark defend`; each file adds
// its own, so the sensor, rules and model commands stay apart.
var defendSubcommands []func(*streams) *cobra.Command

func newDefendCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "defend",
		Short: "Runtime defense: watch what runs in containers, judge it by rules and learned behaviour",
		Long: `defend watches every container on the host with eBPF (processes, file
writes and sensitive reads, connections, privilege and namespace changes),
judges each act against rules (a Falco-style YAML rule set, built-in
defaults included) and against a behaviour model learned per image, and
alerts, kills the process, denies the exec or connection, or pauses or stops
the container. See docs/DEFEND.md.`,
	}
	for _, mk := range defendSubcommands {
		cmd.AddCommand(mk(s))
	}
	return cmd
}
