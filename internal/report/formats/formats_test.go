package formats_test

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/template"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// options gives every encoder what it needs: the template format a
// template.
func options(t *testing.T, packages bool) report.EncodeOptions {
	t.Helper()
	tmpl, err := template.Parse("ids", "{{range .Vulnerabilities}}{{.ID}}\n{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	return report.EncodeOptions{Packages: packages, Template: tmpl}
}

// TestRegistry: names and aliases are unique and each means its format;
// every format encodes a report (and, where it lists packages, an
// inventory) and says what it writes.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range formats.All() {
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if seen[n] {
				t.Errorf("name %q used twice", n)
			}
			seen[n] = true
			if got, ok := formats.Lookup(n); !ok || got != f {
				t.Errorf("Lookup(%q) = %v, %v; want %s", n, got, ok, f.Name)
			}
		}
		if f.MediaType == "" && f != template.Format {
			t.Errorf("%s: no media type", f.Name)
		}
		if f.Ext != "" && !strings.HasPrefix(f.Ext, ".") {
			t.Errorf("%s: extension %q", f.Name, f.Ext)
		}
		for _, packages := range []bool{false, true} {
			if packages && !f.Inventory {
				continue
			}
			var buf bytes.Buffer
			if err := f.Encoder.Encode(&buf, reporttest.Sample(), options(t, packages)); err != nil || buf.Len() == 0 {
				t.Errorf("%s (packages %v): %d bytes, %v", f.Name, packages, buf.Len(), err)
			}
		}
	}
	if _, ok := formats.Lookup("nope"); ok {
		t.Error("Lookup(nope) found a format")
	}
	var none report.EncodeOptions
	if err := template.Format.Encoder.Encode(&bytes.Buffer{}, reporttest.Sample(), none); err == nil {
		t.Error("template format without a template: no error")
	}
}

// TestReadersReadTheirOwn: what each readable format writes is recognised
// as that format (by no reader before it) and reads back as the packages
// and OS written.
func TestReadersReadTheirOwn(t *testing.T) {
	readers := formats.Readers()
	if len(readers) == 0 {
		t.Fatal("no readers")
	}
	for i, f := range readers {
		t.Run(f.Name, func(t *testing.T) {
			r := reporttest.Sample()
			var buf bytes.Buffer
			if err := f.Encoder.Encode(&buf, r, options(t, true)); err != nil {
				t.Fatal(err)
			}
			h, err := report.ParseHeader(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range readers[:i] {
				if g.Reader.Detect(h) {
					t.Errorf("taken for %s", g.Name)
				}
			}
			if !f.Reader.Detect(h) {
				t.Fatal("not recognised")
			}
			doc, err := f.Reader.Read(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(r.Packages, doc.Packages, cmpopts.IgnoreFields(sbom.Package{}, "Symbols")); d != "" {
				t.Errorf("packages (-written +read):\n%s", d)
			}
			if d := cmp.Diff(r.OS, doc.OS); d != "" {
				t.Errorf("OS (-written +read):\n%s", d)
			}
		})
	}
	// A standard's own marker wins over the json report's shape.
	if i := slices.Index(readers, report.JSON); i != len(readers)-1 {
		t.Errorf("json is reader %d of %d", i, len(readers))
	}
}

var (
	rowRe  = regexp.MustCompile("^\\| `([^`]+)` \\|")
	nameRe = regexp.MustCompile("`([^`]+)`")
)

// TestREADMEListsTheRegistry: the README's table of output formats lists
// the registry's formats in its order, with their standards and whether
// they read back; its sentence on `bulwark sbom` names the inventory
// formats and the aliases.
func TestREADMEListsTheRegistry(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "### Output formats")
	if start < 0 {
		t.Fatal("README has no \"### Output formats\"")
	}
	section := readme[start:]
	section = section[:strings.Index(section, "Outputs are deterministic")]
	var names []string
	rows := map[string][]string{}
	for line := range strings.Lines(section) {
		if m := rowRe.FindStringSubmatch(line); m != nil {
			names = append(names, m[1])
			rows[m[1]] = strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		}
	}
	if d := cmp.Diff(formats.Names(formats.All()), names); d != "" {
		t.Errorf("README table of formats (-registry +README):\n%s", d)
	}
	for _, f := range formats.All() {
		cells := rows[f.Name]
		if len(cells) != 4 {
			t.Errorf("%s: row has %d cells, want 4 (format, what, standard, read back)", f.Name, len(cells))
			continue
		}
		if !strings.Contains(cells[2], f.Standard) {
			t.Errorf("%s: standard %q not in %q", f.Name, f.Standard, cells[2])
		}
		if got, want := strings.TrimSpace(cells[3]) == "yes", f.Reader != nil; got != want {
			t.Errorf("%s: README says read back %v, registry %v", f.Name, got, want)
		}
	}
	i := strings.Index(section, "`bulwark sbom --format` takes")
	if i < 0 {
		t.Fatal("README does not say which formats `bulwark sbom` takes")
	}
	para := section[i:]
	para = para[:strings.Index(para, "\n\n")]
	takes, aliases, _ := strings.Cut(para, "Other names accepted:")
	var got []string
	for _, m := range nameRe.FindAllStringSubmatch(takes, -1)[1:] {
		got = append(got, m[1])
	}
	if d := cmp.Diff(formats.Names(formats.Inventory()), got); d != "" {
		t.Errorf("README's sbom formats (-registry +README):\n%s", d)
	}
	var want []string
	for _, f := range formats.All() {
		for _, a := range f.Aliases {
			want = append(want, a, f.Name)
		}
	}
	got = nil
	for _, m := range nameRe.FindAllStringSubmatch(aliases, -1) {
		got = append(got, m[1])
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("README's aliases (-registry +README):\n%s", d)
	}
}
