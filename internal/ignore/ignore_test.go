package ignore

import (
	"strings"
	"testing"
	"time"
)

const sample = `ignores:
  - id: CVE-2023-0001
    reason: not reachable
  - id: GHSA-aaaa
    package: lodash
    reason: test fixture only
    expires: 2026-01-31
  - id: CVE-2023-0002
    package: pkg:deb/debian/openssl@3.0.11-1?distro=debian-12
    reason: mitigated
    expires: 2030-12-31
`

func TestCheck(t *testing.T) {
	l, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d.Add(12 * time.Hour) }
	tests := []struct {
		name string
		f    Finding
		now  time.Time
		want Verdict
	}{
		{"by id", Finding{ID: "CVE-2023-0001", Package: "x"}, day("2026-06-01"), Verdict{Suppressed: true, Entry: &l.Entries[0]}},
		{"by alias", Finding{ID: "DSA-1", Aliases: []string{"CVE-2023-0001"}}, day("2026-06-01"), Verdict{Suppressed: true, Entry: &l.Entries[0]}},
		{"package scoped, other package", Finding{ID: "GHSA-aaaa", Package: "underscore"}, day("2026-01-01"), Verdict{}},
		{"package scoped, last day", Finding{ID: "GHSA-aaaa", Package: "lodash"}, day("2026-01-31"), Verdict{Suppressed: true, Entry: &l.Entries[1]}},
		{"expired", Finding{ID: "GHSA-aaaa", Package: "lodash"}, day("2026-02-01"), Verdict{Entry: &l.Entries[1], Expired: true}},
		{"by purl", Finding{ID: "CVE-2023-0002", Package: "libssl3", PURL: "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12"}, day("2026-01-01"), Verdict{Suppressed: true, Entry: &l.Entries[2]}},
		{"no entry", Finding{ID: "CVE-1999-0001"}, day("2026-01-01"), Verdict{}},
	}
	for _, tt := range tests {
		got := l.Check(tt.f, tt.now)
		if got.Suppressed != tt.want.Suppressed || got.Expired != tt.want.Expired || got.Entry != tt.want.Entry {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no id":       "ignores:\n  - reason: x\n",
		"no reason":   "ignores:\n  - id: CVE-1\n",
		"bad date":    "ignores:\n  - id: CVE-1\n    reason: x\n    expires: soon\n",
		"unknown key": "ignores:\n  - id: CVE-1\n    reason: x\n    expiry: 2026-01-01\n",
		"not yaml":    "ignores: [\n",
		"bad path":    "ignores:\n  - id: CVE-1\n    reason: x\n    path: usr/[lib\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if l, err := Parse(strings.NewReader("")); err != nil || len(l.Entries) != 0 {
		t.Errorf("empty file: %v %v", l, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("ignores:\n  - id: a\n    reason: b\n    expires: 2020-01-01T00:00:00Z\n")
	f.Add("ignores:\n  - id: a\n    reason: b\n    path: /srv/*/test/**\n")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, e := range l.Entries {
			l.Check(Finding{ID: e.ID, Package: e.Package, Paths: []string{e.Path, "srv/app/x"}}, time.Now())
		}
	})
}
