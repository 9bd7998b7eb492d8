package daemonjson

import (
	"fmt"
	"io"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/harden"
)

// WriteText renders a proposal for a person: each change with what it does
// and may break, what was left out and why, the simulated bench result and
// the diff.
func WriteText(w io.Writer, p *Proposal) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Proposed daemon.json for %s\n", p.ConfigFile)
	for _, warn := range p.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s\n", warn)
	}
	if len(p.Changes) == 0 {
		b.WriteString("\nNo change to propose.\n")
	} else {
		b.WriteString("\nChanges:\n")
		for _, c := range p.Changes {
			switch c.Action {
			case Remove:
				fmt.Fprintf(&b, "  - %q (was %s)", c.Key, c.Old)
			case Modify:
				fmt.Fprintf(&b, "  ~ %q: %s -> %s", c.Key, c.Old, c.New)
			default:
				fmt.Fprintf(&b, "  + %q: %s", c.Key, c.New)
			}
			if len(c.Checks) > 0 {
				fmt.Fprintf(&b, "   [%s]", strings.Join(c.Checks, ", "))
			}
			b.WriteByte('\n')
			if c.Effect != "" {
				fmt.Fprintf(&b, "      does:        %s\n", c.Effect)
			}
			if c.Risk != "" {
				fmt.Fprintf(&b, "      may break:   %s\n", c.Risk)
			}
		}
	}
	if len(p.LeftOut) > 0 {
		b.WriteString("\nLeft out:\n")
		for _, o := range p.LeftOut {
			fmt.Fprintf(&b, "  %s [%s]: %s\n", o.Key, strings.Join(o.Checks, ", "), o.Reason)
		}
	}
	harden.WriteTransitions(&b, p.Checks)
	if p.Diff != "" {
		b.WriteString("\nDiff (normalised: keys sorted, two-space indent):\n")
		b.WriteString(p.Diff)
	}
	fmt.Fprintf(&b, "\nApply: review, install as %s (root:root, 0644), restart dockerd, then run `bulwark bench --check 2`.\n", p.ConfigFile)
	_, err := io.WriteString(w, b.String())
	return err
}
