package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/defend/model"
)

func init() { defendSubcommands = append(defendSubcommands, newDefendModelCmd) }

// defaultModelStore is where `defend run` keeps behaviour models unless
// --models says otherwise: $BULWARK_DEFEND_MODELS, else
// defend/models.db under the user's data directory.
func defaultModelStore() string {
	if v := os.Getenv("BULWARK_DEFEND_MODELS"); v != "" {
		return v
	}
	if d, err := userDataDir(); err == nil {
		return filepath.Join(d, "bulwark", "defend", "models.db")
	}
	return "bulwark-defend-models.db"
}

func newDefendModelCmd(s *streams) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "model",
		Short: "List, show and reset the behaviour models learned per image",
		Long: `Each image has a behaviour model: seeded from the image (entrypoint and cmd,
its executables, EXPOSE ports), then learned while its containers run
(processes and their parents, directories written, listening ports, outbound
destinations). After the learning window the model is active and anything
outside it is an alert of rule "model". These commands read the store the
agent writes; they work while it runs. IMAGE is an image id, a unique prefix
of one, or an image name the model was seen with.`,
	}
	cmd.PersistentFlags().StringVar(&file, "models", defaultModelStore(), "model store file ($BULWARK_DEFEND_MODELS)")
	store := func() *model.Store { return model.NewStore(file) }

	var listFormat string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the models: image, state, what was learned",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ms, err := store().List(cmd.Context())
			if err != nil {
				return usageErrorf("%v", err)
			}
			switch listFormat {
			case "json":
				for _, m := range ms {
					stripExecutables(m)
				}
				if ms == nil {
					ms = []*model.Model{}
				}
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(ms)
			case "table":
			default:
				return usageErrorf("--format %q: want table or json", listFormat)
			}
			if len(ms) == 0 {
				fmt.Fprintf(s.err, "no models in %s\n", file)
				return nil
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "IMAGE\tNAMES\tSTATE\tSTARTS\tPROCESSES\tWRITES\tLISTENS\tOUTBOUND\tDEVIATIONS\tLAST SEEN")
			for _, m := range ms {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", shortImage(m.Image), strings.Join(m.Names, ","), m.State,
					m.Starts, len(m.Processes), len(m.Writes), len(m.Listens), len(m.Outbound), m.Deviations, m.LastSeen.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVar(&listFormat, "format", "table", "table or json")

	var showFormat string
	show := &cobra.Command{
		Use:   "show IMAGE",
		Short: "Show one image's model",
		Args:  exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := store().Find(cmd.Context(), args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			switch showFormat {
			case "json":
				stripExecutables(m)
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(m)
			case "text":
				return writeModel(s, m)
			}
			return usageErrorf("--format %q: want text or json", showFormat)
		},
	}
	show.Flags().StringVar(&showFormat, "format", "text", "text or json")

	reset := &cobra.Command{
		Use:   "reset IMAGE",
		Short: "Forget what a model learned: it learns again",
		Long: `reset clears the processes, writes, ports and destinations a model learned
and puts it back in learning, with the window of the agent that next sees the
image. A running agent takes the reset up at its next save (within seconds).`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st := store()
			m, err := st.Find(cmd.Context(), args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			if _, err := st.Reset(cmd.Context(), m.Image, time.Now().UTC()); err != nil {
				if errors.Is(err, model.ErrNotFound) {
					return usageErrorf("%v", err)
				}
				return err
			}
			_, err = fmt.Fprintf(s.out, "%s: reset; learning again\n", m.Image)
			return err
		},
	}
	cmd.AddCommand(list, show, reset)
	return cmd
}

func stripExecutables(m *model.Model) {
	if m.Seed != nil {
		m.Seed.Executables = nil
	}
}

func shortImage(id string) string {
	if s, ok := strings.CutPrefix(id, "sha256:"); ok && len(s) > 12 {
		return s[:12]
	}
	return id
}

func writeModel(s *streams, m *model.Model) error {
	w := &strings.Builder{}
	fmt.Fprintf(w, "image       %s\n", m.Image)
	if len(m.Names) > 0 {
		fmt.Fprintf(w, "names       %s\n", strings.Join(m.Names, ", "))
	}
	fmt.Fprintf(w, "state       %s", m.State)
	switch {
	case m.State == model.Learning && !m.LearnUntil.IsZero() && m.LearnStarts > 0:
		fmt.Fprintf(w, " (until %s or %d container starts)", m.LearnUntil.Format(time.RFC3339), m.LearnStarts)
	case m.State == model.Learning && !m.LearnUntil.IsZero():
		fmt.Fprintf(w, " (until %s)", m.LearnUntil.Format(time.RFC3339))
	case m.State == model.Learning && m.LearnStarts > 0:
		fmt.Fprintf(w, " (until %d container starts)", m.LearnStarts)
	case !m.Activated.IsZero():
		fmt.Fprintf(w, " (since %s)", m.Activated.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "\nstarts      %d\nlearned     %d events\ndeviations  %d\n", m.Starts, m.Learned, m.Deviations)
	if m.Truncated {
		w.WriteString("note        the model reached a size cap while learning\n")
	}
	if sd := m.Seed; sd != nil {
		fmt.Fprintf(w, "seed        entrypoint %q cmd %q → %s; %d executables; exposed %s\n", sd.Entrypoint, sd.Cmd,
			orNone(sd.Exe), len(sd.Executables), portList(sd.Exposed))
	} else if m.SeedError != "" {
		fmt.Fprintf(w, "seed        none: %s\n", m.SeedError)
	}
	w.WriteString("\nprocesses\n")
	for _, p := range m.Processes {
		parent := p.Parent
		if parent == "" {
			parent = "(any: the image's entrypoint)"
		}
		fmt.Fprintf(w, "  %s  ← %s\n", p.Exe, parent)
	}
	w.WriteString("directories written\n")
	for _, d := range m.Writes {
		fmt.Fprintf(w, "  %s\n", d)
	}
	fmt.Fprintf(w, "listening ports\n  %s\n", portList(m.Listens))
	w.WriteString("outbound destinations\n")
	for _, d := range m.Outbound {
		if d.Path != "" {
			fmt.Fprintf(w, "  unix %s\n", d.Path)
			continue
		}
		fmt.Fprintf(w, "  %s  %s\n", model.Port{Proto: d.Proto, Port: d.Port}, strings.Join(d.Addrs, " "))
	}
	_, err := s.out.Write([]byte(w.String()))
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(not in the image)"
	}
	return s
}

func portList(ps []model.Port) string {
	if len(ps) == 0 {
		return "none"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}
