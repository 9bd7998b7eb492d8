package gobinary

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// The fixture program depends on three modules served from a file-system
// module proxy written by the test, so builds need no network and no module
// cache: a tagged module, a module required at a pseudo-version, and a module
// replaced by a fork published under another path.
var proxyModules = []struct {
	path, version, modfile string
	files                  map[string]string
}{
	{
		path: "example.com/greet", version: "v1.2.3", modfile: "module example.com/greet\n\ngo 1.21\n",
		files: map[string]string{"greet.go": `package greet

import "strings"

type T struct{ name string }

func New(n string) *T { return &T{name: n} }

//go:noinline
func (t *T) Name() string { return strings.ToUpper(t.name) }

//go:noinline
func Hello(n string) string { return "hello " + n }

// Small is always inlined, so only the inline tree records it.
func Small(x int) int { return x + 1 }

//go:noinline
func Map[E any](s []E, f func(E) E) []E {
	out := make([]E, 0, len(s))
	for _, e := range s {
		out = append(out, f(e))
	}
	return out
}
`},
	},
	{
		path: "example.com/pseudo", version: "v0.0.0-20240102030405-abcdefabcdef", modfile: "module example.com/pseudo\n\ngo 1.21\n",
		files: map[string]string{"sub/sub.go": `package sub

//go:noinline
func Answer() int { return 42 }
`},
	},
	{
		// A fork keeps the original module path in its go.mod.
		path: "example.org/fork", version: "v0.1.0", modfile: "module example.com/orig\n\ngo 1.21\n",
		files: map[string]string{"orig.go": `package orig

//go:noinline
func Version() string { return "fork" }
`},
	},
}

const fixtureMain = `package main

import (
	"fmt"
	"os"

	"example.com/greet"
	"example.com/local"
	"example.com/orig"
	"example.com/pseudo/sub"
)

func main() {
	t := greet.New(os.Args[0])
	fmt.Println(t.Name(), greet.Hello("x"), greet.Small(len(os.Args)),
		greet.Map([]int{1, 2}, func(i int) int { return i * 2 }), orig.Version(), sub.Answer(), local.Where())
}
`

const fixtureGoMod = `module example.com/app

go 1.21

require (
	example.com/greet v1.2.3
	example.com/local v1.0.0
	example.com/orig v1.0.0
	example.com/pseudo v0.0.0-20240102030405-abcdefabcdef
)

replace example.com/orig v1.0.0 => example.org/fork v0.1.0

replace example.com/local => ./local
`

// writeProxy lays out a GOPROXY=file:// tree (the module proxy protocol:
// $path/@v/$version.{info,mod,zip}).
func writeProxy(t *testing.T, dir string) {
	t.Helper()
	for _, m := range proxyModules {
		v := filepath.Join(dir, filepath.FromSlash(m.path), "@v")
		must(t, os.MkdirAll(v, 0o755))
		must(t, os.WriteFile(filepath.Join(v, m.version+".info"), []byte(`{"Version":"`+m.version+`","Time":"2024-01-02T03:04:05Z"}`), 0o644))
		must(t, os.WriteFile(filepath.Join(v, m.version+".mod"), []byte(m.modfile), 0o644))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		files := map[string]string{"go.mod": m.modfile}
		for k, s := range m.files {
			files[k] = s
		}
		for name, body := range files {
			w, err := zw.Create(m.path + "@" + m.version + "/" + name)
			must(t, err)
			_, err = w.Write([]byte(body))
			must(t, err)
		}
		must(t, zw.Close())
		must(t, os.WriteFile(filepath.Join(v, m.version+".zip"), buf.Bytes(), 0o644))
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	name  string
	env   []string // GOOS/GOARCH for cross builds
	flags []string
	cross bool
}

var fixtures = []fixture{
	{name: "plain"},
	{name: "stripped", flags: []string{"-ldflags=-s -w"}},
	{name: "pie", flags: []string{"-buildmode=pie"}},
	{name: "trimpath", flags: []string{"-trimpath"}},
	{name: "windows", env: []string{"GOOS=windows", "GOARCH=amd64"}, cross: true},
	{name: "darwin", env: []string{"GOOS=darwin", "GOARCH=arm64"}, cross: true},
}

var (
	buildOnce sync.Once
	buildDir  string
)

// buildFixtures builds every fixture binary once per toolchain and version
// of this file: the first test run builds them (the cross builds compile
// the standard library for two more platforms), later runs and other test
// processes reuse them from the test cache (testutil.CachedDir).
func buildFixtures(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("go toolchain not found at %s: %v", goBin, err)
	}
	buildOnce.Do(func() {
		key := fmt.Sprintf("gobinary fixtures short=%v %s", testing.Short(), testutil.FileKey(t, "gobinary_test.go"))
		buildDir = testutil.CachedDir(t, key, func(dir string) error {
			writeProxy(t, filepath.Join(dir, "proxy"))
			app := filepath.Join(dir, "app")
			must(t, os.MkdirAll(app, 0o755))
			must(t, os.WriteFile(filepath.Join(app, "go.mod"), []byte(fixtureGoMod), 0o644))
			must(t, os.WriteFile(filepath.Join(app, "main.go"), []byte(fixtureMain), 0o644))
			// A replacement by a local directory, recorded as "(devel)".
			must(t, os.MkdirAll(filepath.Join(app, "local"), 0o755))
			must(t, os.WriteFile(filepath.Join(app, "local", "go.mod"), []byte("module example.com/local\n\ngo 1.21\n"), 0o644))
			must(t, os.WriteFile(filepath.Join(app, "local", "local.go"), []byte("package local\n\n//go:noinline\nfunc Where() string { return \"here\" }\n"), 0o644))
			base := append(os.Environ(),
				"GOPROXY=file://"+filepath.ToSlash(filepath.Join(dir, "proxy")),
				"GOSUMDB=off", "GOFLAGS=-mod=mod -modcacherw -buildvcs=false", "GOWORK=off",
				"GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOMODCACHE="+filepath.Join(dir, "modcache"))
			for _, fx := range fixtures {
				if fx.cross && testing.Short() {
					continue
				}
				args := append([]string{"build", "-o", filepath.Join(dir, fx.name)}, fx.flags...)
				cmd := exec.Command(goBin, append(args, ".")...)
				cmd.Dir, cmd.Env = app, append(slices.Clone(base), fx.env...)
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("building fixture %s: %v\n%s", fx.name, err, out)
				}
			}
			// The module cache is only needed to build.
			return os.RemoveAll(filepath.Join(dir, "modcache"))
		})
	})
	if buildDir == "" {
		t.Fatal("building fixtures failed in an earlier test")
	}
	return buildDir
}

// goVersionM turns `go version -m` output into the packages Parse should
// report, without symbols.
func goVersionM(t *testing.T, bin, loc string) []sbom.Package {
	t.Helper()
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "version", "-m", bin).Output()
	must(t, err)
	lines := strings.Split(string(out), "\n")
	_, goVersion, _ := strings.Cut(lines[0], ": ")
	var pkgs []sbom.Package
	settings := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(strings.TrimPrefix(l, "\t"), "\t")
		if len(f) < 2 {
			continue
		}
		version := ""
		if len(f) > 2 {
			version = f[2]
		}
		switch f[0] {
		case "mod", "dep":
			pkgs = append(pkgs, sbom.Package{Name: f[1], Version: version, Type: sbom.GoModule,
				GoVersion: goVersion, Main: f[0] == "mod", Locations: []sbom.Location{{Path: loc}}})
		case "=>":
			pkgs[len(pkgs)-1].Name, pkgs[len(pkgs)-1].Version = f[1], version
		case "build":
			if k, v, ok := strings.Cut(f[1], "="); ok && (k == "GOOS" || k == "GOARCH") {
				settings[k] = v
			}
		}
	}
	pkgs = append(pkgs, sbom.Package{Name: "stdlib", Version: strings.TrimPrefix(goVersion, "go"),
		Type: sbom.GoStdlib, GoVersion: goVersion, Locations: []sbom.Location{{Path: loc}}})
	if settings["GOOS"] != "" && settings["GOARCH"] != "" {
		for i := range pkgs {
			pkgs[i].Platform = settings["GOOS"] + "/" + settings["GOARCH"]
		}
	}
	sbom.Sort(pkgs)
	return pkgs
}

func TestParseBuiltBinaries(t *testing.T) {
	dir := buildFixtures(t)
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			if fx.cross && testing.Short() {
				t.Skip("cross builds are skipped in -short mode")
			}
			bin := filepath.Join(dir, fx.name)
			data, err := os.ReadFile(bin)
			must(t, err)
			loc := "usr/local/bin/app"
			got, err := catalogtest.ParseBytes(t, New(), loc, data, 0o755)
			must(t, err)
			want := goVersionM(t, bin, loc)
			catalogtest.Expect(t, want, got, false)

			syms := map[string][]string{}
			for _, p := range got {
				syms[p.Name] = p.Symbols
				if !slices.IsSorted(p.Symbols) || len(slices.Compact(slices.Clone(p.Symbols))) != len(p.Symbols) {
					t.Errorf("%s: symbols not sorted and unique", p.Name)
				}
			}
			wantSyms := map[string][]string{
				"example.com/app":    {"main.main", "main.main.func1"},
				"example.com/greet":  {"example.com/greet.Hello", "example.com/greet.Map", "example.com/greet.New", "example.com/greet.Small", "example.com/greet.T.Name"},
				"example.com/pseudo": {"example.com/pseudo/sub.Answer"},
				"example.org/fork":   {"example.com/orig.Version"},
				"./local":            {"example.com/local.Where"},
				"stdlib":             {"fmt.Println", "os.init", "runtime.main", "strings.ToUpper"},
			}
			for mod, want := range wantSyms {
				for _, s := range want {
					if _, ok := slices.BinarySearch(syms[mod], s); !ok {
						t.Errorf("%s: symbol %s missing (have %d: %.300v)", mod, s, len(syms[mod]), syms[mod])
					}
				}
			}
			// Nothing of a module may leak into another package.
			importPath := map[string]string{"example.org/fork": "example.com/orig", "./local": "example.com/local"}
			for mod, ss := range syms {
				prefix := mod
				if p, ok := importPath[mod]; ok {
					prefix = p
				}
				for _, s := range ss {
					if mod != "stdlib" && mod != "example.com/app" && !strings.HasPrefix(s, prefix+".") && !strings.HasPrefix(s, prefix+"/") {
						t.Errorf("%s holds foreign symbol %s", mod, s)
					}
				}
			}
		})
	}
}

func TestPURLs(t *testing.T) {
	dir := buildFixtures(t)
	data, err := os.ReadFile(filepath.Join(dir, "plain"))
	must(t, err)
	got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "app")
	must(t, err)
	var purls []string
	for i := range got {
		purls = append(purls, sbom.PURL(&got[i], nil))
	}
	want := []string{
		"pkg:golang/./local@%28devel%29", // a local directory, as the binary records it
		"pkg:golang/example.com/app@%28devel%29",
		"pkg:golang/example.com/greet@v1.2.3",
		"pkg:golang/example.com/pseudo@v0.0.0-20240102030405-abcdefabcdef",
		"pkg:golang/example.org/fork@v0.1.0",
		"pkg:golang/stdlib@" + strings.TrimPrefix(runtime.Version(), "go"),
	}
	if d := cmp.Diff(want, purls); d != "" {
		t.Errorf("purls (-want +got):\n%s", d)
	}
}

func TestSymbol(t *testing.T) {
	tests := []struct {
		in       string
		pkg, sym string
		ok       bool
	}{
		{"fmt.Println", "fmt", "Println", true},
		{"net/http.(*Client).Do", "net/http", "Client.Do", true},
		{"net/http.Header.Get", "net/http", "Header.Get", true},
		{"example.com/m/v2/pkg.F.func1", "example.com/m/v2/pkg", "F.func1", true},
		{"example.com/m.Map[go.shape.int]", "example.com/m", "Map", true},
		{"example.com/m.(*List[go.shape.string]).Push", "example.com/m", "List.Push", true},
		{"example.com/m.Pair[go.shape.int,go.shape.string].Swap", "example.com/m", "Pair.Swap", true},
		{"gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3", "Unmarshal", true},
		{"gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3", "decoder.unmarshal", true},
		{"main.main", "main", "main", true},
		{"pkg.glob..func1", "pkg", "glob..func1", true},
		{"go:buildid", "", "", false},
		{"type:.eq.[2]interface {}", "", "", false},
		{"nodot", "", "", false},
		{".x", "", "", false},
		{"a.", "", "", false},
		{"bad%zz.F", "", "", false},
	}
	for _, tt := range tests {
		pkg, sym, ok := symbol(tt.in)
		if pkg != tt.pkg || sym != tt.sym || ok != tt.ok {
			t.Errorf("symbol(%q) = %q, %q, %v; want %q, %q, %v", tt.in, pkg, sym, ok, tt.pkg, tt.sym, tt.ok)
		}
	}
}

func TestOwner(t *testing.T) {
	o := newOwner([]string{"example.com/a", "example.com/a/b", "example.com/ab"})
	tests := map[string]string{
		"example.com/a":       "example.com/a",
		"example.com/a/x":     "example.com/a",
		"example.com/a/b":     "example.com/a/b",
		"example.com/a/b/c":   "example.com/a/b",
		"example.com/ab/c":    "example.com/ab",
		"example.com/abc":     "",
		"example.com":         "",
		"golang.org/x/net/ip": "",
	}
	for in, want := range tests {
		if got := o.of(in); got != want {
			t.Errorf("of(%q) = %q, want %q", in, got, want)
		}
	}
	for _, p := range []string{"fmt", "net/http", "vendor/golang.org/x/net/idna", "main"} {
		if !isStdlib(p) {
			t.Errorf("isStdlib(%q) = false", p)
		}
	}
	if isStdlib("example.com/x") {
		t.Error("isStdlib(example.com/x) = true")
	}
}

func TestStdlibVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.22.3":                "1.22.3",
		"go1.21.0 X:boringcrypto": "1.21.0",
		"go1.23rc1":               "1.23rc1",
		"devel go1.24-abcdef Tue": "devel go1.24-abcdef Tue",
		"":                        "",
	} {
		if got := stdlibVersion(in); got != want {
			t.Errorf("stdlibVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWants(t *testing.T) {
	c := New()
	tests := []struct {
		mode os.FileMode
		size int64
		want bool
	}{
		{0o755, 2 << 20, true},
		{0o744, 2 << 20, true},
		{0o644, 2 << 20, false},
		{0o755, 100, false},
		{0o755, maxSize + 1, false},
		{os.ModeSymlink | 0o777, 2 << 20, false},
	}
	for _, tt := range tests {
		if got := c.Wants("usr/bin/x", tt.mode, tt.size); got != tt.want {
			t.Errorf("Wants(%v, %d) = %v, want %v", tt.mode, tt.size, got, tt.want)
		}
	}
}

func TestParseNotGo(t *testing.T) {
	tests := map[string][]byte{
		"script":       []byte("#!/bin/sh\necho hi\n" + strings.Repeat("#", 20000)),
		"empty":        nil,
		"short":        []byte("\x7fELF"),
		"elf garbage":  append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 20000)...),
		"pe garbage":   append([]byte("MZ"), bytes.Repeat([]byte{0xff}, 20000)...),
		"macho header": append([]byte{0xcf, 0xfa, 0xed, 0xfe}, make([]byte, 20000)...),
	}
	if sh, err := os.ReadFile("/bin/sh"); err == nil {
		tests["c binary"] = sh
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			f := catalog.NewBytesFile("bin/x", data)
			f.FileMod = 0o755
			pkgs, err := New().Parse(context.Background(), f)
			if err != nil || pkgs != nil {
				t.Errorf("Parse = %v, %v; want nothing", pkgs, err)
			}
		})
	}
}

// TestTruncated cuts a real binary at many points: Parse must not fail
// loudly or panic, whatever survives.
func TestTruncated(t *testing.T) {
	dir := buildFixtures(t)
	data, err := os.ReadFile(filepath.Join(dir, "stripped"))
	must(t, err)
	for _, n := range []int{64, 4096, len(data) / 3, len(data) / 2, len(data) - 4096, len(data) - 1} {
		if _, err := Read(context.Background(), bytes.NewReader(data[:n]), int64(n), "x"); err != nil {
			t.Errorf("cut at %d: %v", n, err)
		}
	}
}

func TestParseCancelled(t *testing.T) {
	dir := buildFixtures(t)
	data, err := os.ReadFile(filepath.Join(dir, "plain"))
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, bytes.NewReader(data), int64(len(data)), "x"); err == nil {
		t.Fatal("no error from a cancelled context")
	}
}

func FuzzPclntab(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := parsePclntab(data)
		if err != nil {
			return
		}
		n := 0
		tab.names(data, func(string) bool { n++; return n < 1<<16 })
	})
}

func FuzzRead(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
	})
}

// addSeeds adds the pclntab of the test binary itself (cut to keep the
// corpus small) and the checked-in corpus under testdata/fuzz.
func addSeeds(f *testing.F) {
	table, _ := synthTable()
	f.Add(table)
	self, err := os.Executable()
	if err != nil {
		return
	}
	fh, err := os.Open(self)
	if err != nil {
		return
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return
	}
	img, err := openImage(fh, st.Size(), elfExe)
	if err != nil || img.pclntab == nil {
		return
	}
	head, err := readAt(fh, img.pclntab.off, min(img.pclntab.size, 64<<10))
	if err == nil {
		f.Add(head)
	}
}

// TestInlineTree checks that greet.Small, which the compiler inlines
// everywhere, is absent from the function table and found only through the
// inline trees, in every fixture (stripped and PIE included).
func TestInlineTree(t *testing.T) {
	dir := buildFixtures(t)
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			if fx.cross && testing.Short() {
				t.Skip("cross builds are skipped in -short mode")
			}
			data, err := os.ReadFile(filepath.Join(dir, fx.name))
			must(t, err)
			var head [16]byte
			copy(head[:], data)
			img, err := openImage(bytes.NewReader(data), int64(len(data)), sniff(head[:]))
			must(t, err)
			tab, addr, err := img.loadPclntab()
			must(t, err)
			gofunc := img.gofunc(tab, addr)
			if gofunc == nil {
				t.Fatal("module data not found")
			}
			has := func(gofunc []byte) bool {
				found := false
				tab.names(gofunc, func(n string) bool {
					found = found || n == "example.com/greet.Small"
					return true
				})
				return found
			}
			if has(nil) {
				t.Error("greet.Small is in the function table; the fixture no longer tests inlining")
			}
			if !has(gofunc) {
				t.Error("greet.Small not found in inline trees")
			}
		})
	}
}

// BenchmarkParseGoTool parses the go command itself (about 15 MB, 16k
// functions), read from disk through an *os.File as a seekable layer would
// present it.
func BenchmarkParseGoTool(b *testing.B) {
	path := filepath.Join(runtime.GOROOT(), "bin", "go")
	fh, err := os.Open(path)
	if err != nil {
		b.Skipf("go tool not found: %v", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	must(b, err)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		pkgs, err := Read(context.Background(), fh, st.Size(), "usr/local/go/bin/go")
		if err != nil || len(pkgs) == 0 || len(pkgs[len(pkgs)-1].Symbols) < 1000 {
			b.Fatalf("Read = %d packages, %v", len(pkgs), err)
		}
	}
}
