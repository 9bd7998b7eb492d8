package vercmp

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFor(t *testing.T) {
	// One ordering fact per scheme that tells the schemes apart.
	tests := []struct {
		scheme string
		a, b   string
		want   int
	}{
		{"dpkg", "1.0~rc1", "1.0", -1},
		{"apk", "1.0_rc1", "1.0", -1},
		{"rpm", "1.0^git1", "1.0", 1},
		{"go", "go1.21rc2", "1.21.0", -1},
		{"semver", "1.0.0-alpha", "1.0.0", -1},
		{"pep440", "1.0.dev0", "1.0a0", -1},
		{"npm", "1.2.3beta", "1.2.3-beta", 0},
		{"maven", "1.0-SNAPSHOT", "1.0", -1},
	}
	var seen []string
	for _, tt := range tests {
		c, ok := For(tt.scheme)
		if !ok {
			t.Fatalf("For(%q) not found", tt.scheme)
		}
		if got := c.Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Compare(%q, %q) = %d, want %d", tt.scheme, tt.a, tt.b, got, tt.want)
		}
		v, ok := c.(Validator)
		if !ok {
			t.Fatalf("%s: not a Validator", tt.scheme)
		}
		if err := v.Valid(tt.a); err != nil {
			t.Errorf("%s: Valid(%q) = %v", tt.scheme, tt.a, err)
		}
		if got := c.(*Scheme).Name(); got != tt.scheme {
			t.Errorf("Name() = %q, want %q", got, tt.scheme)
		}
		seen = append(seen, tt.scheme)
	}
	slices.Sort(seen)
	if diff := cmp.Diff(Schemes(), seen); diff != "" {
		t.Errorf("Schemes() mismatch (-got +tested):\n%s", diff)
	}
	if _, ok := For("cargo"); ok {
		t.Error(`For("cargo") found a scheme`)
	}
}
