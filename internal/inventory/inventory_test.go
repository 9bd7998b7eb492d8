package inventory

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/dpkg"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func status(pkgs ...string) string {
	var b strings.Builder
	for _, p := range pkgs {
		name, ver, _ := strings.Cut(p, "=")
		b.WriteString("Package: " + name + "\nStatus: install ok installed\nVersion: " + ver + "\nArchitecture: all\n\n")
	}
	return b.String()
}

func analyze(t *testing.T, a *Analyzer, layers ...[]byte) []*LayerResult {
	t.Helper()
	var out []*LayerResult
	for _, l := range layers {
		r, err := a.AnalyzeLayer(context.Background(), layerfs.Layer{RA: bytes.NewReader(l), Size: int64(len(l))}, false)
		if err != nil {
			t.Fatal(err)
		}
		// Every result goes through the cache encoding, as in real scans.
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if r, err = DecodeLayerResult(b); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

type pkgRow struct{ Name, Version, Path, Layer string }

func rows(inv *Inventory) []pkgRow {
	var out []pkgRow
	for _, p := range inv.Packages {
		for _, l := range p.Locations {
			out = append(out, pkgRow{p.Name, p.Version, l.Path, l.LayerDigest})
		}
	}
	return out
}

func TestAssembleLayers(t *testing.T) {
	a := &Analyzer{Catalogers: []catalog.Cataloger{dpkg.New()}}
	l0 := testutil.LayerTar(t,
		testutil.Entry{Name: "usr/lib/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: status("a=1", "b=1")},
		testutil.Entry{Name: "var/lib/dpkg/status.d/gone", Body: status("gone=1")},
		testutil.Entry{Name: "opt/db/var/lib/dpkg/status", Body: status("notadb=1")},
	)
	// The os-release symlink arrives in a later layer than its target.
	l1 := testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Type: tar.TypeSymlink, Link: "../usr/lib/os-release"},
		testutil.Entry{Name: "var/lib/dpkg/status", Body: status("a=1", "b=2", "c=1")},
		testutil.Entry{Name: "var/lib/dpkg/status.d/.wh.gone"},
	)
	l2 := testutil.LayerTar(t, testutil.Entry{Name: "var/lib/dpkg/status.d/.wh..wh..opq"},
		testutil.Entry{Name: "var/lib/dpkg/status.d/late", Body: status("late=1")})
	inv, err := Assemble(analyze(t, a, l0, l1, l2), []string{"L0", "L1", "L2"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pkgRow{
		{"a", "1", "var/lib/dpkg/status", "L0"}, // unchanged since the base layer
		{"b", "2", "var/lib/dpkg/status", "L1"}, // upgraded in L1
		{"c", "1", "var/lib/dpkg/status", "L1"},
		{"late", "1", "var/lib/dpkg/status.d/late", "L2"},
	}
	if d := cmp.Diff(want, rows(inv)); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
	if inv.Distro == nil || inv.Distro.ID != "debian" || inv.Distro.Source != "etc/os-release" {
		t.Errorf("distro through a cross-layer symlink: %+v", inv.Distro)
	}
	if d := cmp.Diff([]string{"var/lib/dpkg/status (dpkg)", "var/lib/dpkg/status.d/late (dpkg)"}, inv.Databases); d != "" {
		t.Errorf("databases: %s", d)
	}
	for _, p := range inv.Packages {
		if !strings.HasPrefix(p.PURL, "pkg:deb/debian/") || !strings.Contains(p.PURL, "distro=debian-12") {
			t.Errorf("purl %s", p.PURL)
		}
	}
}

// fake wants every file under app/ and fails on "bad".
type fake struct{ name string }

func (f fake) Name() string    { return f.name }
func (f fake) Version() string { return "1" }
func (f fake) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasPrefix(p, "app/")
}
func (f fake) Parse(_ context.Context, file catalog.File) ([]sbom.Package, error) {
	b, err := io.ReadAll(file)
	if err != nil {
		return nil, err
	}
	pkg := sbom.Package{Name: f.name + "-" + string(b), Version: "1", Type: sbom.NPM, Locations: []sbom.Location{{Path: file.Path()}}}
	if string(b) == "bad" {
		return []sbom.Package{pkg}, errors.New("half broken")
	}
	return []sbom.Package{pkg}, nil
}

func TestSharedFilesHardlinksAndPartialResults(t *testing.T) {
	a := &Analyzer{Catalogers: []catalog.Cataloger{fake{"x"}, fake{"y"}}}
	l := testutil.LayerTar(t,
		testutil.Entry{Name: "app/one", Body: "one"},
		testutil.Entry{Name: "app/link", Type: tar.TypeLink, Link: "app/one"},
		testutil.Entry{Name: "app/bad", Body: "bad"},
	)
	for _, stream := range []bool{false, true} {
		var lay layerfs.Layer
		if stream {
			lay = layerfs.Layer{R: bytes.NewReader(l)}
		} else {
			lay = layerfs.Layer{RA: bytes.NewReader(l), Size: int64(len(l))}
		}
		r, err := a.AnalyzeLayer(context.Background(), lay, false)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := Assemble([]*LayerResult{r}, []string{"L"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range inv.Packages {
			for _, loc := range p.Locations {
				names = append(names, p.Name+"@"+loc.Path)
			}
		}
		want := []string{"x-bad@app/bad", "x-one@app/link", "x-one@app/one", "y-bad@app/bad", "y-one@app/link", "y-one@app/one"}
		if d := cmp.Diff(want, names); d != "" {
			t.Errorf("stream=%v (-want +got):\n%s", stream, d)
		}
		if len(inv.Unknowns) != 2 || inv.Unknowns[0].Path != "app/bad" || inv.Unknowns[0].LayerDigest != "L" {
			t.Errorf("stream=%v: unknowns %+v", stream, inv.Unknowns)
		}
	}
}

func TestAssembleErrors(t *testing.T) {
	if _, err := Assemble(nil, nil); !errors.Is(err, ErrNoLayers) {
		t.Errorf("no layers: %v", err)
	}
	if _, err := DecodeLayerResult([]byte("garbage")); err == nil {
		t.Error("garbage decoded")
	}
}

// devFake reports one package from every file under app/; files named
// "*.lock" mark it dev-only and carry no licence.
type devFake struct{}

func (devFake) Name() string    { return "devfake" }
func (devFake) Version() string { return "1" }
func (devFake) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasPrefix(p, "app/")
}
func (devFake) Parse(_ context.Context, f catalog.File) ([]sbom.Package, error) {
	p := sbom.Package{Name: "lib", Version: "1", Type: sbom.NPM, Locations: []sbom.Location{{Path: f.Path()}}}
	if strings.HasSuffix(f.Path(), ".lock") {
		p.Dev = true
	} else {
		p.License = []string{"MIT"}
	}
	return []sbom.Package{p}, nil
}

// A package found in a dev-only lock entry and in the installed tree is
// shipped code, with the installed licence, every time.
func TestMergeIsDeterministic(t *testing.T) {
	a := &Analyzer{Catalogers: []catalog.Cataloger{devFake{}}}
	l := testutil.LayerTar(t, testutil.Entry{Name: "app/a.lock", Body: "x"}, testutil.Entry{Name: "app/node_modules/lib/package.json", Body: "x"},
		testutil.Entry{Name: "app/z.lock", Body: "x"})
	for range 30 {
		inv, err := Assemble(analyze(t, a, l), []string{"L"})
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Packages) != 1 || inv.Packages[0].Dev || len(inv.Packages[0].License) != 1 || len(inv.Packages[0].Locations) != 3 {
			t.Fatalf("merged package: %+v", inv.Packages)
		}
	}
}

// TestSkip: skipped paths reach no cataloger, files elsewhere still do, and
// the fingerprint (so the cache key) changes with the patterns.
func TestSkip(t *testing.T) {
	layer := testutil.LayerTar(t,
		testutil.Entry{Name: "var/lib/dpkg/status", Body: status("base=1.0")},
		testutil.Entry{Name: "var/lib/dpkg/status.d/vendored", Body: status("vendored=2.0")},
	)
	plain := &Analyzer{Catalogers: []catalog.Cataloger{dpkg.New()}}
	skipping := &Analyzer{Catalogers: []catalog.Cataloger{dpkg.New()}, Skip: []string{"/var/lib/dpkg/status.d/**"}}
	if plain.Fingerprint() == skipping.Fingerprint() {
		t.Error("skip patterns do not change the fingerprint")
	}
	for _, tc := range []struct {
		a    *Analyzer
		want []string
	}{{plain, []string{"base", "vendored"}}, {skipping, []string{"base"}}} {
		r := analyze(t, tc.a, layer)[0]
		var got []string
		for _, ps := range r.Packages {
			for _, p := range ps {
				got = append(got, p.Name)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("skip %v: packages %v, want %v", tc.a.Skip, got, tc.want)
		}
	}
}
