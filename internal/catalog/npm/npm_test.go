package npm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func TestClassify(t *testing.T) {
	for p, want := range map[string]kind{
		"app/node_modules/lodash/package.json":                                      installed,
		"node_modules/lodash/package.json":                                          installed,
		"app/node_modules/@types/node/package.json":                                 installed,
		"app/node_modules/a/node_modules/b/package.json":                            installed,
		"app/node_modules/a/node_modules/@s/b/package.json":                         installed,
		"app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json":    installed,
		"usr/local/lib/node_modules/npm/package.json":                               installed,
		"app/node_modules/lodash/lib/package.json":                                  notWanted, // a sub-path manifest
		"app/node_modules/resolve/test/fixtures/x/package.json":                     notWanted,
		"app/node_modules/@types/package.json":                                      notWanted, // a scope folder
		"app/node_modules/.bin/package.json":                                        notWanted,
		"app/node_modules/a/package-lock.json":                                      notWanted, // published with a package
		"app/node_modules/a/yarn.lock":                                              notWanted,
		"app/node_modules/a/npm-shrinkwrap.json":                                    notWanted,
		"package.json":                                                              project,
		"srv/app/package.json":                                                      project,
		"opt/yarn-v1.22.19/package.json":                                            project,
		"srv/app/package-lock.json":                                                 packageLock,
		"srv/app/npm-shrinkwrap.json":                                               packageLock,
		"srv/app/yarn.lock":                                                         yarnLock,
		"srv/app/pnpm-lock.yaml":                                                    pnpmLockFile,
		"srv/app/node_modules/.package-lock.json":                                   notWanted,
		"srv/app/node_modules/.pnpm/lock.yaml":                                      notWanted,
		"usr/share/nodejs/lodash/package.json":                                      notWanted, // Debian's, reported by dpkg
		"usr/lib/nodejs/npm/package.json":                                           notWanted,
		"usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json":                   notWanted,
		"root/.cache/yarn/v6/npm-lodash-4.17.21-x/node_modules/lodash/package.json": notWanted,
		"srv/app/package.json.bak":                                                  notWanted,
		"srv/app/mypackage.json":                                                    notWanted,
		"srv/app/yarn.lock/x":                                                       notWanted,
	} {
		if got := classify(p); got != want {
			t.Errorf("classify(%q) = %v, want %v", p, got, want)
		}
	}
	c := New()
	if c.Wants("srv/app/package.json", os.ModeSymlink, 10) {
		t.Error("wants a symlink")
	}
	if !c.Wants("srv/app/package.json", 0o644, 1<<40) {
		t.Error("does not want a huge manifest (it must become an unknown)")
	}
}

func npmPkg(name, version, path string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.NPM, Locations: []sbom.Location{{Path: path}}}
}

func TestPackageJSON(t *testing.T) {
	const inst = "srv/app/node_modules/x/package.json"
	const proj = "srv/app/package.json"
	withLic := func(p sbom.Package, lic ...string) sbom.Package { p.License = lic; return p }
	main := func(p sbom.Package) sbom.Package { p.Main = true; return p }
	for _, tc := range []struct {
		name, path, body string
		want             []sbom.Package
		wantErr          bool
	}{
		{"spdx string", inst, `{"name":"lodash","version":"4.17.4","license":"MIT","main":"lodash.js"}`,
			[]sbom.Package{withLic(npmPkg("lodash", "4.17.4", inst), "MIT")}, false},
		{"license object", inst, `{"name":"qs","version":"6.5.1","license":{"type":"BSD-3-Clause","url":"x"}}`,
			[]sbom.Package{withLic(npmPkg("qs", "6.5.1", inst), "BSD-3-Clause")}, false},
		{"licenses array", inst, `{"name":"minimist","version":"0.0.8","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}`,
			[]sbom.Package{withLic(npmPkg("minimist", "0.0.8", inst), "MIT", "Apache-2.0")}, false},
		{"scoped, BOM", inst, "\xef\xbb\xbf" + `{"name":"@types/node","version":"18.0.0"}`,
			[]sbom.Package{npmPkg("@types/node", "18.0.0", inst)}, false},
		{"project", proj, `{"name":"shop-api","version":"1.4.2","private":true}`,
			[]sbom.Package{main(npmPkg("shop-api", "1.4.2", proj))}, false},
		{"project without version", proj, `{"name":"shop-api","dependencies":{"lodash":"^4"}}`, nil, false},
		{"project without anything", proj, `{"dependencies":{"lodash":"^4"}}`, nil, false},
		{"installed without version", inst, `{"name":"x"}`, nil, true},
		{"version is a number", inst, `{"name":"x","version":1}`, nil, true},
		{"name is an object", proj, `{"name":{"a":1},"version":"1.0.0"}`, nil, true},
		{"path in name", inst, `{"name":"../../etc","version":"1.0.0"}`, nil, true},
		{"not json", inst, `name: x`, nil, true},
		{"array", inst, `[1,2]`, nil, true},
		{"truncated", inst, `{"name":"x","version":"1.0`, nil, true},
		{"empty", inst, ``, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalogtest.ParseBytes(t, New(), tc.path, []byte(tc.body), 0o644)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "npm: "+tc.path+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			catalogtest.Expect(t, tc.want, got, false)
		})
	}
}

func dev(p sbom.Package) sbom.Package { p.Dev = true; return p }

// TestLockEdgeCases covers what the generated fixtures do not: aliases,
// links and workspaces, URL versions, a package installed both as a dev and
// a production dependency, and entries that must be skipped with an error.
func TestLockEdgeCases(t *testing.T) {
	const pl = "srv/app/package-lock.json"
	const yl = "srv/app/yarn.lock"
	const pn = "srv/app/pnpm-lock.yaml"
	for _, tc := range []struct {
		name, path, body string
		want             []sbom.Package
		errHas           string
	}{
		{"v1 alias, git and file versions, nested", pl, `{"lockfileVersion":1,"dependencies":{
			"foo":{"version":"npm:bar@1.2.3"},
			"g":{"version":"git+https://github.com/a/g.git#0123456789abcdef0123456789abcdef01234567"},
			"f":{"version":"file:../f"},
			"a":{"version":"1.0.0","dev":true,"dependencies":{"b":{"version":"2.0.0","dev":true}}},
			"b":{"version":"2.0.0"},
			"@s/c":{"version":"3.0.0-beta.1","dev":true}}}`,
			[]sbom.Package{dev(npmPkg("@s/c", "3.0.0-beta.1", pl)), dev(npmPkg("a", "1.0.0", pl)), npmPkg("b", "2.0.0", pl), npmPkg("bar", "1.2.3", pl)}, ""},
		{"v3 alias, link, workspace, missing optional", pl, `{"lockfileVersion":3,"packages":{
			"":{"name":"app","version":"1.0.0"},
			"packages/ws":{"name":"ws","version":"0.1.0"},
			"node_modules/ws":{"resolved":"packages/ws","link":true},
			"node_modules/foo":{"name":"bar","version":"1.2.3"},
			"node_modules/fsevents":{"optional":true},
			"node_modules/a/node_modules/b":{"version":"2.0.0","dev":true},
			"node_modules/b":{"version":"2.0.0"},
			"node_modules/c":{"version":"1.0.0","devOptional":true}}}`,
			[]sbom.Package{npmPkg("b", "2.0.0", pl), npmPkg("bar", "1.2.3", pl), npmPkg("c", "1.0.0", pl)}, ""},
		{"v3 bad entries kept apart", pl, `{"lockfileVersion":3,"packages":{
			"node_modules/ok":{"version":"1.0.0"},
			"node_modules/bad":{"version":"not a version"},
			"node_modules/worse":"nope"}}`,
			[]sbom.Package{npmPkg("ok", "1.0.0", pl)}, "2 entries skipped"},
		{"yarn v1 alias and scoped", yl, "# yarn lockfile v1\n\n" +
			"\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.8.3\":\n  version \"7.8.3\"\n  dependencies:\n    \"@babel/highlight\" \"^7.8.3\"\n\n" +
			"foo@npm:bar@^1.0.0:\n  version \"1.2.3\"\n\n" +
			"g@git+https://github.com/a/g.git:\n  version \"0.4.0\"\n",
			[]sbom.Package{npmPkg("@babel/code-frame", "7.8.3", yl), npmPkg("bar", "1.2.3", yl), npmPkg("g", "0.4.0", yl)}, ""},
		{"berry workspace, patch, alias", yl, "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n" +
			"\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n  languageName: unknown\n  linkType: soft\n\n" +
			"\"resolve@npm:^1.22.1\":\n  version: 1.22.1\n  resolution: \"resolve@npm:1.22.1\"\n  linkType: hard\n\n" +
			"\"resolve@patch:resolve@npm%3A^1.22.1#optional!builtin<compat/resolve>\":\n  version: 1.22.1\n  resolution: \"resolve@patch:resolve@npm%3A1.22.1#optional!builtin<compat/resolve>::version=1.22.1&hash=c3c19d\"\n  linkType: hard\n\n" +
			"\"foo@npm:bar@^1.0.0\":\n  version: 1.2.3\n  resolution: \"bar@npm:1.2.3\"\n  linkType: hard\n",
			[]sbom.Package{npmPkg("bar", "1.2.3", yl), npmPkg("resolve", "1.22.1", yl)}, ""},
		{"yarn entry without version", yl, "a@^1:\n  resolved \"x\"\n\nb@^2:\n  version \"2.0.0\"\n",
			[]sbom.Package{npmPkg("b", "2.0.0", yl)}, "line 1: a: no version"},
		{"pnpm v9 alias and dev through an alias", pn, "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      foo:\n        specifier: npm:bar@^1\n        version: bar@1.2.3\n    devDependencies:\n      t:\n        specifier: ^1\n        version: 1.0.0(foo@1.0.0)\n" +
			"packages:\n  bar@1.2.3:\n    resolution: {integrity: x}\n  t@1.0.0:\n    resolution: {integrity: x}\n  u@2.0.0:\n    resolution: {integrity: x}\n  '@s/v@3.0.0':\n    resolution: {integrity: x}\n" +
			"snapshots:\n  bar@1.2.3:\n    dependencies:\n      '@s/v': 3.0.0\n  t@1.0.0(foo@1.0.0):\n    dependencies:\n      u: 2.0.0\n      '@s/v': 3.0.0\n  u@2.0.0: {}\n  '@s/v@3.0.0': {}\n",
			[]sbom.Package{npmPkg("@s/v", "3.0.0", pn), npmPkg("bar", "1.2.3", pn), dev(npmPkg("t", "1.0.0", pn)), dev(npmPkg("u", "2.0.0", pn))}, ""},
		{"pnpm v5 peers and tarball", pn, "lockfileVersion: 5.4\npackages:\n  /a/1.0.0_b@2.0.0:\n    dev: true\n  /@s/c/3.0.0_@s+d@1.0.0:\n    dev: false\n  registry.example.com/e/-/e-4.0.0.tgz:\n    name: e\n    version: 4.0.0\n",
			[]sbom.Package{npmPkg("@s/c", "3.0.0", pn), dev(npmPkg("a", "1.0.0", pn)), npmPkg("e", "4.0.0", pn)}, ""},
		{"pnpm without version", pn, "packages:\n  /a/1.0.0: {}\n", nil, "no lockfileVersion"},
		{"pnpm type error keeps the rest", pn, "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    dev: maybe\n  /b@2.0.0:\n    dev: true\n",
			// a's dev flag is unreadable: it is kept, not assumed dev-only.
			[]sbom.Package{npmPkg("a", "1.0.0", pn), dev(npmPkg("b", "2.0.0", pn))}, "cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalogtest.ParseBytes(t, New(), tc.path, []byte(tc.body), 0o644)
			switch {
			case tc.errHas == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Fatalf("err = %v, want one containing %q", err, tc.errHas)
			}
			catalogtest.Expect(t, tc.want, got, false)
		})
	}
}

func TestMalformedLockFiles(t *testing.T) {
	for _, tc := range []struct{ path, body string }{
		{"a/package-lock.json", `{"lockfileVersion":3,"packages":[]}`},
		{"a/package-lock.json", `{}`},
		{"a/package-lock.json", `not json`},
		{"a/package-lock.json", `{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0"` + strings.Repeat(`,"dependencies":{"a":{"version":"1.0.0"`, 600) + strings.Repeat("}}", 601) + `}}`},
		{"a/yarn.lock", "this is not\na lock file\n"},
		{"a/pnpm-lock.yaml", "lockfileVersion: '6.0'\npackages: [\n"},
		{"a/pnpm-lock.yaml", "{{{{"},
		{"a/pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  nope: {}\n"},
	} {
		if _, err := catalogtest.ParseBytes(t, New(), tc.path, []byte(tc.body), 0o644); err == nil {
			t.Errorf("%s %.40q: no error", tc.path, tc.body)
		}
	}
}

func TestOversized(t *testing.T) {
	f := catalog.NewBytesFile("a/package-lock.json", []byte("{}"))
	big := &sizedFile{BytesFile: f, size: budget.DefaultFileBytes + 1}
	if _, err := New().Parse(context.Background(), big); !errors.Is(err, budget.ErrExceeded) {
		t.Errorf("err = %v", err)
	}
}

type sizedFile struct {
	*catalog.BytesFile
	size int64
}

func (s *sizedFile) Size() int64 { return s.size }

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, err := os.ReadFile("testdata/lock/npm-v2/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = New().Parse(ctx, catalog.NewBytesFile("a/package-lock.json", data))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
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

// checkFuzzed holds for every parser: packages are named, versioned, npm,
// unique and sorted, whatever the input.
func checkFuzzed(t *testing.T, pkgs []sbom.Package) {
	seen := map[string]bool{}
	for i, p := range pkgs {
		if !validName(p.Name) || p.Version == "" || p.Type != sbom.NPM {
			t.Fatalf("bad package %+v", p)
		}
		k := p.Name + "@" + p.Version
		if seen[k] {
			t.Fatalf("%s twice", k)
		}
		seen[k] = true
		if i > 0 && (pkgs[i-1].Name > p.Name) {
			t.Fatalf("unsorted at %s", k)
		}
	}
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"lodash","version":"4.17.4","license":"MIT"}`))
	f.Add([]byte(`{"name":"@s/x","version":"1.0.0","licenses":[{"type":"MIT"}]}`))
	f.Add([]byte(`{"name":"x","version":"1","license":{"type":"ISC"}}`))
	seeds(f, "testdata/lock/package.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, proj := range []bool{false, true} {
			p, ok, err := parsePackageJSON(bytes.NewReader(b), proj)
			if err != nil && ok {
				t.Fatal("ok with an error")
			}
			if ok {
				checkFuzzed(t, []sbom.Package{p})
			}
		}
	})
}

func FuzzPackageLock(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which is slow on
	// the multi-KiB fixtures.
	f.Add([]byte(`{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dev":true,"dependencies":{"b":{"version":"npm:@s/c@2.0.0-rc.1"}}},"g":{"version":"git+https://x/g.git#1"}}}`))
	f.Add([]byte(`{"lockfileVersion":3,"packages":{"":{"name":"x","version":"1.0.0"},"node_modules/a":{"version":"1.0.0","dev":true},"node_modules/a/node_modules/@s/b":{"name":"c","version":"2.0.0"},"node_modules/l":{"link":true},"w":{"version":"0.1.0"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parsePackageLock(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}

func FuzzYarnLock(f *testing.F) {
	f.Add([]byte("# yarn lockfile v1\n\n\"@s/a@^1.0.0\", \"@s/a@^1.1.0\":\n  version \"1.2.0\"\n  dependencies:\n    b \"^2\"\n\nfoo@npm:b@^2:\n  version \"2.0.1\"\n"))
	f.Add([]byte("__metadata:\n  version: 8\n\n\"a@npm:^1.0.0\":\n  version: 1.0.3\n  resolution: \"a@npm:1.0.3\"\n  linkType: hard\n\n\"x@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"x@workspace:.\"\n  linkType: soft\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parseYarnLock(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}

func FuzzPnpmLock(f *testing.F) {
	f.Add([]byte("lockfileVersion: 5.4\ndependencies:\n  a: 1.0.0\npackages:\n  /a/1.0.0:\n    dev: false\n  /@s/b/2.0.0_a@1.0.0:\n    dev: true\n"))
	f.Add([]byte("lockfileVersion: '6.0'\npackages:\n  /a@1.0.0(b@2.0.0):\n    dev: true\n  registry.x/c/-/c-1.0.0.tgz:\n    name: c\n    version: 1.0.0\n"))
	f.Add([]byte("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0\n    devDependencies:\n      b:\n        specifier: ^2\n        version: 2.0.0(a@1.0.0)\npackages:\n  a@1.0.0: {}\n  b@2.0.0: {}\nsnapshots:\n  a@1.0.0: {}\n  b@2.0.0(a@1.0.0):\n    dependencies:\n      a: 1.0.0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parsePnpmLock(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}
