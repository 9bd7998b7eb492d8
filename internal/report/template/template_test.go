package template_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/template"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"fields", `{{.Target.Name}} {{.OS.ID}} {{len .Packages}} {{.Summary.Vulnerabilities}}`, "registry.example/app:1.4 debian 7 5"},
		{"range and helpers", `{{range .Vulnerabilities}}{{if ge (severityRank .Severity) 3}}{{upper .ID}}={{join "," .Aliases}};{{end}}{{end}}`,
			"CVE-2023-45853=;DSA-5532-1=CVE-2023-5363;"},
		{"suppressed", `{{range .Suppressed}}{{.ID}}:{{.Suppression.Kind}} {{end}}`, "DSA-5417-1:ignore GO-2024-2598:vex "},
		{"escaping", `{{range .Vulnerabilities}}{{if eq .ID "DSA-5532-1"}}{{escapeXML .Title}}|{{csv "a,\"b"}}|{{truncate 7 .Title}}{{end}}{{end}}`,
			`openssl - security update &lt;script&gt;alert(1)&lt;/script&gt;|"a,""b"|openssl`},
		{"json", `{{json .Summary.BySeverity}}`, `{"critical":1,"high":1,"low":1,"medium":1,"unknown":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := template.Parse(tt.name, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := tp.Write(&buf, reporttest.Sample()); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, buf.String()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	if _, err := template.Parse("x", "{{.Target.Name"); err == nil || !strings.HasPrefix(err.Error(), "template: ") {
		t.Errorf("unclosed action: %v", err)
	}
	tp, err := template.Parse("x", "{{.NoSuchField}}")
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Write(&bytes.Buffer{}, reporttest.Sample()); err == nil {
		t.Error("unknown field: no error")
	}
	if _, err := template.Load(filepath.Join(t.TempDir(), "missing.tmpl")); err == nil {
		t.Error("missing file: no error")
	}
	p := filepath.Join(t.TempDir(), "ok.tmpl")
	os.WriteFile(p, []byte("{{.Target.Kind}}"), 0o644)
	tp, err = template.Load("@" + p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tp.Write(&buf, reporttest.Sample())
	if buf.String() != "docker-archive" {
		t.Errorf("@file template wrote %q", buf.String())
	}
}

func BenchmarkWrite10k(b *testing.B) {
	r := reporttest.Large(10000)
	tp, err := template.Parse("csv", `{{range .Vulnerabilities}}{{.ID}},{{.Package.Name}},{{.Package.Version}},{{.Severity}},{{csv .Title}}
{{end}}`)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := tp.Write(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
