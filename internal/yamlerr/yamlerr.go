// Package yamlerr turns the YAML decoder's errors into one line a person
// can act on.
//
// # Data flow
//
//	yaml.TypeError{"line 3: field reson not found in type ignore.Entry"} + the target's keys
//	  ──Explain──▶ "unknown key 'reson' in .bulwarkignore.yaml line 3; did you mean 'reason'?"
//
// go.yaml.in/yaml reports unknown keys and wrong value kinds with Go type
// names (ignore.Entry, []string), several per error, one per line. The
// keys a document may use are read from the yaml tags of the value it is
// decoded into, so the suggestion follows the struct without a list kept
// by hand.
package yamlerr

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/suggest"
	"go.yaml.in/yaml/v3"
)

var (
	unknownField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): field (.+) not found in type \S+$`) })
	cannot       = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("(?s)^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
	})
	lineOf = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`) })
)

// Explain rewrites err from decoding file into v as one line without Go
// type names. Errors of other kinds pass through with their lines joined.
func Explain(err error, file string, v any) error {
	if err == nil {
		return nil
	}
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok {
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		if m := lineOf().FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s line %s: %s", file, m[1], m[2])
		}
		return fmt.Errorf("%s: %s", file, msg)
	}
	keys := Keys(v)
	var parts []string
	for _, e := range te.Errors {
		parts = append(parts, explainOne(e, file, keys))
	}
	return errors.New(strings.ReplaceAll(strings.Join(parts, "; "), "\n", " "))
}

func explainOne(e, file string, keys []string) string {
	if m := unknownField().FindStringSubmatch(e); m != nil {
		msg := fmt.Sprintf("unknown key '%s' in %s line %s", m[2], file, m[1])
		if near := nearest(m[2], keys); near != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", near)
		}
		return msg
	}
	if m := cannot().FindStringSubmatch(e); m != nil {
		return fmt.Sprintf("%s line %s: '%s' is not %s", file, m[1], strings.ReplaceAll(m[3], "\n", `\n`), kindOf(m[4]))
	}
	if m := lineOf().FindStringSubmatch(e); m != nil {
		return fmt.Sprintf("%s line %s: %s", file, m[1], m[2])
	}
	return file + ": " + strings.ReplaceAll(e, "\n", " ")
}

// kindOf names what a Go type accepts, in YAML terms.
func kindOf(goType string) string {
	switch {
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping of keys to values"
	case goType == "string":
		return "text"
	}
	return "a mapping of the keys documented for it"
}

// Keys lists the YAML keys of v's type and of the structs within it.
func Keys(v any) []string {
	seen := map[reflect.Type]bool{}
	var keys []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			if strings.Contains(opts, "inline") {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			keys = append(keys, name)
			walk(f.Type)
		}
	}
	if v != nil {
		walk(reflect.TypeOf(v))
	}
	return keys
}

// nearest returns the key closest to s within two edits, or "".
func nearest(s string, keys []string) string {
	best, bestD := "", 3
	for _, k := range keys {
		if d := suggest.Distance(strings.ToLower(s), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
