package reporttest

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

var (
	stanzaName = regexp.MustCompile(`(?m)^Package: (\S+)$`)
	stanzaSrc  = regexp.MustCompile(`(?m)^Source: (\S+)`)
	stanzaVer  = regexp.MustCompile(`(?m)^Version: .*$`)
)

// Vulnerable lists the source packages whose binary packages the edited
// Debian rootfs downgrades, so the shared DSA list (older than the real
// rootfs) has advisories for them.
var Vulnerable = []string{"openssl", "zlib", "gzip"}

// downgrade gives every binary package built from one of srcs the
// version 0.1-1 (below every fix in the feeds).
func downgrade(status []byte, srcs []string) []byte {
	stanzas := strings.Split(string(status), "\n\n")
	for i, st := range stanzas {
		m := stanzaName.FindStringSubmatch(st)
		if m == nil {
			continue
		}
		src := m[1]
		if sm := stanzaSrc.FindStringSubmatch(st); sm != nil {
			src = sm[1]
		}
		for _, s := range srcs {
			if s == src {
				stanzas[i] = stanzaVer.ReplaceAllString(st, "Version: 0.1-1")
			}
		}
	}
	return []byte(strings.Join(stanzas, "\n\n"))
}

// EditedBullseye is the real Debian bullseye minbase rootfs with the
// packages of Vulnerable downgraded in its dpkg status, made once and kept
// (testutil.DebianRootWith): callers only read it. It returns the root
// directory.
func EditedBullseye(t testing.TB) string {
	t.Helper()
	const status = "var/lib/dpkg/status"
	b, err := os.ReadFile(filepath.Join(testutil.DebianRoot(t, "bullseye"), status))
	if err != nil {
		t.Fatal(err)
	}
	return testutil.DebianRootWith(t, "bullseye", map[string][]byte{status: downgrade(b, Vulnerable)})
}

// LodashOSV is a hand-written OSV record in the format of GitHub's
// advisory database (GHSA-p6mc-m468-83gw, lodash prototype pollution,
// fixed in 4.17.19), for the npm part of the mixed fixture: the shared
// feeds hold no npm export.
const LodashOSV = `{
  "schema_version": "1.4.0",
  "id": "GHSA-p6mc-m468-83gw",
  "modified": "2024-02-16T08:21:47Z",
  "published": "2020-07-15T19:15:48Z",
  "aliases": ["CVE-2020-8203"],
  "summary": "Prototype Pollution in lodash",
  "affected": [{
    "package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "3.7.0"}, {"fixed": "4.17.19"}]}]
  }],
  "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-1321", "CWE-770"]}
}
`

// DB imports feed files into a new vulnerability database and returns
// its path.
func DB(t testing.TB, paths ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(context.Background(), p, paths, importer.ImportOptions{BuiltAt: Created}); err != nil {
		t.Fatalf("importing %v: %v", paths, err)
	}
	return p
}

// MixedDB builds the database the mixed fixture is matched against: the
// real Debian DSA list, the real Go and PyPI exports, and LodashOSV.
func MixedDB(t testing.TB) string {
	t.Helper()
	osv := filepath.Join(t.TempDir(), "osv")
	if err := os.MkdirAll(osv, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(osv, "GHSA-p6mc-m468-83gw.json"), []byte(LodashOSV), 0o644); err != nil {
		t.Fatal(err)
	}
	return DB(t, testutil.Shared(t, "advisories/debian/DSA/list"), testutil.Shared(t, "advisories/osv/Go/all.zip"),
		testutil.Shared(t, "advisories/osv/PyPI/all.zip"), osv)
}

// Mixed builds a root filesystem with packages of several ecosystems from
// real manifest formats: the edited bullseye dpkg status and os-release,
// a Python dist-info, an npm package.json under node_modules, and a Go
// binary built here that depends on golang.org/x/text v0.3.5 (served from
// a file-system module proxy, so the build needs no network).
func Mixed(t testing.TB) string {
	t.Helper()
	src := EditedBullseye(t)
	root := filepath.Join(t.TempDir(), "mixed")
	for _, f := range []string{"etc/os-release", "usr/lib/os-release", "etc/debian_version", "var/lib/dpkg/status"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			continue
		}
		write(t, filepath.Join(root, f), b)
	}
	write(t, filepath.Join(root, "usr/lib/python3/dist-packages/PyYAML-5.3.dist-info/METADATA"),
		[]byte("Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3\nSummary: YAML parser and emitter for Python\nLicense: MIT\n"))
	write(t, filepath.Join(root, "srv/app/node_modules/lodash/package.json"),
		[]byte(`{"name": "lodash", "version": "4.17.15", "license": "MIT", "main": "lodash.js"}`))
	write(t, filepath.Join(root, "srv/app/package.json"),
		[]byte(`{"name": "srv-app", "version": "1.0.0", "dependencies": {"lodash": "^4.17.15"}}`))
	write(t, filepath.Join(root, "usr/local/bin/app"), goBinary(t))
	if err := os.Chmod(filepath.Join(root, "usr/local/bin/app"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func write(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goBinary builds a program that calls golang.org/x/text/language.Parse
// from a module at v0.3.5.
func goBinary(t testing.TB) []byte {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("go toolchain not found: %v", err)
	}
	// GOPROXY is a comma-separated list: keep test names out of the path.
	dir, err := os.MkdirTemp("", "bulwark-goproxy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	const mod, ver = "golang.org/x/text", "v0.3.5"
	v := filepath.Join(dir, "proxy", mod, "@v")
	modfile := "module golang.org/x/text\n\ngo 1.21\n"
	write(t, filepath.Join(v, ver+".info"), []byte(`{"Version":"`+ver+`","Time":"2020-12-14T00:00:00Z"}`))
	write(t, filepath.Join(v, ver+".mod"), []byte(modfile))
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for name, body := range map[string]string{
		"go.mod":               modfile,
		"language/language.go": "package language\n\ntype Tag struct{ s string }\n\n//go:noinline\nfunc Parse(s string) (Tag, error) { return Tag{s}, nil }\n\nfunc (t Tag) String() string { return t.s }\n",
	} {
		w, err := zw.Create(mod + "@" + ver + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(v, ver+".zip"), zbuf.Bytes())
	app := filepath.Join(dir, "app")
	write(t, filepath.Join(app, "go.mod"), []byte("module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/text "+ver+"\n"))
	write(t, filepath.Join(app, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"golang.org/x/text/language\"\n)\n\nfunc main() {\n\tt, _ := language.Parse(os.Args[0])\n\tfmt.Println(t)\n}\n"))
	out := filepath.Join(dir, "app.bin")
	cmd := exec.Command(goBin, "build", "-o", out, ".")
	cmd.Dir = app
	cmd.Env = append(os.Environ(), "GOPROXY=file://"+filepath.ToSlash(filepath.Join(dir, "proxy")), "GOSUMDB=off",
		"GOFLAGS=-mod=mod -modcacherw -buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0",
		"GOMODCACHE="+filepath.Join(dir, "modcache"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the Go fixture: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
