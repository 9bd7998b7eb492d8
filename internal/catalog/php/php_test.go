package php

import (
	"context"
	"encoding/json"
	"errors"
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

func TestClassify(t *testing.T) {
	for p, want := range map[string]kind{
		"srv/shop/vendor/composer/installed.json":        installed,
		"srv/shop/lib/composer/installed.json":           installed, // a renamed vendor-dir
		"vendor/composer/installed.json":                 installed,
		"srv/shop/vendor/composer/installed.php":         notWanted,
		"srv/shop/composer.lock":                         lock,
		"composer.lock":                                  lock,
		"srv/shop/composer.json":                         notWanted,
		"srv/shop/vendor/monolog/monolog/composer.lock":  notWanted, // published with a package
		"vendor/x/y/composer.lock":                       notWanted,
		"srv/shop/vendor/composer/installed.json.backup": notWanted,
	} {
		if got := classify(p); got != want {
			t.Errorf("classify(%q) = %v, want %v", p, got, want)
		}
	}
}

func composer(name, version, path string, dev bool, lic ...string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.Composer, Dev: dev, License: lic, Locations: []sbom.Location{{Path: path}}}
}

func TestFixtures(t *testing.T) {
	const (
		v2   = "srv/shop/vendor/composer/installed.json"
		lk   = "srv/shop/composer.lock"
		v1   = "var/www/legacy/vendor/composer/installed.json"
		mit  = "MIT"
		bsd3 = "BSD-3-Clause"
	)
	shop := func(path string) []sbom.Package {
		return []sbom.Package{
			composer("doctrine/instantiator", "1.4.1", path, true, mit),
			composer("guzzlehttp/guzzle", "7.5.0", path, false, mit),
			composer("guzzlehttp/promises", "1.5.2", path, false, mit),
			composer("guzzlehttp/psr7", "2.4.3", path, false, mit),
			composer("monolog/monolog", "2.8.0", path, false, mit),
			composer("myclabs/deep-copy", "1.11.0", path, true, mit),
			composer("phpunit/phpunit", "9.5.27", path, true, bsd3),
			composer("psr/http-client", "1.0.1", path, false, mit),
			composer("psr/http-factory", "1.0.1", path, false, mit),
			composer("psr/http-message", "1.0.1", path, false, mit),
			composer("psr/log", "1.1.4", path, false, mit),
			composer("ralouphie/getallheaders", "3.0.3", path, false, mit),
			composer("sebastian/diff", "4.0.4", path, true, bsd3),
			composer("symfony/deprecation-contracts", "v3.2.0", path, false, mit),
			composer("symfony/polyfill-ctype", "v1.27.0", path, false, mit),
			composer("symfony/polyfill-mbstring", "v1.27.0", path, false, mit),
			composer("twig/twig", "v3.4.3", path, false, bsd3),
		}
	}
	for _, tc := range []struct {
		path string
		want []sbom.Package
	}{
		{v2, shop(v2)},
		{lk, shop(lk)},
		// Composer 1 cannot tell development packages apart.
		{v1, []sbom.Package{
			composer("laravel/framework", "v5.5.40", v1, false, mit),
			composer("monolog/monolog", "1.23.0", v1, false, mit),
			composer("phpunit/phpunit", "6.5.8", v1, false, bsd3),
			composer("psr/log", "1.0.2", v1, false, mit),
			composer("swiftmailer/swiftmailer", "v6.0.2", v1, false, mit),
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

func TestMalformed(t *testing.T) {
	const inst = "a/vendor/composer/installed.json"
	const lk = "a/composer.lock"
	for _, tc := range []struct {
		name, path, body string
		want             []sbom.Package
	}{
		{"not json", inst, "nope", nil},
		{"a number", inst, "42", nil},
		{"object without packages", inst, `{"dev": true}`, nil},
		{"packages not a list", inst, `{"packages": {}}`, nil},
		{"truncated", lk, `{"packages": [{"name": "a/b", "version": "1.0"}`, nil},
		{"empty lock", lk, `{}`, nil},
		{"bad entries kept apart", lk, `{"packages": [{"name": "a/b", "version": "1.0"}, {"name": "nope", "version": "1"},
			{"name": "c/d"}, {"name": "e/f", "version": 2}, "x"]}`, []sbom.Package{composer("a/b", "1.0", lk, false)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalogtest.ParseBytes(t, New(), tc.path, []byte(tc.body), 0o644)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "php: "+tc.path+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			catalogtest.Expect(t, tc.want, got, false)
		})
	}
}

// A package in both sections of a lock file is needed at run time.
func TestDevAndProd(t *testing.T) {
	const lk = "a/composer.lock"
	body := `{"packages": [{"name": "psr/log", "version": "1.1.4"}], "packages-dev": [{"name": "psr/log", "version": "1.1.4"}, {"name": "x/y", "version": "dev-main"}]}`
	got, err := catalogtest.ParseBytes(t, New(), lk, []byte(body), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.Expect(t, []sbom.Package{composer("psr/log", "1.1.4", lk, false), composer("x/y", "dev-main", lk, true)}, got, false)
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, err := os.ReadFile("testdata/srv/shop/composer.lock")
	if err != nil {
		t.Fatal(err)
	}
	_, err = New().Parse(ctx, catalog.NewBytesFile("a/composer.lock", data))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func FuzzParse(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which is slow on
	// the multi-KiB fixtures.
	f.Add([]byte(`[{"name":"monolog/monolog","version":"1.23.0","license":"MIT"},{"name":"psr/log","version":"1.0.2","license":["MIT"]}]`))
	f.Add([]byte(`{"packages":[{"name":"a/b","version":"v1.0.0"},{"name":"c/d","version":"dev-main"}],"dev":true,"dev-package-names":["c/d"]}`))
	f.Add([]byte(`{"packages":[{"name":"a/b","version":"1.0"}],"packages-dev":[{"name":"a/b","version":"1.0"},{"name":"e/f","version":"2"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []generic.Parser{parseInstalled, parseLock} {
			pkgs, _ := parse(context.Background(), generic.FromBytes("x", b))
			seen := map[string]bool{}
			for _, p := range pkgs {
				if !validName(p.Name) || p.Version == "" || p.Type != sbom.Composer || seen[p.Name+"@"+p.Version] {
					t.Fatalf("bad package %+v", p)
				}
				seen[p.Name+"@"+p.Version] = true
			}
		}
	})
}

// composerShow runs the real `composer show` in a project folder holding
// installed.json (with the package folders it points to) or composer.lock,
// and returns name@version of what it lists.
func composerShow(t *testing.T, fixture string, args ...string) []string {
	t.Helper()
	composer := testutil.NeedCommand(t, "composer")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "composer.json"), []byte(`{"name": "acme/project"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "composer.lock")
	if strings.HasSuffix(fixture, "installed.json") {
		dst = filepath.Join(dir, "vendor/composer/installed.json")
		pkgs, err := parseInstalled(context.Background(), generic.FromBytes("x", data))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkgs {
			// composer show lists only packages whose folder exists.
			if err := os.MkdirAll(filepath.Join(dir, "vendor", p.Name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(composer, append([]string{"show", "--format=json", "--no-interaction", "--no-plugins"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COMPOSER_HOME="+filepath.Join(dir, ".composer"), "COMPOSER_ALLOW_SUPERUSER=1", "COMPOSER_DISABLE_NETWORK=1")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("composer show: %v", err)
	}
	var res map[string][]struct{ Name, Version string }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("composer show output: %v\n%s", err, out)
	}
	var set []string
	for _, list := range res {
		for _, p := range list {
			set = append(set, p.Name+"@"+p.Version)
		}
	}
	slices.Sort(set)
	return set
}

// TestAgreesWithComposer compares the fixtures' packages, and the lock
// file's development packages, with what Composer itself lists (when
// `composer` is installed: Debian package composer).
func TestAgreesWithComposer(t *testing.T) {
	list := func(pkgs []sbom.Package, dev bool) []string {
		var out []string
		for _, p := range pkgs {
			if !dev || !p.Dev {
				out = append(out, p.Name+"@"+p.Version)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct{ fixture, image string }{
		{"testdata/srv/shop/vendor/composer/installed.json", "srv/shop/vendor/composer/installed.json"},
		{"testdata/var/www/legacy/vendor/composer/installed.json", "var/www/legacy/vendor/composer/installed.json"},
		{"testdata/srv/shop/composer.lock", "srv/shop/composer.lock"},
	} {
		t.Run(tc.image, func(t *testing.T) {
			pkgs, err := catalogtest.ParseFixture(t, New(), tc.image)
			if err != nil {
				t.Fatal(err)
			}
			var args []string
			if strings.HasSuffix(tc.image, ".lock") {
				args = []string{"--locked"}
			}
			if d := cmp.Diff(composerShow(t, tc.fixture, args...), list(pkgs, false)); d != "" {
				t.Errorf("packages differ from composer show (-composer +bulwark):\n%s", d)
			}
			if len(args) > 0 {
				noDev := composerShow(t, tc.fixture, "--locked", "--no-dev")
				if d := cmp.Diff(noDev, list(pkgs, true)); d != "" {
					t.Errorf("non-dev packages differ from composer show --no-dev (-composer +bulwark):\n%s", d)
				}
			}
		})
	}
}
