package daemon

import (
	"context"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

// RulesJudge judges events with a compiled rule set, and offers the
// kernel forms of its enforcing rules as predicates.
type RulesJudge struct{ set *rules.Set }

// NewRulesJudge wraps a rule set.
func NewRulesJudge(s *rules.Set) *RulesJudge { return &RulesJudge{set: s} }

// Judge returns an alert per rule that selects e, with the rule's response.
func (j *RulesJudge) Judge(_ context.Context, e *event.Event) []event.Alert {
	var buf [4]*rules.Rule
	rs := j.set.Match(e, buf[:0])
	if len(rs) == 0 {
		return nil
	}
	out := make([]event.Alert, len(rs))
	for i, r := range rs {
		out[i] = r.Alert(e)
	}
	return out
}

// Kinds returns the event kinds the rules can select.
func (j *RulesJudge) Kinds() []event.Kind { return j.set.Kinds() }

// Predicates turns the enforcing rules' kernel forms into what this
// sensor checks in the kernel: one string field per rule (the executable
// or task name of an exec, the path of an open or of a unix-socket
// connect). A rule testing several fields, or a directory, stays a
// user-space rule: its kills come from user space and say so.
func (j *RulesJudge) Predicates() []event.Predicate {
	var out []event.Predicate
	for _, k := range j.set.Kernel() {
		out = append(out, kernelPredicates(k)...)
	}
	return out
}

func kernelPredicates(k rules.KernelRule) []event.Predicate {
	set := 0
	for _, s := range []rules.Strings{k.Comm, k.Exe, k.Path, k.Dir} {
		if !s.Empty() {
			set++
		}
	}
	if set > 1 || !k.Dir.Empty() {
		return nil
	}
	exact := func(s rules.Strings) []string {
		out := slices.Clone(s.Prefixes)
		for _, x := range s.Exact {
			out = append(out, x+"\x00")
		}
		return out
	}
	var out []event.Predicate
	for _, kind := range k.Kinds {
		p := event.Predicate{Rule: k.Rule, Kind: kind, Response: k.Response}
		switch {
		case kind == event.Exec && !k.Exe.Empty():
			p.Prefixes = exact(k.Exe)
		case kind == event.Exec && !k.Comm.Empty():
			p.Names = k.Comm.Exact
		case kind == event.Open && !k.Path.Empty():
			p.Prefixes = exact(k.Path)
			p.Write = k.WriteOnly
			p.ReadOnly = !k.WriteOnly
		case kind == event.Connect && !k.Path.Empty():
			p.Prefixes = exact(k.Path)
		case set == 0 && kind != event.Fork && kind != event.Exit && kind != event.Accept:
			// The kind alone (ptrace, module load…): killed at the
			// system call's entry.
			p.Prefixes = []string{""}
		default:
			continue
		}
		if len(k.Containers) == 0 {
			out = append(out, p)
		}
		for _, c := range k.Containers {
			p.Container = c
			out = append(out, p)
		}
	}
	return out
}
