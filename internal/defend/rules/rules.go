// Package rules reads, checks and evaluates `bulwark defend` rules: YAML
// files in the shape Falco users know (rule, list, macro; condition, output,
// priority, tags, enabled, exceptions) plus Bulwark's own per-rule
// response (alert, kill, deny, pause, stop).
//
// # Data flow
//
//	YAML files (the embedded default set first, then the user's, in order)
//	  → parse: each entry checked key by key, every error located file:line
//	  → layer: later entries replace, append to or disable earlier ones
//	  → compile: conditions parsed, macros and lists expanded (cycles,
//	    undefined names, huge lists and deep nesting refused), fields and
//	    operators checked against [event.Fields], each condition turned into
//	    a tree of typed closures, and rules indexed by the event kinds they
//	    can match
//	  → [Set.Match]: an event meets only the rules of its kind; no
//	    reflection, no map of fields, no allocation on the way
//	  → [Rule.Alert]: output rendered with %field substitution.
//
// [Set.Kernel] exports the enforcing rules whose conditions are simple
// enough for a sensor to check in the kernel (see [KernelRule]).
package rules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Limits on what a rules file may ask of the loader. A file beyond them is
// refused with a located error rather than loaded slowly.
const (
	MaxFileSize     = 4 << 20 // bytes per file
	MaxEntries      = 10000   // rules, lists and macros per set
	MaxListItems    = 10000   // items of one list, after nested lists are expanded
	MaxConditionLen = 64 << 10
	MaxDepth        = 64     // nesting of parentheses, not, and macros within macros
	MaxValues       = 100000 // values in one compiled condition, lists expanded
)

// Error is a problem in a rules file, located where it is.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rules: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("rules: %s: %s", e.File, e.Msg)
}

// Priority is how grave a rule's alert is, in Falco's (syslog's) order:
// PriorityEmergency is the gravest.
type Priority int

const (
	PriorityEmergency Priority = iota
	PriorityAlert
	PriorityCritical
	PriorityError
	PriorityWarning
	PriorityNotice
	PriorityInformational
	PriorityDebug
)

var priorityNames = []string{"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"}

// String is the lower-case name ("warning").
func (p Priority) String() string {
	if p < 0 || int(p) >= len(priorityNames) {
		return "unknown"
	}
	return priorityNames[p]
}

// ParsePriority reads a priority name in any case; "info" is
// informational.
func ParsePriority(s string) (Priority, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "info" {
		return PriorityInformational, nil
	}
	for i, n := range priorityNames {
		if n == s {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("rules: priority %q is not one of %s", s, strings.Join(priorityNames, ", "))
}

// Rule is one compiled rule.
type Rule struct {
	// ID names the rule in alerts ("shell-in-container"); from the id key,
	// or the name made lower-case with dashes.
	ID       string
	Name     string
	Desc     string
	Priority Priority
	Tags     []string
	// Response is what the rule asks for when it matches in enforce mode.
	Response event.Response
	Enabled  bool
	// Kinds are the event kinds the condition can match, in event.Kinds
	// order.
	Kinds []event.Kind
	// Condition is the rule's condition as written, exceptions excluded.
	Condition string
	// Where is "file:line" of the rule's definition.
	Where string

	match  evalFn
	output []segment
	tree   node // expanded condition, for Kernel
	except bool // has exceptions
}

// Set is a compiled rule set, safe for concurrent use.
type Set struct {
	rules  []*Rule   // every rule, enabled or not, in definition order
	byKind [][]*Rule // by kindIndex
	lists  int
	macros int
}

// Rules lists every rule, enabled or not, in definition order.
func (s *Set) Rules() []*Rule { return s.rules }

// Rule finds a rule by id.
func (s *Set) Rule(id string) *Rule {
	for _, r := range s.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Counts are the numbers of lists and macros the set was built from.
func (s *Set) Counts() (lists, macros int) { return s.lists, s.macros }

// Match appends to dst the enabled rules that select e, in definition
// order, and returns it. With a dst of enough capacity it does not
// allocate.
func (s *Set) Match(e *event.Event, dst []*Rule) []*Rule {
	i, ok := kindIndex[e.Kind]
	if !ok {
		return dst
	}
	for _, r := range s.byKind[i] {
		if r.match(e) {
			dst = append(dst, r)
		}
	}
	return dst
}

// Kinds returns the event kinds some enabled rule can select, in
// event.Kinds order: the sensor need not see the others.
func (s *Set) Kinds() []event.Kind {
	var out []event.Kind
	for i, rs := range s.byKind {
		if len(rs) > 0 {
			out = append(out, event.Kinds[i])
		}
	}
	return out
}

// Matches reports whether the rule's condition selects e (enabled or not).
func (r *Rule) Matches(e *event.Event) bool {
	if !r.kindOK(e.Kind) {
		return false
	}
	return r.match(e)
}

func (r *Rule) kindOK(k event.Kind) bool {
	for _, x := range r.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Alert renders the rule's alert for e. The response is the rule's own;
// the caller lowers it to alert when not enforcing.
func (r *Rule) Alert(e *event.Event) event.Alert {
	return event.Alert{
		Event:    *e,
		Rule:     r.ID,
		Priority: r.Priority.String(),
		Output:   render(r.output, e),
		Tags:     r.Tags,
		Response: r.Response,
	}
}

// kindIndex numbers event kinds for the per-kind index.
var kindIndex = func() map[event.Kind]int {
	m := make(map[event.Kind]int, len(event.Kinds))
	for i, k := range event.Kinds {
		m[k] = i
	}
	return m
}()

// Source is one rules document.
type Source struct {
	Name string // file name for errors
	Data []byte
}

// Compile builds a set from sources in order: a later entry with the name
// of an earlier one replaces it, or adds to it with append: true.
func Compile(sources ...Source) (*Set, error) {
	var all []*entry
	for _, src := range sources {
		es, err := parseFile(src.Name, src.Data)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
		if len(all) > MaxEntries {
			return nil, &Error{File: src.Name, Msg: fmt.Sprintf("more than %d rules, lists and macros", MaxEntries)}
		}
	}
	return build(all)
}

// Load compiles the rules files at paths, over the default set unless
// withDefault is false.
func Load(ctx context.Context, paths []string, withDefault bool) (*Set, error) {
	var srcs []Source
	if withDefault {
		srcs = append(srcs, Source{Name: DefaultName, Data: defaultYAML})
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := readFile(p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, Source{Name: p, Data: b})
	}
	if len(srcs) == 0 {
		return nil, errors.New("rules: no rules files")
	}
	return Compile(srcs...)
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("rules: reading rules: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, &Error{File: p, Msg: "not a regular file"}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("rules: reading %s: %w", p, err)
	}
	if len(b) > MaxFileSize {
		return nil, &Error{File: p, Msg: fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)}
	}
	return b, nil
}
