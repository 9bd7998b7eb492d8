package rpmver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

type vector struct {
	a, b string
	want int
}

// readVectors reads testdata/rpmvercmp.txt.
func readVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "rpmvercmp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 3 {
			t.Fatalf("bad vector line %q", line)
		}
		want, err := strconv.Atoi(fs[2])
		if err != nil {
			t.Fatalf("bad vector line %q: %v", line, err)
		}
		out = append(out, vector{fs[0], fs[1], want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

func TestVercmpVectors(t *testing.T) {
	vs := readVectors(t)
	if len(vs) < 90 {
		t.Fatalf("only %d vectors read", len(vs))
	}
	for _, v := range vs {
		if got := Vercmp(v.a, v.b); got != v.want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d", v.a, v.b, got, v.want)
		}
		if got := Compare(v.a, v.b); got != v.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", v.a, v.b, got, v.want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []vector{
		{"1:1.0-1", "2.0-1", 1},
		{"0:1.0-1", "1.0-1", 0},
		{":1.0", "1.0", 0},
		{"01:1.0", "1:1.0", 0},
		{"1.0-1.el9", "1.0-1.el9_3", -1},
		{"1.0-2.el8", "1.0-10.el8", -1},
		{"1.0", "1.0-1", -1},  // missing release first
		{"1.0", "1.0-~", -1},  // even before a tilde release
		{"1.0-", "1.0-0", -1}, // empty release before any other
		{"1.0-", "1.0", 1},
		{"1.0~rc1-1", "1.0-1", -1},
		{"1.0^git1-1", "1.0-1", 1},
		{"a:1", "1", -1}, // not an epoch: version "a:1"
		{"", "0", -1},
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

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Version
	}{
		{"1.0", Version{Version: "1.0"}},
		{"2:1.0-3.el9", Version{Epoch: "2", Version: "1.0", Release: "3.el9", HasRelease: true}},
		{"1.0-1-2", Version{Version: "1.0-1", Release: "2", HasRelease: true}},
		{"a:1-2", Version{Version: "a:1", Release: "2", HasRelease: true}},
		{"1:2:3", Version{Epoch: "1", Version: "2:3"}},
		{"1.0-", Version{Version: "1.0", HasRelease: true}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Parse(tt.in)); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestValid(t *testing.T) {
	for _, s := range []string{"1.0", "1:1.0-1.el9", "1.0~rc1^git2-0.1", "1.9.5p2-10.el9_3", "1.0+foo-1"} {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q) = %v", s, err)
		}
	}
	for s, want := range map[string]string{
		"":        "empty version",
		":1":      "empty epoch",
		"1:":      "empty version part",
		"1.0-":    "empty release",
		"1.0 -1":  `version has invalid character ' '`,
		"1.0-1/2": `release has invalid character '/'`,
	} {
		err := Valid(s)
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), want) {
			t.Errorf("Valid(%q) = %v, want an error about %q", s, err, want)
		}
	}
}

func TestChain(t *testing.T) {
	ordertest.Chain(t, Compare, []string{
		"", "1.0~~", "1.0~rc1", "1.0~rc1^git1", "1.0", "1.0-~", "1.0-", "1.0-1~pre", "1.0-1", "1.0-1.el9",
		"1.0-1.el9_3", "1.0-1.1", "1.0^", "1.0^git1", "1.0a", "1.0.1", "1.1", "1.01.1", "1:0.1",
	})
}

// TestDifferentialRPM checks every vector, every pair of the EVRs in
// testdata/evr.txt and variants of them (with ~ and ^ segments appended)
// against the rpm tool's own comparison (rpm.vercmp in rpm's Lua, all pairs
// in one process).
func TestDifferentialRPM(t *testing.T) {
	testutil.NeedCommand(t, "rpm")
	var pairs [][2]string
	for _, v := range readVectors(t) {
		pairs = append(pairs, [2]string{v.a, v.b})
	}
	evrs := readLines(t, "evr.txt")
	var all []string
	for _, e := range evrs {
		all = append(all, e)
		v := Parse(e)
		rel := ""
		if v.HasRelease {
			rel = "-" + v.Release
		}
		ep := ""
		if v.Epoch != "" {
			ep = v.Epoch + ":"
		}
		for _, suf := range []string{"~rc1", "^git1", ".1", "a", "~", "^"} {
			all = append(all, ep+v.Version+suf+rel)
		}
	}
	for _, a := range evrs {
		for _, b := range all {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	answers, err := rpmVercmp(ctx, t.TempDir(), pairs)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, p := range pairs {
		if got := Compare(p[0], p[1]); got != answers[i] {
			bad++
			if bad <= 20 {
				t.Errorf("Compare(%q, %q) = %d, rpm.vercmp says %d", p[0], p[1], got, answers[i])
			}
		}
	}
	t.Logf("compared %d pairs with rpm.vercmp; %d disagreements", len(pairs), bad)
}

// rpmVercmp asks rpm for every pair in one `rpm --eval` running a Lua file.
func rpmVercmp(ctx context.Context, dir string, pairs [][2]string) ([]int, error) {
	var sb strings.Builder
	sb.WriteString("local p = {\n")
	for _, p := range pairs {
		for _, s := range p {
			if strings.Contains(s, "]==]") || strings.ContainsAny(s, "\n\x00") {
				return nil, fmt.Errorf("cannot quote %q for Lua", s)
			}
		}
		fmt.Fprintf(&sb, "{[==[%s]==],[==[%s]==]},\n", p[0], p[1])
	}
	sb.WriteString("}\nfor _, v in ipairs(p) do io.write(rpm.vercmp(v[1], v[2]), \"\\n\") end\n")
	script := filepath.Join(dir, "pairs.lua")
	if err := os.WriteFile(script, []byte(sb.String()), 0o644); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, "rpm", "--eval", fmt.Sprintf("%%{lua: dofile(%q)}", script)).Output()
	if err != nil {
		return nil, fmt.Errorf("rpm --eval: %w", err)
	}
	fields := strings.Fields(string(out))
	if len(fields) != len(pairs) {
		return nil, fmt.Errorf("rpm answered %d of %d pairs", len(fields), len(pairs))
	}
	res := make([]int, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("rpm answer %q: %w", f, err)
		}
		res[i] = max(-1, min(1, n))
	}
	return res, nil
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"1.0~rc1", "1.0^git1", "1.0"},
		{"1:1.0-1", "1.0-1.el9", "2.0"},
		{"", "-", ":"},
		{"1.0-", "1.0", "1.0-~"},
		{"a+", "_a", "1a"},
		{"10.0001", "10.1", "10.01a"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		ordertest.Triple(t, Vercmp, a, b, c)
		_ = Valid(a)
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"4.18.0-513.24.1.el8_9", "4.18.0-553.el8_10"},
		{"1:3.0.7-27.el9", "1:3.0.7-25.el9_3"},
		{"2.34-100.el9_4.2", "2.34-100.el9_4.2"},
		{"1.0~rc1^git1-1.fc40", "1.0-1.fc40"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
