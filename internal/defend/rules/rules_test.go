package rules

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// one compiles a set holding a single rule with cond, over extra YAML.
func one(t testing.TB, cond string, extra string) *Rule {
	t.Helper()
	src := extra + fmt.Sprintf("\n- rule: r\n  condition: %q\n  output: o %%proc.name\n  priority: warning\n", cond)
	s, err := Compile(Source{Name: "t.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatalf("compile %q: %v", cond, err)
	}
	return s.Rules()[0]
}

func execEvent(comm, exe string, args ...string) *event.Event {
	return &event.Event{
		Kind:      event.Exec,
		Process:   event.Process{PID: 10, PPID: 1, Comm: comm, Exe: exe, Args: append([]string{comm}, args...), ParentComm: "bash", Ancestors: []string{"containerd-shim"}},
		File:      &event.File{Path: exe},
		Container: &event.Container{ID: "c0ffee", Name: "web", Image: "nginx:1.25"},
	}
}

func TestOperators(t *testing.T) {
	ev := execEvent("curl", "/usr/bin/curl", "-s", "http://Example.com/x")
	ev.Process.UID = 1000
	connect := &event.Event{Kind: event.Connect, Net: &event.Net{Family: "inet", Addr: netip.MustParseAddr("10.1.2.3"), Port: 4444},
		Process: event.Process{Comm: "nc"}, Container: &event.Container{ID: "c0ffee"}}
	host := &event.Event{Kind: event.Exec, Process: event.Process{Comm: "bash", Exe: "/bin/bash"}}
	lists := "- list: shells\n  items: [sh, bash]\n- list: more\n  items: [shells, zsh]\n- macro: is_exec\n  condition: evt.type = exec\n"
	tests := []struct {
		cond string
		ev   *event.Event
		want bool
	}{
		{"proc.name = curl", ev, true},
		{"proc.name = 'curl'", ev, true},
		{`proc.name = "cur\"l"`, ev, false},
		{"proc.name != curl", ev, false},
		{"proc.name != wget", ev, true},
		{"proc.name < d", ev, true},
		{"proc.name >= d", ev, false},
		{"proc.args contains Example", ev, true},
		{"proc.args contains example", ev, false},
		{"proc.args icontains EXAMPLE.COM", ev, true},
		{"proc.exe startswith /usr/", ev, true},
		{"proc.exe endswith /curl", ev, true},
		{"proc.exe glob /usr/*/cu?l", ev, true},
		{"proc.exe glob '/usr/*'", ev, true}, // * crosses /
		{"proc.exe glob /usr/[a-b]*", ev, true},
		{"proc.exe glob /usr/[!b]*", ev, false},
		{"proc.name in (wget, curl)", ev, true},
		{"proc.name in (wget)", ev, false},
		{"proc.name in ()", ev, false},
		{"proc.name intersects (curl)", ev, true},
		{"proc.exe pmatch (/usr)", ev, true},
		{"proc.exe pmatch (/usr/bin/curl)", ev, true},
		{"proc.exe pmatch (/us)", ev, false},
		{"proc.exe pmatch (/)", ev, true},
		{"proc.exe exists", ev, true},
		{"proc.exe exists", &event.Event{Kind: event.Exec}, false},
		{"fd.sip exists", ev, false},
		{"fd.sip = 10.1.2.3", connect, true},
		{"fd.sip = 10.0.0.0/8", connect, true},
		{"fd.sip != 10.0.0.0/8", connect, false},
		{"fd.sip in (192.168.0.0/16, 10.1.2.3)", connect, true},
		{"fd.sip = ::ffff:10.1.2.3", connect, false},
		{"fd.sport = 4444", connect, true},
		{"fd.sport in (80, 4444)", connect, true},
		{"fd.sport > 1024 and fd.sport <= 4444", connect, true},
		{"fd.sport < 0x1000", connect, false},
		{"fd.name = 10.1.2.3:4444", connect, true},
		{"user.uid != 0", ev, true},
		{"user.uid = 1000", ev, true},
		{"proc.tty = false", ev, true},
		{"proc.tty != true", ev, true},
		{"proc.anames = containerd-shim", ev, true},
		{"proc.anames in (containerd-shim, runc)", ev, true},
		{"proc.anames in (runc)", ev, false},
		{"proc.anames intersects (runc, containerd-shim)", ev, true},
		{"proc.anames startswith containerd", ev, true},
		{"proc.argv contains http", ev, true},
		{"proc.anames in (x)", host, false}, // an empty list is in nothing
		// Absent values fail every comparison, != included.
		{"fd.sport != 1", ev, false},
		{"not fd.sport = 1", ev, true},
		// Host processes have container.id "" but no image.
		{`container.id = ""`, host, true},
		{`container.id != ""`, host, false},
		{"container.image exists", host, false},
		{"container.image = nginx:1.25", ev, true},
		// Logic and precedence: and binds tighter than or.
		{"proc.name = x or proc.name = curl and user.uid = 1000", ev, true},
		{"(proc.name = x or proc.name = curl) and user.uid = 0", ev, false},
		{"not proc.name = curl", ev, false},
		{"not not proc.name = curl", ev, true},
		{"proc.name=curl and user.uid!=0", ev, true},
		// Lists and macros by name.
		{"proc.name in (shells)", host, true},
		{"proc.name in (more)", host, true},
		{"proc.name in ('shells')", host, false}, // quoted: the word itself
		{"is_exec and proc.name in (more, curl)", ev, true},
		{"evt.type in (exec, open)", ev, true},
		{"evt.type != exec", ev, false},
		{"evt.type startswith ex", ev, true},
	}
	for _, tt := range tests {
		r := one(t, tt.cond, lists)
		if got := r.Matches(tt.ev); got != tt.want {
			t.Errorf("%s on %s = %v, want %v", tt.cond, tt.ev, got, tt.want)
		}
	}
}

func TestKindsIndex(t *testing.T) {
	tests := []struct {
		cond string
		want []event.Kind
	}{
		{"evt.type = exec", []event.Kind{event.Exec}},
		{"evt.type in (open, exec) and proc.name = x", []event.Kind{event.Exec, event.Open}},
		{"evt.type = exec or evt.type = connect", []event.Kind{event.Exec, event.Connect}},
		{"evt.type = exec and (evt.type = exec or evt.type = open)", []event.Kind{event.Exec}},
		{"proc.name = x", event.Kinds},
		{"not evt.type in (exec, open, connect, accept, listen, setuid, setgid, capset, mount, umount, ptrace, setns, unshare, module_load, memfd_create, bpf, exit)", []event.Kind{event.Fork}},
		{"evt.type != exec", event.Kinds[1:]},
	}
	for _, tt := range tests {
		r := one(t, tt.cond, "")
		if diff := cmp.Diff(tt.want, r.Kinds); diff != "" {
			t.Errorf("%s: kinds (-want +got):\n%s", tt.cond, diff)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	big := make([]string, MaxListItems+1)
	for i := range big {
		big[i] = fmt.Sprintf("x%d", i)
	}
	deep := strings.Repeat("(", MaxDepth+1) + "proc.name = x" + strings.Repeat(")", MaxDepth+1)
	// Each macro doubles the one before: 2^40 checks if expanded.
	var bomb strings.Builder
	bomb.WriteString("- macro: m0\n  condition: proc.name = x\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&bomb, "- macro: m%d\n  condition: m%d or m%d\n", i, i-1, i-1)
	}
	bomb.WriteString("- rule: r\n  condition: m40\n  output: o\n  priority: info\n")
	var chain strings.Builder
	chain.WriteString("- macro: c0\n  condition: proc.name = x\n")
	for i := 1; i <= MaxDepth+2; i++ {
		fmt.Fprintf(&chain, "- macro: c%d\n  condition: not c%d\n", i, i-1)
	}
	rule := func(cond string) string {
		return fmt.Sprintf("- rule: r\n  condition: %s\n  output: o\n  priority: info\n", cond)
	}
	tests := []struct {
		name, src, want string
	}{
		{"unknown field", rule("proc.nme = x"), `t.yaml:2: rule "r": condition: unknown field "proc.nme"`},
		{"unknown key", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: info\n  severity: high\n", `t.yaml:5: rule: unknown key "severity"`},
		{"unknown entry", "- rules: r\n", `t.yaml:1: unknown entry "rules"`},
		{"duplicate key", "- rule: r\n  condition: proc.name = x\n  condition: proc.name = y\n", `t.yaml:3: rule: key "condition" given twice`},
		{"missing output", "- rule: r\n  condition: proc.name = x\n  priority: info\n", `t.yaml:1: rule "r": output is required`},
		{"bad priority", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: severe\n", `t.yaml:4: rule: priority: "severe" is not one of`},
		{"bad response", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: info\n  response: nuke\n", `t.yaml:5: rule: response: "nuke" is not one of alert, kill, deny, pause, stop`},
		{"deny on ptrace", "- rule: r\n  condition: evt.type = ptrace\n  output: o\n  priority: info\n  response: deny\n", `response deny refuses exec, open and connect`},
		{"undefined macro", rule("is_shell and proc.name = x"), `t.yaml:2: rule "r": condition: undefined macro "is_shell"`},
		{"list as macro", "- list: l\n  items: [a]\n" + rule("l"), `"l" is a list; use it as an operand`},
		{"cyclic macros", "- macro: a\n  condition: b\n- macro: b\n  condition: a\n" + rule("a"), `macro "a": cycle a → b → a`},
		{"self macro", "- macro: a\n  condition: proc.name = x or a\n", `macro "a": cycle a → a`},
		{"cyclic lists", "- list: a\n  items: [b]\n- list: b\n  items: [a]\n", `list "a": cycle a → b → a`},
		{"huge list", "- list: l\n  items: [" + strings.Join(big, ", ") + "]\n", fmt.Sprintf(`t.yaml:1: list "l": %d items; at most %d`, MaxListItems+1, MaxListItems)},
		{"huge nested list", "- list: a\n  items: [" + strings.Join(big[:6000], ", ") + "]\n- list: b\n  items: [a, a]\n", `list "b": more than 10000 items with nested lists expanded`},
		{"deep nesting", rule(deep), `nested deeper than 64 levels`},
		{"macro bomb", bomb.String(), `more than 100000 checks and values`},
		{"deep macros", chain.String(), `nested deeper than 64 levels`},
		{"syscall name", rule("evt.type = execve"), `evt.type "execve" is not an event kind ("execve" is "exec")`},
		{"operator for type", rule("fd.sport startswith 4"), `fd.sport is a number field: startswith does not apply`},
		{"not a number", rule("fd.sport = http"), `"http" is not a number`},
		{"not an address", rule("fd.sip = localhost"), `"localhost" is not an address or a network`},
		{"not a bool", rule("proc.tty = yes"), `"yes" is not true or false`},
		{"bad glob", rule("proc.exe glob '/x/[ab'"), `[ without ]`},
		{"missing operator", rule("proc.name"), `want an operator after proc.name`},
		{"missing value", rule("proc.name ="), `want a value after proc.name =`},
		{"unclosed paren", rule("(proc.name = x"), `want ) to close the ( at column 1`},
		{"trailing", rule("proc.name = x y"), `unexpected "y" (a missing and/or?)`},
		{"unterminated", rule(`proc.name = "x`), `unterminated quoted string`},
		{"list without parens", rule("proc.name in shells"), `in takes a list in parentheses`},
		{"contradiction", rule("evt.type = exec and evt.type = open"), `no event kind can match it`},
		{"unknown output field", "- rule: r\n  condition: proc.name = x\n  output: hello %proc.nam\n  priority: info\n", `output: unknown field %proc.nam`},
		{"alias", "- list: l\n  items: &a [x]\n- list: m\n  items: *a\n", `YAML aliases are not supported`},
		{"two documents", "- list: l\n  items: [x]\n---\n- list: m\n  items: [y]\n", `more than one YAML document`},
		{"not a list", "rule: r\n", `a rules file is a list`},
		{"yaml syntax", "- rule: [\n", `t.yaml:1: YAML:`},
		{"append undefined", "- list: l\n  items: [x]\n  append: true\n", `list "l": append to a list that is not defined`},
		{"enable undefined", "- rule: r\n  enabled: false\n", `rule "r": changes a rule that is not defined`},
		{"duplicate id", "- rule: r 1\n  id: x\n  condition: proc.name = x\n  output: o\n  priority: info\n- rule: r 2\n  id: x\n  condition: proc.name = x\n  output: o\n  priority: info\n", `t.yaml:6: rule "r 2": id "x" is already the id of rule "r 1"`},
		{"reserved id", "- rule: Model\n  condition: proc.name = x\n  output: o\n  priority: info\n", `give the rule an id`},
		{"bad exception field", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: info\n  exceptions:\n    - name: e\n      fields: [proc.nam]\n      values: [[a]]\n", `t.yaml:6: rule "r": exception "e": unknown field "proc.nam"`},
		{"exception arity", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: info\n  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n      values: [[a]]\n", `1 items for 2 fields`},
		{"macro with bad field unused", "- macro: m\n  condition: proc.nope = 1\n", `t.yaml:2: macro "m": condition: unknown field "proc.nope"`},
		{"tag with space", "- rule: r\n  condition: proc.name = x\n  output: o\n  priority: info\n  tags: [a b]\n", `tags are single words`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(Source{Name: "t.yaml", Data: []byte(tt.src)})
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if !strings.HasPrefix(err.Error(), "rules: t.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
			var re *Error
			if !errors.As(err, &re) {
				t.Errorf("error %T is not a *rules.Error", err)
			}
		})
	}
}

func TestLayering(t *testing.T) {
	user := `
- list: shell_binaries
  items: [myshell]
  append: true
- rule: Shell in a container with a terminal
  enabled: false
- rule: Write below /etc
  exceptions:
    - name: nginx_conf
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values: [[envsubst, /etc/nginx/]]
  append: true
- macro: runtime_setup
  condition: or proc.name = myruntime
  append: true
- rule: Read of the shadow password file
  condition: and not proc.name = passwd
  append: true
- rule: Process became root
  id: setuid-root
  desc: replaced
  condition: evt.type = setuid and container
  output: became %cred.uid
  priority: critical
`
	dir := t.TempDir()
	p := filepath.Join(dir, "user.yaml")
	if err := os.WriteFile(p, []byte(user), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), []string{p}, true)
	if err != nil {
		t.Fatal(err)
	}
	in := &event.Container{ID: "c1", Image: "nginx"}
	if r := s.Rule("terminal-shell-in-container"); r == nil || r.Enabled {
		t.Error("the terminal shell rule is still enabled")
	}
	shell := execEvent("myshell", "/bin/myshell")
	shell.Process.TTY = true
	if r := s.Rule("shell-spawned-by-server"); r == nil {
		t.Fatal("no shell-spawned-by-server")
	}
	shell.Process.ParentComm = "nginx"
	if !has(s, shell, "shell-spawned-by-server") {
		t.Error("appended shell name not used")
	}
	if has(s, shell, "terminal-shell-in-container") {
		t.Error("disabled rule matched")
	}
	write := func(comm, p string) *event.Event {
		return &event.Event{Kind: event.Open, Process: event.Process{Comm: comm}, File: &event.File{Path: p, Write: true}, Container: in}
	}
	if has(s, write("envsubst", "/etc/nginx/conf.d/default.conf"), "write-below-etc") {
		t.Error("exception did not except")
	}
	if !has(s, write("envsubst", "/etc/passwd"), "write-below-etc") || !has(s, write("sh", "/etc/nginx/x"), "write-below-etc") {
		t.Error("exception excepted too much")
	}
	mount := &event.Event{Kind: event.Mount, Process: event.Process{Comm: "myruntime"}, Mount: &event.MountInfo{Target: "/x"}, Container: in}
	if has(s, mount, "mount-in-container") {
		t.Error("appended macro not used")
	}
	read := func(comm string) *event.Event {
		return &event.Event{Kind: event.Open, Process: event.Process{Comm: comm}, File: &event.File{Path: "/etc/shadow"}, Container: in}
	}
	if has(s, read("passwd"), "read-shadow") || !has(s, read("cat"), "read-shadow") {
		t.Error("appended condition not used")
	}
	r := s.Rule("setuid-root")
	if r.Desc != "replaced" || r.Priority != PriorityCritical {
		t.Errorf("redefinition did not replace: %+v", r)
	}
	if _, ok := r.Kernel(); ok {
		t.Error("alert rule has a kernel form")
	}
	// The replaced rule keeps its place.
	ids := ruleIDs(s)
	d, _ := Default()
	if diff := cmp.Diff(ruleIDs(d), ids); diff != "" {
		t.Errorf("rule order changed (-default +layered):\n%s", diff)
	}
}

func ruleIDs(s *Set) []string {
	var out []string
	for _, r := range s.Rules() {
		out = append(out, r.ID)
	}
	return out
}

func has(s *Set, e *event.Event, id string) bool {
	for _, r := range s.Match(e, nil) {
		if r.ID == id {
			return true
		}
	}
	return false
}

func TestOutput(t *testing.T) {
	r := one(t, "proc.name = curl", "")
	e := execEvent("curl", "/usr/bin/curl", "-s")
	a := r.Alert(e)
	if a.Output != "o curl" || a.Rule != "r" || a.Priority != "warning" || a.Response != event.Report {
		t.Errorf("alert = %+v", a)
	}
	segs, err := parseOutput("100%% %proc.name. %fd.sip, %proc.anames|%user.uid")
	if err != nil {
		t.Fatal(err)
	}
	e.Process.UID = 7
	if got, want := render(segs, e), "100% curl. <NA>, containerd-shim|7"; got != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}

func TestEmptyFiles(t *testing.T) {
	for _, src := range []string{"", "# just a comment\n", "---\n", "[]\n"} {
		s, err := Compile(Source{Name: "e.yaml", Data: []byte(src)})
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if len(s.Rules()) != 0 {
			t.Errorf("%q: rules from nothing", src)
		}
	}
	if _, err := Load(context.Background(), nil, false); err == nil {
		t.Error("Load of nothing succeeded")
	}
	if _, err := Load(context.Background(), []string{t.TempDir()}, true); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load of a directory: %v", err)
	}
}

func TestParsePriority(t *testing.T) {
	for i, n := range priorityNames {
		p, err := ParsePriority(strings.ToUpper(n))
		if err != nil || p != Priority(i) || p.String() != n {
			t.Errorf("%s: %v %v", n, p, err)
		}
	}
	if p, err := ParsePriority("INFO"); err != nil || p != PriorityInformational {
		t.Errorf("INFO: %v %v", p, err)
	}
	if _, err := ParsePriority("severe"); err == nil {
		t.Error("severe parsed")
	}
}
