package generic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// lines is a parser of one package per line, "name version".
func lines(ctx context.Context, f *File) ([]sbom.Package, error) {
	var pkgs []sbom.Package
	err := Lines(ctx, f, func(_ int, line []byte) error {
		if err := f.Record(); err != nil {
			return err
		}
		name, version, _ := strings.Cut(string(line), " ")
		pkgs = append(pkgs, sbom.Package{Name: name, Version: version})
		return nil
	})
	return pkgs, err
}

func TestRouting(t *testing.T) {
	c := New("test", "1", Routes(
		Route{Names("a.lock", "b.lock"), lines},
		Route{Glob("srv/*/*.txt", "opt/**"), lines},
	))
	for _, tc := range []struct {
		path string
		mode fs.FileMode
		want bool
	}{
		{"a.lock", 0o644, true},
		{"x/y/b.lock", 0o644, true},
		{"x/y/c.lock", 0o644, false},
		{"x/a.lock/z", 0o644, false},
		{"srv/app/r.txt", 0o644, true},
		{"srv/app/deep/r.txt", 0o644, false},
		{"opt/deep/r.txt", 0o644, true},
		{"var/r.txt", 0o644, false},
		{"a.lock", fs.ModeSymlink | 0o777, false},
		{"a.lock", fs.ModeNamedPipe | 0o644, false},
	} {
		if got := c.Wants(tc.path, tc.mode, 1<<40); got != tc.want {
			t.Errorf("Wants(%q, %v) = %v, want %v", tc.path, tc.mode, got, tc.want)
		}
	}
	if c.Name() != "test" || c.Version() != "1" {
		t.Errorf("name %q, version %q", c.Name(), c.Version())
	}
}

func TestParse(t *testing.T) {
	c := New("test", "1", Routes(Route{Names("a.lock"), lines}))
	got, err := c.Parse(context.Background(), catalog.NewBytesFile("srv/a.lock", []byte("x 1\ny 2")))
	if err != nil {
		t.Fatal(err)
	}
	want := []sbom.Package{
		{Name: "x", Version: "1", Locations: []sbom.Location{{Path: "srv/a.lock"}}},
		{Name: "y", Version: "2", Locations: []sbom.Location{{Path: "srv/a.lock"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A file the router does not know, or not a regular file, gives nothing.
	if got, err := c.Parse(context.Background(), catalog.NewBytesFile("b.lock", []byte("x 1"))); got != nil || err != nil {
		t.Errorf("unrouted: %v, %v", got, err)
	}
	fifo := catalog.NewBytesFile("a.lock", []byte("x 1"))
	fifo.FileMod = fs.ModeNamedPipe
	if got, err := c.Parse(context.Background(), fifo); got != nil || err != nil {
		t.Errorf("FIFO: %v, %v", got, err)
	}
}

func TestBudgets(t *testing.T) {
	c := New("test", "1", Routes(Route{Names("a.lock"), lines}))
	data := []byte(strings.Repeat("x 1\n", 100))
	for _, tc := range []struct {
		name   string
		limits budget.Limits
		kind   budget.Kind
	}{
		{"file bytes", budget.Limits{FileBytes: 399}, budget.FileBytes},
		{"records", budget.Limits{Records: 99}, budget.Records},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := budget.With(context.Background(), budget.New(tc.limits))
			pkgs, err := c.Parse(ctx, catalog.NewBytesFile("a.lock", data))
			be, ok := errors.AsType[*budget.ExceededError](err)
			if !ok || be.Kind != tc.kind || pkgs != nil && tc.kind == budget.FileBytes {
				t.Fatalf("err = %v, %d packages", err, len(pkgs))
			}
			if !strings.HasPrefix(err.Error(), "test: a.lock: ") || !strings.Contains(be.Hint(), tc.kind.Flag()) {
				t.Errorf("err = %v, hint %q", err, be.Hint())
			}
		})
	}
	// At the limits, the file is read.
	ctx := budget.With(context.Background(), budget.New(budget.Limits{FileBytes: 400, Records: 100}))
	if pkgs, err := c.Parse(ctx, catalog.NewBytesFile("a.lock", data)); err != nil || len(pkgs) != 100 {
		t.Errorf("at the limits: %d packages, %v", len(pkgs), err)
	}
	// A cancelled scan parses nothing.
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Parse(cctx, catalog.NewBytesFile("a.lock", data)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestLinesTooLong(t *testing.T) {
	f := FromBytes("a", append(bytes.Repeat([]byte("x"), MaxLine+1), '\n'))
	err := Lines(context.Background(), f, func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 1 is longer") {
		t.Errorf("err = %v", err)
	}
}

func TestJSON(t *testing.T) {
	dec := NewDecoder(strings.NewReader(`{"a": [1, {"x": [2, 3]}], "b": {"k": "v", "n": null}, "c": null, "d": [], "e": 5} `))
	var got []string
	ok, err := Object(dec, func(key string) error {
		switch key {
		case "a":
			_, err := Array(dec, func(i int) error {
				got = append(got, "a"+string(rune('0'+i)))
				return Skip(dec)
			})
			return err
		case "b":
			_, err := Object(dec, func(k string) error {
				var v any
				got = append(got, "b."+k)
				return dec.Decode(&v)
			})
			return err
		case "c":
			isObj, err := Object(dec, func(string) error { t.Error("null has keys"); return nil })
			if isObj {
				t.Error("null is an object")
			}
			return err
		case "d":
			// The wrong type is consumed and reported; the stream goes on.
			_, err := Object(dec, func(string) error { return nil })
			if !errors.Is(err, ErrType) {
				t.Errorf("array as object: %v", err)
			}
			return nil
		}
		got = append(got, key)
		return Skip(dec)
	})
	if !ok || err != nil {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if err := End(dec); err != nil {
		t.Errorf("End: %v", err)
	}
	if d := cmp.Diff([]string{"a0", "a1", "b.k", "b.n", "e"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	dec = NewDecoder(strings.NewReader(`{} {}`))
	if _, err := Object(dec, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := End(dec); err == nil {
		t.Error("End accepts a second document")
	}
}

func TestTOMLTables(t *testing.T) {
	doc := "version = 3\n\n[[package]]\nname = \"a\"\ndesc = \"\"\"\n[not a header]\n\"\"\"\n\n[package.dependencies]\nb = \"1\"\n[[package]] # comment\nname = \"c\"\n"
	type chunk struct{ Header, Text string }
	var got []chunk
	err := TOMLTables(context.Background(), FromBytes("x", []byte(doc)), func(h string, c []byte) error {
		got = append(got, chunk{h, string(c)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []chunk{
		{"", "version = 3\n\n"},
		{"[[package]]", "[[package]]\nname = \"a\"\ndesc = \"\"\"\n[not a header]\n\"\"\"\n\n"},
		{"[package.dependencies]", "[package.dependencies]\nb = \"1\"\n"},
		{"[[package]]", "[[package]] # comment\nname = \"c\"\n"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// FuzzJSON walks arbitrary input with Object, Array and Skip: they must
// end without a panic, and a walk that succeeds must agree with
// encoding/json on whether the input is valid.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":null}],"c":"d"}`))
	f.Add([]byte(`[{"x":1},[],{}]`))
	f.Add([]byte(`{"a":{"b":{"c":[[[]]]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := NewDecoder(bytes.NewReader(data))
		var walk func() error
		walk = func() error {
			_, err := Object(dec, func(string) error { return walk() })
			if errors.Is(err, ErrType) {
				return nil // an array or scalar, consumed
			}
			return err
		}
		if walk() == nil && End(dec) == nil && !json.Valid(data) {
			t.Errorf("walked invalid JSON %q", data)
		}
	})
}

// FuzzTOMLTables splits arbitrary input: the chunks must add up to the
// input's lines.
func FuzzTOMLTables(f *testing.F) {
	f.Add([]byte("a = 1\n[[package]]\nname = \"x\"\n[metadata]\n"))
	f.Add([]byte("s = '''\n[x]\n'''\n[y]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		err := TOMLTables(context.Background(), FromBytes("x", data), func(_ string, c []byte) error {
			b.Write(c)
			return nil
		})
		if err != nil {
			return // an over-long line
		}
		want := string(data)
		if want != "" && !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		if b.String() != want {
			t.Errorf("chunks %q of %q", b.String(), data)
		}
	})
}

func TestYAMLBlocks(t *testing.T) {
	doc := "lockfileVersion: '9.0'\n\nsettings:\n  a: true\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: x}\n\n  '@s/b@2.0.0':\n    dev: true\n# a comment\nsnapshots: {}\n"
	type chunk struct {
		Key   string
		Entry bool
		Text  string
	}
	var got []chunk
	split := func(k string) bool { return k == "packages" || k == "snapshots" }
	err := YAMLBlocks(context.Background(), FromBytes("x", []byte(doc)), split, func(k string, entry bool, c []byte) error {
		got = append(got, chunk{k, entry, string(c)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []chunk{
		{"lockfileVersion", false, "lockfileVersion: '9.0'\n\n"},
		{"settings", false, "settings:\n  a: true\n\n"},
		{"packages", true, "  a@1.0.0:\n    resolution: {integrity: x}\n\n"},
		{"packages", true, "  '@s/b@2.0.0':\n    dev: true\n# a comment\n"},
		{"snapshots", false, "snapshots: {}\n"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// FuzzYAMLBlocks splits arbitrary input: no panic, and the chunks hold
// every line that is not a split key's own.
func FuzzYAMLBlocks(f *testing.F) {
	f.Add([]byte("lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    dev: false\n"))
	f.Add([]byte("packages: {}\n  x\n y:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		_ = YAMLBlocks(context.Background(), FromBytes("x", data), func(k string) bool { return k == "packages" },
			func(_ string, _ bool, c []byte) error {
				n += bytes.Count(c, []byte("\n"))
				return nil
			})
		if lines := bytes.Count(data, []byte("\n")) + 1; n > lines {
			t.Errorf("%d chunk lines from %d lines", n, lines)
		}
	})
}
