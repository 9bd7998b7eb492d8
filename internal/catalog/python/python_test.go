package python

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func py(name, version, path string, lic ...string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.Python, License: lic, Locations: []sbom.Location{{Path: path}}}
}

func dev(p sbom.Package) sbom.Package { p.Dev = true; return p }

func TestClassify(t *testing.T) {
	for p, want := range map[string]kind{
		"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA":               metadata,
		"usr/lib/python3/dist-packages/Jinja2-3.1.2.egg-info/PKG-INFO":              metadata,
		"srv/venv/lib/python3.7/site-packages/PyYAML-5.3-py3.7.egg-info":            metadata,
		"usr/lib/python3.7/site-packages/foo-1.0-py3.7.egg/EGG-INFO/PKG-INFO":       metadata,
		"usr/lib/python3/dist-packages/setuptools/_vendor/x-1.0.dist-info/METADATA": metadata,
		"usr/lib/python3/dist-packages/x-1.0.dist-info/RECORD":                      notWanted,
		"usr/lib/python3/dist-packages/x/METADATA":                                  notWanted,
		"usr/lib/python3/dist-packages/.dist-info/METADATA":                         notWanted,
		"usr/lib/python3/dist-packages/x/PKG-INFO":                                  notWanted,
		"src/foo/EGG-INFO/PKG-INFO":                                                 notWanted,
		"srv/app/poetry.lock":                                                       poetryLock,
		"poetry.lock":                                                               poetryLock,
		"srv/app/Pipfile.lock":                                                      pipfileLock,
		"srv/app/Pipfile":                                                           notWanted,
		"srv/app/requirements.txt":                                                  requirements,
		"srv/app/requirements-dev.txt":                                              requirements,
		"srv/app/requirements_test.txt":                                             requirements,
		"srv/app/dev-requirements.txt":                                              requirements,
		"srv/app/test_requirements.txt":                                             requirements,
		"srv/app/requirements.in":                                                   notWanted,
		"srv/app/requirements.txt.orig":                                             notWanted,
		"srv/app/myrequirements.txt":                                                notWanted,
		"usr/lib/python3/dist-packages/pkg/tests/requirements.txt":                  notWanted,
		"srv/venv/lib/python3.11/site-packages/x/poetry.lock":                       notWanted,
		"srv/app/node_modules/x/requirements.txt":                                   notWanted,
	} {
		if got := classify(p); got != want {
			t.Errorf("classify(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestInstalled reads real metadata files: those shipped by Debian
// bookworm's python3-* packages and pip's and setuptools' wheels (see
// testdata/README.md).
func TestInstalled(t *testing.T) {
	for _, tc := range []struct {
		path string
		want sbom.Package
	}{
		{"usr/lib/python3/dist-packages/Jinja2-3.1.2.egg-info/PKG-INFO", py("Jinja2", "3.1.2", "", "BSD-3-Clause")},
		{"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", py("PyYAML", "6.0", "", "MIT")},
		{"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", py("requests", "2.28.1", "", "Apache 2.0")},
		{"usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO", py("urllib3", "1.26.12", "", "MIT")},
		{"usr/local/lib/python3.10/site-packages/pip-23.0.1.dist-info/METADATA", py("pip", "23.0.1", "", "MIT")},
		// No License field: the trove classifier names it.
		{"usr/local/lib/python3.10/site-packages/setuptools-65.5.0.dist-info/METADATA", py("setuptools", "65.5.0", "", "MIT License")},
		{"srv/venv/lib/python3.7/site-packages/Jinja2-2.10.dist-info/METADATA", py("Jinja2", "2.10", "", "BSD")},
		{"srv/venv/lib/python3.7/site-packages/Django-2.2.dist-info/METADATA", py("Django", "2.2", "", "BSD")},
		{"srv/venv/lib/python3.7/site-packages/PyYAML-5.3-py3.7.egg-info", py("PyYAML", "5.3", "", "MIT")},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got, err := catalogtest.ParseFixture(t, New(), tc.path)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Locations[0].Path = tc.path
			catalogtest.Expect(t, []sbom.Package{tc.want}, got, false)
		})
	}
}

func TestMetadataEdgeCases(t *testing.T) {
	const p = "x/site-packages/a-1.dist-info/METADATA"
	for _, tc := range []struct {
		name, body string
		want       *sbom.Package
	}{
		{"license expression wins", "Name: a\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: MIT\n", ptr(py("a", "1", p, "MIT OR Apache-2.0"))},
		{"license text is not a name", "Name: a\nVersion: 1\nLicense: Copyright (c) 2010 Someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n", ptr(py("a", "1", p, "MIT License"))},
		{"long license", "Name: a\nVersion: 1\nLicense: " + strings.Repeat("x", 101) + "\n", ptr(py("a", "1", p))},
		{"UNKNOWN license, classifiers", "Name: a\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved\nClassifier: License :: OSI Approved :: BSD License\nClassifier: License :: Public Domain\n", ptr(py("a", "1", p, "BSD License", "Public Domain"))},
		{"CRLF and case", "Metadata-Version: 2.1\r\nname: zope.interface\r\nVERSION: 5.4.0\r\n\r\nName: ignored\r\n", ptr(py("zope.interface", "5.4.0", p))},
		{"body is not read", "Name: a\nVersion: 1\n\nLicense: MIT\n", ptr(py("a", "1", p))},
		{"headers end at a stray line", "Name: a\nVersion: 1\nnot a header\nLicense: MIT\n", ptr(py("a", "1", p))},
		{"no version", "Name: a\n", nil},
		{"no name", "Version: 1\n", nil},
		{"empty", "", nil},
		{"version before a stray line only", "Name: a\nbroken\nVersion: 1\n", nil},
		{"bad name", "Name: a b\nVersion: 1\n", nil},
		{"bad version", "Name: a\nVersion: 1 2\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalogtest.ParseBytes(t, New(), p, []byte(tc.body), 0o644)
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

func TestLockFiles(t *testing.T) {
	const (
		poetry1 = "srv/flask-app/poetry.lock"
		poetry2 = "srv/api/poetry.lock"
		pipfile = "srv/pipenv-app/Pipfile.lock"
		reqs    = "srv/worker/requirements.txt"
	)
	for _, tc := range []struct {
		path string
		want []sbom.Package
	}{
		{poetry1, []sbom.Package{
			py("click", "8.1.3", poetry1), py("colorama", "0.4.6", poetry1), py("flask", "2.2.2", poetry1),
			dev(py("iniconfig", "1.1.1", poetry1)), py("itsdangerous", "2.1.2", poetry1), py("jinja2", "3.1.2", poetry1),
			py("markupsafe", "2.1.1", poetry1), dev(py("packaging", "21.3", poetry1)), dev(py("pluggy", "1.0.0", poetry1)),
			dev(py("pyparsing", "3.0.9", poetry1)), dev(py("pytest", "7.2.0", poetry1)), py("werkzeug", "2.2.2", poetry1),
		}},
		{poetry2, []sbom.Package{
			py("anyio", "4.8.0", poetry2), py("fastapi", "0.115.8", poetry2), py("idna", "3.10", poetry2),
			dev(py("mypy", "1.15.0", poetry2)), dev(py("pytest", "8.3.4", poetry2)), py("sniffio", "1.3.1", poetry2),
			py("starlette", "0.45.3", poetry2),
		}},
		// idna is in both sections: a runtime dependency. The editable
		// path dependency has no version.
		{pipfile, []sbom.Package{
			dev(py("black", "22.10.0", pipfile)), py("certifi", "2022.9.24", pipfile), py("charset-normalizer", "2.1.1", pipfile),
			py("idna", "3.4", pipfile), dev(py("mypy-extensions", "0.4.3", pipfile)), py("requests", "2.28.1", pipfile),
			dev(py("tomli", "2.0.1", pipfile)), py("urllib3", "1.26.12", pipfile),
		}},
		// Only exact pins; options, URLs, paths, ranges and prefix
		// matches pin nothing.
		{reqs, []sbom.Package{
			py("PyYAML", "5.3", reqs), py("SQLAlchemy", "1.4.41", reqs), py("amqp", "5.1.1", reqs), py("billiard", "3.6.4.0", reqs),
			py("celery", "5.2.7", reqs), py("kombu", "5.2.4", reqs), py("redis", "4.3.4", reqs),
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got, err := catalogtest.ParseFixture(t, New(), tc.path)
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, tc.want, got, false)
		})
	}
}

func TestRequirementLines(t *testing.T) {
	for _, tc := range []struct {
		line, name, version string
		err                 bool
	}{
		{"Django==2.2", "Django", "2.2", false},
		{"django == 2.2.0", "django", "2.2.0", false},
		{"requests[security,socks]==2.19.1", "requests", "2.19.1", false},
		{"requests [security] (==2.19.1)", "requests", "2.19.1", false},
		{"zope.interface===5.4.0.post1", "zope.interface", "5.4.0.post1", false},
		{"pywin32==305; sys_platform == 'win32'", "pywin32", "305", false},
		{"a==1.0 --hash=sha256:00", "a", "1.0", false},
		{"a==1.*", "", "", false},
		{"a==not-a-version", "", "", false},
		{"a>=1.0", "", "", false},
		{"a~=1.0", "", "", false},
		{"a!=1.0", "", "", false},
		{"a==1.0,!=1.0.1", "", "", false},
		{"a", "", "", false},
		{"a @ https://x/a.whl", "", "", false},
		{"--extra-index-url https://x", "", "", false},
		{"-e .", "", "", false},
		{"git+https://github.com/a/b.git#egg=b", "", "", false},
		{"a[extra==1.0", "", "", true},
		{"a 1.0", "", "", true},
		{"==1.0", "", "", true},
		{"☃==1.0", "", "", true},
	} {
		name, version, err := requirement(tc.line)
		if (err != nil) != tc.err || name != tc.name || version != tc.version {
			t.Errorf("requirement(%q) = %q, %q, %v; want %q, %q, error %v", tc.line, name, version, err, tc.name, tc.version, tc.err)
		}
	}
}

func TestRequirementsContinuationAndPartial(t *testing.T) {
	const p = "srv/requirements.txt"
	body := "a==1.0 \\\n    --hash=sha256:00 \\\n    --hash=sha256:11\n# comment==2\nb==2.0#not-a-comment\nbroken line here\nc==3.0\n"
	got, err := catalogtest.ParseBytes(t, New(), p, []byte(body), 0o644)
	if err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("err = %v, want one naming line 6", err)
	}
	// "2.0#not-a-comment" is not a valid version: pip would refuse it too.
	catalogtest.Expect(t, []sbom.Package{py("a", "1.0", p), py("c", "3.0", p)}, got, false)
}

func TestMalformedLockFiles(t *testing.T) {
	for _, tc := range []struct{ path, body string }{
		{"a/poetry.lock", "[[package]\nname = \"x\""},
		{"a/poetry.lock", "[[package]]\nname = \"x\"\n"}, // no version
		{"a/poetry.lock", "[[package]]\nname = 1\nversion = \"1\"\n"},
		{"a/Pipfile.lock", "{}"},
		{"a/Pipfile.lock", "not json"},
		{"a/Pipfile.lock", `{"default": {"a": "==1.0"}}`},
		{"a/Pipfile.lock", `{"default": {"a b": {"version": "==1.0"}}}`},
		{"a/requirements.txt", "this is prose, not requirements\n"},
	} {
		if _, err := catalogtest.ParseBytes(t, New(), tc.path, []byte(tc.body), 0o644); err == nil {
			t.Errorf("%s %q: no error", tc.path, tc.body)
		}
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, err := os.ReadFile("testdata/srv/pipenv-app/Pipfile.lock")
	if err != nil {
		t.Fatal(err)
	}
	_, err = New().Parse(ctx, catalog.NewBytesFile("a/Pipfile.lock", data))
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

func checkFuzzed(t *testing.T, pkgs []sbom.Package) {
	seen := map[string]bool{}
	for _, p := range pkgs {
		if !validName(p.Name) || p.Version == "" || p.Type != sbom.Python {
			t.Fatalf("bad package %+v", p)
		}
		k := sbom.NormalizePythonName(p.Name) + " " + p.Version
		if seen[k] {
			t.Fatalf("%s twice", k)
		}
		seen[k] = true
	}
}

func FuzzMetadata(f *testing.F) {
	seeds(f, "testdata/usr/lib/python3/dist-packages/Jinja2-3.1.2.egg-info/PKG-INFO",
		"testdata/srv/venv/lib/python3.7/site-packages/PyYAML-5.3-py3.7.egg-info")
	f.Add([]byte("Name: a\nVersion: 1\nLicense: x\n  y\nClassifier: License :: A :: B\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseMetadata(b)
		if err == nil {
			checkFuzzed(t, []sbom.Package{p})
		}
	})
}

func FuzzPoetryLock(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which is slow on
	// the multi-KiB fixtures.
	f.Add([]byte("[[package]]\nname = \"flask\"\nversion = \"2.2.2\"\ncategory = \"main\"\n\n[[package]]\nname = \"pytest\"\nversion = \"7.2.0\"\ncategory = \"dev\"\n"))
	f.Add([]byte("[[package]]\nname = \"idna\"\nversion = \"3.10\"\ngroups = [\"main\", \"dev\"]\nfiles = []\n\n[metadata]\nlock-version = \"2.1\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parsePoetryLock(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}

func FuzzPipfileLock(f *testing.F) {
	f.Add([]byte(`{"_meta":{"pipfile-spec":6},"default":{"requests":{"version":"==2.28.1"},"x":{"path":"."}},"develop":{"black":{"version":"==22.10.0"},"requests":{"version":"==2.28.1"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parsePipfileLock(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}

func FuzzRequirements(f *testing.F) {
	f.Add([]byte("--index-url https://x\nA[b]==1.0 ; python_version < '3'  # c\nB===2 \\\n  --hash=sha256:00\nC>=1,<2\n-e .\n"))
	f.Add([]byte("a==1 \\\n --hash=x\nb[c]==2; python_version<'3'\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parseRequirements(context.Background(), generic.FromBytes("x", b))
		checkFuzzed(t, pkgs)
	})
}
