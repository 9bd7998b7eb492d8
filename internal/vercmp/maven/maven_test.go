package maven

import (
	"bytes"
	"context"
	"fmt"
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

func readFields(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for line := range strings.Lines(string(data)) {
		if fs := strings.Fields(line); len(fs) > 0 {
			out = append(out, fs)
		}
	}
	return out
}

func column(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[0])
	}
	return out
}

// changed38 lists the relations of the published lists that Maven 3.8
// changed (MNG-7644: ".X" after a number is read as "-X" for a qualifier X),
// with the answer of maven-artifact 3.8.7 (checked by TestDifferentialMaven).
var changed38 = map[[2]string]int{
	{"2-1", "2.0.a"}:     1,
	{"2-1", "2.0.0.a"}:   1,
	{"2.0.a", "2.0.0.a"}: 0,
}

func TestMavenOrders(t *testing.T) {
	for _, name := range []string{"qualifier_order.txt", "number_order.txt"} {
		vs := column(readFields(t, name))
		if len(vs) < 20 {
			t.Fatalf("%s: only %d versions", name, len(vs))
		}
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				want := -1
				if w, ok := changed38[[2]string{vs[i], vs[j]}]; ok {
					want = w
				}
				if got := Compare(vs[i], vs[j]); got != want {
					t.Errorf("Compare(%q, %q) = %d, want %d", vs[i], vs[j], got, want)
				}
				if got := Compare(vs[j], vs[i]); got != -want {
					t.Errorf("Compare(%q, %q) = %d, want %d", vs[j], vs[i], got, -want)
				}
			}
		}
	}
	for _, p := range readFields(t, "order.txt") {
		ordertest.Chain(t, Compare, p)
	}
}

func TestMavenEqual(t *testing.T) {
	rows := readFields(t, "equal.txt")
	if len(rows) < 40 {
		t.Fatalf("only %d pairs", len(rows))
	}
	for _, p := range rows {
		if got := Compare(p[0], p[1]); got != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", p[0], p[1], got)
		}
		if Canonical(p[0]) != Canonical(p[1]) {
			t.Errorf("Canonical(%q) = %q, Canonical(%q) = %q", p[0], Canonical(p[0]), p[1], Canonical(p[1]))
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"1.0.0":        "1",
		"1.0.0-GA":     "1",
		"1.0-alpha1":   "1-alpha-1",
		"1.0.0.RC1":    "1-rc-1",
		"2.0.a":        "2-a",
		"1-0.1":        "1-0.1",
		"1.0-SNAPSHOT": "1-snapshot",
		"00001.0002":   "1.2",
		"":             "",
		"1..2":         "1.0.2",
	} {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1-0.1", "1", 1},
		{"6.1.0rc3", "6.1.0", -1},
		{"6.1.0rc3", "6.1H.5-beta", -1},
		{"6.1.0", "6.1H.5-beta", -1},
		{"1.0.0.RC1", "1.0.0-RC1", 0},
		{"1.0-release", "1.0", 0},
		{"20190126.230843", "1234567890.12345", -1},
		{"1234567890.12345", "123456789012345.1H.5-beta", -1},
		{"123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta", -1},
		{"0000000000000000001", "1", 0},
		{"1.0-sp", "1.0-foo", -1},
		{"", "0", 0},
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
	for _, s := range []string{"1.0", "1.0-SNAPSHOT", "2.17.1", "1.0.0.RELEASE", "9.4.54.v20240208"} {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "1.0 beta", "1.0\n", "\x00"} {
		if err := Valid(s); err == nil {
			t.Errorf("Valid(%q) = nil, want an error", s)
		}
	}
}

// mavenOracle compiles (once) a small Java driver for the ComparableVersion class
// of Maven's own maven-artifact jar.
func mavenOracle(t *testing.T) (java, classpath string) {
	t.Helper()
	java = testutil.NeedCommand(t, "java")
	javac := testutil.NeedCommand(t, "javac")
	jar := os.Getenv("BULWARK_MAVEN_ARTIFACT_JAR")
	if jar == "" {
		jar = "/usr/share/maven/lib/maven-artifact-3.x.jar"
	}
	if _, err := os.Stat(jar); err != nil {
		t.Skipf("maven-artifact jar not found (install maven or set BULWARK_MAVEN_ARTIFACT_JAR): %v", err)
	}
	src := `import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
public class Cmp {
  public static void main(String[] args) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintWriter w = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, "UTF-8")));
    for (String line; (line = r.readLine()) != null; ) {
      int t = line.indexOf('\t');
      ComparableVersion x = new ComparableVersion(line.substring(0, t)), y = new ComparableVersion(line.substring(t + 1));
      w.println(Integer.signum(x.compareTo(y)) + "\t" + x.getCanonical());
    }
    w.flush();
  }
}
`
	// The compiled driver is kept between runs, keyed by the compiler, the
	// jar and the source (javac is a JVM start); the oracle itself runs
	// every time.
	key := "maven oracle\x00" + testutil.ToolKey(t, javac) + "\x00" + testutil.StampKey(t, jar) + "\x00" + src
	dir := testutil.CachedDir(t, key, func(dir string) error {
		if err := os.WriteFile(filepath.Join(dir, "Cmp.java"), []byte(src), 0o644); err != nil {
			return err
		}
		if out, err := exec.Command(javac, "-cp", jar, "-d", dir, filepath.Join(dir, "Cmp.java")).CombinedOutput(); err != nil {
			return fmt.Errorf("javac: %v\n%s", err, out)
		}
		return nil
	})
	return java, jar + string(os.PathListSeparator) + dir
}

// TestDifferentialMaven compares order and canonical form with Maven's
// ComparableVersion itself on every published vector and on generated
// versions.
func TestDifferentialMaven(t *testing.T) {
	java, cp := mavenOracle(t)
	var versions []string
	for _, name := range []string{"qualifier_order.txt", "number_order.txt", "equal.txt", "order.txt"} {
		for _, row := range readFields(t, name) {
			versions = append(versions, row...)
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	for range 4000 {
		versions = append(versions, randomVersion(r))
	}
	var pairs [][2]string
	for range 40000 {
		pairs = append(pairs, [2]string{versions[r.IntN(len(versions))], versions[r.IntN(len(versions))]})
	}
	sorted := slices.Clone(versions)
	slices.SortFunc(sorted, Compare)
	for i := 0; i+1 < len(sorted); i++ {
		pairs = append(pairs, [2]string{sorted[i], sorted[i+1]})
	}
	var in bytes.Buffer
	for _, p := range pairs {
		fmt.Fprintf(&in, "%s\t%s\n", p[0], p[1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, "-cp", cp, "Cmp")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(pairs) {
		t.Fatalf("java answered %d of %d pairs", len(lines), len(pairs))
	}
	exact := func(a, b string) int {
		var ba, bb [16]token
		return compareExact(parse(a, ba[:]), parse(b, bb[:]))
	}
	bad, departed, explained := 0, 0, 0
	report := func(format string, args ...any) {
		bad++
		if bad <= 30 {
			t.Errorf(format, args...)
		}
	}
	for i, p := range pairs {
		c, canon, _ := strings.Cut(lines[i], "\t")
		want, _ := strconv.Atoi(c)
		if got := Canonical(p[0]); got != canon {
			report("Canonical(%q) = %q, Maven says %q", p[0], got, canon)
		}
		// The model of Maven's algorithm is exact.
		if got := exact(p[0], p[1]); got != want {
			report("compareExact(%q, %q) = %d, Maven says %d", p[0], p[1], got, want)
			continue
		}
		// Compare departs from it where Maven's rules contradict each
		// other; count how often, and how often a cycle of Maven's order
		// through the pair itself shows it.
		if got := Compare(p[0], p[1]); got != want {
			departed++
			if w, ok := cycleWitness(exact, p[0], p[1]); ok {
				explained++
				if explained <= 3 {
					t.Logf("Compare(%q, %q) = %d, Maven says %d; Maven's order has a cycle through %q", p[0], p[1], got, want, w)
				}
			}
		}
	}
	// These generated versions are far stranger than real ones (qualifier
	// chains, leading zeros, empty parts); see TestRealisticAgreement.
	if departed*100 > len(pairs) {
		t.Errorf("Compare departs from Maven on %d of %d pairs, more than 1%%", departed, len(pairs))
	}
	t.Logf("compared %d pairs with Maven's ComparableVersion: %d disagreements of the exact model; Compare departs on %d pairs (%.2f%%), %d of them inside a 3-cycle of Maven's order",
		len(pairs), bad, departed, 100*float64(departed)/float64(len(pairs)), explained)
}

// cycleWitness returns a version z such that cmp is not transitive on
// {a, b, z}. The candidates are the prefixes of a and b (in Maven's
// canonical form) alone and followed by one more item of each kind.
func cycleWitness(cmp func(a, b string) int, a, b string) (string, bool) {
	for _, v := range []string{a, b} {
		var buf [16]token
		ts := parse(v, buf[:])
		for k := 0; k <= len(ts); k++ {
			prefix := render(ts[:k])
			for _, ext := range []string{"", "-sp", "-alpha", "-1", ".1", ".alpha.1", ".sp.1", ".ga.1", ".ga-sp", ".ga-alpha"} {
				if z := prefix + ext; ordertest.TripleErr(cmp, a, b, z) != nil {
					return z, true
				}
			}
		}
	}
	return "", false
}

// TestRealisticAgreement checks Compare against Maven's own algorithm on
// every pair of versions shaped like those on Maven Central (numbers, then a
// qualifier introduced by '-', '.' or nothing): they agree except where
// Maven's order has a cycle, and those cases are rare.
func TestRealisticAgreement(t *testing.T) {
	var vs []string
	for _, base := range []string{"1", "1.0", "1.0.0", "1.0.1", "1.1", "2.0", "1.0.0.1", "0.9"} {
		vs = append(vs, base)
		for _, q := range []string{"alpha", "Alpha1", "beta-2", "M1", "RC1", "rc.2", "CR2", "SNAPSHOT", "Final", "GA", "RELEASE", "SP1", "sp", "jre", "android", "1", "2", "20240208"} {
			vs = append(vs, base+"-"+q, base+"."+q, base+q)
		}
	}
	exact := func(a, b string) int {
		var ba, bb [16]token
		return compareExact(parse(a, ba[:]), parse(b, bb[:]))
	}
	n, forced := 0, 0
	for _, a := range vs {
		for _, b := range vs {
			n++
			if got, want := Compare(a, b), exact(a, b); got != want {
				if _, ok := cycleWitness(exact, a, b); !ok {
					t.Errorf("Compare(%q, %q) = %d, Maven's algorithm says %d, and no cycle explains it", a, b, got, want)
				}
				forced++
			}
		}
	}
	if forced*100 > n {
		t.Errorf("%d of %d pairs differ from Maven, more than 1%%", forced, n)
	}
	t.Logf("%d pairs of %d versions: %d differ from Maven, each through a cycle in Maven's order", n, len(vs), forced)
}

func randomVersion(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	parts := []string{"0", "1", "2", "10", "01", "000", "1234567890", "12345678901234567890", "a", "b", "m", "alpha", "Beta", "milestone",
		"rc", "CR", "snapshot", "SNAPSHOT", "ga", "final", "release", "RELEASE", "sp", "foo", "abc", "v20240208", "jre", "android", ""}
	var b strings.Builder
	b.WriteString(pick("1", "2", "0", "10", "1.0", "2.0.0"))
	for range r.IntN(5) {
		b.WriteString(pick(".", "-", "", "", "."))
		b.WriteString(pick(parts...))
	}
	return b.String()
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"1.0", "1.0-SNAPSHOT", "1.0-sp"},
		{"1-0.1", "1", "1-0"},
		{"6.1.0rc3", "6.1.0", "6.1H.5-beta"},
		{"1.0.0.RC1", "1.0.0-RC1", "1-rc-1"},
		{"", "-", "."},
		{"1-1-snapshot", "1-1", "1-pom-1"},
		{"a1", "1a", "a.1"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		_ = Canonical(a)
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"2.17.1", "2.17.2"},
		{"1.0-SNAPSHOT", "1.0"},
		{"5.3.39", "6.1.14"},
		{"9.4.54.v20240208", "9.4.55.v20240627"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
