package rules

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

var responses = map[string]event.Response{
	"alert": event.Report, "kill": event.Kill, "deny": event.Deny, "pause": event.Pause, "stop": event.Stop,
}

// fragment is a piece of condition text and where it was written; an
// appended condition is the earlier text, a space, and the appended one.
type fragment struct {
	text string
	file string
	line int
}

type fragments []fragment

func (fs fragments) text() string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.text
	}
	return strings.Join(parts, " ")
}

// locate maps an offset of text() to the fragment holding it.
func (fs fragments) locate(pos int) fragment {
	off := 0
	for _, f := range fs {
		if pos <= off+len(f.text) {
			return f
		}
		off += len(f.text) + 1
	}
	return fs[len(fs)-1]
}

type listDef struct {
	items []string
	file  string
	line  int
	// resolved
	done, busy bool
	out        []string
}

type macroDef struct {
	cond fragments
	file string
	line int
	// expanded
	done, busy bool
	tree       node
	size       int
	depth      int
}

type ruleDef struct {
	e          *entry
	cond       fragments
	exceptions []exception
	enabled    bool
}

type builder struct {
	lists  map[string]*listDef
	macros map[string]*macroDef
}

// build layers the entries and compiles the result.
func build(entries []*entry) (*Set, error) {
	b := &builder{lists: map[string]*listDef{}, macros: map[string]*macroDef{}}
	var order []*ruleDef
	byName := map[string]*ruleDef{}
	for _, e := range entries {
		switch e.kind {
		case listEntry:
			if old, ok := b.lists[e.name]; ok && e.append {
				old.items = append(old.items, e.items...)
				if len(old.items) > MaxListItems {
					return nil, e.errorf(0, "%d items after append; at most %d", len(old.items), MaxListItems)
				}
				continue
			} else if !ok && e.append {
				return nil, e.errorf(0, "append to a list that is not defined")
			}
			b.lists[e.name] = &listDef{items: slices.Clone(e.items), file: e.file, line: e.line}
		case macroEntry:
			frag := fragment{text: e.condition, file: e.file, line: e.condLine}
			if old, ok := b.macros[e.name]; ok && e.append {
				old.cond = append(old.cond, frag)
				continue
			} else if !ok && e.append {
				return nil, e.errorf(0, "append to a macro that is not defined")
			}
			b.macros[e.name] = &macroDef{cond: fragments{frag}, file: e.file, line: e.line}
		case ruleEntry:
			old, ok := byName[e.name]
			switch {
			case e.append || e.enabledOnly():
				if !ok {
					return nil, e.errorf(0, "changes a rule that is not defined")
				}
				if e.enabled != nil {
					old.enabled = *e.enabled
				}
				if e.keys["condition"] {
					old.cond = append(old.cond, fragment{text: e.condition, file: e.file, line: e.condLine})
				}
				for _, ex := range e.exceptions {
					merged := false
					for i := range old.exceptions {
						if o := &old.exceptions[i]; o.name == ex.name {
							if !slices.Equal(o.fields, ex.fields) || !slices.Equal(o.comps, ex.comps) {
								return nil, &Error{File: e.file, Line: ex.line, Msg: fmt.Sprintf("exception %q: appended values must keep its fields and comps", ex.name)}
							}
							o.values = append(o.values, ex.values...)
							merged = true
						}
					}
					if !merged {
						old.exceptions = append(old.exceptions, ex)
					}
				}
				continue
			}
			d := &ruleDef{e: e, cond: fragments{{text: e.condition, file: e.file, line: e.condLine}},
				exceptions: e.exceptions, enabled: e.enabled == nil || *e.enabled}
			if ok {
				*old = *d // a redefinition replaces the rule in place
				continue
			}
			byName[e.name] = d
			order = append(order, d)
		}
	}

	s := &Set{lists: len(b.lists), macros: len(b.macros), byKind: make([][]*Rule, len(event.Kinds))}
	// Every list and macro is checked, used or not, so `rules check`
	// finds mistakes in the parts no rule uses yet.
	for _, name := range sortedKeys(b.lists) {
		if _, err := b.list(name, nil); err != nil {
			return nil, err
		}
	}
	for _, name := range sortedKeys(b.macros) {
		if _, err := b.macro(name, nil); err != nil {
			return nil, err
		}
	}
	ids := map[string]string{}
	for _, d := range order {
		r, err := b.rule(d)
		if err != nil {
			return nil, err
		}
		if prev, dup := ids[r.ID]; dup {
			return nil, d.e.errorf(0, "id %q is already the id of rule %q", r.ID, prev)
		}
		ids[r.ID] = r.Name
		s.rules = append(s.rules, r)
		if !r.Enabled {
			continue
		}
		for _, k := range r.Kinds {
			i := kindIndex[k]
			s.byKind[i] = append(s.byKind[i], r)
		}
	}
	return s, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// list resolves a list's items, expanding items that name other lists.
func (b *builder) list(name string, stack []string) ([]string, error) {
	l := b.lists[name]
	if l.done {
		return l.out, nil
	}
	if l.busy {
		return nil, &Error{File: l.file, Line: l.line, Msg: fmt.Sprintf("list %q: cycle %s → %s", name, strings.Join(stack, " → "), name)}
	}
	l.busy = true
	defer func() { l.busy = false }()
	var out []string
	for _, it := range l.items {
		if _, ok := b.lists[it]; ok && it != "" {
			sub, err := b.list(it, append(stack, name))
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		} else {
			out = append(out, it)
		}
		if len(out) > MaxListItems {
			return nil, &Error{File: l.file, Line: l.line, Msg: fmt.Sprintf("list %q: more than %d items with nested lists expanded", name, MaxListItems)}
		}
	}
	l.out, l.done = out, true
	return out, nil
}

// macro parses and expands a macro (once).
func (b *builder) macro(name string, stack []string) (node, error) {
	m := b.macros[name]
	if m.done {
		return m.tree, nil
	}
	if m.busy {
		return nil, &Error{File: m.file, Line: m.line, Msg: fmt.Sprintf("macro %q: cycle %s → %s", name, strings.Join(stack, " → "), name)}
	}
	if len(stack) >= MaxDepth {
		return nil, &Error{File: m.file, Line: m.line, Msg: fmt.Sprintf("macro %q: macros nested deeper than %d", name, MaxDepth)}
	}
	m.busy = true
	defer func() { m.busy = false }()
	text := m.cond.text()
	tree, err := parseCondition(text)
	if err != nil {
		return nil, locate(m.cond, err, "macro", name)
	}
	size := 0
	tree, err = b.expand(tree, append(stack, name), &size, 0)
	if err != nil {
		return nil, locate(m.cond, err, "macro", name)
	}
	m.tree, m.size, m.depth, m.done = tree, size, treeDepth(tree), true
	return tree, nil
}

// expand replaces macro references with their trees and list names in list
// operands with their items, counting the size of the result.
func (b *builder) expand(n node, stack []string, size *int, depth int) (node, error) {
	if depth > MaxDepth {
		return nil, &condError{msg: fmt.Sprintf("nested deeper than %d levels, macros included", MaxDepth)}
	}
	*size++
	if *size > MaxValues {
		return nil, &condError{msg: fmt.Sprintf("more than %d checks and values once macros and lists are expanded", MaxValues)}
	}
	switch x := n.(type) {
	case andNode:
		out := make(andNode, len(x))
		for i, c := range x {
			e, err := b.expand(c, stack, size, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case orNode:
		out := make(orNode, len(x))
		for i, c := range x {
			e, err := b.expand(c, stack, size, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case notNode:
		e, err := b.expand(x.x, stack, size, depth+1)
		if err != nil {
			return nil, err
		}
		return notNode{e}, nil
	case macroRef:
		if _, ok := b.macros[x.name]; !ok {
			if _, isList := b.lists[x.name]; isList {
				return nil, &condError{pos: x.pos, msg: fmt.Sprintf("%q is a list; use it as an operand: FIELD in (%s)", x.name, x.name)}
			}
			return nil, &condError{pos: x.pos, msg: fmt.Sprintf("undefined macro %q", x.name)}
		}
		t, err := b.macro(x.name, stack)
		if err != nil {
			return nil, err
		}
		*size += b.macros[x.name].size
		if *size > MaxValues {
			return nil, &condError{msg: fmt.Sprintf("more than %d checks and values once macros and lists are expanded", MaxValues)}
		}
		if depth+b.macros[x.name].depth > MaxDepth {
			return nil, &condError{pos: x.pos, msg: fmt.Sprintf("nested deeper than %d levels, macros included", MaxDepth)}
		}
		return t, nil
	case *check:
		if !isListComp(x.op) {
			if _, err := compileCheck(x); err != nil {
				return nil, err
			}
			return x, nil
		}
		c := &check{field: x.field, op: x.op, pos: x.pos}
		for _, v := range x.vals {
			if !v.quoted {
				if _, ok := b.lists[v.s]; ok {
					items, err := b.list(v.s, nil)
					if err != nil {
						return nil, err
					}
					for _, it := range items {
						c.vals = append(c.vals, value{s: it, quoted: true})
					}
					continue
				}
			}
			c.vals = append(c.vals, v)
		}
		*size += len(c.vals)
		if *size > MaxValues {
			return nil, &condError{pos: x.pos, msg: fmt.Sprintf("more than %d checks and values once macros and lists are expanded", MaxValues)}
		}
		// Checked here, where its position is in the text being expanded.
		if _, err := compileCheck(c); err != nil {
			return nil, err
		}
		return c, nil
	}
	return n, nil
}

func treeDepth(n node) int {
	d := 0
	switch x := n.(type) {
	case andNode:
		for _, c := range x {
			d = max(d, treeDepth(c))
		}
	case orNode:
		for _, c := range x {
			d = max(d, treeDepth(c))
		}
	case notNode:
		d = treeDepth(x.x)
	default:
		return 0
	}
	return d + 1
}

// locate turns a condition error into a located one.
func locate(cond fragments, err error, kind, name string) error {
	var le *Error
	if errors.As(err, &le) {
		return err
	}
	var ce *condError
	if !errors.As(err, &ce) {
		return err
	}
	f := cond.locate(ce.pos)
	text := cond.text()
	return &Error{File: f.file, Line: f.line, Msg: fmt.Sprintf("%s %q: condition: %s (%s)", kind, name, ce.msg, snippet(text, ce.pos))}
}

func (b *builder) rule(d *ruleDef) (*Rule, error) {
	e := d.e
	r := &Rule{
		ID:        e.id,
		Name:      e.name,
		Desc:      strings.TrimSpace(e.desc),
		Priority:  e.priority,
		Tags:      e.tags,
		Response:  event.Report,
		Enabled:   d.enabled,
		Condition: strings.TrimSpace(d.cond.text()),
		Where:     e.where(),
		except:    len(d.exceptions) > 0,
	}
	if r.ID == "" {
		r.ID = slug(e.name)
		if r.ID == "" || r.ID == "model" {
			return nil, e.errorf(0, "give the rule an id: its name makes none")
		}
	}
	if e.response != "" {
		r.Response = responses[e.response]
	}
	tree, err := parseCondition(d.cond.text())
	if err != nil {
		return nil, locate(d.cond, err, "rule", e.name)
	}
	size := 0
	tree, err = b.expand(tree, nil, &size, 0)
	if err != nil {
		return nil, locate(d.cond, err, "rule", e.name)
	}
	if len(d.exceptions) > 0 {
		ex, err := b.exceptions(e, d.exceptions)
		if err != nil {
			return nil, err
		}
		if ex != nil {
			tree = andNode{tree, notNode{ex}}
		}
	}
	r.tree = tree
	ks := kindsOf(tree)
	if r.match, err = compileNode(prune(tree, ks)); err != nil {
		return nil, locate(d.cond, err, "rule", e.name)
	}
	for i, k := range event.Kinds {
		if ks&(1<<i) != 0 {
			r.Kinds = append(r.Kinds, k)
		}
	}
	if len(r.Kinds) == 0 {
		return nil, e.errorf(d.cond[0].line, "condition: no event kind can match it (contradictory evt.type checks)")
	}
	if r.Response == event.Deny {
		for _, k := range r.Kinds {
			if k != event.Exec && k != event.Open && k != event.Connect {
				return nil, e.errorf(0, "response deny refuses exec, open and connect; this condition also matches %s events (narrow it with evt.type)", k)
			}
		}
	}
	if r.output, err = parseOutput(e.output); err != nil {
		return nil, e.errorf(0, "output: %v", err)
	}
	return r, nil
}

// exceptions builds `tuple or tuple …` from a rule's exceptions.
func (b *builder) exceptions(e *entry, exs []exception) (node, error) {
	var any orNode
	size := 0
	for _, ex := range exs {
		for _, tuple := range ex.values {
			var all andNode
			for i, f := range ex.fields {
				c := &check{field: f, op: ex.comps[i]}
				if !isListComp(c.op) && c.op != "exists" && len(tuple[i]) != 1 {
					return nil, &Error{File: e.file, Line: ex.line, Msg: fmt.Sprintf("rule %q: exception %q: %s takes one value, not a list", e.name, ex.name, c.op)}
				}
				for _, v := range tuple[i] {
					c.vals = append(c.vals, value{s: v})
				}
				x, err := b.expand(c, nil, &size, 0)
				if err != nil {
					return nil, &Error{File: e.file, Line: ex.line, Msg: fmt.Sprintf("rule %q: exception %q: %v", e.name, ex.name, err)}
				}
				all = append(all, x)
			}
			any = append(any, all)
		}
	}
	if len(any) == 0 {
		return nil, nil
	}
	return any, nil
}

var slugRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

func slug(name string) string {
	s := strings.Trim(slugRE().ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}

// kindSet is a bit set over event.Kinds.
type kindSet uint64

var allKinds = kindSet(1)<<len(event.Kinds) - 1

// kindsOf is a superset of the kinds n can match: exact for evt.type
// checks, their conjunctions, disjunctions and negations; every kind for
// anything else.
func kindsOf(n node) kindSet {
	switch x := n.(type) {
	case andNode:
		s := allKinds
		for _, c := range x {
			s &= kindsOf(c)
		}
		return s
	case orNode:
		var s kindSet
		for _, c := range x {
			s |= kindsOf(c)
		}
		return s
	case notNode:
		if c, ok := x.x.(*check); ok && c.field == "evt.type" && (c.op == "=" || c.op == "in") {
			return allKinds &^ kindValues(c)
		}
		return allKinds
	case *check:
		if x.field != "evt.type" {
			return allKinds
		}
		switch x.op {
		case "=", "in":
			return kindValues(x)
		case "!=":
			return allKinds &^ kindValues(x)
		}
	}
	return allKinds
}

func kindValues(c *check) kindSet {
	var s kindSet
	for _, v := range c.vals {
		if i, ok := kindIndex[event.Kind(v.s)]; ok {
			s |= 1 << i
		}
	}
	return s
}

// Falco's system call names for the kinds Bulwark calls otherwise, for
// the error message.
var syscallKinds = map[string]event.Kind{
	"execve": event.Exec, "execveat": event.Exec, "clone": event.Fork, "clone3": event.Fork, "vfork": event.Fork,
	"procexit": event.Exit, "openat": event.Open, "openat2": event.Open, "creat": event.Open, "accept4": event.Accept,
	"setresuid": event.SetUID, "setreuid": event.SetUID, "setresgid": event.SetGID, "setregid": event.SetGID,
	"umount2": event.Umount, "init_module": event.ModuleLoad, "finit_module": event.ModuleLoad,
}

// evalFn is a compiled condition.
type evalFn func(*event.Event) bool

// prune drops the top-level evt.type checks the per-kind index already
// guarantees: a rule only meets events of the kinds in ks.
func prune(n node, ks kindSet) node {
	a, ok := n.(andNode)
	if !ok {
		return n
	}
	var out andNode
	for _, c := range a {
		if x, ok := c.(*check); ok && x.field == "evt.type" && (x.op == "=" || x.op == "in") && kindValues(x)&ks == ks {
			continue
		}
		out = append(out, c)
	}
	switch len(out) {
	case 0:
		return andNode{&check{field: "evt.type", op: "exists"}}
	case 1:
		return out[0]
	}
	return out
}

// cost estimates how dear a condition is to evaluate, so conjunctions and
// disjunctions test their cheap parts first (they have no side effects, so
// order changes only the time taken).
func cost(n node) int {
	switch x := n.(type) {
	case andNode:
		c := 1
		for _, y := range x {
			c += cost(y)
		}
		return c
	case orNode:
		c := 1
		for _, y := range x {
			c += cost(y)
		}
		return c
	case notNode:
		return 1 + cost(x.x)
	case *check:
		c := 2
		switch x.op {
		case "exists", "=", "!=", "<", "<=", ">", ">=", "startswith", "endswith":
		case "in", "intersects", "pmatch":
			c = 4
		case "contains", "icontains":
			c = 6
		case "glob":
			c = 10
		}
		if f, ok := lookupField(x.field); ok && f.Type == "list" {
			c += 4
		}
		switch x.field {
		case "proc.args", "proc.cmdline", "proc.exe.dir", "fd.directory", "fd.filename", "fd.name":
			c += 3 // joins, path splitting or address formatting
		}
		return c
	}
	return 1
}

func byCost(ns []node) []node {
	out := slices.Clone(ns)
	slices.SortStableFunc(out, func(a, b node) int { return cost(a) - cost(b) })
	return out
}

func compileNode(n node) (evalFn, error) {
	switch x := n.(type) {
	case andNode:
		fs, err := compileAll(byCost(x))
		if err != nil {
			return nil, err
		}
		if len(fs) == 2 {
			a, b := fs[0], fs[1]
			return func(e *event.Event) bool { return a(e) && b(e) }, nil
		}
		return func(e *event.Event) bool {
			for _, f := range fs {
				if !f(e) {
					return false
				}
			}
			return true
		}, nil
	case orNode:
		fs, err := compileAll(byCost(x))
		if err != nil {
			return nil, err
		}
		if len(fs) == 2 {
			a, b := fs[0], fs[1]
			return func(e *event.Event) bool { return a(e) || b(e) }, nil
		}
		return func(e *event.Event) bool {
			for _, f := range fs {
				if f(e) {
					return true
				}
			}
			return false
		}, nil
	case notNode:
		f, err := compileNode(x.x)
		if err != nil {
			return nil, err
		}
		return func(e *event.Event) bool { return !f(e) }, nil
	case *check:
		return compileCheck(x)
	}
	return nil, fmt.Errorf("rules: unexpected node %T", n)
}

func compileAll(ns []node) ([]evalFn, error) {
	out := make([]evalFn, len(ns))
	for i, c := range ns {
		f, err := compileNode(c)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

var opsByType = map[string][]string{
	"string": {"=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "startswith", "endswith", "glob", "in", "intersects", "pmatch", "exists"},
	"number": {"=", "!=", "<", "<=", ">", ">=", "in", "exists"},
	"bool":   {"=", "!=", "exists"},
	"ip":     {"=", "!=", "in", "exists"},
	"list":   {"=", "contains", "icontains", "startswith", "endswith", "glob", "in", "intersects", "pmatch", "exists"},
}

func compileCheck(c *check) (evalFn, error) {
	f, ok := lookupField(c.field)
	if !ok {
		return nil, &condError{pos: c.pos, msg: fmt.Sprintf("unknown field %q (the fields are listed in docs/DEFEND.md)", c.field)}
	}
	if !slices.Contains(opsByType[f.Type], c.op) {
		return nil, &condError{pos: c.pos, msg: fmt.Sprintf("%s is a %s field: %s does not apply (use %s)", c.field, f.Type, c.op, strings.Join(opsByType[f.Type], ", "))}
	}
	if c.field == "evt.type" && c.op != "exists" {
		for _, v := range c.vals {
			if _, ok := kindIndex[event.Kind(v.s)]; ok || c.op != "=" && c.op != "!=" && c.op != "in" && c.op != "intersects" {
				continue
			}
			hint := ""
			if k, ok := syscallKinds[v.s]; ok {
				hint = fmt.Sprintf(" (%q is %q)", v.s, k)
			}
			return nil, &condError{pos: c.pos, msg: fmt.Sprintf("evt.type %q is not an event kind%s; the kinds are %s", v.s, hint, kindNames())}
		}
	}
	acc := accessor(f)
	if c.op == "exists" {
		return existsFn(acc), nil
	}
	var (
		fn  evalFn
		err error
	)
	switch a := acc.(type) {
	case strAcc:
		fn, err = stringCheck(a, c)
	case numAcc:
		fn, err = numberCheck(a, c)
	case boolAcc:
		fn, err = boolCheck(a, c)
	case ipAcc:
		fn, err = ipCheck(a, c)
	case listAcc:
		fn, err = listCheck(a, c)
	}
	if err != nil {
		return nil, &condError{pos: c.pos, msg: fmt.Sprintf("%s %s: %v", c.field, c.op, err)}
	}
	return fn, nil
}

func kindNames() string {
	s := make([]string, len(event.Kinds))
	for i, k := range event.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func existsFn(acc any) evalFn {
	switch a := acc.(type) {
	case strAcc:
		return func(e *event.Event) bool { _, ok := a(e); return ok }
	case numAcc:
		return func(e *event.Event) bool { _, ok := a(e); return ok }
	case boolAcc:
		return func(e *event.Event) bool { _, ok := a(e); return ok }
	case ipAcc:
		return func(e *event.Event) bool { _, ok := a(e); return ok }
	case listAcc:
		return func(e *event.Event) bool { _, ok := a(e); return ok }
	}
	return func(*event.Event) bool { return false }
}

func values(c *check) []string {
	out := make([]string, len(c.vals))
	for i, v := range c.vals {
		out[i] = v.s
	}
	return out
}

// strMatcher tests one string against a check's operand.
type strMatcher func(string) bool

func stringMatcher(c *check) (strMatcher, error) {
	vs := values(c)
	if !isListComp(c.op) && len(vs) != 1 {
		return nil, errors.New("takes one value")
	}
	switch c.op {
	case "=":
		v := vs[0]
		return func(s string) bool { return s == v }, nil
	case "!=":
		v := vs[0]
		return func(s string) bool { return s != v }, nil
	case "<":
		v := vs[0]
		return func(s string) bool { return s < v }, nil
	case "<=":
		v := vs[0]
		return func(s string) bool { return s <= v }, nil
	case ">":
		v := vs[0]
		return func(s string) bool { return s > v }, nil
	case ">=":
		v := vs[0]
		return func(s string) bool { return s >= v }, nil
	case "contains":
		v := vs[0]
		return func(s string) bool { return strings.Contains(s, v) }, nil
	case "icontains":
		v := strings.ToLower(vs[0])
		return func(s string) bool { return containsFold(s, v) }, nil
	case "startswith":
		v := vs[0]
		return func(s string) bool { return strings.HasPrefix(s, v) }, nil
	case "endswith":
		v := vs[0]
		return func(s string) bool { return strings.HasSuffix(s, v) }, nil
	case "glob":
		re, err := globRegexp(vs[0])
		if err != nil {
			return nil, err
		}
		return re.MatchString, nil
	case "in", "intersects":
		return inSet(vs), nil
	case "pmatch":
		return pathMatch(vs), nil
	}
	return nil, fmt.Errorf("unsupported operator")
}

func stringCheck(a strAcc, c *check) (evalFn, error) {
	m, err := stringMatcher(c)
	if err != nil {
		return nil, err
	}
	// The commonest checks get closures of their own, saving the second
	// indirect call.
	switch c.op {
	case "=":
		v := c.vals[0].s
		return func(e *event.Event) bool { s, ok := a(e); return ok && s == v }, nil
	case "!=":
		v := c.vals[0].s
		return func(e *event.Event) bool { s, ok := a(e); return ok && s != v }, nil
	case "startswith":
		v := c.vals[0].s
		return func(e *event.Event) bool { s, ok := a(e); return ok && strings.HasPrefix(s, v) }, nil
	}
	return func(e *event.Event) bool { s, ok := a(e); return ok && m(s) }, nil
}

func listCheck(a listAcc, c *check) (evalFn, error) {
	if c.op == "in" {
		set := inSet(values(c))
		// Every element in the set (and at least one element).
		return func(e *event.Event) bool {
			l, ok := a(e)
			if !ok || len(l) == 0 {
				return false
			}
			for _, s := range l {
				if !set(s) {
					return false
				}
			}
			return true
		}, nil
	}
	m, err := stringMatcher(c)
	if err != nil {
		return nil, err
	}
	// Any element satisfies the operator.
	return func(e *event.Event) bool {
		l, ok := a(e)
		if !ok {
			return false
		}
		for _, s := range l {
			if m(s) {
				return true
			}
		}
		return false
	}, nil
}

// inSet tests membership: a linear scan for a few values, a map beyond.
func inSet(vs []string) strMatcher {
	vs = slices.Compact(slices.Sorted(slices.Values(vs)))
	if len(vs) <= 8 {
		return func(s string) bool {
			for _, v := range vs {
				if s == v {
					return true
				}
			}
			return false
		}
	}
	m := make(map[string]struct{}, len(vs))
	for _, v := range vs {
		m[v] = struct{}{}
	}
	return func(s string) bool { _, ok := m[s]; return ok }
}

// pathMatch is Falco's pmatch: the value is one of the paths or below one.
func pathMatch(vs []string) strMatcher {
	m := make(map[string]struct{}, len(vs))
	for _, v := range vs {
		if v != "/" {
			v = strings.TrimRight(v, "/")
		}
		m[v] = struct{}{}
	}
	_, root := m["/"]
	return func(s string) bool {
		if root && strings.HasPrefix(s, "/") {
			return true
		}
		if _, ok := m[s]; ok {
			return true
		}
		for i := len(s) - 1; i > 0; i-- {
			if s[i] == '/' {
				if _, ok := m[s[:i]]; ok {
					return true
				}
			}
		}
		return false
	}
}

// containsFold is strings.Contains ignoring case; sub is lower-case.
func containsFold(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.Contains(strings.ToLower(s), sub)
		}
	}
	return strings.Contains(s, sub)
}

// globRegexp translates a Falco glob (* any run of characters, / included;
// ? one character; [...] a class, [!...] its complement) into a regular
// expression, which Go matches in linear time whatever the pattern.
func globRegexp(g string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(g[i+1:], ']')
			if j < 0 {
				return nil, fmt.Errorf("glob %q: [ without ]", g)
			}
			class := g[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			if class == "" || class == "^" {
				return nil, fmt.Errorf("glob %q: empty []", g)
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("glob %q: %v", g, err)
	}
	return re, nil
}

func numberCheck(a numAcc, c *check) (evalFn, error) {
	vs := make([]int64, len(c.vals))
	for i, v := range c.vals {
		n, err := strconv.ParseInt(v.s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", v.s)
		}
		vs[i] = n
	}
	if c.op != "in" && len(vs) != 1 {
		return nil, errors.New("takes one value")
	}
	var cmp func(int64) bool
	switch c.op {
	case "=":
		v := vs[0]
		return func(e *event.Event) bool { n, ok := a(e); return ok && n == v }, nil
	case "!=":
		v := vs[0]
		return func(e *event.Event) bool { n, ok := a(e); return ok && n != v }, nil
	case "<":
		cmp = func(n int64) bool { return n < vs[0] }
	case "<=":
		cmp = func(n int64) bool { return n <= vs[0] }
	case ">":
		cmp = func(n int64) bool { return n > vs[0] }
	case ">=":
		cmp = func(n int64) bool { return n >= vs[0] }
	case "in":
		cmp = func(n int64) bool { return slices.Contains(vs, n) }
	default:
		return nil, errors.New("unsupported operator")
	}
	return func(e *event.Event) bool { n, ok := a(e); return ok && cmp(n) }, nil
}

func boolCheck(a boolAcc, c *check) (evalFn, error) {
	if len(c.vals) != 1 {
		return nil, errors.New("takes one value")
	}
	var v bool
	switch strings.ToLower(c.vals[0].s) {
	case "true":
		v = true
	case "false":
	default:
		return nil, fmt.Errorf("%q is not true or false", c.vals[0].s)
	}
	if c.op == "!=" {
		return func(e *event.Event) bool { b, ok := a(e); return ok && b != v }, nil
	}
	return func(e *event.Event) bool { b, ok := a(e); return ok && b == v }, nil
}

// ipCheck compares an address with addresses or networks ("10.0.0.0/8").
func ipCheck(a ipAcc, c *check) (evalFn, error) {
	var ps []netip.Prefix
	for _, v := range c.vals {
		if p, err := netip.ParsePrefix(v.s); err == nil {
			ps = append(ps, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(v.s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a network", v.s)
		}
		ps = append(ps, netip.PrefixFrom(addr, addr.BitLen()))
	}
	if c.op != "in" && len(ps) != 1 {
		return nil, errors.New("takes one value")
	}
	in := func(x netip.Addr) bool {
		x = x.Unmap()
		for _, p := range ps {
			if p.Contains(x) {
				return true
			}
		}
		return false
	}
	if c.op == "!=" {
		return func(e *event.Event) bool { x, ok := a(e); return ok && !in(x) }, nil
	}
	return func(e *event.Event) bool { x, ok := a(e); return ok && in(x) }, nil
}
