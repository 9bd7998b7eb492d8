// Package catalogtest runs a cataloger over fixture files and compares its
// output with go-cmp, so ecosystem tests state only the fixture and the
// packages they expect. Only _test.go files import it.
//
// A fixture lives under the cataloger's testdata/ at the path it would have
// in an image ("testdata/lib/apk/db/installed"); the harness hands it to
// Wants and Parse under that image path.
package catalogtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// ParseFixture reads testdata/<imagePath>, checks that c wants it, and
// returns what Parse gives.
func ParseFixture(t testing.TB, c catalog.Cataloger, imagePath string) ([]sbom.Package, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(imagePath)))
	if err != nil {
		t.Fatalf("catalogtest: reading fixture: %v", err)
	}
	return ParseBytes(t, c, imagePath, data, 0o644)
}

// ParseBytes hands data to c as the regular file imagePath with mode, after
// checking that c wants it.
func ParseBytes(t testing.TB, c catalog.Cataloger, imagePath string, data []byte, mode os.FileMode) ([]sbom.Package, error) {
	t.Helper()
	if !c.Wants(imagePath, mode, int64(len(data))) {
		t.Fatalf("catalogtest: %s does not want %s (mode %v, %d bytes)", c.Name(), imagePath, mode, len(data))
	}
	f := catalog.NewBytesFile(imagePath, data)
	f.FileMod = mode
	return c.Parse(context.Background(), f)
}

// Expect fails t with a readable diff when got differs from want. Nil and
// empty slices are equal; Symbols are compared only when cmpSymbols is set,
// since they are long and tested separately.
func Expect(t testing.TB, want, got []sbom.Package, cmpSymbols bool) {
	t.Helper()
	opts := []cmp.Option{cmpopts.EquateEmpty()}
	if !cmpSymbols {
		opts = append(opts, cmpopts.IgnoreFields(sbom.Package{}, "Symbols"))
	}
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("packages differ (-want +got):\n%s", d)
	}
}
