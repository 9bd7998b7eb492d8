package gover

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/semver"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

type xmodCase struct{ in, canonical string }

func readXmod(t *testing.T) []xmodCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "xmod_semver.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []xmodCase
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, canon, _ := strings.Cut(line, " ")
		out = append(out, xmodCase{in, canon})
	}
	return out
}

// TestXmodVectors replays x/mod/semver's own table: validity, canonical
// form, and the order (listed increasing, equal canonical forms equal).
func TestXmodVectors(t *testing.T) {
	cases := readXmod(t)
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		if got := Canonical(c.in); got != c.canonical {
			t.Errorf("Canonical(%q) = %q, want %q", c.in, got, c.canonical)
		}
		// Without the "v" the answer is the same.
		if got := Canonical(strings.TrimPrefix(c.in, "v")); got != c.canonical {
			t.Errorf("Canonical(%q) = %q, want %q", strings.TrimPrefix(c.in, "v"), got, c.canonical)
		}
	}
	for i, x := range cases {
		for j, y := range cases {
			want := 0
			switch {
			case x.canonical == "" && y.canonical == "":
				want = strings.Compare(x.in, y.in) // our tie-break
			case x.canonical == "":
				want = -1
			case y.canonical == "":
				want = 1
			case x.canonical == y.canonical:
				want = 0
			case i < j:
				want = -1
			default:
				want = 1
			}
			if got := Compare(x.in, y.in); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", x.in, y.in, got, want)
			}
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.3", "v1.2.3", 0},
		{"1.2.3", "1.10.0", -1},
		{"2.0.0+incompatible", "2.0.0", 0},
		{"2.0.0+incompatible", "1.9.9", 1},
		// Pseudo-versions.
		{"0.0.0-20240101120000-abcdefabcdef", "0.0.1", -1},
		{"0.0.0-20240101120000-abcdefabcdef", "0.0.0-20240202120000-abcdefabcdef", -1},
		{"1.2.4-0.20240101120000-abcdefabcdef", "1.2.3", 1},
		{"1.2.4-0.20240101120000-abcdefabcdef", "1.2.4", -1},
		{"1.2.4-pre.0.20240101120000-abcdefabcdef", "1.2.4-pre", 1},
		{"1.2.4-pre.0.20240101120000-abcdefabcdef", "1.2.4-pre.1", -1},
		// Go toolchain tags, mapped as x/vuln does.
		{"go1.21.3", "1.21.3", 0},
		{"go1.21rc2", "1.21.0-rc.2", 0},
		{"go1.21rc2", "go1.21.0", -1},
		{"go1.21beta1", "go1.21rc1", -1},
		{"go1.20", "1.20.0", 0},
		{"go1.22.1 X:boringcrypto", "1.22.1", 0},
		{"go1", "1.0.0", 0},
		{"go1.9.2-pre1", "1.9.2-pre.1", 0},
		{"go1.21", "go1.21rc1", 1},
		{"1.21rc2", "go1.21rc2", 0},
		{"1.21", "1.21rc1", 1},
		// Invalid versions first, bytewise.
		{"", "0.0.0", -1},
		{"1.02.3", "0.0.1", -1},
		{"go1.0", "0.0.1", -1},
		{"latest", "master", -1},
		{"1.2-pre", "1.2.0", -1},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestValid(t *testing.T) {
	for _, s := range []string{"v1.2.3", "1.2.3", "1", "v0.0.0-20240101120000-abcdefabcdef", "2.0.0+incompatible", "go1.21rc2", "go1"} {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "v", "1.2.3-", "1.2.3-01", "01.2.3", "1.2.3.4", "go1.0", "go1.21rc", "go1.21.x", "1.2.3+"} {
		if err := Valid(s); err == nil || !errors.Is(err, ErrSyntax) {
			t.Errorf("Valid(%q) = %v, want ErrSyntax", s, err)
		}
	}
}

// TestDifferentialXmod compares with golang.org/x/mod/semver itself on the
// versions of the Go vulnerability database copy in ../shared (with "v"
// added, as the OSV data omits it): all valid versions must agree exactly.
func TestDifferentialXmod(t *testing.T) {
	path := testutil.Shared(t, "advisories/osv/Go/all.zip")
	versions := osvVersions(t, path)
	if len(versions) < 1000 {
		t.Fatalf("only %d versions in %s", len(versions), path)
	}
	check := func(a, b string) {
		va, vb := "v"+a, "v"+b
		if !semver.IsValid(va) && !semver.IsValid(vb) {
			return // x/mod says equal; we break the tie bytewise
		}
		if got, want := Compare(a, b), semver.Compare(va, vb); got != want {
			t.Errorf("Compare(%q, %q) = %d, x/mod/semver says %d", a, b, got, want)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	n := 0
	for range 100000 {
		check(versions[r.IntN(len(versions))], versions[r.IntN(len(versions))])
		n++
	}
	sorted := slices.Clone(versions)
	slices.SortFunc(sorted, semver.Compare)
	for i := 0; i+1 < len(sorted); i++ {
		check(sorted[i], sorted[i+1])
		check(sorted[i+1], sorted[i])
		n += 2
	}
	t.Logf("compared %d pairs over %d distinct OSV Go versions", n, len(versions))
}

func osvVersions(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	seen := map[string]bool{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Affected []struct {
				Ranges []struct {
					Events []map[string]string `json:"events"`
				} `json:"ranges"`
				Versions []string `json:"versions"`
			} `json:"affected"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, a := range rec.Affected {
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					for _, v := range e {
						seen[v] = true
					}
				}
			}
			for _, v := range a.Versions {
				seen[v] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"v1.2.3", "1.2.3-pre", "1.2.3+meta"},
		{"0.0.0-20240101120000-abcdef", "1.2.4-0.20240101120000-abcdef", "1.2.3"},
		{"go1.21rc2", "go1.21.0", "1.21"},
		{"", "bad", "v1-pre"},
		{"1.2.3-a.10", "1.2.3-a.9", "1.2.3-a.b"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		// Agreement with x/mod on v-prefixed module versions.
		if strings.HasPrefix(a, "v") && strings.HasPrefix(b, "v") && (semver.IsValid(a) || semver.IsValid(b)) {
			if got, want := Compare(a, b), semver.Compare(a, b); got != want {
				t.Errorf("Compare(%q, %q) = %d, x/mod says %d", a, b, got, want)
			}
		}
		if strings.HasPrefix(a, "v") && (Valid(a) == nil) != semver.IsValid(a) {
			t.Errorf("Valid(%q) = %v, x/mod IsValid = %v", a, Valid(a), semver.IsValid(a))
		}
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"1.2.3", "1.2.4"},
		{"0.0.0-20240101120000-abcdefabcdef", "0.0.0-20240202120000-abcdefabcdef"},
		{"v2.0.0+incompatible", "v2.1.0"},
		{"1.21.0-rc.1", "1.21.0"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
