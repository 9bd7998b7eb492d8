// Package harden turns bench findings into files a person can review and
// apply: a daemon.json (package daemon), TLS certificates for the daemon
// socket (package pki) and least-privilege run profiles (package runprofile).
//
// # Data flow
//
//	facts.Snapshot (gathered once, as bench does)
//	   ├─▶ daemon.Propose ─▶ proposed daemon.json ─┐
//	   ├─▶ pki.Issue/Rotate ─▶ certificate files ──┼─▶ the same snapshot with the change applied
//	   └─▶ runprofile.Build ─▶ run flags, compose ──┘        │
//	                                                         ▼
//	        [Transitions]: the bench checks run on both snapshots; what changed
//
// Every proposal carries the transitions computed this way, so the claim
// "this fixes 2.9" is the verdict of the same check code bench runs, on the
// facts as they would be, not a hand-kept table. [WriteFile] is how every
// output file reaches the disk: atomically, with the mode CIS asks for,
// owned by root, and never over an existing file unless asked.
package harden

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/checks"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// SchemaVersion versions the json form of every harden output. Bump the
// minor version when fields are added, the major one when they change.
const SchemaVersion = "1.0"

// Transition is one bench check whose status a change moves.
type Transition struct {
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	Before bench.Status `json:"before"`
	After  bench.Status `json:"after"`
	// Details is the check's explanation after the change.
	Details string `json:"details"`
}

// Fixed reports whether the check goes from warn to pass.
func (t Transition) Fixed() bool { return t.Before == bench.Warn && t.After == bench.Pass }

// Transitions runs the bench checks that patterns select (bench selection
// syntax: "2", "3.9", "5.*") on both snapshots and returns the checks whose
// status differs, in catalogue order.
func Transitions(before, after *facts.Snapshot, patterns ...string) []Transition {
	all := checks.All(checks.Config{})
	sel := bench.Selection{Include: patterns}
	b := bench.Run(all, sel, before)
	a := bench.Run(all, sel, after)
	was := make(map[string]bench.Status, len(b.Results))
	for _, r := range b.Results {
		was[r.ID] = r.Status
	}
	var out []Transition
	for _, r := range a.Results {
		if was[r.ID] != r.Status {
			out = append(out, Transition{ID: r.ID, Title: r.Title, Before: was[r.ID], After: r.Status, Details: r.Details})
		}
	}
	return out
}

// Statuses runs the checks patterns select on s and returns id → status.
func Statuses(s *facts.Snapshot, patterns ...string) map[string]bench.Status {
	rep := bench.Run(checks.All(checks.Config{}), bench.Selection{Include: patterns}, s)
	out := make(map[string]bench.Status, len(rep.Results))
	for _, r := range rep.Results {
		out[r.ID] = r.Status
	}
	return out
}

// Fixes lists the ids of the transitions from warn to pass.
func Fixes(ts []Transition) []string {
	out := []string{}
	for _, t := range ts {
		if t.Fixed() {
			out = append(out, t.ID)
		}
	}
	return out
}

// WriteTransitions renders simulated bench transitions as a table.
func WriteTransitions(b *strings.Builder, ts []Transition) {
	b.WriteString("\nBench checks (simulated on the gathered facts with the change applied):\n")
	if len(ts) == 0 {
		b.WriteString("  no check changes status\n")
		return
	}
	fixed := false
	for _, t := range ts {
		mark := " "
		if t.Fixed() {
			mark, fixed = "*", true
		}
		fmt.Fprintf(b, " %s%-6s %-4s -> %-4s  %s\n", mark, t.ID, t.Before, t.After, t.Title)
	}
	if fixed {
		b.WriteString("  (* warn -> pass)\n")
	}
}

// Clone deep-copies a snapshot, so a simulation never changes the facts it
// started from.
func Clone(s *facts.Snapshot) (*facts.Snapshot, error) {
	var buf bytes.Buffer
	if err := facts.Save(&buf, s); err != nil {
		return nil, fmt.Errorf("harden: copying facts: %w", err)
	}
	out, err := facts.Load(&buf)
	if err != nil {
		return nil, fmt.Errorf("harden: copying facts: %w", err)
	}
	return out, nil
}
