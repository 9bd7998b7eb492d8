package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

func init() { defendSubcommands = append(defendSubcommands, newDefendRulesCmd) }

func newDefendRulesCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Print, check and list defend rules",
		Long: `Rules files are YAML in the shape Falco users know (- rule, - list, - macro;
condition, output, priority, tags, enabled, exceptions) plus a response per
rule (alert, kill, deny, pause, stop). Files are loaded after the built-in
default rules, so they can add rules, append to lists and macros, add
exceptions or switch default rules off. See docs/DEFEND.md.`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "default",
		Short: "Print the built-in default rules (a documented starting point)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := s.out.Write(rules.DefaultYAML())
			return err
		},
	}, newDefendRulesCheckCmd(s), newDefendRulesListCmd(s))
	return cmd
}

// loadRules compiles rules files (over the default set unless noDefault),
// mapping errors to exit code 2.
func loadRules(cmd *cobra.Command, files []string, noDefault bool) (*rules.Set, error) {
	if noDefault && len(files) == 0 {
		return nil, usageErrorf("--no-default needs at least one FILE")
	}
	set, err := rules.Load(cmd.Context(), files, !noDefault)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return set, nil
}

func newDefendRulesCheckCmd(s *streams) *cobra.Command {
	var noDefault bool
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Validate rules files (over the default rules)",
		Long: `check compiles the files as defend run would: after the default rules,
unless --no-default. Any problem is one line naming the file and line, and
exit code 2.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("%s needs FILE (see %s --help)", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRules(cmd, args, noDefault)
			if err != nil {
				return err
			}
			enabled := 0
			for _, r := range set.Rules() {
				if r.Enabled {
					enabled++
				}
			}
			lists, macros := set.Counts()
			_, err = fmt.Fprintf(s.out, "%s: valid: %d rules (%d enabled, %d enforceable in the kernel), %d lists, %d macros\n",
				strings.Join(args, ", "), len(set.Rules()), enabled, len(set.Kernel()), lists, macros)
			return err
		},
	}
	cmd.Flags().BoolVar(&noDefault, "no-default", false, "check the files alone, without the built-in default rules")
	return cmd
}

func newDefendRulesListCmd(s *streams) *cobra.Command {
	var (
		noDefault bool
		format    string
	)
	cmd := &cobra.Command{
		Use:   "list [FILE...]",
		Short: "List the rules in force: id, priority, response, event kinds, tags",
		Long: `list shows the rules defend run would load from the default set and FILEs.
KERNEL says whether the sensor can enforce the rule in the kernel, before
the act completes; other enforcing rules act from user space.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRules(cmd, args, noDefault)
			if err != nil {
				return err
			}
			type row struct {
				ID       string   `json:"id"`
				Name     string   `json:"name"`
				Enabled  bool     `json:"enabled"`
				Priority string   `json:"priority"`
				Response string   `json:"response"`
				Kernel   bool     `json:"kernel"`
				Kinds    []string `json:"kinds"`
				Tags     []string `json:"tags"`
				Where    string   `json:"where"`
			}
			rows := []row{}
			for _, r := range set.Rules() {
				_, k := r.Kernel()
				kinds := make([]string, len(r.Kinds))
				for i, x := range r.Kinds {
					kinds[i] = string(x)
				}
				rows = append(rows, row{r.ID, r.Name, r.Enabled, r.Priority.String(), string(r.Response), k, kinds, r.Tags, r.Where})
			}
			switch format {
			case "json":
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			case "table":
				tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tPRIORITY\tRESPONSE\tKERNEL\tKINDS\tTAGS")
				for _, r := range rows {
					id := r.ID
					if !r.Enabled {
						id += " (disabled)"
					}
					k := "-"
					if r.Kernel {
						k = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", id, r.Priority, r.Response, k, strings.Join(r.Kinds, ","), strings.Join(r.Tags, ","))
				}
				return tw.Flush()
			}
			return usageErrorf("--format %q: want table or json", format)
		},
	}
	cmd.Flags().BoolVar(&noDefault, "no-default", false, "list the files' rules alone, without the built-in default rules")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}
