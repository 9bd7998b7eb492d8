package apkver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

// TestVersionData checks every vector of apk-tools' own test/version.data.
func TestVersionData(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "version.data"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[fs[1]]
		if got := Compare(fs[0], fs[2]); got != want {
			t.Errorf("Compare(%q, %q) = %d, want %d (%s)", fs[0], fs[2], got, want, sc.Text())
		}
		if got := Compare(fs[2], fs[0]); got != -want {
			t.Errorf("Compare(%q, %q) = %d, want %d", fs[2], fs[0], got, -want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 700 {
		t.Fatalf("only %d vectors", n)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0-r0", -1},
		{"1.0_rc1", "1.0", -1},
		{"1.0", "1.0_p1", -1},
		{"1.0_p1", "1.0.1", -1},
		{"1.0_git20240101", "1.0_p0", -1},
		{"1.0_alpha", "1.0_beta", -1},
		{"1.0_pre", "1.0_rc", -1},
		{"1.0_cvs", "1.0_svn", -1},
		{"1.0_hg", "1.0_p", -1},
		{"1.01", "1.1", -1},   // leading zero: string order
		{"1.010", "1.09", -1}, // "010" < "09" bytewise
		{"01.0", "1.0", 0},    // the first number is always numeric
		{"1.0a", "1.0b", -1},
		{"1.0a", "1.0.1", -1},
		// Commit hashes (apk-tools 3): a version with one sorts after the same
		// version without, even one with a revision.
		{"1.0~abc", "1.0~abd", -1},
		{"1.0~abc", "1.0", 1},
		{"1.0~abc-r1", "1.0~abc-r2", -1},
		{"1.0_p1~ab12", "1.0_p1", 1},
		{"1.0~ab12", "1.0-r0", 1},
		{"1.0_rc1~ab", "1.0_rc1", 1},
		{"1.0_rc1~ab", "1.0", -1},
		{"1.0~ABC", "1.0~abc", -1}, // hashes compare as strings
		// Invalid strings.
		{"1.0+x", "1.0", -1},
		{"1.0", "1.0bc", -1},
		{"abc", "1", -1},
		{"", "abc", -1}, // tie under apk: bytewise
		{"1.0+a", "1.0+b", -1},
		{"1.0_foo", "1.0_rc1", 1},
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
	for _, s := range []string{
		"1", "1.0", "1.2.3a", "1.0_rc1", "1.0_alpha_pre2", "1.0_p10-r5", "2.1.9.200602141850",
		"1.0~0123abcdef", "1.0_git20240101~deadbeef-r3", "006",
	} {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q) = %v", s, err)
		}
	}
	for _, s := range []string{
		"", "a", "1.", "1..0", "1.0-", "1.0-r", "1.0-1", "1.0bc", "1.0_foo", "1.0_rc-r1x", "1.0~", "1.0~xyz",
		"1.0-r1~ab", "1.0a1", "1.0 ", "v1.0", "1.0_RC1",
	} {
		if err := Valid(s); err == nil || !errors.Is(err, ErrSyntax) {
			t.Errorf("Valid(%q) = %v, want an ErrSyntax error", s, err)
		}
	}
}

// TestSecfixes checks the order laws over the real fixed versions of the
// Alpine secdb copies in ../shared (every triple of neighbours in a sorted
// list, and their validity).
func TestSecfixes(t *testing.T) {
	dir := testutil.Shared(t, "advisories/alpine")
	var versions []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var db struct {
			Packages []struct {
				Pkg struct {
					Secfixes map[string][]string `json:"secfixes"`
				} `json:"pkg"`
			} `json:"packages"`
		}
		if err := json.Unmarshal(data, &db); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, pkg := range db.Packages {
			for v := range pkg.Pkg.Secfixes {
				versions = append(versions, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(versions)
	versions = slices.Compact(versions)
	valid := 0
	for _, v := range versions {
		if Valid(v) == nil {
			valid++
		}
	}
	if valid < 1000 || valid < len(versions)*9/10 {
		t.Fatalf("only %d valid versions of %d found in %s", valid, len(versions), dir)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		n := len(versions)
		ordertest.Triple(t, Compare, versions[r.IntN(n)], versions[r.IntN(n)], versions[r.IntN(n)])
	}
	slices.SortFunc(versions, Compare)
	for i := 0; i+2 < len(versions); i++ {
		ordertest.Triple(t, Compare, versions[i], versions[i+1], versions[i+2])
	}
	t.Logf("%d secfixes versions, %d valid", len(versions), valid)
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"1.0", "1.0_rc1", "1.0-r1"},
		{"1.0_alpha_pre2", "0.1.0_alpha", "1.0_p1"},
		{"1.01", "1.1", "1.001"},
		{"1.0~abc", "1.0~ABC", "1.0~"},
		{"", "abc", "1.0bc"},
		{"18446744073709551616", "0", "1"},
		{"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0", "1.0.0"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		if Valid(a) == nil && Valid(b) == nil && a != b {
			// Valid versions that compare equal must be apk-equal.
			if r, inv := compare(a, b); inv || r != Compare(a, b) {
				t.Errorf("valid %q, %q: compare = %d, %v", a, b, r, inv)
			}
		}
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"3.1.4-r5", "3.1.4-r6"},
		{"1.36.1-r15", "1.36.1-r2"},
		{"2.9.14_git20240101-r0", "2.9.14-r1"},
		{"0.9.8c-r1", "0.9.8d"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
