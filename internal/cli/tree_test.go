package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCommandNames checks that each registered subcommand's name is the
// name its command answers to, which newRoot relies on to build only the
// command an invocation names.
func TestCommandNames(t *testing.T) {
	t.Parallel()
	for _, c := range subcommands {
		if got := c.mk(&streams{}).Name(); got != c.name {
			t.Errorf("subcommand registered as %q is named %q", c.name, got)
		}
	}
	if got := newRoot(&streams{}, []string{"-v", "version"}).Commands(); len(got) != 1 || got[0].Name() != "version" {
		t.Errorf("tree for `-v version` has %d commands, want version alone", len(got))
	}
	if got := newRoot(&streams{}, []string{"verison"}).Commands(); len(got) != len(subcommands) {
		t.Errorf("tree for a mistyped command has %d commands, want all %d", len(got), len(subcommands))
	}
}

// TestCommandTreeBuiltForArgs checks that a command line gives the same
// output, error and exit code whether the tree holds only the command it
// names or every command.
func TestCommandTreeBuiltForArgs(t *testing.T) {
	t.Parallel()
	lines := [][]string{{"version"}, {"-v", "version"}, {"--version"}, {"--help"}, {"help", "scan"},
		{"verison"}, {"scan", "--formt", "json", "x"}, {"guard", "polcy"}, {"bulwark", "version"},
		{"bulwark", "scan", "--help"}, {"docker-cli-plugin-metadata"}, {"version", "extra"}}
	for _, c := range subcommands {
		lines = append(lines, []string{c.name, "--help"})
	}
	run := func(args []string, tree []string) (string, string) {
		var out, errb bytes.Buffer
		root := newRoot(&streams{in: strings.NewReader(""), out: &out, err: &errb}, tree)
		root.SetArgs(args)
		root.SetIn(strings.NewReader(""))
		root.SetOut(&out)
		root.SetErr(&errb)
		err := root.ExecuteContext(context.Background())
		if err != nil {
			errb.WriteString("error: " + err.Error())
		}
		return out.String(), errb.String()
	}
	for _, args := range lines {
		lazyOut, lazyErr := run(args, args)
		fullOut, fullErr := run(args, nil)
		if lazyOut != fullOut || lazyErr != fullErr {
			t.Errorf("bulwark %s: with the command alone\n%s%s\nwith every command\n%s%s", strings.Join(args, " "), lazyOut, lazyErr, fullOut, fullErr)
		}
		if lazyOut == "" && lazyErr == "" {
			t.Errorf("bulwark %s: no output", strings.Join(args, " "))
		}
	}
}
