package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

func TestKernelForms(t *testing.T) {
	lists := "- list: bins\n  items: [/bin, /usr/bin]\n"
	tests := []struct {
		cond string
		want *KernelRule // nil: no kernel form
	}{
		{`evt.type = exec and proc.name in (xmrig, minerd) and container.id != ""`,
			&KernelRule{Kinds: []event.Kind{event.Exec}, Comm: Strings{Exact: []string{"xmrig", "minerd"}}, ContainerOnly: true}},
		{`evt.type = open and fd.write = true and fd.name pmatch (bins)`,
			&KernelRule{Kinds: []event.Kind{event.Open}, Path: Strings{Exact: []string{"/bin", "/usr/bin"}, Prefixes: []string{"/bin/", "/usr/bin/"}}, WriteOnly: true}},
		{`evt.type = exec and (proc.exe startswith /tmp/ or proc.exe = /x or proc.exe in (/y))`,
			&KernelRule{Kinds: []event.Kind{event.Exec}, Exe: Strings{Exact: []string{"/x", "/y"}, Prefixes: []string{"/tmp/"}}}},
		{`evt.type in (open, exec) and fd.directory = /etc and container.id in (abc, def)`,
			&KernelRule{Kinds: []event.Kind{event.Exec, event.Open}, Dir: Strings{Exact: []string{"/etc"}}, Containers: []string{"abc", "def"}}},
		{`evt.type = ptrace`, &KernelRule{Kinds: []event.Kind{event.Ptrace}}},
		{`evt.type = connect and fd.name pmatch (/)`, &KernelRule{Kinds: []event.Kind{event.Connect}, Path: Strings{Prefixes: []string{"/"}}}},
		// Beyond the kernel form: user space only.
		{`evt.type = exec and not proc.name = sh`, nil},
		{`evt.type = exec and (proc.name = sh or proc.exe = /bin/sh)`, nil},
		{`evt.type = exec and proc.name = sh and proc.name startswith s`, nil},
		{`evt.type = exec and proc.name startswith s`, nil},
		{`evt.type = exec and proc.exe endswith /sh`, nil},
		{`evt.type = exec and proc.tty = true`, nil},
		{`evt.type = open and fd.write = false`, nil},
		{`evt.type = exec and container.id = ""`, nil},
		{`evt.type = exec or proc.name = x`, nil},
	}
	for _, tt := range tests {
		src := lists + "- rule: r\n  condition: " + tt.cond + "\n  output: o\n  priority: info\n  response: kill\n"
		s, err := Compile(Source{Name: "k.yaml", Data: []byte(src)})
		if err != nil {
			t.Fatalf("%s: %v", tt.cond, err)
		}
		r := s.Rules()[0]
		k, ok := r.Kernel()
		if tt.want == nil {
			if ok {
				t.Errorf("%s: kernel form %+v, want none", tt.cond, k)
			}
			continue
		}
		tt.want.Rule, tt.want.Response = "r", event.Kill
		if !ok {
			t.Errorf("%s: no kernel form", tt.cond)
			continue
		}
		if diff := cmp.Diff(*tt.want, k); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.cond, diff)
		}
		agree(t, r, k)
	}
}

// agree holds a kernel form to its rule on the whole corpus.
func agree(t *testing.T, r *Rule, k KernelRule) {
	t.Helper()
	for _, e := range corpus() {
		if got, want := k.Match(e), r.Matches(e); got != want {
			t.Errorf("%s: kernel form says %v, rule %v, on %s %+v", r.ID, got, want, e, e.Process)
			return
		}
	}
}

func TestDefaultKernelFormsAgree(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range s.Kernel() {
		agree(t, s.Rule(k.Rule), k)
	}
	// Alert rules and disabled rules have none.
	src := "- rule: a\n  condition: evt.type = ptrace\n  output: o\n  priority: info\n" +
		"- rule: b\n  condition: evt.type = ptrace\n  output: o\n  priority: info\n  response: kill\n  enabled: false\n"
	s, err = Compile(Source{Name: "k.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	if ks := s.Kernel(); len(ks) != 0 {
		t.Errorf("kernel forms %+v", ks)
	}
}
