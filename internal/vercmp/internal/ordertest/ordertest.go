// Package ordertest checks the laws every version ordering must obey, for
// the tests and fuzz targets of the vercmp packages: Compare is reflexive,
// antisymmetric and transitive on any strings, returns only -1, 0 or +1, and
// agrees with itself when asked twice.
package ordertest

import (
	"fmt"
	"testing"
)

// Triple checks the order laws on a, b and c and reports the first broken
// one as a test error.
func Triple(t testing.TB, cmp func(a, b string) int, a, b, c string) {
	t.Helper()
	if err := TripleErr(cmp, a, b, c); err != nil {
		t.Error(err)
	}
}

// TripleErr is Triple returning the violation instead of reporting it.
func TripleErr(cmp func(a, b string) int, a, b, c string) error {
	vs := [3]string{a, b, c}
	var r [3][3]int
	for i, x := range vs {
		for j, y := range vs {
			r[i][j] = cmp(x, y)
			if r[i][j] < -1 || r[i][j] > 1 {
				return fmt.Errorf("Compare(%q, %q) = %d, want -1, 0 or 1", x, y, r[i][j])
			}
			if again := cmp(x, y); again != r[i][j] {
				return fmt.Errorf("Compare(%q, %q) gave %d then %d", x, y, r[i][j], again)
			}
		}
	}
	for i, x := range vs {
		if r[i][i] != 0 {
			return fmt.Errorf("Compare(%q, %q) = %d, want 0 (reflexive)", x, x, r[i][i])
		}
		for j, y := range vs {
			if r[i][j] != -r[j][i] {
				return fmt.Errorf("Compare(%q, %q) = %d but Compare(%q, %q) = %d (antisymmetry)", x, y, r[i][j], y, x, r[j][i])
			}
		}
	}
	// Transitivity of <= over every ordering of the three: x<=y and y<=z
	// imply x<=z, and with equality on both sides x==z.
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				if r[i][j] <= 0 && r[j][k] <= 0 {
					if r[i][k] > 0 {
						return fmt.Errorf("%q <= %q <= %q but Compare(%q, %q) = %d (transitivity)", vs[i], vs[j], vs[k], vs[i], vs[k], r[i][k])
					}
					if r[i][j] == 0 && r[j][k] == 0 && r[i][k] != 0 {
						return fmt.Errorf("%q == %q == %q but Compare(%q, %q) = %d (transitivity of equality)", vs[i], vs[j], vs[k], vs[i], vs[k], r[i][k])
					}
					if (r[i][j] < 0 || r[j][k] < 0) && r[i][k] >= 0 {
						return fmt.Errorf("%q < %q < %q (one strict) but Compare(%q, %q) = %d (transitivity)", vs[i], vs[j], vs[k], vs[i], vs[k], r[i][k])
					}
				}
			}
		}
	}
	return nil
}

// Chain checks that vs is strictly increasing: every earlier element sorts
// before every later one, in both argument orders.
func Chain(t testing.TB, cmp func(a, b string) int, vs []string) {
	t.Helper()
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			if got := cmp(vs[i], vs[j]); got != -1 {
				t.Errorf("Compare(%q, %q) = %d, want -1", vs[i], vs[j], got)
			}
			if got := cmp(vs[j], vs[i]); got != 1 {
				t.Errorf("Compare(%q, %q) = %d, want 1", vs[j], vs[i], got)
			}
		}
	}
}
