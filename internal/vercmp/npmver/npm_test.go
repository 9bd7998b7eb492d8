package npmver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

func readPairs(t *testing.T, name string) [][2]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for line := range strings.Lines(string(data)) {
		rest := strings.TrimSpace(line)
		if rest == "" {
			continue
		}
		var pair [2]string
		for i := range pair {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("bad line %q: %v", line, err)
			}
			pair[i], _ = strconv.Unquote(q)
			rest = strings.TrimSpace(rest[len(q):])
		}
		out = append(out, pair)
	}
	return out
}

func TestFixtureComparisons(t *testing.T) {
	pairs := readPairs(t, "comparisons.txt")
	if len(pairs) < 30 {
		t.Fatalf("only %d pairs", len(pairs))
	}
	for _, p := range pairs {
		if got := Compare(p[0], p[1]); got != 1 {
			t.Errorf("Compare(%q, %q) = %d, want 1", p[0], p[1], got)
		}
		if got := Compare(p[1], p[0]); got != -1 {
			t.Errorf("Compare(%q, %q) = %d, want -1", p[1], p[0], got)
		}
	}
}

func TestFixtureEquality(t *testing.T) {
	for _, p := range readPairs(t, "equality.txt") {
		if got := Compare(p[0], p[1]); got != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", p[0], p[1], got)
		}
		if err := Valid(p[1]); err != nil {
			t.Error(err)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Version
	}{
		{"1.2.3", Version{Major: 1, Minor: 2, Patch: 3}},
		{" =v1.2.3-beta.1+build ", Version{1, 2, 3, "beta.1"}},
		{"1.2.3beta", Version{1, 2, 3, "beta"}},
		{"01.002.0003", Version{1, 2, 3, ""}},
		{"1.2.34.5", Version{1, 2, 3, "4.5"}}, // the pattern backtracks
		{"1.2.3-", Version{1, 2, 3, "-"}},
		{"1.2.3--a", Version{1, 2, 3, "-a"}},
		{"9007199254740991.0.0", Version{Major: 9007199254740991}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"", "1", "1.2", "1.2.3.4", "1.2.3+", "1.2.3-a..b", "1.2.3+a+b", "9007199254740992.0.0", "a.b.c", "1.2.3 4", strings.Repeat("1", 250) + ".0.0.0"} {
		if err := Valid(bad); err == nil || !errors.Is(err, ErrSyntax) {
			t.Errorf("Valid(%q) = %v, want ErrSyntax", bad, err)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.3-alpha", "1.2.3-alpha.1", -1},
		{"1.2.3-alpha.1", "1.2.3-alpha.beta", -1},
		{"1.2.3-beta.2", "1.2.3-beta.11", -1},
		{"1.2.3-rc.1", "1.2.3", -1},
		{"1.2.3-01", "1.2.3-1", 0},
		{"1.2.3+a", "1.2.3+b", 0},
		// Beyond 2^53 identifiers compare as JavaScript numbers.
		{"1.0.0-9007199254740993", "1.0.0-9007199254740992", 0},
		{"1.0.0-9007199254740994", "1.0.0-9007199254740992", 1},
		// node-semver would stop at the first identifiers and say 0.
		{"1.0.0-9007199254740993", "1.0.0-9007199254740992.a", -1},
		// Invalid first, bytewise.
		{"1.2", "0.0.0", -1},
		{"", "1.2", -1},
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

// semverModule finds node-semver: BULWARK_NODE_SEMVER, or the copy bundled
// with npm.
func semverModule(t *testing.T) (node, module string) {
	t.Helper()
	node = testutil.NeedCommand(t, "node")
	module = os.Getenv("BULWARK_NODE_SEMVER")
	if module == "" {
		out, err := exec.Command("npm", "root", "-g").Output()
		if err == nil {
			module = filepath.Join(strings.TrimSpace(string(out)), "npm", "node_modules", "semver")
		}
	}
	if _, err := os.Stat(filepath.Join(module, "package.json")); err != nil {
		t.Skipf("node-semver not found (set BULWARK_NODE_SEMVER): %v", err)
	}
	return node, module
}

const oracle = `
const semver = require(process.argv[1]);
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const parse = (s) => { try { return new semver.SemVer(s, { loose: true }); } catch (e) { return null; } };
const out = [];
for (const line of lines) {
  const [a, b] = JSON.parse(line);
  const va = parse(a), vb = parse(b);
  out.push(JSON.stringify([va !== null, vb !== null, va && vb ? va.compare(vb) : 0, va ? va.version : '']));
}
process.stdout.write(out.join('\n') + '\n');
`

// TestDifferentialNodeSemver compares validity, order and formatting with
// node-semver itself (loose mode) on generated versions, valid and not.
func TestDifferentialNodeSemver(t *testing.T) {
	node, module := semverModule(t)
	r := rand.New(rand.NewPCG(9, 10))
	var versions []string
	for range 4000 {
		versions = append(versions, randomVersion(r))
	}
	var pairs [][2]string
	for range 30000 {
		pairs = append(pairs, [2]string{versions[r.IntN(len(versions))], versions[r.IntN(len(versions))]})
	}
	sorted := slices.Clone(versions)
	slices.SortFunc(sorted, Compare)
	for i := 0; i+1 < len(sorted); i++ {
		pairs = append(pairs, [2]string{sorted[i], sorted[i+1]})
	}
	var in bytes.Buffer
	for _, p := range pairs {
		line, _ := json.Marshal(p)
		in.Write(line)
		in.WriteByte('\n')
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", oracle, module)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pairs) {
		t.Fatalf("node answered %d of %d pairs", len(lines), len(pairs))
	}
	bad, valid := 0, 0
	report := func(format string, args ...any) {
		bad++
		if bad <= 30 {
			t.Errorf(format, args...)
		}
	}
	for i, p := range pairs {
		var ans [4]any
		if err := json.Unmarshal([]byte(lines[i]), &ans); err != nil {
			t.Fatal(err)
		}
		va, vb, c, norm := ans[0].(bool), ans[1].(bool), int(ans[2].(float64)), ans[3].(string)
		if (Valid(p[0]) == nil) != va {
			report("Valid(%q) = %v, node-semver says valid=%v", p[0], Valid(p[0]), va)
			continue
		}
		if !va || !vb {
			continue
		}
		valid++
		if got := Compare(p[0], p[1]); got != c && !nodeShortcut(p[0], p[1]) {
			report("Compare(%q, %q) = %d, node-semver says %d", p[0], p[1], got, c)
		}
		if v, _ := Parse(p[0]); v.String() != norm {
			report("Parse(%q).String() = %q, node-semver says %q", p[0], v.String(), norm)
		}
	}
	t.Logf("compared %d pairs (%d with both valid) with node-semver in %s; %d disagreements", len(pairs), valid, module, bad)
}

// nodeShortcut reports whether node-semver's comparison of a and b stops at
// numeric identifiers that differ as text but not as JavaScript numbers (the
// documented difference).
func nodeShortcut(a, b string) bool {
	va, _ := Parse(a)
	vb, _ := Parse(b)
	x, y := strings.Split(va.Prerelease, "."), strings.Split(vb.Prerelease, ".")
	for i := 0; i < len(x) && i < len(y); i++ {
		if x[i] != y[i] {
			return isNum(x[i]) && isNum(y[i]) && compareIdent(x[i], y[i]) == 0
		}
	}
	return false
}

func randomVersion(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	num := func() string {
		return pick("0", "1", "2", "10", "01", "007", "123", "34", "9007199254740991", "9007199254740992", "99999999999999999999")
	}
	id := func() string {
		return pick("alpha", "beta", "rc", "0", "1", "2", "11", "01", "x-y", "-", "A", "Beta", "9007199254740993", "9007199254740992", "1a", "a1")
	}
	var b strings.Builder
	b.WriteString(pick("", "", "", "v", "=", "v=", " v ", "=v", "\t"))
	b.WriteString(num() + "." + num() + "." + num())
	if r.IntN(2) == 0 {
		b.WriteString(pick("-", "-", ""))
		b.WriteString(id())
		for range r.IntN(3) {
			b.WriteString("." + id())
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString("+" + pick("build", "001", "sha.5114f85", "x-y"))
	}
	b.WriteString(pick("", "", "", " ", "\n"))
	s := b.String()
	if r.IntN(5) == 0 && s != "" {
		i := r.IntN(len(s))
		switch r.IntN(3) {
		case 0:
			s = s[:i] + pick(".", "-", "+", " ", "x", "0") + s[i:]
		case 1:
			s = s[:i] + s[i+1:]
		default:
			s = s[:i] + s[i:i+1] + s[i:]
		}
	}
	return s
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"1.2.3", "1.2.3-beta", "v1.2.3+build"},
		{"1.2.34.5", "1.2.3-4.5", "1.2.3"},
		{"1.0.0-9007199254740993", "1.0.0-9007199254740992", "1.0.0-9007199254740994"},
		{"", "1.2", "=1.2.3"},
		{"1.2.3-", "1.2.3--", "1.2.3-0"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		if v, err := Parse(a); err == nil {
			// The formatted version parses back to an equal version.
			if Compare(v.String(), a) != 0 {
				t.Errorf("Compare(%q, %q) != 0", v.String(), a)
			}
		}
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"4.17.21", "4.17.20"},
		{"1.2.3-beta.11", "1.2.3-beta.2"},
		{"v2.0.0", "=2.0.0"},
		{"10.0.0-rc.1+build.5", "10.0.0"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
