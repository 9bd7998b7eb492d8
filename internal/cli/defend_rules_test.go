package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

func TestDefendRulesCommands(t *testing.T) {
	t.Parallel()
	r := run(t, "defend", "rules", "default")
	if r.code != 0 || r.stdout != string(rules.DefaultYAML()) {
		t.Fatalf("rules default: %d %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	def := write("default.yaml", r.stdout)
	if r := run(t, "defend", "rules", "check", "--no-default", def); r.code != 0 || !strings.Contains(r.stdout, "valid: 26 rules") {
		t.Errorf("check default: %+v", r)
	}
	user := write("user.yaml", "- list: shell_binaries\n  items: [myshell]\n  append: true\n- rule: Mount in a container\n  enabled: false\n")
	if r := run(t, "defend", "rules", "check", user); r.code != 0 || !strings.Contains(r.stdout, "25 enabled") {
		t.Errorf("check user file over defaults: %+v", r)
	}
	if r := run(t, "defend", "rules", "check", "--no-default", user); r.code != 2 || !strings.Contains(r.stderr, "append to a list that is not defined") {
		t.Errorf("check user file alone: %+v", r)
	}
	r = run(t, "defend", "rules", "list", "--format", "json", user)
	var rows []struct {
		ID      string
		Enabled bool
		Kernel  bool
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rows) != nil || len(rows) != 26 {
		t.Fatalf("list json: %+v", r)
	}
	for _, row := range rows {
		if row.ID == "mount-in-container" && row.Enabled || row.ID == "read-shadow" && !row.Kernel {
			t.Errorf("list: %+v", row)
		}
	}

	// Hostile files: one clear line, exit 2.
	items := make([]string, rules.MaxListItems+1)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	hostile := map[string]string{
		"unknown field": "- rule: r\n  condition: proc.nmae = sh\n  output: o\n  priority: info\n",
		"unknown key":   "- rule: r\n  condition: proc.name = sh\n  output: o\n  priority: info\n  action: kill\n",
		"huge list":     "- list: l\n  items: [" + strings.Join(items, ",") + "]\n",
		"cyclic macros": "- macro: a\n  condition: b and proc.name = x\n- macro: b\n  condition: not a\n",
		"deep nesting":  "- rule: r\n  condition: " + strings.Repeat("not ", 500) + "proc.name = x\n  output: o\n  priority: info\n",
		"binary junk":   "\x00\xff\xfe- rule",
	}
	for name, body := range hostile {
		p := write(strings.ReplaceAll(name, " ", "_")+".yaml", body)
		r := run(t, "defend", "rules", "check", p)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, p) {
			t.Errorf("%s: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	if r := run(t, "defend", "rules", "check", filepath.Join(dir, "missing.yaml")); r.code != 2 {
		t.Errorf("missing file: %+v", r)
	}
	if r := run(t, "defend", "rules", "check"); r.code != 2 {
		t.Errorf("no file: %+v", r)
	}
}
