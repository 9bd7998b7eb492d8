package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagUsage audits every flag of every command: pflag takes the first
// backquoted word of a usage string as the flag's value name in --help
// ("--policy bulwark guard policy default"), so a backquote may only mark
// an upper-case placeholder such as FILE or URL.
func TestFlagUsage(t *testing.T) {
	t.Parallel()
	placeholder := regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			n++
			if !strings.Contains(f.Usage, "`") {
				return
			}
			name, usage := pflag.UnquoteUsage(f)
			if !placeholder.MatchString(name) || strings.Contains(usage, "`") {
				t.Errorf("%s --%s: usage %q shows as --%s %s", c.CommandPath(), f.Name, f.Usage, f.Name, name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(&streams{}, nil))
	if n < 100 {
		t.Errorf("only %d flags seen; is the tree complete?", n)
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"format", "fail-on", "policy", "platform", "output"}
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"formt", "format"}, {"polcy", "policy"}, {"plat", "platform"}, {"fial-on", "fail-on"}, {"zzzzzz", ""},
	} {
		if got := strings.Join(closest(tt.in, names), ","); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
