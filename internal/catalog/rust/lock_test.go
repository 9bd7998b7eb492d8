package rust

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func crate(name, version, path string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: sbom.Cargo, Locations: []sbom.Location{{Path: path}}}
}

func local(p sbom.Package) sbom.Package { p.Main = true; return p }
func build(p sbom.Package) sbom.Package { p.Dev = true; return p }

func TestLockFormats(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want func(p string) []sbom.Package
	}{{
		// v1: "name version (source)" dependencies, [metadata] checksums.
		dir: "v1",
		want: func(p string) []sbom.Package {
			return []sbom.Package{
				crate("cfg-if", "0.1.10", p), local(crate("hello-log", "0.1.0", p)), crate("libc", "0.2.66", p),
				crate("log", "0.4.8", p), crate("redox_syscall", "0.1.56", p), crate("time", "0.1.42", p), crate("winapi", "0.3.8", p),
			}
		},
	}, {
		// The oldest v1 files: the root crate in [root].
		dir: "v1-root",
		want: func(p string) []sbom.Package {
			return []sbom.Package{crate("libc", "0.2.20", p), local(crate("oldtool", "0.3.1", p)), crate("rustc-serialize", "0.3.22", p)}
		},
	}, {
		// v2: inline checksums, short dependency names, no version key.
		dir: "v2",
		want: func(p string) []sbom.Package {
			return []sbom.Package{
				crate("aho-corasick", "0.7.15", p), local(crate("grepper", "0.2.0", p)), crate("memchr", "2.3.4", p),
				crate("once_cell", "1.5.2", p), crate("regex", "1.4.3", p), crate("regex-syntax", "0.6.22", p), crate("thread_local", "1.1.3", p),
			}
		},
	}, {
		// v3, with a git dependency and a path dependency.
		dir: "v3",
		want: func(p string) []sbom.Package {
			return []sbom.Package{
				crate("bytes", "1.1.0", p), crate("fnv", "1.0.7", p), crate("http", "0.2.4", p), crate("hyper", "0.14.10", p),
				crate("itoa", "0.4.7", p), local(crate("proxy", "0.1.0", p)), local(crate("proxy-util", "0.1.0", p)), crate("tokio", "1.8.0", p),
			}
		},
	}, {
		// v4, with a crate from another (sparse) registry.
		dir: "v4",
		want: func(p string) []sbom.Package {
			return []sbom.Package{
				crate("crossbeam-channel", "0.5.14", p), crate("crossbeam-utils", "0.8.21", p),
				crate("internal-metrics", "2.4.0", p), local(crate("worker", "0.9.0", p)),
			}
		},
	}} {
		t.Run(tc.dir, func(t *testing.T) {
			p := tc.dir + "/app/Cargo.lock"
			got, err := catalogtest.ParseFixture(t, New(), p)
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, tc.want(p), got, false)
		})
	}
}

// TestCargoGenerated has Cargo itself write a lock file (offline, so the
// workspace has only path dependencies) and compares with what
// `cargo metadata` says the workspace holds.
func TestCargoGenerated(t *testing.T) {
	cargo := testutil.NeedCommand(t, "cargo")
	dir := t.TempDir()
	files := map[string]string{
		"Cargo.toml":                      "[workspace]\nmembers = [\"server\", \"proto\"]\nresolver = \"2\"\n",
		"server/Cargo.toml":               "[package]\nname = \"server\"\nversion = \"1.2.0\"\nedition = \"2021\"\n\n[dependencies]\nproto = { path = \"../proto\" }\nvendored-json = { path = \"../vendor/vendored-json\" }\n",
		"server/src/main.rs":              "fn main() {}\n",
		"proto/Cargo.toml":                "[package]\nname = \"proto\"\nversion = \"0.4.1\"\nedition = \"2021\"\n",
		"proto/src/lib.rs":                "",
		"vendor/vendored-json/Cargo.toml": "[package]\nname = \"vendored-json\"\nversion = \"1.0.108\"\nedition = \"2021\"\n",
		"vendor/vendored-json/src/lib.rs": "",
	}
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) []byte {
		cmd := exec.Command(cargo, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CARGO_NET_OFFLINE=true", "CARGO_HOME="+filepath.Join(dir, ".cargo-home"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("cargo %v: %v", args, err)
		}
		return out
	}
	run("generate-lockfile", "--offline")
	var meta struct {
		Packages []struct {
			Name, Version string
			Source        *string
		}
	}
	if err := json.Unmarshal(run("metadata", "--offline", "--format-version", "1"), &meta); err != nil {
		t.Fatal(err)
	}
	const p = "src/app/Cargo.lock"
	var want []sbom.Package
	for _, m := range meta.Packages {
		c := crate(m.Name, m.Version, p)
		c.Main = m.Source == nil
		want = append(want, c)
	}
	sbom.Sort(want)
	if len(want) != 3 {
		t.Fatalf("cargo metadata lists %d packages, want 3", len(want))
	}

	lock, err := os.ReadFile(filepath.Join(dir, "Cargo.lock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Cargo wrote:\n%s", lock)
	got, err := catalogtest.ParseBytes(t, New(), p, lock, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.Expect(t, want, got, false)
}

func TestLockMalformed(t *testing.T) {
	good := "[[package]]\nname = \"memchr\"\nversion = \"2.4.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
	for _, tc := range []struct {
		name, in string
		want     []string // name@version read despite the error
		err      string
	}{
		{"not toml", "[[package]\nname = ", nil, "not TOML"},
		{"package not tables", "package = 3\n", nil, "not an array of tables"},
		{"bad version key", "version = \"three\"\n" + good, nil, "not a format version"},
		{"nesting", "x = " + strings.Repeat("[", 100000) + "\n", nil, "nest more than"},
		{"missing version", good + "\n[[package]]\nname = \"regex\"\n", []string{"memchr@2.4.1"}, "package 2: no usable name and version"},
		{"number version", good + "\n[[package]]\nname = \"regex\"\nversion = 1\n", []string{"memchr@2.4.1"}, "package 2"},
		{"source not a string", good + "\n[[package]]\nname = \"regex\"\nversion = \"1.5.4\"\nsource = 7\n", []string{"memchr@2.4.1"}, "source is not a string"},
		{"bad name", good + "\n[[package]]\nname = \"a b\"\nversion = \"1.0.0\"\n", []string{"memchr@2.4.1"}, "package 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lockOf(tc.in, "Cargo.lock")
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name+"@"+p.Version)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("got %v, want %v", names, tc.want)
			}
		})
	}
	if pkgs, err := lockOf("", "Cargo.lock"); err != nil || len(pkgs) != 0 {
		t.Errorf("empty lock file: %v, %v", pkgs, err)
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		path string
		mode os.FileMode
		size int64
		want bool
	}{
		{"src/app/Cargo.lock", 0o644, 100, true},
		{"Cargo.lock", 0o644, 100, true},
		{"src/app/Cargo.lock", 0o644, 128 << 20, true}, // refused by the file budget, not dropped
		{"src/app/Cargo.toml", 0o644, 100, false},
		{"src/app/cargo.lock", 0o644, 100, false},
		{"usr/local/bin/rg", 0o755, 5 << 20, true},
		{"usr/local/bin/rg", 0o644, 5 << 20, false},
		{"usr/local/bin/tiny", 0o755, 100, false},
		{"usr/local/bin/rg", os.ModeSymlink | 0o777, 5 << 20, false},
	} {
		if got := c.Wants(tc.path, tc.mode, tc.size); got != tc.want {
			t.Errorf("Wants(%q, %v, %d) = %v, want %v", tc.path, tc.mode, tc.size, got, tc.want)
		}
	}
}

// lockOf parses a Cargo.lock given as text or bytes, located at path.
func lockOf[T string | []byte](data T, path string) ([]sbom.Package, error) {
	pkgs, err := parseLock(context.Background(), generic.FromBytes(path, []byte(data)))
	catalog.Locate(pkgs, path)
	return pkgs, err
}
