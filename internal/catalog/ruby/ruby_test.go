package ruby

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func gem(name, version, arch, path string, lic ...string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.Gem, Arch: arch, License: lic, Locations: []sbom.Location{{Path: path}}}
}

func TestClassify(t *testing.T) {
	for p, want := range map[string]kind{
		"usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec":               specification,
		"usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec":        specification,
		"usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec":    specification,
		"usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec":     specification,
		"specifications/a-1.gemspec":                                               specification,
		"usr/local/bundle/gems/rack-2.2.3/rack.gemspec":                            notWanted, // the author's spec
		"usr/local/bundle/specifications/sub/a-1.gemspec":                          notWanted,
		"usr/local/bundle/specifications/.gemspec":                                 notWanted,
		"srv/app/Gemfile.lock":                                                     gemfileLock,
		"Gemfile.lock":                                                             gemfileLock,
		"srv/app/gems.locked":                                                      gemfileLock,
		"srv/app/Gemfile":                                                          notWanted,
		"usr/local/bundle/gems/rails-6.0.3/Gemfile.lock":                           notWanted,
		"srv/app/vendor/bundle/ruby/3.1.0/gems/devise-4.7.1/Gemfile.lock":          notWanted,
		"srv/app/vendor/bundle/ruby/3.1.0/gems/x-1.0/specifications/y-1.0.gemspec": notWanted,
		"usr/local/bundle/specifications/a-1.gemspec.bak":                          notWanted,
	} {
		if got := classify(p); got != want {
			t.Errorf("classify(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestInstalledSpecifications spot-checks real specifications (Debian
// bookworm's ruby packages) and the hand-written ones of other RubyGems
// eras; TestAgreesWithRuby checks every fixture against Ruby itself.
func TestInstalledSpecifications(t *testing.T) {
	for _, want := range []sbom.Package{
		gem("rack", "2.2.22", "", "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec", "MIT"),
		gem("nokogiri", "1.13.10", "", "usr/lib/x86_64-linux-gnu/rubygems-integration/3.1.0/specifications/nokogiri-1.13.10.gemspec", "MIT"),
		gem("openssl", "3.0.1", "", "usr/lib/ruby/gems/3.1.0/specifications/default/openssl-3.0.1.gemspec", "Ruby"),
		gem("rexml", "3.2.5", "", "usr/lib/ruby/gems/3.1.0/specifications/rexml-3.2.5.gemspec", "BSD-2-Clause"),
		gem("nokogiri", "1.15.4", "x86_64-linux", "usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec", "MIT"),
		gem("rack", "1.6.4", "", "usr/local/bundle/specifications/rack-1.6.4.gemspec", "MIT"),
		gem("rake", "0.8.7", "", "opt/legacy/specifications/rake-0.8.7.gemspec"),
	} {
		t.Run(want.Locations[0].Path, func(t *testing.T) {
			got, err := catalogtest.ParseFixture(t, New(), want.Locations[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, []sbom.Package{want}, got, false)
		})
	}
}

func TestGemfileLock(t *testing.T) {
	const p = "srv/rails-app/Gemfile.lock"
	got, err := catalogtest.ParseFixture(t, New(), p)
	if err != nil {
		t.Fatal(err)
	}
	var want []sbom.Package
	for _, s := range []string{
		"actionpack 6.0.3.1", "actionview 6.0.3.1", "activesupport 6.0.3.1", "builder 3.2.4", "concurrent-ruby 1.1.6",
		"crass 1.0.6", "erubi 1.9.0", "i18n 1.8.2", "loofah 2.5.0", "mini_portile2 2.4.0", "minitest 5.14.1",
		"nio4r 2.5.2", "nokogiri 1.10.9", "nokogiri 1.10.9 x86_64-linux", "pg 1.2.3", "puma 4.3.5", "rack 2.2.2",
		"rack-test 1.1.0", "rails-dom-testing 2.0.3", "rails-html-sanitizer 1.3.0", "sprockets 4.0.2",
		"sprockets-rails 3.2.2", "thread_safe 0.3.6", "tzinfo 1.2.7", "zeitwerk 2.3.0",
	} {
		f := strings.Fields(s)
		arch := ""
		if len(f) == 3 {
			arch = f[2]
		}
		want = append(want, gem(f[0], f[1], arch, p))
	}
	catalogtest.Expect(t, want, got, false)
}

// TestGemspecSyntax feeds the tokenizer the Ruby that hand-written and
// unusual specifications contain: every literal form, text that looks like
// code inside strings, comments and heredocs, and values that are not
// literals.
func TestGemspecSyntax(t *testing.T) {
	const p = "x/specifications/a-1.0.gemspec"
	for _, tc := range []struct {
		name, src string
		want      *sbom.Package
	}{
		{"spec variable and %q", "Gem::Specification.new do |spec|\n  spec.name = %q{a}\n  spec.version = '1.0'\n  spec.license = %q(MIT)\nend\n", ptr(gem("a", "1.0", "", p, "MIT"))},
		{"braces block, parens, %w", "Gem::Specification.new(\"a\", \"1.0\") { |s|\n s.name = \"a\"; s.version = \"1.0\"\n s.licenses = %w[MIT Ruby]\n}\n", ptr(gem("a", "1.0", "", p, "MIT", "Ruby"))},
		{"escapes", `Gem::Specification.new do |s| s.name = "a"` + "\n" + `s.version = "1.0"` + "\n" + `s.licenses = ["BSD-2-Clause\u0020", "\x41pache-2.0"]` + "\nend", ptr(gem("a", "1.0", "", p, "BSD-2-Clause", "Apache-2.0"))},
		{"code-like text in strings, comments, heredoc, regexp", "# s.name = \"evil\"\nGem::Specification.new do |s|\n" +
			"  s.description = <<~EOS\n    s.name = \"evil\"\n    s.version = \"6.6.6\"\n  EOS\n" +
			"  s.summary = 's.name = \"evil\"'\n  s.files = `git ls-files`.split(\"\\n\").reject { |f| f =~ /^(s\\.name|\")/ }\n" +
			"=begin\n  s.name = \"evil\"\n=end\n  s.name = \"a\" # s.version = \"9\"\n  s.version = \"1.0\"\nend\n", ptr(gem("a", "1.0", "", p))},
		{"first assignment wins", "Gem::Specification.new do |s|\ns.name = \"a\"\ns.version = \"1.0\"\ns.version = \"2.0\"\nend\n", ptr(gem("a", "1.0", "", p))},
		{"Gem::Version and Gem::Platform::RUBY", "Gem::Specification.new do |s|\ns.name = \"a\"\ns.version = Gem::Version.new(\"1.0\")\ns.platform = Gem::Platform::RUBY\nend\n", ptr(gem("a", "1.0", "", p))},
		{"interpolated version: file name", "Gem::Specification.new do |s|\ns.name = \"a\"\ns.version = \"#{MAJOR}.0\"\nend\n", ptr(gem("a", "1.0", "", p))},
		{"constant version: stub line", "# stub: a 1.0 java lib\nGem::Specification.new do |s|\ns.name = \"a\"\ns.version = A::VERSION\nend\n", ptr(gem("a", "1.0", "java", p))},
		{"string expression is not a literal", "Gem::Specification.new do |s|\ns.name = \"a\" + SUFFIX\ns.version = \"1.0\"\nend\n", nil},
		{"no block", "s.name = \"a\"\ns.version = \"1.0\"\n", nil},
		{"unterminated string", "Gem::Specification.new do |s|\ns.name = \"a", nil},
		{"unterminated heredoc", "Gem::Specification.new do |s|\ns.description = <<-EOS\nx\n", nil},
		{"bad version", "Gem::Specification.new do |s|\ns.name = \"a\"\ns.version = \"1.0; rm -rf\"\nend\n", nil},
		{"bad name", "Gem::Specification.new do |s|\ns.name = \"../a\"\ns.version = \"1.0\"\nend\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalogtest.ParseBytes(t, New(), p, []byte(tc.src), 0o644)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("no error; got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, []sbom.Package{*tc.want}, got, false)
		})
	}
}

func ptr(p sbom.Package) *sbom.Package { return &p }

func TestLexer(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string // kind:text of significant tokens
	}{
		{`a % b`, []string{"i:a", "p:%", "i:b"}},
		{`x = %(a b)`, []string{"i:x", "p:=", "s:a b"}},
		{`a / b / c`, []string{"i:a", "p:/", "i:b", "p:/", "i:c"}},
		{`f(/a b/)`, []string{"i:f", "p:(", "o:", "p:)"}},
		{`x = a ? b : c`, []string{"i:x", "p:=", "i:a", "p:?", "i:b", "p::", "i:c"}},
		{`x = ?a`, []string{"i:x", "p:=", "s:a"}},
		{`s.respond_to? :metadata=`, []string{"i:s", "p:.", "i:respond_to?", "y:metadata="}},
		{`{ :a=>1, b: 2 }`, []string{"p:{", "y:a", "p:=>", "n:1", "p:,", "i:b", "p::", "n:2", "p:}"}},
		{`Gem::Version`, []string{"c:Gem", "p:::", "c:Version"}},
		{`a << "x"`, []string{"i:a", "p:<<", "s:x"}},
		{"x = <<-A + <<B\n1\n  A\n2\nB\ny", []string{"i:x", "p:=", "o:", "p:+", "o:", "i:y"}},
		{`"a#{"}"}b"`, []string{"o:"}},
		{`'it''s'`, []string{"s:it", "s:s"}},
		{`'a\'b\\c\d'`, []string{`s:a'b\c\d`}},
		{`%q<a<b>c>`, []string{"s:a<b>c"}},
		{"\"\\u00e9\\u{1F600 41}\\101\\x41\\n\"", []string{"s:é😀AAA\n"}},
		{"a\n__END__\n\"unterminated", []string{"i:a"}},
		{`$0 @a @@b`, []string{"i:$0", "i:@a", "i:@@b"}},
		{`x.end if a != b`, []string{"i:x", "p:.", "i:end", "k:if", "i:a", "p:!=", "i:b"}},
	} {
		toks, err := lex(tc.src)
		if err != nil {
			t.Errorf("lex(%q): %v", tc.src, err)
			continue
		}
		var got []string
		for _, tk := range toks {
			if tk.kind == tNewline {
				continue
			}
			got = append(got, string("?icswoynkp"[tk.kind])+":"+tk.text)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("lex(%q) (-want +got):\n%s", tc.src, d)
		}
	}
}

func TestGemfileLockMalformed(t *testing.T) {
	const p = "srv/Gemfile.lock"
	got, err := catalogtest.ParseBytes(t, New(), p, []byte("GEM\n  specs:\n    a (1.0)\n    b 2.0\n    c (not a version)\n"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "2 gems skipped") {
		t.Errorf("err = %v", err)
	}
	catalogtest.Expect(t, []sbom.Package{gem("a", "1.0", "", p)}, got, false)
	if _, err := catalogtest.ParseBytes(t, New(), p, []byte("\n\n"), 0o644); err == nil {
		t.Error("empty lock file: no error")
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := []byte(strings.Repeat("GEM\n  specs:\n    a (1.0)\n", 3000))
	_, err := New().Parse(ctx, catalog.NewBytesFile("a/Gemfile.lock", data))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestAgreesWithRuby loads every fixture specification with RubyGems
// (Gem::Specification.load evaluates it) and the lock file with Bundler's
// own parser, and compares with what the tokenizer found.
func TestAgreesWithRuby(t *testing.T) {
	ruby := testutil.NeedCommand(t, "ruby")
	var specs []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".gemspec") {
			specs = append(specs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const prog = `require "json"; require "bundler"
out = {}
ARGV.each do |f|
  if f.end_with?(".gemspec")
    s = Gem::Specification.load(f)
    plat = s.platform.to_s
    out[f] = [[s.name, s.version.to_s, plat == "ruby" ? "" : plat, s.licenses.join(",")]]
  else
    lf = Bundler::LockfileParser.new(File.read(f))
    out[f] = lf.specs.reject { |s| s.source.class == Bundler::Source::Path }.map { |s|
      plat = s.platform.to_s
      [s.name, s.version.to_s, plat == "ruby" ? "" : plat, ""] }.sort.uniq
  end
end
puts JSON.generate(out)`
	files := append(slices.Clone(specs), "testdata/srv/rails-app/Gemfile.lock")
	// Bundler resolves PATH sources against the project's Gemfile.
	gemfile := filepath.Join(t.TempDir(), "Gemfile")
	if err := os.WriteFile(gemfile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ruby, append([]string{"-e", prog}, files...)...)
	cmd.Env = append(os.Environ(), "BUNDLE_GEMFILE="+gemfile)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("ruby cannot load the specifications: %v", err)
	}
	var want map[string][][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		rel := strings.TrimPrefix(filepath.ToSlash(f), "testdata/")
		pkgs, err := catalogtest.ParseFixture(t, New(), rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		var got [][]string
		for _, p := range pkgs {
			lic := strings.Join(p.License, ",")
			if strings.HasSuffix(f, ".lock") {
				lic = ""
			}
			got = append(got, []string{p.Name, p.Version, p.Arch, lic})
		}
		if d := cmp.Diff(want[f], got); d != "" {
			t.Errorf("%s differs from Ruby (-ruby +bulwark):\n%s", rel, d)
		}
	}
	t.Logf("%d specifications and 1 lock file agree with Ruby %s", len(specs), strings.TrimSpace(runOut(ruby, "-e", "print RUBY_VERSION")))
}

func runOut(name string, args ...string) string {
	b, _ := exec.Command(name, args...).Output()
	return string(b)
}

func seeds(f *testing.F, files ...string) {
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzGemspec(f *testing.F) {
	seeds(f, "testdata/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec",
		"testdata/opt/legacy/specifications/rake-0.8.7.gemspec",
		"testdata/usr/lib/ruby/gems/3.1.0/specifications/default/openssl-3.0.1.gemspec")
	f.Add([]byte("Gem::Specification.new do |s|\ns.name = %w<a>\ns.version = <<~A\n1\nA\n=begin\n=end\ns.license = ?x\nend\n"))
	f.Add([]byte(`"#{"#{'}'}"}" %r{a{b}c} /[/]/ :"x" ?\n __END__`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseGemspec(string(b), "a-1.0.gemspec")
		if err != nil {
			return
		}
		if !validGemName(p.Name) || !validGemVersion(p.Version) || p.Type != sbom.Gem {
			t.Fatalf("bad package %+v", p)
		}
	})
}

func FuzzGemfileLock(f *testing.F) {
	seeds(f, "testdata/srv/rails-app/Gemfile.lock")
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parseGemfileLock(context.Background(), generic.FromBytes("x", b))
		for _, p := range pkgs {
			if !validGemName(p.Name) || !validGemVersion(p.Version) {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
