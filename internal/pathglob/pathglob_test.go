package pathglob

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"srv/app/.env", "srv/app/.env", true},
		{"/srv/app/.env", "srv/app/.env", true},
		{"./srv/app/.env", "/srv/app/.env", true},
		{"srv/*/.env", "srv/app/.env", true},
		{"srv/*/.env", "srv/app/sub/.env", false},
		{"srv/app/**", "srv/app/a/b/c.pem", true},
		{"srv/app/**", "srv/app", true},
		{"srv/app/**", "srv/application/x", false},
		{"*/test/**", "opt/test/keys/k.pem", true},
		{"**", "anything/at/all", true},
		{"srv/app", "srv/app/x", false},
	} {
		if got := Match(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestValid(t *testing.T) {
	for _, ok := range []string{"usr/**", "/srv/*/.env", "**", "a/[bc]/d"} {
		if err := Valid(ok); err != nil {
			t.Errorf("Valid(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"usr/[lib", "a/[/**"} {
		if Valid(bad) == nil {
			t.Errorf("Valid(%q) accepted a malformed pattern", bad)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("srv/app/**", "srv/app/x/y")
	f.Add("**", "a")
	f.Add("*/[a-c]?", "x/b1")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		if Valid(pattern) != nil {
			return
		}
		// A leading "/" on either side never changes the answer, and a
		// directory pattern covers what its directory part matches.
		got := Match(pattern, p)
		if Match("/"+pattern, "/"+p) != got {
			t.Fatalf("Match(%q, %q) changes with a leading slash", pattern, p)
		}
		if got && clean(p) != "" && !Match(strings.TrimSuffix(clean(pattern), "/**")+"/**", p) {
			t.Fatalf("%q matches %q but its /** form does not", pattern, p)
		}
	})
}
