package rules

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// KernelRule is an enforcing rule reduced to plain predicates a sensor can
// hold in BPF maps and check before the act completes. It matches an event
// of one of Kinds when every non-empty predicate holds; within a predicate
// any one value will do.
//
// Only rules whose response is kill or deny and whose condition is a
// conjunction of evt.type and simple string checks (=, in, startswith,
// pmatch on proc.name, proc.exe, fd.name, fd.directory; fd.write = true;
// container.id scoping) become KernelRules. Every rule, these included, is
// still judged in user space, so an event the kernel acted on is reported
// with its rule.
type KernelRule struct {
	Rule     string         `json:"rule"`
	Response event.Response `json:"response"` // kill or deny
	Kinds    []event.Kind   `json:"kinds"`
	Comm     Strings        `json:"comm,omitzero"` // proc.name (task names, 15 bytes at most)
	Exe      Strings        `json:"exe,omitzero"`  // proc.exe
	Path     Strings        `json:"path,omitzero"` // fd.name (a file, or a unix socket's path)
	Dir      Strings        `json:"dir,omitzero"`  // fd.directory
	// WriteOnly: only opens for writing (fd.write = true).
	WriteOnly bool `json:"write_only,omitempty"`
	// ContainerOnly: never a host process (container.id != "").
	ContainerOnly bool `json:"container_only,omitempty"`
	// Containers: only these container ids; empty means any.
	Containers []string `json:"containers,omitempty"`
}

// Strings matches a string equal to one of Exact or starting with one of
// Prefixes.
type Strings struct {
	Exact    []string `json:"exact,omitempty"`
	Prefixes []string `json:"prefixes,omitempty"`
}

// Empty reports whether the predicate is absent.
func (s Strings) Empty() bool { return len(s.Exact) == 0 && len(s.Prefixes) == 0 }

// Match reports whether v satisfies the predicate.
func (s Strings) Match(v string) bool {
	if slices.Contains(s.Exact, v) {
		return true
	}
	for _, p := range s.Prefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// Match reports whether the kernel form selects e; it agrees with the
// rule's own condition on every event (a test holds it to that).
func (k *KernelRule) Match(e *event.Event) bool {
	if !slices.Contains(k.Kinds, e.Kind) {
		return false
	}
	str := func(s Strings, name string) bool {
		if s.Empty() {
			return true
		}
		v, ok := accessors[name].(strAcc)(e)
		return ok && s.Match(v)
	}
	if !str(k.Comm, "proc.name") || !str(k.Exe, "proc.exe") || !str(k.Path, "fd.name") || !str(k.Dir, "fd.directory") {
		return false
	}
	if k.WriteOnly && (e.File == nil || !e.File.Write) {
		return false
	}
	id := ""
	if e.Container != nil {
		id = e.Container.ID
	}
	if k.ContainerOnly && id == "" {
		return false
	}
	return len(k.Containers) == 0 || slices.Contains(k.Containers, id)
}

// Kernel lists the enabled enforcing rules that have a kernel form, in
// definition order.
func (s *Set) Kernel() []KernelRule {
	var out []KernelRule
	for _, r := range s.rules {
		if k, ok := r.Kernel(); ok && r.Enabled {
			out = append(out, k)
		}
	}
	return out
}

// Kernel returns the rule's kernel form, if it has one.
func (r *Rule) Kernel() (KernelRule, bool) {
	if r.Response != event.Kill && r.Response != event.Deny {
		return KernelRule{}, false
	}
	k := KernelRule{Rule: r.ID, Response: r.Response, Kinds: slices.Clone(r.Kinds)}
	seen := map[string]bool{}
	for _, c := range conjuncts(r.tree) {
		if !k.add(c, seen) {
			return KernelRule{}, false
		}
	}
	return k, true
}

func conjuncts(n node) []node {
	if a, ok := n.(andNode); ok {
		var out []node
		for _, c := range a {
			out = append(out, conjuncts(c)...)
		}
		return out
	}
	return []node{n}
}

// add folds one conjunct into k; false when it has no kernel form.
func (k *KernelRule) add(n node, seen map[string]bool) bool {
	var cs []*check
	switch x := n.(type) {
	case *check:
		cs = []*check{x}
	case orNode:
		for _, c := range x {
			cc, ok := c.(*check)
			if !ok || cc.field != cs0(x) {
				return false
			}
			cs = append(cs, cc)
		}
	default:
		return false
	}
	field := cs[0].field
	if seen[field] {
		return false // two conjuncts on one field: an intersection, not held
	}
	seen[field] = true
	switch field {
	case "evt.type":
		// r.Kinds already holds the exact set for =, in and !=.
		for _, c := range cs {
			if c.op != "=" && c.op != "in" && c.op != "!=" {
				return false
			}
		}
		return len(cs) == 1
	case "fd.write":
		c := cs[0]
		return len(cs) == 1 && c.op == "=" && strings.EqualFold(c.vals[0].s, "true") && k.setWrite()
	case "container.id":
		if len(cs) != 1 {
			return false
		}
		c := cs[0]
		switch {
		case c.op == "!=" && c.vals[0].s == "":
			k.ContainerOnly = true
			return true
		case c.op == "=" || c.op == "in":
			for _, v := range c.vals {
				if v.s == "" {
					return false
				}
				k.Containers = append(k.Containers, v.s)
			}
			return len(k.Containers) > 0
		}
		return false
	}
	var dst *Strings
	switch field {
	case "proc.name":
		dst = &k.Comm
	case "proc.exe":
		dst = &k.Exe
	case "fd.name":
		dst = &k.Path
	case "fd.directory":
		dst = &k.Dir
	default:
		return false
	}
	for _, c := range cs {
		switch c.op {
		case "=", "in":
			for _, v := range c.vals {
				dst.Exact = append(dst.Exact, v.s)
			}
		case "startswith":
			dst.Prefixes = append(dst.Prefixes, c.vals[0].s)
		case "pmatch":
			// As pathMatch: the path itself, or anything below it.
			for _, v := range c.vals {
				p := v.s
				if p != "/" {
					p = strings.TrimRight(p, "/")
				}
				switch p {
				case "/":
					dst.Prefixes = append(dst.Prefixes, "/")
				case "":
					dst.Exact = append(dst.Exact, "")
				default:
					dst.Exact = append(dst.Exact, p)
					dst.Prefixes = append(dst.Prefixes, p+"/")
				}
			}
		default:
			return false
		}
	}
	if field == "proc.name" && len(dst.Prefixes) > 0 {
		return false // task names are matched whole
	}
	return !dst.Empty()
}

func (k *KernelRule) setWrite() bool { k.WriteOnly = true; return true }

// cs0 is the field of an or-node's first check ("" when it is not one).
func cs0(x orNode) string {
	if c, ok := x[0].(*check); ok {
		return c.field
	}
	return ""
}
