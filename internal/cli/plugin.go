package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"
)

// The Docker CLI plugin convention (github.com/docker/cli, cli-plugins):
// docker finds ~/.docker/cli-plugins/docker-bulwark, runs it with
// "docker-cli-plugin-metadata" to learn what it is, and then runs it as
// "docker-bulwark bulwark ARGS…" for "docker bulwark ARGS…". Both entry
// points are hidden commands here, so the same binary works installed as
// bulwark or symlinked as the plugin.
func init() {
	subcommands = append(subcommands, command{"docker-cli-plugin-metadata", newPluginMetadataCmd}, command{"bulwark", newPluginCmd})
}

// PluginMetadata is what docker reads from docker-cli-plugin-metadata.
type PluginMetadata struct {
	SchemaVersion    string `json:"SchemaVersion"`
	Vendor           string `json:"Vendor"`
	Version          string `json:"Version"`
	ShortDescription string `json:"ShortDescription"`
	URL              string `json:"URL,omitempty"`
}

func newPluginMetadataCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "docker-cli-plugin-metadata",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			enc := json.NewEncoder(s.out)
			enc.SetIndent("", "     ")
			return enc.Encode(PluginMetadata{SchemaVersion: "0.1.0", Vendor: "Bulwark", Version: Version(),
				ShortDescription: "Scan images, audit Docker hosts, gate CI (Bulwark)",
				URL:              "https://github.com/bulwark-sec/bulwark"})
		},
	}
}

// newPluginCmd accepts the plugin name docker passes first and runs the
// rest as a bulwark command line.
func newPluginCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:                "bulwark",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := newRoot(s, args)
			root.SetArgs(args)
			root.SetIn(s.in)
			root.SetOut(s.out)
			root.SetErr(s.err)
			return root.ExecuteContext(cmd.Context())
		},
	}
}
