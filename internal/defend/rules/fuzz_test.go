package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// FuzzCompile feeds hostile YAML to the loader: whatever the input, no
// panic, and an error is one located line.
func FuzzCompile(f *testing.F) {
	f.Add(string(defaultYAML))
	f.Add("- rule: r\n  condition: proc.name = x\n  output: o %proc.name\n  priority: info\n")
	f.Add("- list: a\n  items: [b]\n- list: b\n  items: [a]\n")
	f.Add("- macro: a\n  condition: a\n")
	f.Add("- list: l\n  items: &x [a]\n- list: m\n  items: *x\n")
	f.Add("- rule: r\n  exceptions: [{name: e, fields: proc.name, comps: in, values: [a]}]\n  enabled: false\n")
	f.Add("- rule: r\n  condition: ((((not\n  output: '%'\n  priority: INFO\n")
	f.Add("a: [1, 2\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Compile(Source{Name: "f.yaml", Data: []byte(src)})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %T (%v) is not located", err, err)
			}
			return
		}
		e := &event.Event{Kind: event.Exec, Process: event.Process{Comm: "x"}}
		for _, r := range s.Match(e, nil) {
			r.Alert(e)
		}
		s.Kernel()
	})
}

// FuzzCondition feeds hostile conditions to the parser and compiler, with
// lists and macros to refer to, and evaluates what compiles on a few events.
func FuzzCondition(f *testing.F) {
	for _, c := range []string{
		"proc.name = x", `proc.name in (shells, "a b", 'c')`, "not (m or fd.sport > 3)", "fd.sip = 10.0.0.0/8",
		"proc.exe glob '/x/[!a]*'", "((((", "proc.name = \"", "evt.type in (exec, open) and proc.anames in (a)",
		"proc.exe pmatch (/, /tmp/)", "fd.sport in (0x10, -1, 99999999999999999999)", "proc.name != '' and m",
	} {
		f.Add(c)
	}
	pre := "- list: shells\n  items: [sh, bash]\n- macro: m\n  condition: proc.name in (shells)\n"
	evs := corpus()[:200]
	f.Fuzz(func(t *testing.T, cond string) {
		if strings.ContainsAny(cond, "\n\r") {
			return // YAML would fold it; the parser sees one line
		}
		src := pre + "- rule: r\n  condition: '" + strings.ReplaceAll(cond, "'", "''") + "'\n  output: o\n  priority: info\n"
		s, err := Compile(Source{Name: "f.yaml", Data: []byte(src)})
		if err != nil {
			return
		}
		r := s.Rules()[0]
		for _, e := range evs {
			r.Matches(e)
		}
		if k, ok := r.Kernel(); ok {
			t.Fatalf("alert rule with a kernel form %+v", k)
		}
	})
}
