package dpkgver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// The differential test compares Compare with dpkg itself on pairs of real
// version strings from the apt Packages indices of this machine.
//
// dpkg is asked through libdpkg (parseversion and dpkg_version_compare, dpkg's
// own code) by the small cgo program in internal/libdpkgcmp, built on demand
// when libdpkg-dev is installed; that program is first checked against
// `dpkg --compare-versions` itself. Without libdpkg-dev the test falls back to
// `dpkg --compare-versions` processes on fewer pairs.
//
// BULWARK_DPKG_PAIRS sets the number of pairs (default 100000);
// BULWARK_APT_LISTS the directory of Packages files (default
// /var/lib/apt/lists).

const aptHelper = "/usr/lib/apt/apt-helper"

func TestDifferentialDpkg(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test against dpkg skipped in -short mode")
	}
	testutil.NeedCommand(t, "dpkg")
	versions := aptVersions(t)
	if len(versions) < 1000 {
		t.Skipf("only %d distinct versions in the apt Packages indices; run `apt-get update` first", len(versions))
	}
	n := 100000
	if s := os.Getenv("BULWARK_DPKG_PAIRS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			t.Fatalf("BULWARK_DPKG_PAIRS=%q: want a positive number", s)
		}
		n = v
	}
	pairs := makePairs(versions, n)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	oracle, err := buildOracle(ctx, t.TempDir())
	if err != nil {
		const fallback = 3000
		t.Logf("libdpkg oracle unavailable (install libdpkg-dev for the full run): %v", err)
		t.Logf("falling back to dpkg --compare-versions on %d of %d pairs", fallback, len(pairs))
		pairs = pairs[:min(fallback, len(pairs))]
		checkAgainstCLI(ctx, t, pairs, func(a, b string) string { return sym(Compare(a, b)) })
		t.Logf("compared %d pairs with dpkg --compare-versions (%d distinct versions)", len(pairs), len(versions))
		return
	}

	start := time.Now()
	answers, err := runOracle(ctx, oracle, pairs)
	if err != nil {
		t.Fatal(err)
	}
	oracleTime := time.Since(start)

	// The oracle must itself agree with the dpkg command on a sample.
	sample := pairs[:min(200, len(pairs))]
	checkAgainstCLI(ctx, t, sample, func(a, b string) string {
		return answers[slices.IndexFunc(pairs, func(p [2]string) bool { return p[0] == a && p[1] == b })]
	})

	bad := 0
	for i, p := range pairs {
		got := sym(Compare(p[0], p[1]))
		if answers[i] == "E" {
			t.Errorf("dpkg refuses a version of the pair %q, %q from the Packages indices", p[0], p[1])
			continue
		}
		if got != answers[i] {
			bad++
			if bad <= 20 {
				t.Errorf("Compare(%q, %q) = %s, dpkg says %s", p[0], p[1], got, answers[i])
			}
		}
	}
	t.Logf("compared %d pairs (%d distinct versions) with libdpkg in %v; %d disagreements",
		len(pairs), len(versions), oracleTime.Round(time.Millisecond), bad)
}

// aptVersions returns the distinct Version and Source versions of every
// Packages index, sorted bytewise.
func aptVersions(t *testing.T) []string {
	t.Helper()
	dir := os.Getenv("BULWARK_APT_LISTS")
	if dir == "" {
		dir = "/var/lib/apt/lists"
	}
	files, err := filepath.Glob(filepath.Join(dir, "*Packages*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		var data []byte
		if strings.HasSuffix(f, "Packages") {
			data, err = os.ReadFile(f)
		} else {
			// apt keeps the indices compressed (lz4 here); its helper
			// reads every format apt itself supports.
			if _, serr := os.Stat(aptHelper); serr != nil {
				t.Skipf("%s is compressed and %s is missing", f, aptHelper)
			}
			data, err = exec.Command(aptHelper, "cat-file", f).Output()
		}
		if err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "Version: "):
				seen[strings.TrimSpace(line[len("Version: "):])] = true
			case strings.HasPrefix(line, "Source: "):
				// "Source: name (version)" when it differs from Version.
				if _, rest, ok := strings.Cut(line, "("); ok {
					if v, _, ok := strings.Cut(rest, ")"); ok {
						seen[strings.TrimSpace(v)] = true
					}
				}
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

// makePairs draws n pairs deterministically: a third at random, a third
// between near neighbours in Compare's order (where mistakes hide), and a
// third between a version and a variant made by appending or cutting.
func makePairs(versions []string, n int) [][2]string {
	r := rand.New(rand.NewPCG(1, 2))
	sorted := slices.Clone(versions)
	slices.SortStableFunc(sorted, Compare)
	suffixes := []string{"~", "~1", "+b1", ".1", "a", "-1", "~~", "0", "+"}
	pairs := make([][2]string, 0, n)
	for len(pairs) < n {
		switch len(pairs) % 3 {
		case 0:
			pairs = append(pairs, [2]string{versions[r.IntN(len(versions))], versions[r.IntN(len(versions))]})
		case 1:
			i := r.IntN(len(sorted) - 4)
			j := i + 1 + r.IntN(3)
			if r.IntN(2) == 0 {
				i, j = j, i
			}
			pairs = append(pairs, [2]string{sorted[i], sorted[j]})
		default:
			v := versions[r.IntN(len(versions))]
			w := v + suffixes[r.IntN(len(suffixes))]
			if r.IntN(3) == 0 && len(v) > 2 {
				w = v[:len(v)-1-r.IntN(2)]
			}
			if Valid(w) != nil {
				w = v
			}
			pairs = append(pairs, [2]string{v, w})
		}
	}
	return pairs
}

func buildOracle(ctx context.Context, dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "libdpkgcmp")
	cmd := exec.CommandContext(ctx, goTool, "build", "-tags", "libdpkg", "-o", out, "./internal/libdpkgcmp")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./internal/libdpkgcmp: %v\n%s", err, msg)
	}
	return out, nil
}

func runOracle(ctx context.Context, oracle string, pairs [][2]string) ([]string, error) {
	var in bytes.Buffer
	for _, p := range pairs {
		if strings.ContainsAny(p[0]+p[1], "\t\n") {
			return nil, errors.New("pair contains a tab or newline")
		}
		fmt.Fprintf(&in, "%s\t%s\n", p[0], p[1])
	}
	cmd := exec.CommandContext(ctx, oracle)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("running libdpkgcmp: %w", err)
	}
	answers := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(answers) != len(pairs) {
		return nil, fmt.Errorf("libdpkgcmp answered %d of %d pairs", len(answers), len(pairs))
	}
	return answers, nil
}

// checkAgainstCLI compares want (ours or the oracle's answer) with
// `dpkg --compare-versions` on every pair, two processes at a time.
func checkAgainstCLI(ctx context.Context, t *testing.T, pairs [][2]string, want func(a, b string) string) {
	t.Helper()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		bad int
	)
	work := make(chan [2]string)
	for range 2 {
		wg.Go(func() {
			for p := range work {
				got, err := cliCompare(ctx, p[0], p[1])
				mu.Lock()
				if err != nil {
					t.Error(err)
				} else if w := want(p[0], p[1]); w != got {
					bad++
					if bad <= 20 {
						t.Errorf("pair %q, %q: dpkg --compare-versions says %s, compared %s", p[0], p[1], got, w)
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range pairs {
		work <- p
	}
	close(work)
	wg.Wait()
}

func cliCompare(ctx context.Context, a, b string) (string, error) {
	for _, op := range []struct{ op, sym string }{{"lt", "<"}, {"eq", "="}} {
		err := exec.CommandContext(ctx, "dpkg", "--compare-versions", a, op.op, b).Run()
		if err == nil {
			return op.sym, nil
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			return "", fmt.Errorf("dpkg --compare-versions %q %s %q: %v", a, op.op, b, err)
		}
	}
	return ">", nil
}

func sym(c int) string {
	switch {
	case c < 0:
		return "<"
	case c > 0:
		return ">"
	}
	return "="
}
