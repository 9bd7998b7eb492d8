package rules

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestDocs keeps docs/DEFEND.md's generated tables (fields from
// event.Fields, the default rules from the default set) in step with the
// code; -update rewrites them.
func TestDocs(t *testing.T) {
	path := filepath.Join(testutil.RepoRoot(t), "docs", "DEFEND.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)

	var fields strings.Builder
	fields.WriteString("| field | type | value |\n|---|---|---|\n")
	for _, f := range event.Fields {
		fmt.Fprintf(&fields, "| `%s` | %s | %s |\n", f.Name, f.Type, strings.ReplaceAll(f.Doc, "|", "\\|"))
	}
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var def strings.Builder
	def.WriteString("| id | what | priority | response | kernel | events | MITRE ATT&CK |\n|---|---|---|---|---|---|---|\n")
	for _, r := range s.Rules() {
		var mitre, kinds []string
		for _, tag := range r.Tags {
			if strings.HasPrefix(tag, "T") {
				mitre = append(mitre, tag)
			}
		}
		for _, k := range r.Kinds {
			kinds = append(kinds, string(k))
		}
		k := "no"
		if _, ok := r.Kernel(); ok {
			k = "yes"
		}
		fmt.Fprintf(&def, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.ID, r.Name, r.Priority, r.Response, k, strings.Join(kinds, ", "), strings.Join(mitre, ", "))
	}

	got := doc
	for _, sec := range []struct{ name, body string }{{"fields", fields.String()}, {"default-rules", def.String()}} {
		begin, end := "<!-- "+sec.name+":begin -->\n", "<!-- "+sec.name+":end -->"
		i, j := strings.Index(got, begin), strings.Index(got, end)
		if i < 0 || j < i {
			t.Fatalf("docs/DEFEND.md has no %s markers", sec.name)
		}
		got = got[:i+len(begin)] + sec.body + got[j:]
	}
	if got == doc {
		return
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("docs/DEFEND.md's generated tables are out of date: run go test ./internal/defend/rules -run TestDocs -update")
}
