package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

type entryKind int

const (
	ruleEntry entryKind = iota
	listEntry
	macroEntry
)

func (k entryKind) String() string { return [...]string{"rule", "list", "macro"}[k] }

// entry is one item of a rules file, checked for shape but not yet
// compiled.
type entry struct {
	kind   entryKind
	name   string
	file   string
	line   int
	append bool
	keys   map[string]bool // keys present, for the enabled-only form

	condition string
	condLine  int
	items     []string // list

	id, desc, output string
	priority         Priority
	response         string
	tags             []string
	enabled          *bool
	exceptions       []exception
}

func (e *entry) where() string { return fmt.Sprintf("%s:%d", e.file, e.line) }

func (e *entry) errorf(line int, format string, args ...any) error {
	if line == 0 {
		line = e.line
	}
	return &Error{File: e.file, Line: line, Msg: fmt.Sprintf("%s %q: ", e.kind, e.name) + fmt.Sprintf(format, args...)}
}

// exception is a Falco exception: tuples of values for fields, compared
// with comps; an event matching any tuple is excepted from the rule.
type exception struct {
	name   string
	line   int
	fields []string
	comps  []string
	values [][][]string // tuple → field position → one value, or several for in/pmatch/intersects
}

var keysOf = map[entryKind][]string{
	ruleEntry:  {"rule", "id", "desc", "condition", "output", "priority", "tags", "enabled", "exceptions", "response", "append"},
	listEntry:  {"list", "items", "append"},
	macroEntry: {"macro", "condition", "append"},
}

var (
	identRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	idRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`) })
)

// parseFile checks a file's YAML shape and returns its entries.
func parseFile(file string, data []byte) ([]*entry, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty file defines nothing
		}
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: file, Line: extra.Line, Msg: "more than one YAML document"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil, nil
	}
	if top.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: top.Line, Msg: "a rules file is a list of - rule:, - list: and - macro: entries"}
	}
	if len(top.Content) > MaxEntries {
		return nil, &Error{File: file, Line: top.Line, Msg: fmt.Sprintf("more than %d entries", MaxEntries)}
	}
	var out []*entry
	for _, n := range top.Content {
		e, err := parseEntry(file, n)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// yamlError turns the YAML library's error into a located one.
func yamlError(file string, err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &Error{File: file, Line: line, Msg: "YAML: " + m[2]}
	}
	return &Error{File: file, Msg: strings.Replace(msg, "yaml: ", "YAML: ", 1)}
}

func parseEntry(file string, n *yaml.Node) (*entry, error) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return nil, &Error{File: file, Line: n.Line, Msg: "an entry is a mapping starting with rule:, list: or macro:"}
	}
	e := &entry{file: file, line: n.Line, keys: map[string]bool{}}
	first := n.Content[0].Value
	switch first {
	case "rule":
		e.kind = ruleEntry
	case "list":
		e.kind = listEntry
	case "macro":
		e.kind = macroEntry
	default:
		return nil, &Error{File: file, Line: n.Content[0].Line, Msg: fmt.Sprintf("unknown entry %q: want rule, list or macro as the first key", first)}
	}
	allowed := keysOf[e.kind]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &Error{File: file, Line: k.Line, Msg: "a key must be a plain string"}
		}
		if !slices.Contains(allowed, k.Value) {
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s: unknown key %q (known: %s)", e.kind, k.Value, strings.Join(allowed, ", "))}
		}
		if e.keys[k.Value] {
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s: key %q given twice", e.kind, k.Value)}
		}
		e.keys[k.Value] = true
		if err := e.set(k.Value, v); err != nil {
			return nil, err
		}
	}
	return e, e.check()
}

// set reads one key's value.
func (e *entry) set(key string, v *yaml.Node) error {
	var err error
	switch key {
	case "rule", "list", "macro":
		if e.name, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
		e.name = strings.TrimSpace(e.name)
	case "condition":
		if e.condition, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
		e.condLine = v.Line
	case "items":
		if e.items, err = scalars(v); err != nil {
			return e.located(v, key, err)
		}
	case "append":
		if e.append, err = boolean(v); err != nil {
			return e.located(v, key, err)
		}
	case "id":
		if e.id, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
	case "desc":
		if e.desc, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
	case "output":
		if e.output, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
	case "priority":
		s, err := scalar(v)
		if err != nil {
			return e.located(v, key, err)
		}
		if e.priority, err = ParsePriority(s); err != nil {
			return e.located(v, key, fmt.Errorf("%q is not one of %s", s, strings.Join(priorityNames, ", ")))
		}
	case "response":
		if e.response, err = scalar(v); err != nil {
			return e.located(v, key, err)
		}
		e.response = strings.ToLower(strings.TrimSpace(e.response))
		if _, ok := responses[e.response]; !ok {
			return e.located(v, key, fmt.Errorf("%q is not one of alert, kill, deny, pause, stop", e.response))
		}
	case "tags":
		if e.tags, err = scalars(v); err != nil {
			return e.located(v, key, err)
		}
		for _, t := range e.tags {
			if t == "" || strings.ContainsAny(t, " \t\n") {
				return e.located(v, key, fmt.Errorf("tag %q: tags are single words", t))
			}
		}
	case "enabled":
		b, err := boolean(v)
		if err != nil {
			return e.located(v, key, err)
		}
		e.enabled = &b
	case "exceptions":
		if v.Kind != yaml.SequenceNode {
			return e.located(v, key, errors.New("want a list of exceptions"))
		}
		for _, x := range v.Content {
			ex, err := e.parseException(x)
			if err != nil {
				return err
			}
			e.exceptions = append(e.exceptions, ex)
		}
	}
	return nil
}

func (e *entry) located(v *yaml.Node, key string, err error) error {
	return &Error{File: e.file, Line: v.Line, Msg: fmt.Sprintf("%s: %s: %v", e.kind, key, err)}
}

// check applies the rules that involve several keys.
func (e *entry) check() error {
	if e.name == "" {
		return &Error{File: e.file, Line: e.line, Msg: e.kind.String() + ": empty name"}
	}
	switch e.kind {
	case listEntry:
		if !identRE().MatchString(e.name) {
			return e.errorf(0, "a list name is letters, digits and _")
		}
		if !e.keys["items"] {
			return e.errorf(0, "items is required")
		}
		if len(e.items) > MaxListItems {
			return e.errorf(0, "%d items; at most %d", len(e.items), MaxListItems)
		}
	case macroEntry:
		if !identRE().MatchString(e.name) {
			return e.errorf(0, "a macro name is letters, digits and _")
		}
		if !e.keys["condition"] {
			return e.errorf(0, "condition is required")
		}
	case ruleEntry:
		if len(e.name) > 200 {
			return e.errorf(0, "name longer than 200 characters")
		}
		if e.id != "" && !idRE().MatchString(e.id) {
			return e.errorf(0, "id %q: lower-case letters, digits, '-', '_' and '.', at most 64", e.id)
		}
		if e.id == "model" {
			return e.errorf(0, `id "model" is reserved for behaviour-model alerts`)
		}
		// The short forms: enabled alone switches an earlier rule on or
		// off; append adds to its condition or exceptions.
		if e.append || e.enabledOnly() {
			for _, k := range []string{"id", "desc", "output", "priority", "tags", "response"} {
				if e.keys[k] && e.append {
					return e.errorf(0, "append: true adds only condition and exceptions; %s cannot be appended", k)
				}
			}
			return nil
		}
		for _, k := range []string{"condition", "output", "priority"} {
			if !e.keys[k] {
				return e.errorf(0, "%s is required", k)
			}
		}
	}
	return nil
}

// enabledOnly is Falco's form `- rule: NAME / enabled: false`, which
// changes an earlier rule.
func (e *entry) enabledOnly() bool {
	return e.kind == ruleEntry && e.keys["enabled"] && len(e.keys) == 2
}

func (e *entry) parseException(n *yaml.Node) (exception, error) {
	ex := exception{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return ex, &Error{File: e.file, Line: n.Line, Msg: "exception: want a mapping with name, fields, comps, values"}
	}
	var fieldsNode, compsNode, valuesNode *yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return ex, &Error{File: e.file, Line: k.Line, Msg: fmt.Sprintf("exception: key %q given twice", k.Value)}
		}
		seen[k.Value] = true
		switch k.Value {
		case "name":
			s, err := scalar(v)
			if err != nil {
				return ex, e.located(v, "exceptions: name", err)
			}
			ex.name = s
		case "fields":
			fieldsNode = v
		case "comps":
			compsNode = v
		case "values":
			valuesNode = v
		default:
			return ex, &Error{File: e.file, Line: k.Line, Msg: fmt.Sprintf("exception: unknown key %q (known: name, fields, comps, values)", k.Value)}
		}
	}
	if ex.name == "" {
		return ex, &Error{File: e.file, Line: n.Line, Msg: "exception: name is required"}
	}
	if fieldsNode == nil {
		return ex, &Error{File: e.file, Line: n.Line, Msg: fmt.Sprintf("exception %q: fields is required", ex.name)}
	}
	// The single-field form: fields: proc.name, comps: in, values: [a, b].
	single := fieldsNode.Kind == yaml.ScalarNode
	var err error
	if single {
		ex.fields = []string{fieldsNode.Value}
	} else if ex.fields, err = scalars(fieldsNode); err != nil {
		return ex, e.located(fieldsNode, "exceptions: fields", err)
	}
	if len(ex.fields) == 0 {
		return ex, &Error{File: e.file, Line: fieldsNode.Line, Msg: fmt.Sprintf("exception %q: no fields", ex.name)}
	}
	switch {
	case compsNode == nil:
		ex.comps = make([]string, len(ex.fields))
		for i := range ex.comps {
			ex.comps[i] = "="
		}
		if single {
			ex.comps[0] = "in"
		}
	case compsNode.Kind == yaml.ScalarNode:
		ex.comps = []string{compsNode.Value}
	default:
		if ex.comps, err = scalars(compsNode); err != nil {
			return ex, e.located(compsNode, "exceptions: comps", err)
		}
	}
	if len(ex.comps) != len(ex.fields) {
		return ex, &Error{File: e.file, Line: n.Line, Msg: fmt.Sprintf("exception %q: %d fields but %d comps", ex.name, len(ex.fields), len(ex.comps))}
	}
	if valuesNode == nil {
		return ex, nil // values may come from a later append
	}
	if valuesNode.Kind != yaml.SequenceNode {
		return ex, e.located(valuesNode, "exceptions: values", errors.New("want a list"))
	}
	if single {
		vals, err := scalars(valuesNode)
		if err != nil {
			return ex, e.located(valuesNode, "exceptions: values", err)
		}
		if len(vals) > MaxListItems {
			return ex, e.located(valuesNode, "exceptions: values", fmt.Errorf("%d values; at most %d", len(vals), MaxListItems))
		}
		if isListComp(ex.comps[0]) {
			ex.values = [][][]string{{vals}}
		} else {
			for _, v := range vals {
				ex.values = append(ex.values, [][]string{{v}})
			}
		}
		return ex, nil
	}
	if len(valuesNode.Content) > MaxListItems {
		return ex, e.located(valuesNode, "exceptions: values", fmt.Errorf("%d tuples; at most %d", len(valuesNode.Content), MaxListItems))
	}
	for _, t := range valuesNode.Content {
		if t.Kind != yaml.SequenceNode {
			return ex, e.located(t, "exceptions: values", fmt.Errorf("each value is a list of %d items, one per field", len(ex.fields)))
		}
		if len(t.Content) != len(ex.fields) {
			return ex, e.located(t, "exceptions: values", fmt.Errorf("%d items for %d fields", len(t.Content), len(ex.fields)))
		}
		var tuple [][]string
		for _, x := range t.Content {
			if x.Kind == yaml.SequenceNode {
				vs, err := scalars(x)
				if err != nil {
					return ex, e.located(x, "exceptions: values", err)
				}
				tuple = append(tuple, vs)
				continue
			}
			s, err := scalar(x)
			if err != nil {
				return ex, e.located(x, "exceptions: values", err)
			}
			tuple = append(tuple, []string{s})
		}
		ex.values = append(ex.values, tuple)
	}
	return ex, nil
}

func scalar(n *yaml.Node) (string, error) {
	switch {
	case n.Kind == yaml.AliasNode:
		return "", errors.New("YAML aliases are not supported")
	case n.Kind != yaml.ScalarNode:
		return "", errors.New("want a single value")
	case n.Tag == "!!null":
		return "", nil
	}
	return n.Value, nil
}

// scalars reads a list of single values. An item written with Falco's
// inner double quotes ('"(systemd)"') loses them.
func scalars(n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.AliasNode {
		return nil, errors.New("YAML aliases are not supported")
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errors.New("want a list [a, b, …]")
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := scalar(c)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", c.Line, err)
		}
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = s[1 : len(s)-1]
		}
		out = append(out, s)
	}
	return out, nil
}

func boolean(n *yaml.Node) (bool, error) {
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return true, nil
		case "false", "no", "off":
			return false, nil
		}
	}
	return false, errors.New("want true or false")
}
