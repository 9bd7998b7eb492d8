package pep440

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

func readLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimRight(line, "\n"); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// quoted splits a line of Go-quoted strings.
func quoted(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for rest := strings.TrimSpace(line); rest != ""; rest = strings.TrimSpace(rest) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		s, _ := strconv.Unquote(q)
		out = append(out, s)
		rest = rest[len(q):]
	}
	return out
}

// TestPackagingOrder checks the VERSIONS list of packaging's tests, which is
// strictly increasing.
func TestPackagingOrder(t *testing.T) {
	vs := readLines(t, "versions.txt")
	if len(vs) < 90 {
		t.Fatalf("only %d versions", len(vs))
	}
	for _, v := range vs {
		if err := Valid(v); err != nil {
			t.Error(err)
		}
	}
	ordertest.Chain(t, Compare, vs)
}

func TestPackagingInvalid(t *testing.T) {
	for _, line := range readLines(t, "invalid.txt") {
		s := quoted(t, line)[0]
		if err := Valid(s); err == nil || !errors.Is(err, ErrSyntax) {
			t.Errorf("Valid(%q) = %v, want ErrSyntax", s, err)
		}
	}
}

func TestPackagingNormalized(t *testing.T) {
	for _, line := range readLines(t, "normalized.txt") {
		q := quoted(t, line)
		got, err := Normalize(q[0])
		if err != nil || got != q[1] {
			t.Errorf("Normalize(%q) = %q, %v; want %q", q[0], got, err, q[1])
		}
		if c := Compare(q[0], q[1]); c != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", q[0], q[1], c)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0RC1", "1.0rc1", 0},
		{"1.0-1", "1.0.post1", 0},
		{"1.0", "1.0.0.0", 0},
		{"1.0.dev0", "1.0a0", -1},
		{"1.0a1.dev0", "1.0a1", -1},
		{"1.0.post1.dev0", "1.0.post1", -1},
		{"1.0.post1.dev0", "1.0", 1},
		{"1.0+local", "1.0", 1},
		{"1.0+1", "1.0+a", 1},
		{"1.0+a.1", "1.0+a", 1},
		{"1.0+A", "1.0+a", 0},
		{"1.0+1_2", "1.0+1.2", 0},
		{"99999999999999999999999999.0", "99999999999999999999999998.0", 1},
		{"2!0.1", "1!9.9", 1},
		{"v1.0", "1.0", 0},
		// Invalid first, bytewise.
		{"french toast", "0", -1},
		{"", "0", -1},
		{"1.0+", "1.0", -1},
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

// pythonPackaging finds a Python with the packaging module (Debian's
// python3-packaging) or skips.
func pythonPackaging(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		p, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import packaging.version").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with the packaging module (apt-get install python3-packaging)")
	return ""
}

// oracle asks packaging.version for validity, order and normal form.
const oracle = `
import sys, json
from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
for line in sys.stdin:
    a, b = json.loads(line)
    va, vb = parse(a), parse(b)
    c = 0
    if va is not None and vb is not None:
        c = (va > vb) - (va < vb)
    print(json.dumps([va is not None, vb is not None, c, str(va) if va is not None else ""]))
`

type answer struct {
	validA, validB bool
	cmp            int
	norm           string
}

func askPackaging(ctx context.Context, py string, pairs [][2]string) ([]answer, error) {
	var in bytes.Buffer
	for _, p := range pairs {
		line, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		in.Write(line)
		in.WriteByte('\n')
	}
	cmd := exec.CommandContext(ctx, py, "-c", oracle)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("python packaging: %w", err)
	}
	var res []answer
	for line := range strings.Lines(string(out)) {
		var raw []any
		if err := json.Unmarshal([]byte(line), &raw); err != nil || len(raw) != 4 {
			return nil, fmt.Errorf("bad answer %q: %v", line, err)
		}
		res = append(res, answer{raw[0].(bool), raw[1].(bool), int(raw[2].(float64)), raw[3].(string)})
	}
	if len(res) != len(pairs) {
		return nil, fmt.Errorf("packaging answered %d of %d pairs", len(res), len(pairs))
	}
	return res, nil
}

// TestDifferentialPackaging compares validity, order and normal form with
// pypa/packaging itself on the PyPI advisory versions in ../shared (when
// present) and on generated spellings, valid and not.
func TestDifferentialPackaging(t *testing.T) {
	py := pythonPackaging(t)
	r := rand.New(rand.NewPCG(7, 8))
	var versions []string
	for range 3000 {
		versions = append(versions, randomVersion(r))
	}
	versions = append(versions, pypiVersions(t)...)
	var pairs [][2]string
	for range 30000 {
		pairs = append(pairs, [2]string{versions[r.IntN(len(versions))], versions[r.IntN(len(versions))]})
	}
	sorted := slices.Clone(versions)
	slices.SortFunc(sorted, Compare)
	for i := 0; i+1 < len(sorted); i++ {
		pairs = append(pairs, [2]string{sorted[i], sorted[i+1]})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	answers, err := askPackaging(ctx, py, pairs)
	if err != nil {
		t.Fatal(err)
	}
	bad, valid := 0, 0
	report := func(format string, args ...any) {
		bad++
		if bad <= 30 {
			t.Errorf(format, args...)
		}
	}
	for i, p := range pairs {
		ans := answers[i]
		if (Valid(p[0]) == nil) != ans.validA {
			report("Valid(%q) = %v, packaging says valid=%v", p[0], Valid(p[0]), ans.validA)
			continue
		}
		if !ans.validA || !ans.validB {
			continue
		}
		valid++
		if got := Compare(p[0], p[1]); got != ans.cmp {
			report("Compare(%q, %q) = %d, packaging says %d", p[0], p[1], got, ans.cmp)
		}
		if got, _ := Normalize(p[0]); got != ans.norm {
			report("Normalize(%q) = %q, packaging says %q", p[0], got, ans.norm)
		}
	}
	t.Logf("compared %d pairs (%d with both valid) over %d versions with packaging; %d disagreements", len(pairs), valid, len(versions), bad)
}

// randomVersion spells versions the many ways packaging accepts, plus a
// few corruptions.
func randomVersion(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	num := func() string {
		return pick("0", "1", "2", "9", "10", "00", "01", "007", "123", "20240101", "99999999999999999999")
	}
	seps := []string{"", ".", "-", "_"}
	var b strings.Builder
	if r.IntN(8) == 0 {
		b.WriteString(pick(" ", "\t", "  "))
	}
	if r.IntN(6) == 0 {
		b.WriteString(pick("v", "V"))
	}
	if r.IntN(6) == 0 {
		b.WriteString(num() + "!")
	}
	b.WriteString(num())
	for range r.IntN(4) {
		b.WriteString("." + num())
	}
	if r.IntN(2) == 0 {
		b.WriteString(pick(seps...) + pick("a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "A", "RC", "Alpha", "PREVIEW"))
		if r.IntN(3) > 0 {
			b.WriteString(pick(seps...) + num())
		}
	}
	if r.IntN(3) == 0 {
		if r.IntN(3) == 0 {
			b.WriteString("-" + num())
		} else {
			b.WriteString(pick(seps...) + pick("post", "rev", "r", "POST", "Rev", "R"))
			if r.IntN(3) > 0 {
				b.WriteString(pick(seps...) + num())
			}
		}
	}
	if r.IntN(3) == 0 {
		b.WriteString(pick(seps...) + pick("dev", "DEV", "Dev"))
		if r.IntN(3) > 0 {
			b.WriteString(pick(seps...) + num())
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString("+" + pick("local", "abc", "1", "01", "Ubuntu", "cpu", "cu118", "g1234abc"))
		for range r.IntN(3) {
			b.WriteString(pick(".", "-", "_") + pick("1", "2", "abc", "x86", "007", "A"))
		}
	}
	if r.IntN(8) == 0 {
		b.WriteString(pick(" ", "\n", "\t "))
	}
	s := b.String()
	if r.IntN(6) == 0 && s != "" {
		// Corrupt: insert, delete or duplicate one byte.
		i := r.IntN(len(s))
		switch r.IntN(3) {
		case 0:
			s = s[:i] + pick(".", "-", "_", "+", "!", " ", "x", "a") + s[i:]
		case 1:
			s = s[:i] + s[i+1:]
		default:
			s = s[:i] + s[i:i+1] + s[i:]
		}
	}
	return s
}

// pypiVersions returns the distinct version strings of the PyPI advisory
// copy in ../shared, or none when it is absent.
func pypiVersions(t *testing.T) []string {
	t.Helper()
	base := os.Getenv("BULWARK_SHARED")
	if base == "" {
		base = filepath.Join(testutil.RepoRoot(t), "..", "shared")
	}
	path := filepath.Join(base, "advisories", "osv", "PyPI", "all.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Logf("no PyPI advisories (%v): generated versions only", err)
		return nil
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
		{"1.0.dev0", "1.0a0", "1.0"},
		{"1!1.0", "1.0.post1", "1.0+local"},
		{"1.0RC1", "1.0-1", "v1.0"},
		{"", "french toast", "1.0+"},
		{"1.0+1.abc", "1.0+abc.1", "1.0+1_abc"},
		{" 1.0a.1 ", "1.0-a-1", "1.0a1"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		// A normal form is valid and equal to its source.
		if n, err := Normalize(a); err == nil {
			if Compare(a, n) != 0 {
				t.Errorf("Compare(%q, Normalize = %q) != 0", a, n)
			}
			if n2, err := Normalize(n); err != nil || n2 != n {
				t.Errorf("Normalize(%q) = %q, %v; not idempotent", n, n2, err)
			}
		}
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"2.31.0", "2.32.3"},
		{"1.26.18", "1.26.5"},
		{"4.0.0rc1", "4.0.0"},
		{"2.0.0.post1.dev3+local.1", "2.0.0.post1"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
